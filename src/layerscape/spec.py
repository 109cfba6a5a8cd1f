"""The contract between the Python and JavaScript halves of layerscape.

Two things cross the wire: the *graph spec* (JSON, sent once) and the *activation
payload* (binary, sent once per ``predict``). ``js/src/spec.ts`` mirrors this module;
change both together.

Graph spec
----------
``GraphSpec`` is a plain JSON-serialisable dict. Node ids are unique strings: the
Keras layer name, ``name:k`` for the k-th call of a shared layer (k >= 1), and
``outer/inner`` for layers inside a nested model. Edges point from the node that
produces a tensor to the node that consumes it.

``family`` tells the front end which visual to draw, decided from the output shape
(without batch):

- ``"image"``: a model input of shape (H, W, 1) or (H, W, 3): greyscale or RGB plane;
  also a layer's output of that shape that ``ModelView``'s ``images`` option draws as a
  picture (``images.py``: every model output by default), with its ``image_range``.
- ``"feature_map"``: rank 3 (H, W, C): stacked planes, one per channel.
- ``"volume"``: rank 4 (D, H, W, C), e.g. Conv3D: a stack of D depth slices.
- ``"vector"``: rank 1 (N,): a row of neurons. A model output with labels draws as
  labelled units.
- ``"sequence"``: rank 2 (T, F): a T x F grid (time steps x features).
- ``"generic"``: anything else (rank 0, rank >= 5, custom outputs we cannot
  picture, shapes nobody knows); drawn as a labelled box.

``wiring`` is ``"known"`` when every edge is read from the model's graph. It is
``"unknown"`` for a subclassed model whose ``call()`` cannot be traced (Python control
flow on tensor values): the nodes are then its input, the layers it tracks in tracking
order and its ``call()`` output, there are no edges (none is invented), and
``wiring_reason`` says why; the view shows that notice. Such a node's
``output_shapes`` is empty while its shape is unknown.

Only the shape decides the family (custom layers get one too). A layer with several
outputs is drawn from its first; ``output_shapes`` lists them all.

Drawing rules
-------------
The rules that decide ``family``, ``passthrough``, ``reshape`` and ``opens`` live
beside this module, in ``families.py``; they are part of the contract. Python applies
them and writes the answer into every node, so the front end reads them instead of
re-deriving them:

- ``passthrough``: the layer is the identity at inference (Dropout, GaussianNoise,
  SpatialDropout..., ActivityRegularization). Drawn thin; sends no values.
- ``reshape``: the layer only rearranges its input's elements in row-major order
  (Flatten, Reshape).
- ``opens``: clicking the node opens it into its parts: feature maps and volumes into
  their channels, sequences into one strip per channel, an RGB image input into its
  three colour planes; never a passthrough node. ``expand``/``collapse`` accept
  exactly these ids.

A node marked ``channels_first`` is drawn channels last (its shape and values are
transposed). A Flatten or Reshape that reads such a node in its own (C, ...) order is
not ``reshape`` (its elements do not follow the drawn input's row-major order) and is
marked ``reads_channels_first``.

Nodes of an untraced model (``wiring == "unknown"``) are never passthrough or reshape:
nothing ran through them.

A reader treats a missing ``wiring`` as ``"known"`` and a missing ``wiring_reason`` as
None (graph specs saved in notebooks before they existed); Python always writes both.

Groups
------
``groups`` lists the model's blocks, found from the graph's structure (``groups.py``):
every nested model (``kind == "model"``), every single-entry single-exit region — what
lies after a fork up to the node where all its paths meet again, plus the shape-keeping
weightless steps right after it (``"block"``: a residual block, an Inception module) —
and runs of two or more chained sibling blocks sharing a name stem (``"stage"``). They
nest: ``parent`` is the smallest group holding all of a group's nodes. Names come from
the layers' common name prefix, else the exit layer's name.

Activation payload (``LSP1``)
-----------------------------
Little-endian throughout::

    bytes 0..3     b"LSP1"
    bytes 4..7     uint32: header length N in bytes
    bytes 8..8+N   UTF-8 JSON: PayloadHeader
    zero padding   up to the next multiple of 8
    data region    tensor sections; each TensorSection.offset counts from the
                   start of the data region and is a multiple of 8

A section with ``dtype == "f32"`` holds float32 values. A section with
``dtype == "u8"`` holds one byte per value: codes 0..250 map linearly to
``lo + code / 250 * (hi - lo)``; ``251`` is NaN, ``252`` is +Inf, ``253`` is -Inf.
``lo``/``hi`` are the finite minimum and maximum of the values the section encodes
(both 0 when it has no finite value). Data are in C order with channels last, exactly
as the tensor's ``shape`` lists them.

Generic nodes and passthrough nodes (identity at inference) send none. Each other
node sends at most two sections:

- ``role == "full"``: the node's activation. For feature maps with more elements than
  the per-layer limit, only the first ``shape[-1]`` channels are sent and
  ``channels_total`` says how many the layer has. Feature maps get a ``full`` section
  when the layer is open, or while the payload's byte budget lasts (smallest layers
  first; ``encode.PAYLOAD_BUDGET``, 1 MB per predict); vectors,
  sequences and images always do.
- ``role == "summary"``: for ``feature_map`` and ``volume`` nodes only, always sent:
  the (H, W) or (D, H, W) reduction over channels named by ``reduce`` (``"mean"`` or
  ``"max"``); what a closed layer shows. Its ``channels_total`` is the layer's channel
  count. Volumes follow the same channel budget as feature maps.
- ``role == "kernel"`` / ``role == "bias"``: the weights of a node whose ``weights``
  is not None, sent while the view shows that layer's weights (``ModelView``'s
  ``_weights`` trait, ``show_weights``) and, by ``save_html``, for other layers while
  the page's budget lasts. A kernel is always rank 2 ``(rows, cols)`` (Dense
  ``(in, out)``, Embedding ``(vocab, dim)``, a recurrent layer's input kernel) or rank 4
  ``(kh, kw, cin, cout)`` (Conv2D; Conv1D's ``(k, cin, cout)`` is sent as
  ``(1, k, cin, cout)``, Conv3D's ``(kd, kh, kw, cin, cout)`` as
  ``(kd * kh, kw, cin, cout)``); when it is larger than the per-layer limit only the
  first ``shape[-1]`` output columns are sent and ``channels_total`` gives how many
  there are. A bias is rank 1 ``(cout,)``. The same f32/u8 rule as activations applies.

Several samples and comparisons
-------------------------------
A ``predict`` of a batch keeps every sample (``samples.py``); its payload's header has
``sample``: the index shown, how many are kept and how many the batch had. While
``view.compare(a, b)`` is on, the header has ``compare`` (``{"a": i, "b": j}``): each
shown section holds ``b - a`` (a closed layer's summary: ``summary(b) - summary(a)``),
the front end draws it on the diverging map centred at zero, and each is followed by
the same section of ``a`` and of ``b`` (``sample: "a"`` / ``"b"``) for hover.

Detections
----------
With ``ModelView(boxes=fn)`` the trait ``_boxes`` holds a ``BoxesState`` after every
prediction: the boxes ``fn`` returned (``BoxSpec``: ``x0, y0, x1, y1`` in pixels of the
first image input, (0, 0) top left and y down; ``label``; ``score``; ``cell``, the
(row, col) of the grid output that produced it, or None), the error when ``fn`` failed
(no boxes then), the prediction's ``seq``, the node the boxes are drawn on (``image``)
and the node ``cell`` indexes (``grid``: the first model output of rank 3). Without a
boxes function it is ``{}``. ``boxes.py`` documents and checks what ``fn`` returns.

Training frames
---------------
A payload drawn during ``fit`` (``TrainingCallback``) carries ``step``: the epoch (from
0), the batch within it (-1 for the frame drawn before training starts) and the logs
Keras reported (loss and metrics, floats). The trait ``_history`` holds every step the
view has plotted, oldest first: ``{"epoch", "batch", "logs": {...}}``. An exported page
holds its recording as ``<script id="layerscape-frames" type="application/json">``: a
JSON list of base64 strings, one ``LSP1`` payload per frame, oldest first.
"""

