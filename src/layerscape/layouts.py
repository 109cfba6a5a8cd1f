"""Which nodes' outputs are channels first, so that they are drawn channels last.

The view draws rank-2..4 activations as (L, C), (H, W, C) and (D, H, W, C). A layer
with ``data_format="channels_first"`` (Conv*D, pooling, UpSampling, ZeroPadding,
Cropping, global pooling with ``keepdims``...) writes (C, ...) instead; its output is
marked, and so is the output of a layer that keeps the layout of a marked input
(BatchNormalization, activations, Dropout, Add, Concatenate...: the same shape as that
input, or a concatenation of marked inputs), and a model input whose consumers read it
channels first. The traced runner moves the channel axis of a marked activation last and
the graph spec transposes its shape the same way, so a marked node's values, shape and
receptive fields are all read channels last. Rank-1 outputs (Flatten, Dense, global
pooling without ``keepdims``) are never marked.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from .families import is_reshape
from .plan import Scope


def channels_first_ids(plan: Scope) -> set[str]:
    """The ids of the calls in ``plan`` (nested models included) whose first output is
    channels first: (C, L), (C, H, W) or (C, D, H, W) per sample."""
    marked: set[str] = set()
    _mark_scope(plan, {}, marked)
    return marked


def reads_marked_out_of_order(plan: Scope, marked: set[str]) -> set[str]:
    """Reshape layers (Flatten, Reshape) whose input is marked and that do not read it
    channels last first: their elements follow the (C, ...) order, not the row-major
    order of the input as drawn, so they must not be drawn as that rearrangement.
    A ``Flatten(data_format="channels_first")`` moves the channels last itself and is not
    among them."""
    found: set[str] = set()
    _find_out_of_order(plan, {}, marked, found)
    return found


def with_channels_last(
    activations: dict[str, np.ndarray], marked: set[str], batched: bool
) -> dict[str, np.ndarray]:
    """``activations`` (node id -> values, as capture keeps them) with each marked
    node's channel axis moved last, as the graph spec draws it; changed in place and
    returned. ``batched``: the values keep their batch dimension first."""
    for node_id in marked:
        if node_id in activations:
            activations[node_id] = channels_last(activations[node_id], batched)
    return activations


def channels_last(values: np.ndarray, batched: bool) -> np.ndarray:
    """``values`` of a marked node with its channel axis moved last (a contiguous copy)."""
    axis = 1 if batched else 0
    return np.ascontiguousarray(np.moveaxis(values, axis, -1))


def transposed(shape: list[int | None]) -> list[int | None]:
    """A per-sample (C, ...) shape as (..., C)."""
    return [*shape[1:], shape[0]]


def _sample_rank(tensor: Any) -> int:
    return len(tensor.shape) - 1


def _reads_channels_first(operation: Any) -> bool:
    return getattr(operation, "data_format", None) == "channels_first"


def _mark_scope(scope: Scope, tensors: dict[int, bool], marked: set[str]) -> dict[int, bool]:
    """Walk the scope's calls; ``tensors`` maps a tensor id to whether it is marked."""
    consumers: dict[int, list[Any]] = {}
    for call in scope.calls:
        for t in call.node.input_tensors:
            consumers.setdefault(id(t), []).append(call.node.operation)
    for call in scope.calls:
        node = call.node
        if node.is_input:
            out = node.outputs[0]
            mark = tensors.get(id(out), False) or (
                2 <= _sample_rank(out) <= 4
                and any(_reads_channels_first(op) for op in consumers.get(id(out), []))
            )
            tensors[id(out)] = mark
            if mark:
                marked.add(call.id)
            continue
        if call.inner is not None:
            inner = {
                id(inner_t): tensors.get(id(outer_t), False)
                for inner_t, outer_t in zip(call.inner.functional.inputs, node.input_tensors)
            }
            inner = _mark_scope(call.inner, inner, marked)
            for outer_t, inner_t in zip(node.outputs, call.inner.functional.outputs):
                tensors[id(outer_t)] = inner.get(id(inner_t), False)
            continue
        mark = _output_is_channels_first(node, tensors)
        for t in node.outputs:
            tensors[id(t)] = mark and t is node.outputs[0]
        if mark:
            marked.add(call.id)
    return tensors


def _output_is_channels_first(node: Any, tensors: dict[int, bool]) -> bool:
    if not node.outputs:
        return False
    out = node.outputs[0]
    rank = _sample_rank(out)
    if not 2 <= rank <= 4:
        return False
    operation = node.operation
    if _reads_channels_first(operation):
        return True
    if is_reshape(operation) or isinstance(operation, keras.layers.Permute):
        return False  # they move elements between axes: the layout is theirs
    same_rank = [t for t in node.input_tensors if _sample_rank(t) == rank]
    marked_in = [t for t in same_rank if tensors.get(id(t), False)]
    if not marked_in:
        return False
    if isinstance(operation, keras.layers.Concatenate):
        return len(marked_in) == len(same_rank)
    return tuple(marked_in[0].shape[1:]) == tuple(out.shape[1:])


def _find_out_of_order(
    scope: Scope, sources: dict[int, str], marked: set[str], found: set[str]
) -> dict[int, str]:
    """Like the graph walk: ``sources`` maps a tensor id to the call id that made it."""
    for call in scope.calls:
        node = call.node
        if call.inner is not None:
            inner = {
                id(inner_t): sources[id(outer_t)]
                for inner_t, outer_t in zip(call.inner.functional.inputs, node.input_tensors)
                if id(outer_t) in sources
            }
            inner = _find_out_of_order(call.inner, inner, marked, found)
            for outer_t, inner_t in zip(node.outputs, call.inner.functional.outputs):
                if id(inner_t) in inner:
                    sources[id(outer_t)] = inner[id(inner_t)]
            continue
        if (
            not node.is_input
            and is_reshape(node.operation)
            and not _reads_channels_first(node.operation)
            and any(sources.get(id(t)) in marked for t in node.input_tensors)
        ):
            found.add(call.id)
        for t in node.outputs:
            sources[id(t)] = call.id
    return sources
