"""A view's output in a live JupyterLab follows each predict, and the view survives it.

A displayed view's output carries a picture (``image/png``) for renderers without
scripts, refreshed after each cell that changed the view (``update_display``,
notebook_display.py). JupyterLab answers an updated widget output by rendering the
widget view again (its renderer empties the output's node, dropping the old view without
cleaning it up, and calls ``create_view``); the new render takes over the old view
(js/src/host/adopt.ts). This test checks both halves: after a predict cell the saved
output's picture is the new one, and the page still has the one view it had: not
rebuilt (same root, same scene builds, same GPU objects), the camera where the user left
it, drawn. Clearing the output then disposes that view.
"""

from __future__ import annotations

import base64
import json

import pytest

from tests.support.hosts import drawn_pixels, views
from tests.support.lab import Lab, write_notebook
from tests.support.page import drag_across, settle
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

SETUP = """\
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from layerscape import ModelView
from layerscape.demo import build_lenet, load_digits
x, y = load_digits()
view = ModelView(build_lenet(), height=260)
view.predict(x[0])
view"""

# Counts every view root that joins the page, and every one whose cleanup ran (render's
# cleanup deletes the root's test handle) or that left the page without it.
_WATCH = """() => {
  window.lsSeen = [];
  const take = (n) => {
    if (n.nodeType !== 1) return;
    for (const r of n.matches('.layerscape') ? [n] : n.querySelectorAll('.layerscape')) {
      if (!window.lsSeen.includes(r)) window.lsSeen.push(r);
    }
  };
  document.querySelectorAll('.layerscape').forEach(take);
  new MutationObserver((records) => records.forEach((m) => m.addedNodes.forEach(take)))
    .observe(document.body, {childList: true, subtree: true});
}"""

_COUNTS = """() => ({
  created: window.lsSeen.length,
  onPage: window.lsSeen.filter((r) => r.isConnected).length,
  cleanedUp: window.lsSeen.filter((r) => !('__layerscape' in r)).length,
  builds: [...document.querySelectorAll('.layerscape')].map((r) => r.__layerscape.builds()),
  memory: [...document.querySelectorAll('.layerscape')].map((r) => r.__layerscape.memory()),
  predictions: [...document.querySelectorAll('.layerscape')].map((r) => r.dataset.predictions),
  ready: [...document.querySelectorAll('.layerscape')].every((r) => r.dataset.state === 'ready'),
})"""

_PICTURE = """() => {
  const out = window.jupyterapp.shell.currentWidget.content.widgets[0].model.outputs.toJSON();
  return out.map((o) => ({type: o.output_type, png: (o.data || {})['image/png'] || null,
                          widget: 'application/vnd.jupyter.widget-view+json' in (o.data || {})}));
}"""


# Where the view's output layer lands on the canvas: moves with the camera.
_PROJECTED = "() => document.querySelector('.layerscape').__layerscape.project('conv2d')"


def _apart(a: dict, b: dict) -> float:
    return float(((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5)


def test_predict_in_a_live_lab_refreshes_the_picture_and_keeps_the_view(
    page, lab_server, page_log, artifacts
):
    write_notebook(lab_server.root_dir, "saved_live.ipynb", [SETUP])
    lab = Lab(page, lab_server)
    lab.open_notebook("saved_live.ipynb")
    page.evaluate(_WATCH)
    lab.run_all(timeout=240)
    wait_until(lambda: page.evaluate(_COUNTS)["ready"] and page.evaluate(_COUNTS)["onPage"] == 1,
               120, "the view ready", lab.describe_cells)  # fmt: skip
    outputs = page.evaluate(_PICTURE)
    assert [(o["type"], o["widget"], bool(o["png"])) for o in outputs] == [
        ("display_data", True, True)
    ], outputs
    first_png = outputs[0]["png"]
    assert base64.b64decode(first_png).startswith(b"\x89PNG")
    home = page.evaluate(_PROJECTED)
    drag_across(page, page.locator(".layerscape canvas").first, 120, 30)  # orbit
    page.mouse.move(1, 1)  # off the view: no hover outline
    settle(page)
    where = page.evaluate(_PROJECTED)
    assert _apart(home, where) > 20, (home, where)  # the drag turned the camera
    before = page.evaluate(_COUNTS)
    assert where is not None

    lab.run_new_cell("view.predict(x[1]); view.predict(x[2])", timeout=120)
    # The cell's post_run_cell updated the output: a new picture in what JupyterLab saves.
    wait_until(lambda: page.evaluate(_PICTURE)[0]["png"] != first_png, 60,
               "the output's picture refreshed", lab.describe_cells)  # fmt: skip
    wait_until(lambda: page.evaluate(_COUNTS)["predictions"] == ["3"], 60, "the predictions drawn",
               lab.describe_cells)  # fmt: skip
    new_png = page.evaluate(_PICTURE)[0]["png"]
    assert base64.b64decode(new_png).startswith(b"\x89PNG")
    counts = page.evaluate(_COUNTS)
    print("after a predict cell in JupyterLab:", counts)
    # JupyterLab rendered the widget view again; the render took over the view.
    assert counts["created"] == 1 and counts["onPage"] == 1, counts
    assert counts["cleanedUp"] == 0 and counts["ready"], counts
    assert counts["builds"] == before["builds"], (before, counts)
    assert counts["memory"] == before["memory"], (before, counts)
    assert _apart(page.evaluate(_PROJECTED), where) < 1, "the camera moved back"
    assert [v["state"] for v in views(page)] == ["ready"]
    drawn_pixels(page)
    page.screenshot(path=str(artifacts / "lab-after-predict.png"))
    (artifacts / "picture-at-display.png").write_bytes(base64.b64decode(first_png))
    (artifacts / "picture-after-predict.png").write_bytes(base64.b64decode(new_png))

    # What GitHub gets: the file JupyterLab writes holds the new picture.
    lab.command("docmanager:save")
    saved = lab_server.root_dir / "saved_live.ipynb"
    wait_until(lambda: new_png in saved.read_text(), 30, "the notebook saved")
    pictures = [o["data"]["image/png"] for c in json.loads(saved.read_text())["cells"]
                for o in c.get("outputs", []) if "image/png" in o.get("data", {})]  # fmt: skip
    assert pictures == [new_png], f"{len(pictures)} pictures saved"

    # An explicit refresh (mid-cell pictures) takes the same path.
    cell = lab.run_new_cell("view.predict(x[3]); print('refreshed:', view.refresh_picture())",
                            timeout=120)  # fmt: skip
    assert "refreshed: True" in cell["stdout"], cell
    wait_until(lambda: page.evaluate(_COUNTS)["predictions"] == ["4"], 60, "the prediction drawn")
    counts = page.evaluate(_COUNTS)
    assert counts["created"] == 1 and counts["builds"] == before["builds"], counts

    # Clearing the output disposes the view (its cleanup runs, after the take-over wait).
    lab.command("notebook:clear-all-cell-outputs")
    wait_until(lambda: page.evaluate(_COUNTS)["cleanedUp"] == 1, 30, "the view disposed",
               lab.describe_cells)  # fmt: skip
    assert page.evaluate(_COUNTS)["onPage"] == 0
    assert not page_log.problems((r"favicon",)), page_log.problems((r"favicon",))
