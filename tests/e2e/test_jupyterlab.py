"""layerscape in a real JupyterLab: run the quickstart, predict again, open a layer.

A session-scoped JupyterLab server (``lab_server`` in conftest) runs on 127.0.0.1 with
an empty token and this interpreter as its kernel; Chromium drives it through
``window.jupyterapp`` (``LabApp.expose_app_in_browser``). TensorFlow's import and the
LeNet training happen in the kernel, and SwiftShader renders on the CPU, so the waits
are long; each wait fails early, with the kernel's traceback, if a cell errors.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.support.chromium import guard_network
from tests.support.lab import Lab, write_notebook
from tests.support.page import settle, shoot
from tests.support.paths import REPO_ROOT
from tests.support.pixels import assert_drawn, decode_png, pixel_diff
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

QUICKSTART = REPO_ROOT / "notebooks" / "quickstart.ipynb"

# Messages JupyterLab itself may log that say nothing about layerscape.
LAB_NOISE = (r"favicon",)

# A redraw "changes the picture" when at least this many pixels change visibly.
MIN_CHANGED_FRACTION = 0.003
MIN_CHANGED_PIXELS = 500

_ROOT_JS = """() => {
  const roots = document.querySelectorAll('.layerscape');
  const r = roots[0];
  if (!r) return null;
  return {count: roots.length, state: r.dataset.state, predictions: r.dataset.predictions,
          open: r.dataset.open, text: r.innerText.slice(0, 500)};
}"""


@pytest.fixture
def lab(page, lab_server):
    return Lab(page, lab_server)


def test_lab_runs_a_plain_notebook(lab, lab_server, page, page_log, artifacts: Path):
    """The harness: JupyterLab opens, the kernel is this Python, a cell's output shows."""
    source = "import sys\nprint(sys.executable)\nprint(6 * 7)"
    write_notebook(lab_server.root_dir, "smoke.ipynb", [source])
    lab.open_notebook("smoke.ipynb")
    lab.run_all(timeout=60)
    out = lab.cells()[0]["stdout"].split()
    assert out == [sys.executable, "42"], lab.describe_cells()
    lab.page.locator(".jp-OutputArea-output", has_text=sys.executable).wait_for()
    page.screenshot(path=str(artifacts / "smoke.png"))
    lab.run_new_cell("print('again', 6 * 8)", timeout=30)
    assert lab.cells()[-1]["stdout"].strip() == "again 48"
    assert not page_log.problems(LAB_NOISE), page_log.problems(LAB_NOISE)


