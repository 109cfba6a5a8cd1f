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


CONTAINERS = """\
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import ipywidgets as w
from IPython.display import display
from layerscape import ModelView
from layerscape.demo import build_lenet, load_digits
x, y = load_digits()
model = build_lenet()
views = {name: ModelView(model, height=280) for name in
         ("tab", "hidden_tab", "accordion", "grid", "output")}
for v in views.values():
    v.predict(x[0])
views["grid"].layout.width = "520px"
tab = w.Tab([views["tab"], views["hidden_tab"]], titles=["shown", "hidden"])
accordion = w.Accordion([views["accordion"]], titles=["model"], selected_index=0)
grid = w.GridBox([views["grid"], w.IntSlider()],
                 layout=w.Layout(grid_template_columns="560px 200px"))
out = w.Output()
with out:
    display(views["output"])
display(tab, accordion, grid, out)"""

_ALL = """() => [...document.querySelectorAll('.layerscape')].map((r) => {
  const b = r.getBoundingClientRect();
  return {state: r.dataset.state, predictions: r.dataset.predictions, width: b.width,
          height: b.height, hidden: r.offsetParent === null};
})"""


def test_views_in_tab_accordion_gridbox_and_output(page, lab_server, page_log, artifacts: Path):
    write_notebook(lab_server.root_dir, "containers.ipynb", [CONTAINERS])
    lab = Lab(page, lab_server)
    lab.open_notebook("containers.ipynb")
    lab.run_all(timeout=300)
    # Four on screen (the second tab's is laid out only when its tab is selected).
    shown = wait_until(
        lambda: (s := page.evaluate(_ALL)) and len(s) == 5
        and sum(not v["hidden"] and v["state"] == "ready" and v["predictions"] == "1"
                for v in s) == 4 and s,
        180, "four visible views ready with their prediction", lab.describe_cells,
    )  # fmt: skip
    visible = [v for v in shown if not v["hidden"]]
    for view in visible:
        assert view["width"] >= 300 and abs(view["height"] - 280) < 2, shown
    # The GridBox's view follows view.layout.width.
    assert any(abs(v["width"] - 520) < 2 for v in visible), shown
    for i, canvas in enumerate(page.locator(".layerscape canvas").all()):
        if not canvas.is_visible():
            continue
        canvas.scroll_into_view_if_needed()
        assert_drawn(canvas.screenshot(), f"view {i} inside a container")
    page.locator(".jp-OutputArea-output").first.screenshot(path=str(artifacts / "tab.png"))

    # The hidden tab's view, once its tab is selected: sized and drawn.
    page.locator(".lm-TabBar-tab", has_text="hidden").first.click()
    views_now = wait_until(
        lambda: (s := page.evaluate(_ALL)) and not s[1]["hidden"] and s[1]["width"] >= 300
        and s[1]["state"] == "ready" and s,
        60, "the second tab's view to show", lab.describe_cells,
    )  # fmt: skip
    assert abs(views_now[1]["height"] - 280) < 2, views_now
    hidden_canvas = page.locator(".layerscape canvas").nth(1)
    assert_drawn(hidden_canvas, "the view of a tab selected later",
                 artifacts / "hidden-tab.png")  # fmt: skip
    assert not page_log.problems((r"favicon",)), page_log.problems((r"favicon",))
