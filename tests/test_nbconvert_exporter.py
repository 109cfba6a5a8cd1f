"""nbconvert_exporter.py: which saved states are views, what the page holds, and that the
exporter loads without Keras (the browser test opens a real export: test_saved_notebook)."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys

import nbformat

from layerscape.nbconvert_exporter import LayerscapeExporter, is_model_view, saved_views
from tests.support.paths import REPO_ROOT

STATE_MIME = "application/vnd.jupyter.widget-state+json"
VIEW_MIME = "application/vnd.jupyter.widget-view+json"
PAYLOAD = b"LSP1</script><!--"


def _view_state(name: str = "layerscape.widget.ModelView") -> dict:
    return {
        "model_name": "AnyModel", "model_module": "anywidget", "model_module_version": "~0.9.*",
        "state": {"_anywidget_id": name, "_esm": "x" * 5000, "_css": "", "layout": "IPY_MODEL_l",
                  "_graph": {"nodes": [{"id": "a", "name": "<b>a</b>"}], "edges": []},
                  "_open": [], "theme": "dark", "height": 300},
        "buffers": [{"path": ["_payload"], "encoding": "base64",
                     "data": base64.b64encode(PAYLOAD).decode()}],
    }  # fmt: skip


def _output(model_id: str, png: bool = True) -> dict:
    data = {"text/plain": f"W({model_id})", VIEW_MIME: {"version_major": 2, "version_minor": 0,
                                                       "model_id": model_id}}  # fmt: skip
    if png:
        data["image/png"] = base64.b64encode(b"\x89PNG-" + model_id.encode()).decode()
    return nbformat.v4.new_output("display_data", data=data)


def _notebook() -> nbformat.NotebookNode:
    slider = {"model_name": "IntSliderModel", "model_module": "@jupyter-widgets/controls",
              "model_module_version": "2.0.0", "state": {"value": 3}}  # fmt: skip
    cells = [
        nbformat.v4.new_markdown_cell("Math: $x^2$"),
        nbformat.v4.new_code_cell("v1", outputs=[_output("v1")]),
        nbformat.v4.new_code_cell("s", outputs=[_output("s1", png=False)]),
        nbformat.v4.new_code_cell("v2", outputs=[_output("v2")]),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["widgets"] = {
        STATE_MIME: {
            "version_major": 2,
            "version_minor": 0,
            "state": {
                "v1": _view_state(),
                "v2": _view_state(),
                "s1": slider,
                "hidden": _view_state(),
            },
        }
    }
    return nb


def test_views_are_known_by_anywidgets_name_or_their_own_traits_never_by_esm():
    assert is_model_view(_view_state())
    assert is_model_view(_view_state("layerscape.widget.MyView")) is False
    other = _view_state("mypkg.Widget")
    assert is_model_view(other)  # another name, but ModelView's traits: _graph and _payload
    del other["buffers"]
    assert not is_model_view(other)
    nameless = _view_state()
    del nameless["state"]["_anywidget_id"]
    nameless["state"]["_esm"] = "import 'layerscape-runtime'"  # a stub front end
    assert is_model_view(nameless)
    assert not is_model_view({"state": {"value": 1}}) and not is_model_view(None)


def test_saved_views_hold_each_shown_views_state_without_the_front_end():
    views = saved_views(_notebook())
    assert sorted(views) == ["v1", "v2"]  # the slider is not a view; "hidden" is not shown
    text = views["v1"]
    assert "<" not in text  # safe inside <script>: every "<" is \\u003c
    saved = json.loads(text)
    assert "_esm" not in saved["state"] and "layout" not in saved["state"]
    assert saved["state"]["theme"] == "dark"
    assert saved["state"]["_graph"]["nodes"][0]["name"] == "<b>a</b>"
    assert [base64.b64decode(b["data"]) for b in saved["buffers"]] == [PAYLOAD]


def test_the_page_inlines_the_front_end_once_and_loads_nothing():
    html, _ = LayerscapeExporter().from_notebook_node(_notebook())
    assert html.count("var LayerscapeWidget") == 1
    assert html.count("LayerscapeWidget.mountSaved()") == 1
    assert html.count('class="jp-OutputArea-output layerscape-saved"') == 2
    assert len(re.findall(r'<img[^>]*class="layerscape-picture"', html)) == 2
    assert not re.search(r"<script[^>]*\bsrc=", html), "a script loads from elsewhere"
    assert not re.search(r"<link[^>]*\bhref=\"?https?:", html)
    assert "mathjax" not in html.lower() and "require.js" not in html
    assert "xxxxxxxxxx" not in html  # no view's _esm: the page holds the bundle once
    assert STATE_MIME not in html  # nor the whole widget state for the html-manager
    # The slider has no front end here: its text instead of a dead widget script.
    assert "<pre>W(s1)</pre>" in html
    assert f'type="{VIEW_MIME}"' not in html


def test_a_notebook_without_views_gets_no_bundle():
    nb = _notebook()
    for cell in nb.cells[1:]:
        cell.outputs = []
    html, _ = LayerscapeExporter().from_notebook_node(nb)
    assert "LayerscapeWidget" not in html


def test_the_exporter_loads_without_keras_and_is_declared_for_nbconvert():
    code = ("import sys, layerscape.nbconvert_exporter; "
            "print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO_ROOT / "src")}, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    # (tomllib is Python 3.11+; the package supports 3.10.)
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    section = pyproject.split('[project.entry-points."nbconvert.exporters"]')[1].split("\n[")[0]
    assert 'layerscape = "layerscape.nbconvert_exporter:LayerscapeExporter"' in section
