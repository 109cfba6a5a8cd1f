"""One front end per page, in a real JupyterLab: however many views, and however many
kernels, the page evaluates the bundle once.

anywidget imports each widget's ``_esm`` afresh per model; a view carrying the bundle
would evaluate three.js once per view ("THREE.WARNING: Multiple instances of Three.js
being imported"). The views carry a small loader instead, and the kernel's runtime
widget carries the bundle (``runtime.py``, ``host/loader.ts``). The bundle counts its
evaluations on ``globalThis[Symbol.for("layerscape.evaluations")]``.

marimo takes the other road (``runtime.front_end_traits``): each view's ``_esm`` is the
bundle, which marimo's front end imports once per page for all views with the same code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.hosts import canvas_pixels, start_marimo, views
from tests.support.lab import Lab, stop_lab, write_notebook
from tests.support.pixels import DRAWN, PixelStats, assert_drawn
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
    warned = [m for m in page_log.console if MULTIPLE in m]
    assert not warned, warned
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


MARIMO_APP = Path(__file__).resolve().parent / "apps" / "marimo_two_views.py"


def test_marimo_two_views_evaluate_the_bundle_once(page, page_log, tmp_path, artifacts: Path):
    try:
        server = start_marimo(tmp_path, MARIMO_APP)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        page.goto(server.url + "/", wait_until="domcontentloaded")

        def done():
            found = views(page)
            failed = [v for v in found if v["state"] == "error"]
            assert not failed, f"a view failed: {failed}"
            ready = [v for v in found if v["state"] == "ready" and v["predictions"] >= 1]
            return found if len(found) == 2 and len(ready) == 2 else None

        wait_until(done, 180, "two views ready in marimo",
                   lambda: f"views: {views(page)}\nserver log:\n{server.log_tail()}")  # fmt: skip
        page.screenshot(path=str(artifacts / "marimo-two-views.png"))
        warned = [m for m in page_log.console if MULTIPLE in m]
        assert not warned, warned
        assert page.evaluate(_EVALUATIONS) == 1, "marimo evaluated the bundle more than once"
        for i in range(2):
            stats = PixelStats(**canvas_pixels(page, i)["stats"])
            assert not DRAWN.problems(stats), f"view {i}: {DRAWN.problems(stats)}"
    finally:
        stop_lab(server)
    noise = (r"favicon", r"Error registering service worker")
    assert not page_log.problems(noise), page_log.problems(noise)
