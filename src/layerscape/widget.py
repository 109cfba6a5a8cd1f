"""The ``ModelView`` widget: a Keras model in 3D, redrawn by ``predict``."""

from __future__ import annotations

import copy
import uuid
import warnings
from pathlib import Path
from typing import Any, cast

import anywidget
import keras
import numpy as np
import traitlets
from ipywidgets import widget_serialization
from typing_extensions import Unpack

from .boxes import check_boxes_fn, detect, sample_outputs
from .bundle import bundle_path
from .encode import CHANNEL_FAMILIES, encode_activations, layers_with_channels
from .export import EXPORT_MAX_BYTES, FRAME_QUOTING, save_view
from .folds import check_fold, check_group_ids, hidden_nodes, initial_folded, unfolded_for
from .graph import graph_from_plan
from .images import check_images, with_images
from .inputs import check_labels, check_layer_id, check_layer_ids, check_openable, means_all
from .messages import PageMessageWarning, check_page_message, clean_page_state
from .notebook_display import PictureOutputs
from .options import COLOR_SCOPES, SUMMARIES, THEMES, ViewOptions, check_options
from .picture import model_picture_png
from .plan import plan_model
from .recording import Recording, fit_frames
from .runners import runner_for
from .runtime import Runtime, front_end_traits, view_module
from .samples import (
    MAX_BATCH_BYTES,
    Batch,
    check_index,
    encode_comparison,
    keep_batch,
    page_samples,
    pair_batch,
    resolve_pair,
    samples_reserve,
)
from .spec import ComparePair, GraphSpec, TrainingStep
from .training import Every, TrainingCallback
from .weights import layer_weights, layers_by_node

PAGE_WEIGHTS_BYTES = 1_000_000
"""What a saved page spends, at most, on the weights of layers not showing them."""

HISTORY_MAX_POINTS = 2000
"""The most steps ``history`` (and the view's curves) keep; beyond, the interior is
thinned evenly (every other point), keeping the first and the latest."""

