"""The view inside ipywidgets layouts in a real JupyterLab: never 0 px wide."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.lab import Lab, write_notebook
from tests.support.pixels import assert_drawn
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

SOURCE = """\
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import ipywidgets as w
from layerscape import ModelView
from layerscape.demo import build_lenet, load_digits
x, y = load_digits()
views = [ModelView(build_lenet(), height=300) for _ in range(3)]
for v in views:
    v.predict(x[0])
w.VBox([w.HBox([views[0], w.IntSlider()]), w.HBox([views[1], views[2]])])"""

_SIZES = """() => [...document.querySelectorAll('.layerscape')].map((r) => ({
  state: r.dataset.state, predictions: r.dataset.predictions,
  width: r.getBoundingClientRect().width, height: r.getBoundingClientRect().height}))"""


def test_views_in_hbox_and_vbox_have_a_width(page, lab_server, page_log, artifacts: Path):
    write_notebook(lab_server.root_dir, "layouts.ipynb", [SOURCE])
    lab = Lab(page, lab_server)
    lab.open_notebook("layouts.ipynb")
    lab.run_all(timeout=240)
    sizes = wait_until(
        lambda: (s := page.evaluate(_SIZES)) and len(s) == 3
        and all(v["state"] == "ready" and v["predictions"] == "1" for v in s) and s,
        120, "three views ready with their prediction", lab.describe_cells,
    )  # fmt: skip
    page.locator(".widget-vbox").first.screenshot(path=str(artifacts / "layouts.png"))
    for view in sizes:
        assert view["width"] >= 300, f"a view in an HBox is {view['width']:.0f} px wide: {sizes}"
        assert abs(view["height"] - 300) < 2, sizes
    # Two views sharing a row share it: neither takes it all.
    assert sizes[1]["width"] + sizes[2]["width"] <= page.viewport_size["width"]
    for canvas in page.locator(".layerscape canvas").all():
        canvas.scroll_into_view_if_needed()
        assert_drawn(canvas.screenshot(), "a view inside a layout")
    assert not page_log.problems((r"favicon",)), page_log.problems((r"favicon",))
