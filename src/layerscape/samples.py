"""Every sample of a batch, kept within a memory bound, and the comparison of two.

``ModelView.predict(batch)`` keeps each node's output for every sample of the batch
(``Batch``), up to :data:`MAX_BATCH_BYTES` in all: beyond it the first samples that
fit are kept and a :class:`SamplesWarning` says how many. ``view.sample = i`` then
shows sample ``i`` without running the model again.

``view.compare(a, b)`` sends, per layer, ``b - a`` (:func:`encode_comparison`): the
shown sections hold the difference, and the same sections of ``a`` and ``b`` travel
beside them (``TensorSection.sample``), so hovering tells all three. The difference
of a closed layer's summary is the difference of the two summaries (for ``"max"``,
``max(b) - max(a)``: the two pictures' difference, which hover can explain).
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .encode import CHANNEL_FAMILIES, Reduce, encode_activations
from .export import FRAME_QUOTING
from .runners import Runner
from .spec import ComparePair, GraphSpec, SampleInfo

MAX_BATCH_BYTES = 256_000_000
"""The most bytes of activations a view keeps for the samples of one batch (every
node's float32 output, all kept samples together). Beyond it ``predict`` keeps the
first samples that fit (at least one) and warns."""


class SamplesWarning(UserWarning):
    """A batch was larger than the view keeps: only its first samples are kept."""


@dataclass(frozen=True)
class Batch:
    """Every node's output for the kept samples of the last batch (batch first)."""

    activations: dict[str, np.ndarray]
    given: int
    """How many samples the batch had (``kept`` may be fewer)."""

    @property
    def kept(self) -> int:
        """How many samples are kept (at least 1)."""
        for values in self.activations.values():
            return int(values.shape[0])
        return 1

    def sample(self, index: int) -> dict[str, np.ndarray]:
        """Node id -> that node's output for sample ``index`` (no batch)."""
        return {k: v[index] for k, v in self.activations.items()}

    def info(self, index: int) -> SampleInfo:
        """The payload header's ``sample`` entry for sample ``index``."""
        return {"index": index, "kept": self.kept, "given": self.given}


def keep_batch(
    batch: Mapping[str, np.ndarray], max_bytes: int = MAX_BATCH_BYTES, limit: int | None = None
) -> Batch:
    """The samples of ``batch`` (node id -> batch-first array) kept within ``max_bytes``.

    Parameters
    ----------
    batch
        Every node's output for every sample, batch first, all with the same batch size.
    max_bytes
        The bound on the bytes kept, all nodes and samples together.
    limit
        Keep at most this many samples (a training redraw keeps one).

    Returns
    -------
    Batch
        The first samples whose activations fit (at least one). When fewer than the
        batch's are kept, a :class:`SamplesWarning` says how many, and the arrays are
        copies, so the rest of the batch's memory is freed.
    """
    if not batch:
        return Batch({}, 1)
    given = int(next(iter(batch.values())).shape[0])
    per_sample = sum(int(v[0].nbytes) if len(v) else 0 for v in batch.values())
    kept = max(1, min(given, max_bytes // max(1, per_sample)))
    if limit is not None:
        kept = min(kept, max(1, limit))
    elif kept < given:
        warnings.warn(
            f"layerscape: the view keeps the first {kept} of the batch's {given} samples "
            f"(each holds {per_sample:,} bytes of activations; the bound is "
            f"samples.MAX_BATCH_BYTES = {max_bytes:,}); predict fewer to see the others",
            SamplesWarning,
            stacklevel=4,
        )
    if kept == given:
        return Batch(dict(batch), given)
    return Batch({k: np.array(v[:kept]) for k, v in batch.items()}, given)


def check_index(index: object, kept: int, what: str = "sample") -> int:
    """``index`` as an int in ``0 <= index < kept``.

    Raises
    ------
    TypeError
        If ``index`` is not an integer (``bool`` is not one here).
    ValueError
        If it is out of range; the message gives the range.
    """
    if isinstance(index, bool) or not isinstance(index, numbers.Integral):
        raise TypeError(f"{what} must be an int index into the last batch; got {index!r:.60}")
    i = int(index)
    if not 0 <= i < kept:
        held = f"the view holds {kept} sample{'s' if kept != 1 else ''}"
        raise ValueError(f"{what} must be in 0..{kept - 1} ({held}); got {i}")
    return i


def is_index(value: object) -> bool:
    """Whether ``compare`` was given an index (an integer), not a sample."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def resolve_pair(a: object, b: object, kept: int) -> ComparePair | None:
    """``compare(a, b)``'s two indices, checked; None when ``a`` and ``b`` are samples.

    ``kept`` is how many samples the view holds (0 before any prediction).

    Raises
    ------
    TypeError
        For one index and one sample, or a missing ``b``.
    ValueError
        For an index out of range, or indices before any prediction.
    """
    if b is None:
        raise TypeError(
            "compare takes two indices of the last batch or two samples, compare(a, b), "
            "or compare(None) to end the comparison"
        )
    if is_index(a) and is_index(b):
        if kept == 0:
            raise ValueError("nothing to compare yet: predict a batch first, or pass two samples")
        return {"a": check_index(a, kept, "a"), "b": check_index(b, kept, "b")}
    if is_index(a) or is_index(b):
        raise TypeError(
            "compare takes two indices of the last batch or two samples, not one of each; "
            f"got {type(a).__name__} and {type(b).__name__}"
        )
    return None


def pair_batch(runner: Runner, graph: GraphSpec, a: Any, b: Any) -> tuple[Batch, GraphSpec]:
    """Run the model on samples ``a`` and ``b``: a batch of two (``a`` first) and the
    graph with what the run showed (see ``Runner.observed``).

    Each is run as :meth:`ModelView.predict` runs one sample, so anything ``predict``
    takes for one sample works, and each raises what ``predict`` would, before the view
    changes.

    Raises
    ------
    TypeError, ValueError
        What ``predict`` raises for either; a ``TypeError`` for a batch of several; a
        ``ValueError`` when their layers' shapes differ.
    """
    runs = [runner.run(x, graph["labels"]) for x in (a, b)]
    for name, run in zip("ab", runs):
        size = next((int(v.shape[0]) for v in run.batch.values()), 1)
        if size != 1:
            raise TypeError(
                f"compare takes one sample for {name}; got a batch of {size}. To compare "
                "two samples of a batch: view.predict(batch), then view.compare(i, j)"
            )
    first, second = runs
    difference(first.activations, second.activations)  # the same shapes, or a clear error
    both = {
        k: np.concatenate([v, second.batch[k]]) for k, v in first.batch.items() if k in second.batch
    }
    return Batch(both, 2), runner.observed(graph, first.activations)


def difference(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Node id -> ``b - a`` (float32) for the nodes both have.

    Raises
    ------
    ValueError
        If a node's output has different shapes for ``a`` and ``b`` (a model with open
        dimensions given samples of different sizes); the message names the node.
    """
    out: dict[str, np.ndarray] = {}
    for node_id, values in b.items():
        other = a.get(node_id)
        if other is None:
            continue
        if other.shape != values.shape:
            raise ValueError(
                f"cannot compare: {node_id!r} gives shape {tuple(other.shape)} for a and "
                f"{tuple(values.shape)} for b; compare samples of the same size"
            )
        with np.errstate(invalid="ignore", over="ignore"):
            out[node_id] = np.subtract(values, other, dtype=np.float32)
    return out


def _summary(values: np.ndarray, reduce: Reduce) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return values.mean(axis=-1) if reduce == "mean" else values.max(axis=-1)


def encode_comparison(
    graph: GraphSpec,
    a: Mapping[str, np.ndarray],
    b: Mapping[str, np.ndarray],
    pair: ComparePair,
    seq: int,
    reduce: Reduce = "mean",
    open_ids: Collection[str] = (),
    budget: int | None = None,
    weights: Mapping[str, tuple[np.ndarray, np.ndarray | None]] | None = None,
    sample: SampleInfo | None = None,
    hidden: Collection[str] = (),
    hidden_last: bool = False,
) -> bytes:
    """A payload showing ``b - a`` for every layer, with ``a``'s and ``b``'s values beside.

    Parameters
    ----------
    graph
        The spec whose nodes say how each activation is drawn.
    a, b
        Node id -> that node's output for one sample (no batch).
    pair
        What the header's ``compare`` says: the two samples' indices in the batch.
    seq, reduce, open_ids, weights, hidden, hidden_last
        As for :func:`~layerscape.encode.encode_activations`.
    budget
        Bytes for the whole payload: the channels of closed layers go (smallest first)
        while the difference, ``a`` and ``b`` together stay within it.
    sample
        The header's ``sample`` entry (the batch the two come from).

    Returns
    -------
    bytes
        An ``LSP1`` payload whose header has ``compare``; each shown section holds
        ``section(b) - section(a)`` and its ``sample: "a"`` / ``"b"`` companions.
    """
    diff = difference(a, b)
    summaries: dict[str, np.ndarray] = {}
    for node in graph["nodes"]:
        rank = CHANNEL_FAMILIES.get(node["family"])
        node_id = node["id"]
        if rank is not None and node_id in diff and diff[node_id].ndim == rank:
            with np.errstate(invalid="ignore", over="ignore"):
                summaries[node_id] = _summary(b[node_id], reduce) - _summary(a[node_id], reduce)
    return encode_activations(
        graph,
        diff,
        seq,
        reduce,
        open_ids=open_ids,
        budget=budget,
        weights=weights,
        summaries=summaries,
        companions={"a": dict(a), "b": dict(b)},
        sample=sample,
        compare=pair,
        hidden=hidden,
        hidden_last=hidden_last,
    )


EncodeSample = Callable[[int, int], bytes]
"""``encode(index, budget)``: sample ``index``'s plain payload within ``budget`` bytes."""


def samples_reserve(encode: EncodeSample, kept: int, room: int) -> int:
    """What a saved page sets aside for its picker before the shown payload: every kept
    sample's smallest payload (0 with one sample, or when they would take more than
    half of ``room``: then the page has no picker)."""
    if kept < 2:
        return 0
    cost = sum(len(encode(i, 0)) + FRAME_QUOTING for i in range(kept))
    return cost if cost <= room // 2 else 0


def page_samples(encode: EncodeSample, kept: int, room: int, shown: int) -> list[bytes]:
    """One payload per kept sample for a saved page's picker, within ``room`` bytes:
    each with the closed layers' channels while they fit, else only what it must hold;
    none, with a warning, when not even that fits (``shown`` is the sample on the page)."""
    if kept < 2:
        return []
    payloads: list[bytes] = []
    for budget in (room // kept, 0):
        payloads = [encode(i, budget) for i in range(kept)]
        if sum(len(p) + FRAME_QUOTING for p in payloads) <= room:
            return payloads
    warnings.warn(
        f"layerscape: the page shows sample {shown} only: the {kept} kept samples need "
        f"about {sum(map(len, payloads)) * 4 // 3:,} bytes more than max_bytes leaves, so "
        "its sample picker is hidden; pass a larger max_bytes",
        stacklevel=5,
    )
    return []