# Looked up now: anywidget reads the view's module when the class below is defined, and
# a missing build should say how to make it rather than "file not found".
BUNDLE = bundle_path()
"""The front end's ES module (``static/widget.js``), which the kernel's runtime carries."""
VIEW_MODULE = view_module()
"""Each view's ``_esm``: the loader ``static/view.js`` (``runtime.py``)."""


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
    images : "auto", list of str or None, default "auto"
        Layers drawn as pictures, like the input: greyscale for 1 channel, true colour
        for 3. ``"auto"``: every model output of shape (H, W, 1) or (H, W, 3) (a
        generator's, an autoencoder's); a list names layers of that shape; None: none
        (they are heat maps like other feature maps). Black and white are the range the
        layer's activation gives (``tanh``: -1..1, ``sigmoid``: 0..1), else the data's
        own; the tooltip says which. Such a node's ``family`` is ``"image"``.
    fold : {"auto", "none", "all"}, default "auto"
        Which blocks (``graph["groups"]``) start folded, each drawn as one box with
        its exit layer's values: ``"auto"`` folds a model of more than
        ``folds.FOLD_THRESHOLD`` (60) nodes to the deepest level of its blocks that
        draws at most that many (the outermost when none does) and leaves smaller
        models as they are; ``"all"`` folds every block; ``"none"`` none. See
        :meth:`fold` and :meth:`unfold`.
    boxes : callable, optional
        ``boxes(outputs) -> list of dicts`` with ``x0, y0, x1, y1`` (input pixels),
        ``label``, ``score`` and optionally ``cell`` ((row, col) of the grid output
        that produced it): called after every prediction with the model's outputs for
        the shown sample (numpy, no batch dimension); the view draws the boxes on the
        input picture, labelled with their score, and outlines their cells (see
        ``layerscape.boxes``). A failing function is shown in the view and raised
        from ``predict``.

    Raises
    ------
    TypeError
        For an unknown keyword argument, a non-Keras model, a malformed ``images``,
        a ``boxes`` that is not callable or a ``fold`` that is not a string.
    ValueError
        For an unbuilt model, labels that do not match the output, ``images`` ids
        that are not layers of shape (H, W, 1|3), or an unknown ``fold``.
    traitlets.TraitError
        For an option value out of its range (also when set later).

    Examples
    --------
    >>> view = ModelView(model, labels=[str(d) for d in range(10)])
    >>> view                       # doctest: +SKIP
    >>> probs = view.predict(x)    # every layer shows its activation for x
    """

    # A Path here makes anywidget send the file's contents (read when the class is made):
    # the small loader that finds the page's one front end through `_runtime`.
    _esm = VIEW_MODULE
    # The kernel's runtime widget, which carries the bundle once for every view
    # ("IPY_MODEL_<id>" on the page); None where the view's _esm is the bundle itself.
    _runtime = traitlets.Instance(Runtime, allow_none=True).tag(sync=True, **widget_serialization)
    _graph = traitlets.Dict().tag(sync=True)
    _payload = traitlets.Bytes(b"").tag(sync=True)
    # Ids of the open layers: set by clicks in the view and by expand()/collapse().
    _open = traitlets.List(traitlets.Unicode()).tag(sync=True)
    # Ids of the folded blocks (groups of _graph): fold()/unfold(), clicks and fly-tos.
    _folded = traitlets.List(traitlets.Unicode()).tag(sync=True)
    # fly_to's request: the layer id and a counter, so that flying to the same layer
    # again (after the user moved away) is a change the front end sees.
    _focus = traitlets.Dict().tag(sync=True)
    theme = traitlets.Enum(THEMES, default_value="auto").tag(sync=True)
    height = traitlets.Int(560, min=120, max=4000).tag(sync=True)
    summary = traitlets.Enum(SUMMARIES, default_value="mean")
    color_scope = traitlets.Enum(COLOR_SCOPES, default_value="layer").tag(sync=True)
    # Ids of the layers drawn as their weights: show_weights()/hide_weights() and the view.
    _weights = traitlets.List(traitlets.Unicode()).tag(sync=True)
    # The training steps plotted in the view's readout (TrainingCallback adds them).
    _history = traitlets.List(traitlets.Dict()).tag(sync=True)
    # The sample of the kept batch shown: view.sample = i and the view's picker.
    sample = traitlets.Int(
        0,
        help="The sample of the last batch shown (0 <= sample < batch_size); setting it "
        "redraws that sample without running the model, and ends a comparison.",
    ).tag(sync=True)
    # The detections of the last prediction (boxes=fn): spec.BoxesState, {} without one.
    _boxes = traitlets.Dict().tag(sync=True)
    # One per view: a front end rendering this model again (an output updated by
    # update_display) takes over the view it replaces (js/src/host/adopt.ts).
    _uid = traitlets.Unicode().tag(sync=True)

    def __init__(
        self,
        model: keras.Model,
        labels: list[str] | None = None,
        **options: Unpack[ViewOptions],
    ):
        check_options(dict(options))
        images = check_images(options.pop("images", "auto"))
        fold = check_fold(options.pop("fold", "auto"))
        self._boxes_fn = check_boxes_fn(options.pop("boxes", None))
        plan = plan_model(model)
        # Set before the traits: their observers read these.
        self._runner = runner_for(plan)
        self._weight_layers = layers_by_node(plan)
        labels = check_labels(self._runner.output_shape, labels)
        graph = with_images(graph_from_plan(model, plan, labels), images)
        self._activations: dict[str, np.ndarray] = {}
        self._batch = Batch({}, 1)
        self._outputs: Any = None  # what the last run returned (for boxes=fn per sample)
        self._pair: ComparePair | None = None
        self._quiet = False
        self._seq = 0
        self._recording = Recording()
        # The step the last payload showed: re-sent payloads (a layer opened, the
        # summary changed) still name it.
        self._step: TrainingStep | None = None
        # The outputs showing this view and their picture (notebook_display.py); the
        # payload's version says when that picture is behind.
        self._outputs_shown = PictureOutputs(self)
        self._payload_version = 0
        super().__init__(
            _graph=graph,
            _folded=initial_folded(graph, fold),
            _uid=uuid.uuid4().hex,
            **front_end_traits(),
            **options,
        )

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply a state update from the page, after dropping what it may not send."""
        # anywidget instantiates a subclass of its own; the traits declared here are these.
        own = set(ModelView.class_own_traits())
        choices = {
            "_open": set(self._openable_ids()),
            "_weights": set(self._weight_layers),
            "_folded": set(self._group_ids()),
        }
        clean = clean_page_state(sync_data, own, choices, samples=self._batch.kept)
        try:
            super().set_state(clean)
        except (traitlets.TraitError, TypeError, ValueError, KeyError, AttributeError) as exc:
            # An inherited ipywidgets trait's own deserialiser refused the value.
            warnings.warn(
                f"layerscape: the page sent a state update that does not fit: {exc!s:.200}; "
                "ignored",
                PageMessageWarning,
                stacklevel=2,
            )

    def _handle_msg(self, msg: dict[str, Any]) -> None:
        """A comm message from the page, handled only once its envelope is well formed
        (``messages.check_page_message``): a malformed one is warned about, never raised."""
        if check_page_message(msg, custom_handlers=len(self._msg_callbacks.callbacks)):
            super()._handle_msg(msg)

    def _ipython_display_(self) -> None:
        # IPython calls this (for `view` as a cell's last line and display(view)) rather
        # than _repr_mimebundle_: the output gets the picture and this view's display id.
        self._outputs_shown.display()

    def widget_bundle(self) -> dict[str, Any] | None:
        """ipywidgets' mime bundle of the view (widget view and text), or None once the
        widget is closed. What a notebook output holds besides :meth:`picture`."""
        bundle: Any = self._repr_mimebundle_() if callable(self._repr_mimebundle_) else None
        if isinstance(bundle, tuple):  # anywidget's (data, metadata); the metadata is empty
            bundle = bundle[0]
        return dict(bundle) if bundle else None

    def picture(self) -> bytes:
        """A flat PNG picture of the view with the shown sample's activations.

        It is what a saved notebook shows where scripts do not run (GitHub, nbviewer
        without widgets): each layer one panel, left to right, joined by the graph's
        edges (``layerscape.picture``). Before any prediction it shows the model's
        structure. Every output of the view carries it (``image/png``).

        Returns
        -------
        bytes
            A PNG file, ``picture.PICTURE_HEIGHT`` (200) pixels high and at most
            ``picture.PICTURE_MAX_WIDTH`` (1200) wide.
        """
        return model_picture_png(self._graph, self._activations, self.theme)  # type: ignore[arg-type]

    def picture_key(self) -> tuple[Any, ...]:
        """What :meth:`picture` depends on: the payload sent last and the theme."""
        return (self._payload_version, self.theme)

    def refresh_picture(self) -> bool:
        """Put a new :meth:`picture` in every output showing this view, now.

        The outputs already follow each cell that changed the view (its picture is
        redrawn after the cell, ``notebook_display.py``); this is for a picture wanted
        in the middle of a cell. A live front end keeps its view as it is: the updated
        output's widget view takes over the one on the page (``js/src/host/adopt.ts``).

        Returns
        -------
        bool
            Whether there was an output to update (the view has been displayed and is
            not closed).
        """
        return self._outputs_shown.refresh()

    @traitlets.observe("_payload")
    def _on_payload(self, change: dict[str, Any]) -> None:
        self._payload_version += 1

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
        """Node id -> that layer's output for the shown sample (no batch): the last
        predicted one, or sample :attr:`sample` of the last batch."""
        return dict(self._activations)

    @property
    def batch_size(self) -> int:
        """How many samples of the last batch the view keeps (1 after a single sample)."""
        return self._batch.kept

    @traitlets.validate("sample")
    def _valid_sample(self, proposal: dict[str, Any]) -> int:
        return check_index(proposal["value"], self._batch.kept)

    @traitlets.observe("sample")
    def _on_sample(self, change: dict[str, Any]) -> None:
        self._activations = self._batch.sample(change["new"])
        if self._quiet or not self._batch.activations:
            return
        # Another sample is shown, without running the model; a comparison ends.
        self._pair = None
        failure: BaseException | None = None
        with self.hold_sync():
            self._send_payload()
            failure = self._detect(change["new"])
        if failure is not None:
            raise failure

    def _show_sample(self, index: int) -> None:
        """Show sample ``index`` of a new batch, leaving the payload to the caller."""
        self._quiet = True
        try:
            self.sample = index
        finally:
            self._quiet = False
        self._activations = self._batch.sample(index)

    def compare(self, a: Any, b: Any = None) -> None:
        """Draw, per layer, ``b - a`` on the diverging map centred at zero; ``compare(None)``
        ends it and shows :attr:`sample` again.

        Parameters
        ----------
        a, b
            Two indices into the last batch (``0 <= i < batch_size``), or two samples
            (what :meth:`predict` takes for one sample): the model then runs on them
            and they become the kept batch, ``a`` as sample 0 and ``b`` as sample 1.

        Hovering an element gives ``a``, ``b`` and ``b - a`` there; a closed layer's
        summary shows the difference of the two summaries. Setting :attr:`sample` (or
        the view's picker), or a new :meth:`predict`, ends the comparison.

        Raises
        ------
        TypeError
            For an index that is not an int, an index beside a sample, or a batch of
            several samples where one is expected.
        ValueError
            For an index out of range, samples that do not fit the model (the errors
            :meth:`predict` gives) or samples whose layers differ in shape.
        """
        if a is None and b is None:
            if self._pair is not None:
                self._pair = None
                self._send_payload()
            return
        pair = resolve_pair(a, b, self._batch.kept if self._batch.activations else 0)
        with self.hold_sync():
            if pair is None:  # two samples: run them, they become the batch
                batch, graph = pair_batch(self._runner, self._graph, a, b)  # type: ignore[arg-type]
                self._seq += 1
                self._step = None
                self._batch = batch
                if graph is not self._graph:
                    self._graph = cast("dict[str, Any]", graph)  # the trait holds the spec
                self._show_sample(0)
                pair = {"a": 0, "b": 1}
            self._pair = pair
            self._send_payload()

    @property
    def comparing(self) -> tuple[int, int] | None:
        """The samples ``(a, b)`` whose difference ``b - a`` the view shows, or None."""
        return None if self._pair is None else (self._pair["a"], self._pair["b"])

    @property
    def prediction_count(self) -> int:
        """How many predictions this view has been sent."""
        return self._seq

    def predict(self, x: Any) -> Any:
        """Run the model on ``x`` and redraw every layer with its activation.

        Parameters
        ----------
        x
            One sample without the batch dimension, or a batch: the view shows its
            first sample and keeps every sample's activations, so :attr:`sample`
            (and the view's picker) switch between them without running the model
            again, and :meth:`compare` draws the difference of two. At most
            ``samples.MAX_BATCH_BYTES`` (256 MB) of activations are kept: beyond it
            the first samples that fit, with a ``SamplesWarning``. For several
            inputs, a list in input order or a dict keyed by input name. For a
            subclassed model that could not be traced and whose input shape Keras
            never recorded, ``x`` is what ``model(x)`` takes: a batch
            (a list of batches, one per argument, when its ``call()`` takes several);
            once a batch of one array has run, single samples of its shape are taken.

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
        outputs, _ = self._draw(x)
        return outputs

    def _draw(self, x: Any, step: TrainingStep | None = None) -> tuple[Any, bytes]:
        """Run the model on ``x``, send the payload (with ``step`` during training) and
        return the model's outputs and the payload sent."""
        prediction = self._runner.run(x, self._graph["labels"])
        # A training redraw shows (and keeps) its first sample only.
        self._batch = keep_batch(prediction.batch, MAX_BATCH_BYTES, 1 if step is not None else None)
        self._seq += 1
        self._pair = None
        self._show_sample(0)
        self._step = step
        graph = self._runner.observed(self._graph, prediction.activations)  # type: ignore[arg-type]
        failure: BaseException | None = None
        with self.hold_sync():
            if graph is not self._graph:
                self._graph = cast("dict[str, Any]", graph)  # the trait holds the spec
            payload = self._send_payload()
            self._outputs = prediction.outputs
            failure = self._detect(0)
        if failure is not None:
            raise failure
        return prediction.outputs, payload

    def _detect(self, index: int) -> BaseException | None:
        """Run ``boxes=fn`` on sample ``index``'s outputs into ``_boxes`` (send it in the
        payload's message: the view shows the boxes, or the notice, with it); return its
        failure for the caller to raise once the message is out."""
        if self._boxes_fn is None:
            return None
        graph = cast("GraphSpec", self._graph)
        outputs = sample_outputs(self._outputs, self._activations, graph, index)
        boxes, failure = detect(self._boxes_fn, outputs, graph, self._seq)
        self._boxes = cast("dict[str, Any]", boxes)
        return failure

    # Training ---------------------------------------------------------------------

    def training_callback(
        self, sample: Any, *, every: Every = "auto", record: bool = True
    ) -> TrainingCallback:
        """A Keras callback that redraws this view for ``sample`` while ``fit`` runs.

        Every redraw shows ``sample``'s activations under the weights of that step and
        adds the step's loss and metrics to :attr:`history` (a readout with a curve of
        each in the view). With ``record=True`` the frames are kept: the view's
        scrubber and :meth:`save_html` replay the run without the kernel.

        Parameters
        ----------
        sample
            What :meth:`predict` takes (one sample, or a batch whose first sample is
            shown); checked now.
        every : {"auto", "epoch", "batch"} or int, default "auto"
            When to redraw: after each epoch, each batch, every n batches, or as often
            as costs at most 3 % of the training time (at most 10 a second).
        record : bool, default True
            Keep the frames for replay.

        Returns
        -------
        TrainingCallback
            Pass it to ``model.fit(..., callbacks=[...])``.

        Raises
        ------
        TypeError, ValueError
            For a bad ``every`` or ``record``, or a ``sample`` that does not fit the
            model (the message names the expected shape).
        """
        return TrainingCallback(self, sample, every=every, record=record)

    @property
    def history(self) -> list[dict[str, Any]]:
        """The training steps the view has plotted, oldest first (a copy).

        Each is ``{"epoch": int, "batch": int, "logs": {"loss": float, ...}}``: ``batch``
        is -1 for the frame before training, and the epoch's batch count for the point
        an epoch's end adds with its ``val_`` metrics. At most
        ``HISTORY_MAX_POINTS`` are kept (the interior thinned evenly).
        """
        return copy.deepcopy(list(self._history))

    @property
    def recorded_frames(self) -> int:
        """How many training frames the view holds for replay."""
        return len(self._recording.frames)

    def clear_history(self) -> None:
        """Forget the plotted steps and the recorded frames (a new run starts afresh)."""
        self._recording.clear()
        self._history = []

    def _check_sample(self, x: Any) -> None:
        """Raise what :meth:`predict` would for ``x``, without drawing anything."""
        self._runner.run(x, self._graph["labels"])

    def _show_step(self, sample: Any, step: TrainingStep, record: bool) -> None:
        """One training redraw: draw ``sample`` at ``step``, plot it, keep the frame."""
        with self.hold_sync():
            _, payload = self._draw(sample, step)
            self._add_history(step)
        if record:
            self._recording.add(payload)

    def _add_history(self, step: TrainingStep) -> None:
        points: list[Any] = [*self._history, step]
        if len(points) > HISTORY_MAX_POINTS:
            points = [points[0], *points[1:-1][1::2], points[-1]]
        self._history = points

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
        ids = self._openable_ids() if means_all(layer_ids) else self._openable(layer_ids)
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
        ids = set(self._open) if means_all(layer_ids) else set(self._openable(layer_ids))
        self._open = [i for i in self._open if i not in ids]

    def show_weights(self, *layer_ids: str) -> None:
        """Draw layers as their weights instead of their output: ``show_weights("conv2d")``,
        or ``show_weights("all")`` (or no ids) for every layer that has weights.

        A Conv2D kernel is drawn as a grid of kh x kw tiles, one per (input channel,
        output filter) pair; a Dense (or Embedding, recurrent) kernel as one heat map
        (rows: inputs, columns: units); the bias as a row below; all on the diverging
        map centred at zero. A first layer on an RGB image shows one colour tile per
        filter instead (its input channels as red, green and blue around mid-grey). The
        layer is laid out at its picture's size while it shows them. Hover gives each
        weight's exact value (float32 for up to 4,096 weights, else within half a step
        of 256) and its index. During training the weights redraw with every frame.

        Raises
        ------
        ValueError
            For an id that is not a layer with weights; the message lists those that are.
        """
        ids = list(self._weight_layers) if means_all(layer_ids) else self._weighted(layer_ids)
        wanted = set(self._weights) | set(ids)
        self._weights = [i for i in self._node_order() if i in wanted]

    def hide_weights(self, *layer_ids: str) -> None:
        """Draw layers as their output again (``"all"`` or no ids: every one).

        Raises
        ------
        ValueError
            For an id that is not a layer with weights.
        """
        ids = set(self._weights) if means_all(layer_ids) else set(self._weighted(layer_ids))
        self._weights = [i for i in self._weights if i not in ids]

    @property
    def weights_shown(self) -> list[str]:
        """Ids of the layers drawn as their weights."""
        return list(self._weights)

    def _weighted(self, layer_ids: tuple[str, ...]) -> list[str]:
        allowed = list(self._weight_layers)
        return check_layer_ids(
            layer_ids, allowed, self._node_order(), "show weights of", "have weights"
        )

    @traitlets.observe("_weights")
    def _on_weights(self, change: dict[str, Any]) -> None:
        if set(change["new"]) - set(change["old"]) or not self._activations:
            self._send_payload()

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
        check_layer_id(layer_id, self._node_order())
        with self.hold_sync():
            # A layer inside folded blocks: they unfold, as the view does for it.
            self._folded = unfolded_for(self._graph, self._folded, layer_id)  # type: ignore[arg-type]
            self._focus = {"id": layer_id, "n": int(self._focus.get("n", 0)) + 1}

    @property
    def folded(self) -> list[str]:
        """Ids of the folded blocks (``graph["groups"]`` ids), in the graph's order. A
        block inside a folded one may be listed: it stays folded when that one opens."""
        return list(self._folded)

    def fold(self, *group_ids: str) -> None:
        """Fold blocks: each is drawn as one box with its exit layer's values and a
        caption "name · n layers"; its inner edges are hidden, its outer edges join it.
        ``fold("all")`` (or no ids) folds every block.

        Parameters
        ----------
        group_ids
            Ids of ``view.graph["groups"]`` (``"g0"``, ``"g1"``, ...).

        Raises
        ------
        TypeError
            For an id that is not a string.
        ValueError
            For an id that is not a block of this model; the message lists the blocks.
        """
        ids = self._group_ids() if means_all(group_ids) else self._blocks(group_ids, "fold")
        wanted = set(self._folded) | set(ids)
        self._folded = [g for g in self._group_ids() if g in wanted]

    def unfold(self, *group_ids: str) -> None:
        """Open folded blocks in place (``"all"`` or no ids: every one); the blocks they
        hold that are folded stay folded. Their layers' channels are sent as the view
        needs them.

        Raises
        ------
        TypeError, ValueError
            As for :meth:`fold`.
        """
        ids = set(self._folded) if means_all(group_ids) else set(self._blocks(group_ids, "unfold"))
        self._folded = [g for g in self._folded if g not in ids]

    def _group_ids(self) -> list[str]:
        return [g["id"] for g in self._graph.get("groups", [])]

    def _blocks(self, group_ids: tuple[str, ...], verb: str) -> list[str]:
        return check_group_ids(group_ids, self._graph.get("groups", []), verb)

    @traitlets.observe("_folded")
    def _on_folded(self, change: dict[str, Any]) -> None:
        # The channel budget goes to what is drawn: re-send when that choice changes.
        if not self._activations:
            return
        graph = cast("GraphSpec", self._graph)
        open_ids = set(self._open)
        before = layers_with_channels(
            graph, self._activations, open_ids, hidden=hidden_nodes(graph, change["old"])
        )
        after = layers_with_channels(
            graph, self._activations, open_ids, hidden=hidden_nodes(graph, change["new"])
        )
        if before != after:
            self._send_payload()

    def _node_order(self) -> list[str]:
        return [n["id"] for n in self._graph["nodes"]]

    def _openable_ids(self) -> list[str]:
        return [n["id"] for n in self._graph["nodes"] if n["opens"]]

    def _openable(self, layer_ids: tuple[str, ...]) -> list[str]:
        return check_openable(layer_ids, self._openable_ids(), self._node_order())

    @traitlets.observe("_open")
    def _on_open(self, change: dict[str, Any]) -> None:
        # A newly opened layer whose channels did not fit the payload gets them now.
        if not self._activations:
            return
        graph = cast("GraphSpec", self._graph)
        hidden = hidden_nodes(graph, self._folded)
        sent = layers_with_channels(graph, self._activations, change["old"], hidden=hidden)
        with_channels = {n["id"] for n in graph["nodes"] if n["family"] in CHANNEL_FAMILIES}
        new = (set(change["new"]) & with_channels) - hidden
        # A comparison shares the channel budget three ways: re-send for any newly open.
        if (self._pair is not None and new - set(change["old"])) or not new <= sent:
            self._send_payload()

    def _encode(
        self,
        budget: int | None = None,
        weight_ids: list[str] | None = None,
        index: int | None = None,
    ) -> bytes:
        """The last prediction as a payload for the open layers (``budget``: see encode),
        with the weights of the layers that show them (or of ``weight_ids``), read now:
        they follow training. ``index``: sample ``index`` of the kept batch instead of
        what the view shows (a saved page's picker)."""
        ids = self._weights if weight_ids is None else weight_ids
        shown = {i: w for i in ids if (w := layer_weights(self._weight_layers[i]))}
        pair = self._pair if index is None else None
        hidden = hidden_nodes(self._graph, self._folded)  # type: ignore[arg-type]
        # A saved page cannot ask for channels when a block unfolds: they may follow.
        hidden_last = budget is not None
        activations = self._activations if index is None else self._batch.sample(index)
        index = self.sample if index is None else index
        if not activations and not shown:
            return b""
        if pair is not None:
            return encode_comparison(
                self._graph,  # type: ignore[arg-type]
                self._batch.sample(pair["a"]),
                self._batch.sample(pair["b"]),
                pair,
                self._seq,
                self.summary,  # type: ignore[arg-type]
                open_ids=set(self._open),
                budget=budget,
                weights=shown,
                sample=self._batch.info(index),
                hidden=hidden,
                hidden_last=hidden_last,
            )
        return encode_activations(
            self._graph,  # type: ignore[arg-type]
            activations,
            self._seq,
            self.summary,  # type: ignore[arg-type]
            open_ids=set(self._open),
            budget=budget,
            step=self._step,
            weights=shown,
            sample=self._batch.info(index) if self._batch.kept > 1 else None,
            hidden=hidden,
            hidden_last=hidden_last,
        )

    def _send_payload(self) -> bytes:
        payload = self._encode()
        with self.hold_sync():
            self._payload = payload
        return payload

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
            ``max_bytes``, or not even the last frame of a recorded training run fits
            beside it; the message gives the size needed.

        Notes
        -----
        A view trained with a :class:`TrainingCallback` (``record=True``) saves its
        recorded frames too, so the page's scrubber replays the run offline. They share
        what the shown payload leaves of ``max_bytes``; when they do not all fit they
        are thinned evenly (the first and last kept) and a warning says the size all of
        them need.
        """
        state = {
            "_graph": self._graph,
            "_open": list(self._open),
            "_folded": list(self._folded),
            "_focus": dict(self._focus),
            "_history": list(self._history),
            "_weights": list(self._weights),
            "_boxes": dict(self._boxes),
            "theme": self.theme,
            "color_scope": self.color_scope,
            "height": self.height,
        }
        title = title or self._graph.get("name", "layerscape")
        return save_view(
            Path(path),
            state,
            self._encode_for_page,
            title,
            max_bytes,
            frames=self._frames_within,
            samples=self._samples_within,
        )

    def _encode_for_page(self, room: int) -> bytes:
        """The payload of a saved page: the shown weights, then the other layers'
        (smallest first) while they fit beside the activations, so the page's Weights
        toggle works offline."""
        # Each kept sample's smallest payload is set aside first, so the picker works.
        room -= self._samples_reserve(room)
        base = self._encode(budget=room)
        # The recorded run comes before weights nobody asked to see.
        spare = min(PAGE_WEIGHTS_BYTES, room - len(base) - self._recording.nbytes)
        ids = list(self._weights)
        for node_id in sorted(self._weight_layers, key=self._weight_bytes):
            if node_id in ids:
                continue
            cost = self._weight_bytes(node_id)
            if cost > spare:
                break
            spare -= cost
            ids.append(node_id)
        return self._encode(budget=room - sum(map(self._weight_bytes, ids)), weight_ids=ids)

    def _samples_reserve(self, room: int) -> int:
        return samples_reserve(self._encode_sample, self._batch.kept, room)

    def _samples_within(self, room: int) -> list[bytes]:
        return page_samples(self._encode_sample, self._batch.kept, room, self.sample)

    def _encode_sample(self, index: int, budget: int) -> bytes:
        return self._encode(budget, index=index)

    def _weight_bytes(self, node_id: str) -> int:
        """About what a layer's weights cost in a payload (one byte a weight, or four)."""
        spec = next(n["weights"] for n in self._graph["nodes"] if n["id"] == node_id)
        count = int(np.prod(spec["kernel"])) + (spec["bias"][0] if spec["bias"] else 0)
        return (count if count > 4096 else 4 * count) + 512

    def _frames_within(self, room: int) -> list[bytes]:
        """The recording, thinned to fit ``room`` bytes of a page (see ``save_html``)."""
        frames = self._recording.frames
        # base64 grows a frame by a third; its quotes and comma cost a few bytes more
        kept = fit_frames(frames, room, per_frame=FRAME_QUOTING)
        if frames and not kept:
            needed = self._recording.nbytes * 4 // 3
            raise ValueError(
                f"the recorded training run does not fit the page: its last frame alone "
                f"needs {len(frames[-1]) * 4 // 3:,} bytes more than max_bytes leaves "
                f"(all {len(frames)} frames: about {needed:,} bytes). Pass a larger "
                "max_bytes, or clear_history() to save the view without the run."
            )
        if len(kept) < len(frames):
            warnings.warn(
                f"layerscape: the page holds {len(kept)} of the {len(frames)} recorded frames "
                f"(evenly thinned, first and last kept); all of them need about "
                f"{self._recording.nbytes * 4 // 3:,} bytes more: pass a larger max_bytes",
                stacklevel=3,
            )
        return kept
