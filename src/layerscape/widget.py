"""The ``ModelView`` widget: a Keras model in 3D, redrawn by ``predict``."""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Any

import anywidget
import keras
import numpy as np
import traitlets

from .capture import run_with_activations
from .encode import encode_activations, layers_with_channels
from .graph import graph_from_plan, plan_model
from .samples import prepare_inputs
from .spec import GraphSpec

STATIC = Path(__file__).parent / "static"
BUNDLE = STATIC / "widget.js"
OPTIONS = ("theme", "height", "summary", "color_scope")
THEMES = ("auto", "light", "dark")
COLOR_SCOPES = ("layer", "channel", "model")
SUMMARIES = ("mean", "max")


def _bundle() -> Path:
    if not BUNDLE.exists():
        raise RuntimeError(
            f"the front-end bundle {BUNDLE} is missing. Install layerscape with "
            "`pip install .` (which builds it), or run `npm ci && npm run build` in js/."
        )
    return BUNDLE


class ModelView(anywidget.AnyWidget):
    """A live 3D view of a Keras model and its activations.

    Parameters
    ----------
    model
        A built ``keras.Sequential`` or Functional ``keras.Model``. It is read, never
        changed.
    labels
        Optional class names for the model's (first) output, one per unit; the view
        labels the output units and names the top class.
    theme : {"auto", "light", "dark"}, default "auto"
        Colours of the view; ``"auto"`` follows the notebook's theme.
    height : int, default 560
        Height of the view in pixels.
    summary : {"mean", "max"}, default "mean"
        How a closed feature-map layer reduces its channels to one plane.
    color_scope : {"layer", "channel", "model"}, default "layer"
        Which values share one colour scale: each layer's own, each channel's own (an
        open feature map's tiles are scaled one by one), or the whole model's. The
        hover legend says which.

    Raises
    ------
    TypeError
        For an unknown keyword argument, a non-Keras model or a subclassed model.
    ValueError
        For an unbuilt model, or labels that do not match the output.
    traitlets.TraitError
        For an option value out of its range (also when set later).

    Examples
    --------
    >>> view = ModelView(model, labels=[str(d) for d in range(10)])
    >>> view                       # doctest: +SKIP
    >>> probs = view.predict(x)    # every layer shows its activation for x
    """

    # A Path here makes anywidget send the file's contents (read when the class is made).
    _esm = BUNDLE
    _graph = traitlets.Dict().tag(sync=True)
    _payload = traitlets.Bytes(b"").tag(sync=True)
    # Ids of the open layers: set by clicks in the view and by expand()/collapse().
    _open = traitlets.List(traitlets.Unicode()).tag(sync=True)
    # fly_to's request: the layer id and a counter, so that flying to the same layer
    # again (after the user moved away) is a change the front end sees.
    _focus = traitlets.Dict().tag(sync=True)
    theme = traitlets.Enum(THEMES, default_value="auto").tag(sync=True)
    height = traitlets.Int(560, min=120, max=4000).tag(sync=True)
    summary = traitlets.Enum(SUMMARIES, default_value="mean")
    color_scope = traitlets.Enum(COLOR_SCOPES, default_value="layer").tag(sync=True)

    def __init__(self, model: keras.Model, labels: list[str] | None = None, **options: Any):
        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise TypeError(
                f"ModelView got unknown option(s) {unknown}; it accepts {', '.join(OPTIONS)}"
            )
        plan = plan_model(model)
        labels = _check_labels(plan.functional.outputs[0], labels)
        graph = graph_from_plan(model, plan, labels)
        _bundle()
        # Set before the traits: their observers read these.
        self._plan = plan
        self._activations: dict[str, np.ndarray] = {}
        self._seq = 0
        super().__init__(_graph=graph, **options)

    @traitlets.observe("summary")
    def _on_summary(self, change: dict[str, Any]) -> None:
        if self._activations:  # redraw the closed layers with the new reduction
            self._send_payload()

    @property
    def graph(self) -> GraphSpec:
        """The model's graph: ``{"nodes": [...], "edges": [...], ...}`` (a copy)."""
        return copy.deepcopy(self._graph)  # type: ignore[return-value]

    @property
    def activations(self) -> dict[str, np.ndarray]:
        """Node id -> that layer's output for the last predicted sample (no batch)."""
        return dict(self._activations)

    @property
    def prediction_count(self) -> int:
        """How many predictions this view has been sent."""
        return self._seq

    def predict(self, x: Any) -> Any:
        """Run the model on ``x`` and redraw every layer with its activation.

        Parameters
        ----------
        x
            One sample without the batch dimension, or a batch (the view shows the
            first sample). For several inputs, a list in input order or a dict keyed
            by input name.

        Returns
        -------
        numpy.ndarray or list or dict
            What the model returns for ``x``, as numpy: for one sample without its
            batch dimension, for a batch with it.

        Raises
        ------
        TypeError, ValueError
            If ``x`` does not fit the model's inputs; the message names the expected
            shape. The view is unchanged and keeps working.
        """
        inputs = self._plan.functional.inputs
        arrays, batched = prepare_inputs(
            x,
            names=[t._keras_history.operation.name for t in inputs],
            shapes=[[None if d is None else int(d) for d in t.shape[1:]] for t in inputs],
            dtypes=[str(t.dtype) for t in inputs],
        )
        outputs, activations = run_with_activations(self._plan, arrays)
        self._seq += 1
        self._activations = activations
        self._send_payload()
        if not batched:
            outputs = [y[0] for y in outputs]
        return keras.tree.pack_sequence_as(self._plan.functional._outputs_struct, outputs)

    @property
    def open_layers(self) -> list[str]:
        """Ids of the layers open in the view (their channels laid out in a grid)."""
        return list(self._open)

    def expand(self, *layer_ids: str) -> None:
        """Open feature-map layers in the view; with no ids, open all of them.

        Raises
        ------
        ValueError
            For an id that is not a feature-map layer of this model.
        """
        ids = self._openable(layer_ids) if layer_ids else self._openable_ids()
        wanted = set(self._open) | set(ids)
        self._open = [i for i in self._node_order() if i in wanted]

    def collapse(self, *layer_ids: str) -> None:
        """Close layers in the view; with no ids, close all of them.

        Raises
        ------
        ValueError
            For an id that is not a feature-map layer of this model.
        """
        ids = set(self._openable(layer_ids)) if layer_ids else set(self._open)
        self._open = [i for i in self._open if i not in ids]

    def fly_to(self, layer_id: str) -> None:
        """Move the camera to frame one layer (animated), its neighbours in sight.

        The view remembers it: a view displayed again, or saved with ``save_html``,
        opens on that layer. "Reset view" goes back to the whole model.

        Parameters
        ----------
        layer_id
            A node id of this model's graph (``view.graph["nodes"][i]["id"]``): the
            layer's name, ``name:k`` for the k-th later call of a shared layer,
            ``outer/inner`` for a layer inside a nested model.

        Raises
        ------
        TypeError
            If ``layer_id`` is not a string.
        ValueError
            If no layer has that id; the message names the closest ids.
        """
        if not isinstance(layer_id, str):
            raise TypeError(f"fly_to expects a layer id (str), got {type(layer_id).__name__}")
        ids = self._node_order()
        if layer_id not in ids:
            close = difflib.get_close_matches(layer_id, ids, n=5, cutoff=0.5)
            hint = (
                f"; did you mean {', '.join(repr(i) for i in close)}?"
                if close
                else f"; its layers are {ids[:8]}{' ...' if len(ids) > 8 else ''}"
            )
            raise ValueError(f"fly_to: {layer_id!r} is not a layer of this model{hint}")
        self._focus = {"id": layer_id, "n": int(self._focus.get("n", 0)) + 1}

    def _node_order(self) -> list[str]:
        return [n["id"] for n in self._graph["nodes"]]

    def _openable_ids(self) -> list[str]:
        return [n["id"] for n in self._graph["nodes"] if n["family"] == "feature_map"]

    def _openable(self, layer_ids: tuple[str, ...]) -> list[str]:
        openable = self._openable_ids()
        wrong = [i for i in layer_ids if i not in openable]
        if wrong:
            known = set(self._node_order())
            what = "not feature maps of" if all(i in known for i in wrong) else "not layers of"
            more = " ..." if len(openable) > 12 else ""
            raise ValueError(
                f"cannot open {wrong}: {what} this model; the layers that open are "
                f"{openable[:12]}{more}"
            )
        return list(layer_ids)

    @traitlets.observe("_open")
    def _on_open(self, change: dict[str, Any]) -> None:
        # A newly opened layer whose channels did not fit the payload gets them now.
        if not self._activations:
            return
        sent = layers_with_channels(self._graph, self._activations, change["old"])  # type: ignore[arg-type]
        if not set(change["new"]) & set(self._openable_ids()) <= sent:
            self._send_payload()

    def _send_payload(self) -> None:
        payload = encode_activations(
            self._graph,  # type: ignore[arg-type]
            self._activations,
            self._seq,
            self.summary,  # type: ignore[arg-type]
            open_ids=set(self._open),
        )
        with self.hold_sync():
            self._payload = payload

    def save_html(self, path: str | Path, title: str | None = None) -> Path:
        """Write the view, with its last prediction, as one offline HTML file.

        Parameters
        ----------
        path
            Where to write the file.
        title
            The page title; the model's name by default.

        Returns
        -------
        pathlib.Path
            The path written. The page loads nothing from the network.
        """
        from .export import write_html

        return write_html(
            Path(path),
            bundle=_bundle().with_name("widget.iife.js"),
            state={
                "_graph": self._graph,
                "_payload": self._payload,
                "_open": list(self._open),
                "_focus": dict(self._focus),
                "theme": self.theme,
                "color_scope": self.color_scope,
                "height": self.height,
            },
            title=title or self._graph.get("name", "layerscape"),
        )


def _check_labels(output: Any, labels: Any) -> list[str] | None:
    if labels is None:
        return None
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
        raise TypeError(f"labels must be a list of strings; got {type(labels).__name__}")
    labels = [str(label) for label in labels]
    shape = tuple(output.shape[1:])
    if len(shape) != 1 or shape[0] != len(labels):
        raise ValueError(
            f"got {len(labels)} labels, but the model's output has shape {shape}: "
            "labels need a rank-1 output with one unit per label"
        )
    return labels