# No `from __future__ import annotations` here: the TypedDicts are read at run time
# (their required and optional keys are checked against js/src/spec.ts).
from typing import Literal

from typing_extensions import NotRequired, TypedDict

SPEC_VERSION = 1
PAYLOAD_MAGIC = b"LSP1"
U8_MAX_CODE = 250
U8_NAN = 251
U8_POS_INF = 252
U8_NEG_INF = 253

SectionRole = Literal["full", "summary", "kernel", "bias"]
SampleTag = Literal["a", "b"]
Family = Literal["image", "feature_map", "volume", "vector", "sequence", "generic"]
Wiring = Literal["known", "unknown"]
GroupKind = Literal["model", "block", "stage"]


class NodeSpec(TypedDict):
    """One operation call in the model's graph."""

    id: str
    name: str
    """The Keras layer (or operation) name."""
    class_name: str
    """``Conv2D``, ``Dense``, ``Add``, ... (``InputLayer`` for inputs)."""
    family: Family
    output_shape: list[int | None]
    """Shape of the (first) output, without the batch dimension."""
    output_shapes: list[list[int | None]]
    """Shapes of every output (length > 1 for e.g. ``LSTM(return_state=True)``)."""
    params: int
    """Number of weights the layer owns (0 for inputs and raw ops)."""
    config: dict[str, object]
    """Key config for the tooltip: filters, kernel_size, strides, padding,
    activation, units, pool_size, rate, ... (only what the layer has)."""
    is_input: bool
    is_output: bool
    parent: str | None
    """Id path of the nested model this node lives in, or None at top level."""
    passthrough: bool
    """The layer returns its input unchanged at inference (Dropout, GaussianNoise,
    SpatialDropout..., ActivityRegularization): drawn thin, with its rate."""
    reshape: bool
    """The layer only rearranges its input's elements in row-major order (Flatten,
    Reshape): drawn with the way elements move from the input to the output."""
    opens: bool
    """Clicking the node opens it into its parts (``families.can_open``): feature maps,
    volumes and sequences, and RGB image inputs; never a passthrough node."""
    weights: NotRequired["WeightsSpec | None"]
    """The layer's weights the view can show instead of its output, or None. Always
    written by Python; a reader takes a missing one as None."""
    channels_first: NotRequired[bool]
    """Only on a node whose output is channels first (``data_format="channels_first"``
    layers, layers keeping such a layout, inputs read so; ``layouts.py``), always True:
    the layer's own output is (C, L), (C, H, W) or (C, D, H, W), and it is drawn channels
    last: ``output_shape`` and ``output_shapes[0]`` are given channels last, and so are
    its payload values (the traced runner moves the channel axis last). Missing: channels last."""
    reads_channels_first: NotRequired[bool]
    """Only on a Flatten or Reshape whose input is marked ``channels_first`` and that
    reads it in that (C, ...) order (a channels-last ``Flatten``), always True: its
    element i is the input's element i in (C, ...) C order, not in the drawn (..., C)
    order; such a node is never ``reshape``. Missing: it reads its input as drawn."""
    image_range: NotRequired["ImageRange | None"]
    """Only on a layer's output drawn as a picture (``images.py``; never on a model
    input): the values shown black and white, read from the layer's activation
    (``tanh``: -1..1, ``sigmoid``: 0..1), or None for the data's own range (its minimum
    to its maximum). Missing on every other node; a model input is shown on its natural
    range ([0, 1] or [0, 255] when its values fit, else theirs)."""


