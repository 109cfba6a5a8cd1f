"""An nbconvert exporter whose HTML shows a notebook's views offline, without a kernel.

``jupyter nbconvert --to layerscape notebook.ipynb`` (add ``--execute`` to run it first)
writes ``notebook.html``: nbconvert's lab template without any script from a CDN
(require.js, ``@jupyter-widgets/html-manager``, MathJax, Mermaid), with layerscape's
front end inlined once (``static/widget.iife.js``) and every ``ModelView`` output mounted
from the widget state the notebook saved (``metadata.widgets``): it orbits and hovers
like a page from ``ModelView.save_html``, and cannot predict (there is no kernel). The
page loads nothing: it opens from ``file://`` offline. Where its scripts do not run,
each view shows the picture its output carries (``image/png``).

Other widgets (sliders, boxes, an ``HBox`` holding a view) have no front end on the
page: they show their output's next richest type (a picture, HTML, else their text).
LaTeX in Markdown cells stays as written (MathJax is not loaded).

Importing this module loads neither Keras nor TensorFlow: nbconvert finds it through
the ``nbconvert.exporters`` entry point of layerscape's ``pyproject.toml``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import default

from .bundle import IIFE, bundle_path
from .export import script_safe

TEMPLATES = Path(__file__).parent / "templates"
"""The folder holding the exporter's template (``templates/layerscape``)."""

WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
"""Where a notebook's ``metadata.widgets`` keeps the saved widget state."""

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
"""The type of an output showing a widget."""

# The state every ipywidgets DOM widget and anywidget carries beside a ModelView's own
# traits: not needed to draw the view; _esm (a loader, or in marimo and hot-reload mode
# the whole front end) and _runtime (the kernel's bundle holder) point at what the page
# already holds once.
_NOT_VIEW_STATE = frozenset(
    {
        "_esm",
        "_runtime",
        "_css",
        "_anywidget_id",
        "_dom_classes",
        "_model_module",
        "_model_module_version",
        "_model_name",
        "_view_count",
        "_view_module",
        "_view_module_version",
        "_view_name",
        "layout",
        "tabbable",
        "tooltip",
    }
)


def is_model_view(model: Any) -> bool:
    """Whether one entry of a saved widget state is a layerscape ``ModelView``.

    It is when anywidget named its class (``_anywidget_id``, ``"layerscape.widget.ModelView"``
    or a subclass's module in ``layerscape``), or, for a state saved without that
    name, when it has ModelView's own traits: a graph spec (``_graph`` with ``nodes`` and
    ``edges``) and a ``_payload``. The front end (``_esm``) is not looked at: it may be a
    stub that loads the bundle from elsewhere.
    """
    if not isinstance(model, dict) or not isinstance(model.get("state"), dict):
        return False
    state = model["state"]
    name = state.get("_anywidget_id")
    if isinstance(name, str) and name.split(".")[0] == "layerscape":
        return name.rsplit(".", 1)[-1] == "ModelView"
    graph = state.get("_graph")
    paths = [b.get("path") for b in model.get("buffers", []) if isinstance(b, dict)]
    return (
        isinstance(graph, dict)
        and "nodes" in graph
        and "edges" in graph
        and ("_payload" in state or ["_payload"] in paths)
    )


def saved_views(nb: Any) -> dict[str, str]:
    """The ModelViews in ``nb``'s saved widget state, shown by one of its outputs.

    Returns
    -------
    dict
        Model id -> the JSON text the page mounts the view from (``js/src/host/saved.ts``):
        ``{"state": ..., "buffers": [{"path", "data"}]}``, the state without the
        widget-framework traits (:data:`_NOT_VIEW_STATE`), the buffers base64 as
        saved; safe inside a ``<script>`` element (every ``<`` escaped). Empty when the
        notebook saved no widget state (``nbconvert --execute`` saves it; JupyterLab when
        its "Save Widget State Automatically" is on).
    """
    widgets = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE_MIME, {})
    models = widgets.get("state", {}) if isinstance(widgets, dict) else {}
    shown = {
        output["data"][WIDGET_VIEW_MIME].get("model_id")
        for cell in nb.get("cells", [])
        for output in cell.get("outputs", [])
        if isinstance(output.get("data", {}).get(WIDGET_VIEW_MIME), dict)
    }
    views = {}
    for model_id, model in models.items():
        if model_id not in shown or not is_model_view(model):
            continue
        state = {k: v for k, v in model["state"].items() if k not in _NOT_VIEW_STATE}
        buffers = [
            {"path": b["path"], "data": b["data"]}
            for b in model.get("buffers", [])
            if isinstance(b, dict) and b.get("encoding", "base64") == "base64"
        ]
        # JSON stays JSON ("\u003c" is "<"), and no "</script" or "<!--" can end the element.
        views[model_id] = json.dumps({"state": state, "buffers": buffers}).replace("<", "\\u003c")
    return views


class SavedViewsPreprocessor(Preprocessor):
    """Puts the notebook's saved views (:func:`saved_views`) and, when it shows any, the
    front end in ``resources["layerscape"]`` for the template. It runs after every other
    preprocessor: after ``--execute`` has run the notebook and saved its widget state."""

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """Return ``nb`` unchanged and ``resources`` with ``"layerscape"``: ``views``
        (model id -> JSON text) and ``bundle`` (the inlined front end, ``""`` without
        views)."""
        views = saved_views(nb)
        bundle = script_safe(bundle_path(IIFE).read_text(encoding="utf-8")) if views else ""
        resources["layerscape"] = {"views": views, "bundle": bundle}
        return nb, resources


class LayerscapeExporter(HTMLExporter):
    """HTML whose layerscape views work offline, opened without a kernel.

    nbconvert's lab template with no CDN script, layerscape's front end inlined once
    (when the notebook shows a view) and each ``ModelView`` output mounted from the
    notebook's saved widget state; see the module's documentation. Used as
    ``jupyter nbconvert --to layerscape``.
    """

    export_from_notebook = "layerscape (offline HTML)"

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        # Registered last, so it reads the notebook as executed (``--execute``).
        self.register_preprocessor(SavedViewsPreprocessor(parent=self), enabled=True)

    @default("template_name")
    def _template_name_default(self) -> str:
        return "layerscape"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(TEMPLATES)]
