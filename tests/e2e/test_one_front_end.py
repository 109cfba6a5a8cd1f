"""One front end per page, in a real JupyterLab: however many views, and however many
kernels, the page evaluates the bundle once.

anywidget imports each widget's ``_esm`` afresh per model; a view carrying the bundle
would evaluate three.js once per view ("THREE.WARNING: Multiple instances of Three.js
being imported"). The views carry a small loader instead, and the kernel's runtime
widget carries the bundle (``runtime.py``, ``host/loader.ts``). The bundle counts its
evaluations on ``globalThis[Symbol.for("layerscape.evaluations")]``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.lab import Lab, write_notebook
from tests.support.pixels import assert_drawn
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

SETUP = """\
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from layerscape import ModelView
from layerscape.demo import build_lenet, load_digits
x, y = load_digits()
model = build_lenet()"""

VIEW = """\
view = ModelView(model, height=260)
view.predict(x[{i}])
view"""

_VIEWS = """() => [...document.querySelectorAll('.layerscape')].map((r) => ({
  state: r.dataset.state, predictions: r.dataset.predictions, text: r.innerText.slice(0, 300)}))"""
_EVALUATIONS = "() => globalThis[Symbol.for('layerscape.evaluations')] ?? 0"
MULTIPLE = "Multiple instances of Three.js"


def _ready(page, lab: Lab, count: int) -> list[dict]:
    def done():
        found = page.evaluate(_VIEWS)
        failed = [v for v in found if v["state"] == "error"]
        assert not failed, f"a view failed: {failed}"
        ready = len(found) == count and all(
            v["state"] == "ready" and v["predictions"] == "1" for v in found
        )
        return found if ready else None

    return wait_until(done, 180, f"{count} views ready with their prediction", lab.describe_cells)


def test_two_views_and_two_kernels_evaluate_the_bundle_once(
    page, lab_server, page_log, artifacts: Path
):
    write_notebook(lab_server.root_dir, "two_views.ipynb",
                   [SETUP, VIEW.format(i=0), VIEW.format(i=1)])  # fmt: skip
    write_notebook(lab_server.root_dir, "other_kernel.ipynb", [SETUP, VIEW.format(i=2)])
    lab = Lab(page, lab_server)
    lab.open_notebook("two_views.ipynb")
    lab.run_all(timeout=240)
    _ready(page, lab, 2)
    assert page.evaluate(_EVALUATIONS) == 1, "the bundle was not evaluated exactly once"
    for i, canvas in enumerate(page.locator(".layerscape canvas").all()):
        canvas.scroll_into_view_if_needed()
        assert_drawn(canvas.screenshot(path=str(artifacts / f"view-{i}.png")), f"view {i}")

    # A second notebook, another kernel and its own runtime, beside the first: the same
    # build is not evaluated again, and its view draws.
    lab.open_notebook("other_kernel.ipynb", same_page=True)
    lab.run_all(timeout=240)
    _ready(page, lab, 3)
    assert page.evaluate(_EVALUATIONS) == 1, "the second kernel's views evaluated the bundle"
    canvas = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .layerscape canvas")
    assert canvas.count() == 1
    shot = canvas.screenshot(path=str(artifacts / "other-kernel.png"))
    assert_drawn(shot, "the other kernel's view")

    warned = [m for m in page_log.console if MULTIPLE in m]
    assert not warned, warned
    assert not page_log.problems((r"favicon",)), page_log.problems((r"favicon",))
