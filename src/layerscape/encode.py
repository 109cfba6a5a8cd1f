"""Pack activations into the binary ``LSP1`` payload the front end draws.

Bytes follow pixels: small tensors go as exact float32, larger ones as one byte per
value on the layer's own range (with codes for NaN and ±Inf), and feature maps carry a
per-pixel summary over channels for their closed view. The layout of the bytes is
documented in ``spec.py``; ``js/src/data/decode.ts`` reads it.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Collection, Mapping
from typing import Any, Literal

import numpy as np

from .spec import (
    PAYLOAD_MAGIC,
    SPEC_VERSION,
    U8_MAX_CODE,
    U8_NAN,
    U8_NEG_INF,
    U8_POS_INF,
    ComparePair,
    GraphSpec,
    PayloadHeader,
    SampleInfo,
    SampleTag,
    TensorSection,
    TrainingStep,
)

F32_MAX_ELEMENTS = 4096
"""Tensors up to this many values are sent exactly, as float32."""

FULL_MAX_ELEMENTS = 1 << 22
"""Per layer: feature maps larger than this send only as many channels as fit (one
2048 x 2048 texture atlas; VGG16's widest layer, 224 x 224 x 64, fits whole)."""

PAYLOAD_BUDGET = 1_000_000
"""Per payload, in bytes: what one ``predict`` sends for the default (closed) view.
Summaries, vectors and sequences always go; feature-map channels (what an *open*
layer shows) go for the smallest layers first while the payload stays within this, so
LeNet sends everything and ResNet50 at 224 x 224 sends its 0.3 MB of summaries plus
the channels of its smallest layers, not 37 MB. Open layers get their channels
whatever the budget; the others are sent when they are opened."""

Reduce = Literal["mean", "max"]
Role = Literal["full", "summary", "kernel", "bias"]


def encode_activations(
    graph: GraphSpec,
    activations: dict[str, np.ndarray],
    seq: int,
    reduce: Reduce = "mean",
    open_ids: Collection[str] = (),
    budget: int | None = None,
    step: TrainingStep | None = None,
    weights: Mapping[str, tuple[np.ndarray, np.ndarray | None]] | None = None,
    summaries: Mapping[str, np.ndarray] | None = None,
    companions: Mapping[SampleTag, Mapping[str, np.ndarray]] | None = None,
    sample: SampleInfo | None = None,
    compare: ComparePair | None = None,
    hidden: Collection[str] = (),
    hidden_last: bool = False,
) -> bytes:
    """Encode one prediction's activations.

    Parameters
    ----------
    graph
        The spec whose nodes say how each activation is drawn.
    activations
        Node id -> float array of that node's output for one sample.
    seq
        The prediction's sequence number (1 for the first).
    reduce
        How a feature map's closed summary reduces its channels.
    open_ids
        Layers open in the view: their channels are sent whatever the budget.
    budget
        Bytes the payload may grow to with the channels of closed layers;
        ``PAYLOAD_BUDGET`` by default.
    step
        The training step these activations show (a frame drawn during ``fit``).
    weights
        Node id -> (kernel, bias) for the layers whose weights are shown: sent as
        ``kernel`` and ``bias`` sections (``weights.layer_weights`` gives them).
    summaries
        Node id -> the summary section to send instead of reducing ``activations``
        (a comparison sends the difference of two summaries).
    companions
        ``"a"``/``"b"`` -> activations sent beside each shown section, with the same
        roles and channels, tagged ``sample`` (a comparison's two samples). The
        channel budget is shared: every layer's channels cost once per set.
    sample
        The header's ``sample``: which sample of the kept batch this shows.
    compare
        The header's ``compare``: the payload shows ``b - a`` of these samples.
    hidden, hidden_last
        Layers inside folded blocks (not drawn): their summaries and vectors go, their
        channels do not (open or not), unless ``hidden_last``: then they may follow,
        smallest first, once every drawn layer's channels that fit are in (a saved page,
        which cannot ask for them when a block unfolds).

    Returns
    -------
    bytes
        The payload: magic, header length, JSON header, then 8-byte aligned data.
    """
    sections: list[TensorSection] = []
    blobs: list[bytes] = []
    offset = 0
    sets = 1 + len(companions or {})
    share = budget if sets == 1 else (PAYLOAD_BUDGET if budget is None else budget) // sets
    with_channels = layers_with_channels(graph, activations, open_ids, share, hidden, hidden_last)
    for node in graph["nodes"]:
        values = activations.get(node["id"])
        # Generic nodes are not pictured; passthrough layers (identity at inference) are
        # drawn thin without values: they would repeat their input's.
        if values is None or node["family"] == "generic" or node.get("passthrough"):
            continue
        channels = node["id"] in with_channels
        summary = (summaries or {}).get(node["id"])
        sets_of: list[tuple[SampleTag | None, Any]] = [
            (None, _sections_for(node["family"], values, reduce, channels, summary))
        ]
        for name, acts in (companions or {}).items():
            other = acts.get(node["id"])
            if other is not None:
                sets_of.append((name, _sections_for(node["family"], other, reduce, channels)))
        for tag, produced in sets_of:
            for role, data, extra in produced:
                section, blob = _encode_tensor(node["id"], role, data, offset, **extra)
                if tag is not None:
                    section["sample"] = tag
                sections.append(section)
                blobs.append(blob)
                offset += _pad8(len(blob))
    for node in graph["nodes"]:
        shown = (weights or {}).get(node["id"])
        spec = node.get("weights")
        if shown is None or spec is None:
            continue
        kernel, bias = shown
        parts: list[tuple[Role, np.ndarray, int | None]] = [("kernel", kernel, spec["kernel"][-1])]
        if bias is not None:
            parts.append(("bias", bias, None))
        for role, data, total in parts:
            section, blob = _encode_tensor(node["id"], role, data, offset, channels_total=total)
            sections.append(section)
            blobs.append(blob)
            offset += _pad8(len(blob))
    header: PayloadHeader = {"version": SPEC_VERSION, "seq": seq, "tensors": sections}
    if step is not None:
        header["step"] = step
    if sample is not None:
        header["sample"] = sample
    if compare is not None:
        header["compare"] = compare
    head = json.dumps(header, separators=(",", ":")).encode()
    out = bytearray(PAYLOAD_MAGIC + struct.pack("<I", len(head)) + head)
    out += bytes(_pad8(len(out)) - len(out))
    for blob in blobs:
        out += blob + bytes(_pad8(len(blob)) - len(blob))
    return bytes(out)


# Families sent as a summary over channels plus, budget allowing, the channels, and
# the rank their activations have.
CHANNEL_FAMILIES = {"feature_map": 3, "volume": 4}


def layers_with_channels(
    graph: GraphSpec,
    activations: dict[str, np.ndarray],
    open_ids: Collection[str] = (),
    budget: int | None = None,
    hidden: Collection[str] = (),
    hidden_last: bool = False,
) -> set[str]:
    """The feature maps and volumes whose channels a payload carries.

    Open layers always; then the smallest others while the whole payload (the
    sections every payload carries, plus these channels) stays within ``budget``
    (``PAYLOAD_BUDGET`` by default). Layers in ``hidden`` (inside folded blocks) get
    none, or, with ``hidden_last``, come after all the others.
    """
    hidden = set(hidden)
    budget = PAYLOAD_BUDGET if budget is None else budget
    costs = []
    spent = 0
    for node in graph["nodes"]:
        values = activations.get(node["id"])
        if values is None or node["family"] == "generic" or node.get("passthrough"):
            continue
        rank = CHANNEL_FAMILIES.get(node["family"])
        if rank is not None and values.ndim == rank:
            spent += _section_bytes(values[..., 0].size)
            channels = _kept_channels(values) * values[..., 0].size
            costs.append((_section_bytes(channels), node["id"]))
        else:
            spent += _section_bytes(values.size)
    spent += SECTION_HEADER_BYTES * (len(costs) + len(activations))
    chosen = {node_id for _, node_id in costs if node_id in open_ids and node_id not in hidden}
    spent += sum(cost for cost, node_id in costs if node_id in chosen)
    rest = sorted(
        (node_id in hidden, cost, node_id) for cost, node_id in costs if node_id not in chosen
    )
    for later, cost, node_id in rest:
        if later and not hidden_last:
            break
        if spent + cost > budget:
            break
        spent += cost
        chosen.add(node_id)
    return chosen


SECTION_HEADER_BYTES = 200
"""A generous estimate of one section's JSON header entry, for the budget."""


def _section_bytes(count: int) -> int:
    # Exact float32 when small, one byte a value otherwise (see _encode_tensor), padded.
    return _pad8(count * 4 if count <= F32_MAX_ELEMENTS else count)


def _kept_channels(values: np.ndarray) -> int:
    channels = values.shape[-1]
    return max(1, min(channels, FULL_MAX_ELEMENTS // max(1, values[..., 0].size)))


def _sections_for(
    family: str,
    values: np.ndarray,
    reduce: Reduce,
    channels: bool,
    summary: np.ndarray | None = None,
):
    values = np.asarray(values, dtype=np.float32)
    if CHANNEL_FAMILIES.get(family) == values.ndim:
        if summary is None:
            with np.errstate(invalid="ignore"):
                summary = values.mean(axis=-1) if reduce == "mean" else values.max(axis=-1)
        yield "summary", summary, {"reduce": reduce, "channels_total": values.shape[-1]}
        if channels:
            kept = values[..., : _kept_channels(values)]
            yield "full", kept, {"channels_total": values.shape[-1]}
    else:
        yield "full", values, {}


def _encode_tensor(
    node_id: str,
    role: Role,
    values: np.ndarray,
    offset: int,
    reduce: Reduce | None = None,
    channels_total: int | None = None,
) -> tuple[TensorSection, bytes]:
    values = np.ascontiguousarray(values, dtype=np.float32)
    finite = values[np.isfinite(values)]
    lo = float(finite.min()) if finite.size else 0.0
    hi = float(finite.max()) if finite.size else 0.0
    if values.size <= F32_MAX_ELEMENTS:
        dtype: Literal["u8", "f32"] = "f32"
        blob = values.astype("<f4").tobytes()
    else:
        dtype = "u8"
        blob = quantize_u8(values, lo, hi).tobytes()
    section: TensorSection = {
        "node": node_id,
        "role": role,
        "shape": [int(d) for d in values.shape],
        "dtype": dtype,
        "offset": offset,
        "length": len(blob),
        "lo": lo,
        "hi": hi,
        "channels_total": channels_total,
        "reduce": reduce,
    }
    return section, blob


def quantize_u8(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Map finite values in [lo, hi] to codes 0..250; NaN/±Inf to their own codes."""
    span = hi - lo
    scaled = (values - lo) * (U8_MAX_CODE / span) if span > 0 else np.zeros_like(values)
    with np.errstate(invalid="ignore"):
        codes = np.clip(np.rint(scaled), 0, U8_MAX_CODE)
    codes = np.where(np.isnan(values), U8_NAN, codes)
    codes = np.where(values == np.inf, U8_POS_INF, codes)
    codes = np.where(values == -np.inf, U8_NEG_INF, codes)
    return codes.astype(np.uint8)


def dequantize_u8(codes: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Inverse of :func:`quantize_u8` (exact for the special codes)."""
    codes = np.asarray(codes, dtype=np.uint8)
    values = lo + codes.astype(np.float32) * np.float32((hi - lo) / U8_MAX_CODE)
    values = np.where(codes == U8_NAN, np.nan, values)
    values = np.where(codes == U8_POS_INF, np.inf, values)
    values = np.where(codes == U8_NEG_INF, -np.inf, values)
    return values.astype(np.float32)


def decode_payload(payload: bytes) -> tuple[PayloadHeader, dict[tuple[str, str], np.ndarray]]:
    """Read a payload back (for tests and tools): header and (node, role) -> array.

    A comparison's ``a``/``b`` sections are keyed ``(node, "full:a")``, ``(node,
    "summary:b")``, ...; the shown ones (the difference) by their role alone."""
    if payload[:4] != PAYLOAD_MAGIC:
        raise ValueError(f"not an LSP1 payload: starts with {payload[:4]!r}")
    (length,) = struct.unpack("<I", payload[4:8])
    header: PayloadHeader = json.loads(payload[8 : 8 + length])
    base = _pad8(8 + length)
    arrays: dict[tuple[str, str], np.ndarray] = {}
    for s in header["tensors"]:
        raw = payload[base + s["offset"] : base + s["offset"] + s["length"]]
        if s["dtype"] == "f32":
            array = np.frombuffer(raw, dtype="<f4")
        else:
            array = dequantize_u8(np.frombuffer(raw, dtype=np.uint8), s["lo"], s["hi"])
        role = s["role"] if not s.get("sample") else f"{s['role']}:{s.get('sample')}"
        arrays[(s["node"], role)] = array.reshape(s["shape"])
    return header, arrays


def _pad8(n: int) -> int:
    return (n + 7) & ~7