class ImageRange(TypedDict):
    """The values a picture shows black (``lo``) and white (``hi``), per channel."""

    lo: float
    hi: float
    source: str
    """What says so: the activation's name (``"tanh"``, ``"sigmoid"``, ...)."""


class WeightsSpec(TypedDict):
    """Which weights a node can show: the kernel's full shape and the bias's."""

    kernel: list[int]
    """As sent (rank 2 or 4, see the module docstring), before any column limit."""
    bias: list[int] | None


class GroupSpec(TypedDict):
    """A block of the graph (``groups.py``): a nested model, a single-entry single-exit
    region, or a stage of chained regions."""

    id: str
    name: str
    kind: GroupKind
    parent: str | None
    nodes: list[str]
    """Every node inside, at any depth, in the graph's (topological) order."""
    entry: str | None
    """The one node outside the group whose output enters it (for a region, its fork);
    None when several nodes (or none) feed it."""
    exit: str
    """The last node inside: its output is what leaves the group."""


class EdgeSpec(TypedDict):
    source: str
    target: str


class GraphSpec(TypedDict):
    version: int
    name: str
    """The model's name."""
    nodes: list[NodeSpec]
    """In topological order (every edge's source comes before its target)."""
    edges: list[EdgeSpec]
    inputs: list[str]
    outputs: list[str]
    labels: list[str] | None
    """Class names for the (first) model output, when the user gave them."""
    wiring: NotRequired[Wiring]
    """``"unknown"`` when the edges could not be read (see the module docstring).
    Always written by Python; a reader takes a missing one as ``"known"``."""
    wiring_reason: NotRequired[str | None]
    """Why the wiring is unknown, in words for the user; None when it is known."""
    groups: NotRequired[list[GroupSpec]]
    """The model's blocks, outermost first (``groups.find_groups``). Always written by
    Python; a reader takes a missing one as none."""


