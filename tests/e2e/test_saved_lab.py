"""A view's output in a live JupyterLab: predict never rebuilds the view for its picture.

A displayed view's output carries a picture (``image/png``) for renderers without
scripts. Refreshing that picture means ``update_display``, and JupyterLab answers an
updated widget output by building a second view of the model (its widget renderer calls
``create_view`` again; the old view's DOM is dropped without its cleanup running). This
test measures that, and checks that layerscape therefore leaves a live page alone: after
display, predicts in later cells build no view, and only ``refresh_picture()`` (the
explicit call before saving) rebuilds it, once.
"""

from __future__ import annotations

import base64

import pytest

from tests.support.lab import Lab, write_notebook
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
  predictions: [...document.querySelectorAll('.layerscape')].map((r) => r.dataset.predictions),
  ready: [...document.querySelectorAll('.layerscape')].every((r) => r.dataset.state === 'ready'),
})"""

_PICTURE = """() => {
  const out = window.jupyterapp.shell.currentWidget.content.widgets[0].model.outputs.toJSON();
  return out.map((o) => ({type: o.output_type, png: (o.data || {})['image/png'] || null,
                          widget: 'application/vnd.jupyter.widget-view+json' in (o.data || {})}));
}"""


def test_predict_in_a_live_lab_rebuilds_no_view_and_refresh_rebuilds_once(
    page, lab_server, page_log
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

    cell = lab.run_new_cell(
        "from layerscape.notebook_display import interactive_client\n"
        "print('interactive:', interactive_client())",
        timeout=60,
    )
    assert "interactive: True" in cell["stdout"], cell

    lab.run_new_cell("view.predict(x[1]); view.predict(x[2])", timeout=120)
    wait_until(lambda: page.evaluate(_COUNTS)["predictions"] == ["3"], 60, "the predictions drawn",
               lab.describe_cells)  # fmt: skip
    # A later cell: the first one's post_run_cell has long run by then.
    lab.run_new_cell("1", timeout=60)
    counts = page.evaluate(_COUNTS)
    assert counts["created"] == 1 and counts["onPage"] == 1, f"predict rebuilt the view: {counts}"
    assert page.evaluate(_PICTURE)[0]["png"] == first_png  # the live output was left alone

    cell = lab.run_new_cell("print('refreshed:', view.refresh_picture())", timeout=120)
    assert "refreshed: True" in cell["stdout"], cell
    wait_until(lambda: page.evaluate(_COUNTS)["created"] == 2 and page.evaluate(_COUNTS)["ready"],
               120, "the rebuilt view ready", lab.describe_cells)  # fmt: skip
    counts = page.evaluate(_COUNTS)
    # The measurement behind the design (notebook_display.py): one update_display, one
    # more view built; the old one left the page, its cleanup not run by JupyterLab.
    print("update_display in JupyterLab:", counts)
    assert counts["created"] == 2 and counts["onPage"] == 1, counts
    new_png = page.evaluate(_PICTURE)[0]["png"]
    assert new_png != first_png, "refresh_picture did not replace the picture"
    assert not page_log.problems((r"favicon",)), page_log.problems((r"favicon",))
