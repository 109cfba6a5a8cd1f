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

from .capture import run_untraced, run_with_activations
from .encode import CHANNEL_FAMILIES, encode_activations, layers_with_channels
from .graph import Untraced, can_open, graph_from_plan, plan_model, with_observed_shapes
from .samples import prepare_inputs
from .spec import GraphSpec

STATIC = Path(__file__).parent / "static"
BUNDLE = STATIC / "widget.js"
OPTIONS = ("theme", "height", "summary", "color_scope")
THEMES = ("auto", "light", "dark")
COLOR_SCOPES = ("layer", "channel", "model")
SUMMARIES = ("mean", "max")
EXPORT_MAX_BYTES = 10_000_000
"""Default size budget of a page written by ``save_html``."""


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
        A built ``keras.Sequential``, Functional or subclassed ``keras.Model``. It is
        read, never changed. A subclassed model is traced through its ``call()``; when
        that cannot be done (Python control flow on tensor values), the view shows its
        layers in order without connections, says that the wiring is unknown, and only
        the input and the output carry values.
    labels
        Optional class names for the model's (first) output, one per unit; the view
        labels the output units and names the top class.
    theme : {"auto", "light", "dark"}, default "auto"
        Colours of the view; ``"auto"`` follows the notebook's theme.
    height : int, default 560
        Height of the view in pixels.
    summary : {"mean", "max"}, default "mean"
        How a closed feature map (or volume) reduces its channels to one plane per
        image (or per depth slice).
    color_scope : {"layer", "channel", "model"}, default "layer"
        Which values share one colour scale: each layer's own, each channel's own (an
        open feature map's tiles, an open sequence's strips, are scaled one by one), or
        the whole model's. The hover legend says which.

    Raises
    ------
    TypeError
        For an unknown keyword argument or a non-Keras model.
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
        shape = None if isinstance(plan, Untraced) else plan.functional.outputs[0].shape[1:]
        labels = _check_labels(shape, labels)
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
            by input name. For a subclassed model that could not be traced and whose
            input shape Keras never recorded, ``x`` is what ``model(x)`` takes: a batch
            (a list of batches, one per argument, when its ``call()`` takes several).

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
        if isinstance(self._plan, Untraced):
            return self._predict_untraced(x)
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

    def _predict_untraced(self, x: Any) -> Any:
        plan = self._plan
        assert isinstance(plan, Untraced)
        if plan.input_shape is not None:
            (array,), batched = prepare_inputs(
                x, names=[plan.input_id], shapes=[plan.input_shape], dtypes=["float32"]
            )
            x = array
        else:
            batched = True
            x = keras.tree.map_structure(_numeric, x)
        outputs, activations = run_untraced(plan, x)
        if self._graph["labels"] is not None:  # only now is the output's shape known
            output = activations.get(plan.output_id)
            _check_labels(None if output is None else output.shape, self._graph["labels"])
        self._seq += 1
        self._activations = activations
        graph = with_observed_shapes(self._graph, plan, activations)  # type: ignore[arg-type]
        with self.hold_sync():
            if graph is not self._graph:
                self._graph = graph
            self._send_payload()
        if not batched:
            outputs = keras.tree.map_structure(lambda y: y[0], outputs)
        return outputs

    @property
    def open_layers(self) -> list[str]:
        """Ids of the layers open in the view (their channels laid out in a grid)."""
        return list(self._open)

    def expand(self, *layer_ids: str) -> None:
        """Open layers in the view: ``expand("conv2d", ...)``, or ``expand("all")``
        (or no ids) for every layer that opens.

        Feature maps and volumes open into their channels, sequences into one strip
        per channel, RGB image inputs into their red, green and blue planes. Opening
        sends the layers' channels if the last payload left them out. The open layers
        are synced with clicks in the view, saved with the widget state and honoured
        by :meth:`save_html`.

        Raises
        ------
        ValueError
            For an id that is not a layer of this model that opens.
        """
        ids = self._openable_ids() if _means_all(layer_ids) else self._openable(layer_ids)
        wanted = set(self._open) | set(ids)
        self._open = [i for i in self._node_order() if i in wanted]

    def collapse(self, *layer_ids: str) -> None:
        """Close layers in the view: ``collapse("conv2d", ...)``, or ``collapse("all")``
        (or no ids) for every open one.

        Raises
        ------
        ValueError
            For an id that is not a layer of this model that opens.
        """
        ids = set(self._open) if _means_all(layer_ids) else set(self._openable(layer_ids))
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
        return [n["id"] for n in self._graph["nodes"] if can_open(n)]

    def _openable(self, layer_ids: tuple[str, ...]) -> list[str]:
        openable = self._openable_ids()
        wrong = [i for i in layer_ids if i not in openable]
        if wrong:
            known = set(self._node_order())
            in_model = all(i in known for i in wrong)
            what = "layers that do not open in" if in_model else "not layers of"
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
        with_channels = {n["id"] for n in self._graph["nodes"] if n["family"] in CHANNEL_FAMILIES}
        if not set(change["new"]) & with_channels <= sent:
            self._send_payload()

    def _encode(self, budget: int | None = None) -> bytes:
        """The last prediction as a payload for the open layers (``budget``: see encode)."""
        if not self._activations:
            return b""
        return encode_activations(
            self._graph,  # type: ignore[arg-type]
            self._activations,
            self._seq,
            self.summary,  # type: ignore[arg-type]
            open_ids=set(self._open),
            budget=budget,
        )

    def _send_payload(self) -> None:
        payload = self._encode()
        with self.hold_sync():
            self._payload = payload

    def save_html(
        self, path: str | Path, title: str | None = None, max_bytes: int = EXPORT_MAX_BYTES
    ) -> Path:
        """Write the view, with its last prediction, as one offline HTML file.

        The page holds the front end, the graph, every layer's summary and vector, and
        the channels of the open layers. Channels of closed layers are added, smallest
        layers first, while the file stays within ``max_bytes``: a small model can be
        opened layer by layer offline; a large one shows "not sent" tiles for the
        layers that did not fit (open them before saving to include them).

        Parameters
        ----------
        path
            Where to write the file.
        title
            The page title; the model's name by default.
        max_bytes
            Size budget of the file in bytes (default 10 MB; the front end alone is
            about 0.65 MB).

        Returns
        -------
        pathlib.Path
            The path written. The page loads nothing from the network.

        Raises
        ------
        ValueError
            If what the page must hold (summaries, vectors, open layers) does not fit in
            ``max_bytes``; the message gives the size needed.
        """
        from .export import payload_room, render_page, write_html

        bundle = _bundle().with_name("widget.iife.js")
        title = title or self._graph.get("name", "layerscape")
        state = {
            "_graph": self._graph,
            "_open": list(self._open),
            "_focus": dict(self._focus),
            "theme": self.theme,
            "color_scope": self.color_scope,
            "height": self.height,
        }
        room = payload_room(render_page(bundle, state, b"", title), max_bytes)
        payload = self._encode(budget=room)
        if len(payload) > room:
            needed = max_bytes + (len(payload) - room) * 4 // 3 + 1
            raise ValueError(
                f"the page needs about {needed:,} bytes for its summaries and open layers; "
                f"got max_bytes={max_bytes:,}. Pass a larger max_bytes or collapse layers."
            )
        return write_html(Path(path), render_page(bundle, state, payload, title))


def _means_all(layer_ids: tuple[str, ...]) -> bool:
    return not layer_ids or layer_ids == ("all",)


def _numeric(x: Any) -> np.ndarray:
    array = np.asarray(x)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"expected numeric arrays for the model's input; got dtype {array.dtype}")
    return array


def _check_labels(shape: Any, labels: Any) -> list[str] | None:
    """Labels as strings, checked against the output's per-sample ``shape`` if known."""
    if labels is None:
        return None
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
        raise TypeError(f"labels must be a list of strings; got {type(labels).__name__}")
    labels = [str(label) for label in labels]
    if shape is None:
        return labels
    shape = tuple(shape)
    if len(shape) != 1 or shape[0] != len(labels):
        raise ValueError(
            f"got {len(labels)} labels, but the model's output has shape {shape}: "
            "labels need a rank-1 output with one unit per label"
        )
    return labels