def test_quickstart_predict_and_open_layer(lab, lab_server, page, page_log, artifacts: Path):
    if not QUICKSTART.exists():
        pytest.fail(f"{QUICKSTART.relative_to(REPO_ROOT)} is missing")
    if not (lab_server.root_dir / QUICKSTART.name).exists():
        shutil.copy(QUICKSTART, lab_server.root_dir / QUICKSTART.name)
    # Only the Jupyter server itself may be contacted: layerscape bundles everything.
    net = guard_network(
        page.context,
        allowed_prefixes=(
            lab_server.url + "/",
            f"ws://127.0.0.1:{lab_server.port}/",
            "data:",
            "blob:",
        ),
    )

    lab.open_notebook(QUICKSTART.name)
    root = page.locator(".layerscape").first
    canvas = root.locator("canvas")

    def widget():
        lab.fail_on_errors()
        info = page.evaluate(_ROOT_JS)
        if info and info["state"] == "error":
            pytest.fail(f"the widget reports data-state=error: {info}")
        return info

    def diagnose():
        return f"widget: {page.evaluate(_ROOT_JS)}\ncells:\n{lab.describe_cells()}\n" + "\n".join(
            page_log.problems()
        )

    # 1. Run the quickstart: TensorFlow import + LeNet training + display + predict.
    lab.run_all(timeout=300)
    info = wait_until(
        lambda: (i := widget()) and i["state"] == "ready" and int(i["predictions"] or 0) >= 1 and i,
        120, "the widget to be ready with a prediction drawn", diagnose,
    )  # fmt: skip
    assert info["count"] == 1, f"expected one widget in the quickstart, found {info['count']}"
    assert canvas.count() == 1, "the widget should hold exactly one <canvas>"
    root.scroll_into_view_if_needed()
    first = shoot(canvas, artifacts / "1-quickstart-canvas.png")
    root.screenshot(path=str(artifacts / "1-quickstart-widget.png"))
    assert_drawn(first, "the canvas after the quickstart")

    # 2. A new cell predicts another digit (with a different label): the picture changes.
    before = int(info["predictions"])
    memory_js = "() => document.querySelector('.layerscape').__layerscape.memory()"
    builds_js = "() => document.querySelector('.layerscape').__layerscape.builds()"
    gpu_before, builds_before = page.evaluate(memory_js), page.evaluate(builds_js)
    cell = lab.run_new_cell(
        "_shown = {int(y[0])} | ({int(y_test[0])} if 'y_test' in globals() else set())\n"
        "_other = next(i for i in range(len(y)) if int(y[i]) not in _shown)\n"
        "print('LAYERSCAPE_OTHER', _other, int(y[_other]))\n"
        "_ = view.predict(x[_other])",
        timeout=120,
    )
    assert "LAYERSCAPE_OTHER" in cell["stdout"], cell
    wait_until(
        lambda: int(widget()["predictions"] or 0) > before and widget()["state"] == "ready",
        60, "data-predictions to go up after view.predict", diagnose,
    )  # fmt: skip
    root.scroll_into_view_if_needed()
    second = shoot(canvas, artifacts / "2-predict-other-digit-canvas.png")
    root.screenshot(path=str(artifacts / "2-predict-other-digit-widget.png"))
    diff = pixel_diff(first, second)
    assert diff.changed >= max(MIN_CHANGED_PIXELS, MIN_CHANGED_FRACTION * diff.total), (
        f"view.predict(another digit) did not visibly change the canvas: {diff.describe()}"
    )
    # Textures were updated in place: predict did not rebuild the scene, and holds
    # exactly the geometries and textures it held before.
    assert builds_before >= 1 and page.evaluate(builds_js) == builds_before
    assert page.evaluate(memory_js) == gpu_before, (
        f"predict rebuilt GPU objects: {gpu_before} -> {page.evaluate(memory_js)}"
    )

    # 3. Click a Conv2D layer: it opens (data-open) and the picture changes.
    cell = lab.run_new_cell(
        "import json\n"
        "print('LAYERSCAPE_CONV', json.dumps([n['id'] for n in view.graph['nodes'] "
        "if n['class_name'] == 'Conv2D']))",
        timeout=60,
    )
    conv_ids = json.loads(cell["stdout"].split("LAYERSCAPE_CONV", 1)[1])
    assert conv_ids, "the quickstart's LeNet should have a Conv2D layer"
    open_before = (widget()["open"] or "").split()
    conv = next((c for c in conv_ids if c not in open_before), None)
    assert conv is not None, f"every Conv2D layer {conv_ids} is already open: {open_before}"

    root.scroll_into_view_if_needed()
    settle(page)
    point = root.evaluate("(el, id) => el.__layerscape && el.__layerscape.project(id)", conv)
    assert point is not None, f"__layerscape.project({conv!r}) gave nothing (is __layerscape set?)"
    box = canvas.bounding_box()
    assert (
        box
        and box["x"] <= point["x"] <= box["x"] + box["width"]
        and (box["y"] <= point["y"] <= box["y"] + box["height"])
    ), f"layer {conv} projects to {point}, outside the canvas {box}"
    hit = page.evaluate(
        "([x, y]) => { const e = document.elementFromPoint(x, y);"
        " return e ? e.tagName + '.' + e.className : null; }",
        [point["x"], point["y"]],
    )
    page.mouse.click(point["x"], point["y"])
    wait_until(
        lambda: conv in (widget()["open"] or "").split(),
        30, f"layer {conv} to appear in data-open after a click at {point} (element there: {hit})",
        diagnose,
    )  # fmt: skip
    assert conv in root.evaluate("(el) => el.__layerscape.openIds()")
    root.screenshot(path=str(artifacts / "3-open-conv-widget.png"))
    # Move off the layer (to an empty corner) so hover highlights do not count.
    page.mouse.move(box["x"] + 3, box["y"] + box["height"] - 3)
    third = shoot(canvas, artifacts / "3-open-conv-canvas.png")
    diff = pixel_diff(second, third)
    assert diff.changed >= max(MIN_CHANGED_PIXELS, MIN_CHANGED_FRACTION * diff.total), (
        f"opening {conv} did not visibly change the canvas: {diff.describe()}"
    )

    # 3b. The open state is shared with Python both ways: the kernel sees the click,
    #     and view.collapse() closes that layer in the page.
    cell = lab.run_new_cell("print('LAYERSCAPE_OPEN', view.open_layers)", timeout=60)
    assert f"'{conv}'" in cell["stdout"], cell
    lab.run_new_cell(f"view.collapse({conv!r})", timeout=60)
    wait_until(
        lambda: conv not in (widget()["open"] or "").split(),
        30, f"view.collapse({conv!r}) to close it in the page", diagnose,
    )  # fmt: skip
    lab.run_new_cell(f"view.expand({conv!r})", timeout=60)
    wait_until(
        lambda: conv in (widget()["open"] or "").split(),
        30, f"view.expand({conv!r}) to open it again in the page", diagnose,
    )  # fmt: skip

    # 4. Clearing the output disposes the view without errors; displaying the same
    #    view again draws the last prediction from the synced state alone.
    assert widget()["state"] == "ready"
    predictions = widget()["predictions"]
    lab.command("notebook:clear-all-cell-outputs")
    wait_until(
        lambda: page.locator(".layerscape").count() == 0, 30, "the widget to go away", diagnose
    )
    lab.run_new_cell("view", timeout=60)
    again = wait_until(
        lambda: (i := widget()) and i["state"] == "ready" and i,
        60, "the re-displayed widget to be ready", diagnose,
    )  # fmt: skip
    assert again["count"] == 1
    assert again["predictions"] == predictions, (
        f"a re-displayed view should show prediction {predictions}, not {again['predictions']}"
    )
    root.scroll_into_view_if_needed()
    assert_drawn(canvas, "the re-displayed view", artifacts / "4-redisplayed-canvas.png")

    # 5. The view follows JupyterLab's theme: switch to JupyterLab Dark, the canvas
    #    background turns dark without a re-render of the cell.
    def background() -> float:
        rgb = decode_png(shoot(canvas, artifacts / "5-theme.png"))[:20, :20, :3]
        return float(rgb.reshape(-1, 3).mean(axis=0) @ [0.299, 0.587, 0.114])

    light = background()
    lab.command("apputils:change-theme", {"theme": "JupyterLab Dark"})
    wait_until(
        lambda: page.evaluate("document.body.dataset.jpThemeLight") == "false",
        30, "JupyterLab to switch to its dark theme", diagnose,
    )  # fmt: skip
    wait_until(lambda: background() < 60, 30, "the canvas to turn dark", diagnose)
    assert light > 200, f"the light theme's canvas background is not light: {light:.0f}"

    # 6. Nothing went wrong along the way.
    lab.fail_on_errors()
    assert not net.offending, f"requests left JupyterLab's server: {net.offending}"
    assert not page_log.problems(LAB_NOISE), "\n".join(page_log.problems(LAB_NOISE))