class TensorSection(TypedDict):
    node: str
    role: SectionRole
    shape: list[int]
    dtype: Literal["u8", "f32"]
    offset: int
    length: int
    """Bytes."""
    lo: float
    hi: float
    channels_total: int | None
    reduce: Literal["mean", "max"] | None
    sample: NotRequired["SampleTag | None"]
    """In a comparison (the header has ``compare``): ``"a"`` or ``"b"`` for the same
    section of that sample, sent beside the shown one (``b - a``) for hover; missing or
    None for what the view draws."""


class PayloadHeader(TypedDict):
    version: int
    seq: int
    """1 for the first prediction, 2 for the second, ... (what ``data-predictions``
    shows once the front end has drawn it)."""
    tensors: list[TensorSection]
    step: NotRequired["TrainingStep | None"]
    """The training step this payload shows (``TrainingCallback``); None or missing for
    a ``predict``."""
    sample: NotRequired["SampleInfo | None"]
    """Which sample of the kept batch this shows (``view.sample``); missing for a
    payload of one sample (training frames, older payloads)."""
    compare: NotRequired["ComparePair | None"]
    """Set while ``view.compare(a, b)`` is on: every shown section holds ``b - a`` (drawn
    on the diverging map centred at zero), with ``a``'s and ``b``'s beside it."""


class SampleInfo(TypedDict):
    index: int
    """The sample shown, from 0."""
    kept: int
    """How many samples of the batch the view keeps (the picker's range)."""
    given: int
    """How many samples the batch had (more than ``kept`` beyond the memory bound)."""


class ComparePair(TypedDict):
    a: int
    """Index (in the kept batch) of the sample subtracted."""
    b: int
    """Index of the sample it is subtracted from: the view shows ``b - a``."""


class BoxSpec(TypedDict):
    """One detection drawn by the view (``ModelView(boxes=fn)``, ``boxes.py``)."""

    x0: float
    """Left edge, in pixels of the model's (first) input image: 0 is its left side."""
    y0: float
    """Top edge, in input pixels: 0 is the top row."""
    x1: float
    """Right edge (> x0)."""
    y1: float
    """Bottom edge (> y0)."""
    label: str
    score: float
    cell: list[int] | None
    """(row, col) of the cell of the grid output (``BoxesState.grid``) that produced
    the box, or None."""


class BoxesState(TypedDict):
    """The ``_boxes`` trait: the detections of the last prediction, or why there are none."""

    boxes: list[BoxSpec]
    error: str | None
    """The boxes function failed (or returned something malformed): the message the
    view shows as a notice; ``boxes`` is then empty."""
    seq: int
    """The prediction the boxes belong to (the payload's ``seq``)."""
    image: str | None
    """The node whose picture the boxes are drawn on (the model's first image input)."""
    grid: str | None
    """The node whose cells ``cell`` indexes (the first model output of rank 3), or None."""


class TrainingStep(TypedDict):
    epoch: int
    """From 0."""
    batch: int
    """Batch within the epoch, from 0 (the last batch the step follows); -1 before
    training starts; the epoch's batch count for the entry an epoch's end adds with
    the ``val_`` metrics (one past its last batch)."""
    logs: dict[str, float]
    """What Keras logged: ``loss``, metrics, ``val_`` metrics at an epoch's end."""
