"""A layer's weights as the view shows them: the kernel and the bias, in the shapes of
the contract (``spec.py``: a kernel is rank 2 ``(rows, cols)`` or rank 4
``(kh, kw, cin, cout)``; a bias is rank 1).

Which weights: the layer's own ``kernel`` (Dense, the convolutions and their
transposes), else ``depthwise_kernel`` (DepthwiseConv2D: ``(kh, kw, cin, multiplier)``),
``embeddings`` (Embedding: ``(vocab, dim)``), or a recurrent layer's cell ``kernel``
(``(features, gates x units)``); the bias is the layer's (or its cell's) ``bias`` when
it is a vector. A layer that holds its weights in layers of its own (Bidirectional,
TimeDistributed, attention) shows its first weight of rank >= 2 (the one named
``kernel`` if any) and the vector named ``bias`` beside it. Values are read when a
payload is encoded, so they follow training.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keras
import numpy as np

from .plan import Plan, Scope, Untraced
from .spec import WeightsSpec

MAX_ELEMENTS = 1 << 20
"""Per layer: kernels larger than this send their first output columns only."""

MAX_SIDE = 4096
"""Texture side the front end can always draw: rows/columns (of pixels) beyond it are
left out (the first ones are sent)."""

_KERNEL_NAMES = ("kernel", "depthwise_kernel", "embeddings")


def _variables(layer: Any) -> tuple[Any | None, Any | None]:
    """The layer's kernel and bias variables (None where it has none)."""
    for owner in (layer, getattr(layer, "cell", None)):
        if owner is None:
            continue
        for name in _KERNEL_NAMES:
            kernel = getattr(owner, name, None)
            if isinstance(kernel, keras.Variable) and len(kernel.shape) >= 2:
                bias = getattr(owner, "bias", None)
                if not (isinstance(bias, keras.Variable) and len(bias.shape) == 1):
                    bias = None
                return kernel, bias
    return _first_kernel(layer)


def _first_kernel(layer: Any) -> tuple[Any | None, Any | None]:
    """For wrappers: the first weight of rank >= 2 (one named ``kernel`` first) and the
    rank-1 ``bias`` of the same sublayer."""
    weights = [v for v in getattr(layer, "weights", None) or [] if isinstance(v, keras.Variable)]
    kernels = [v for v in weights if len(v.shape) >= 2]
    if not kernels:
        return None, None
    kernel = next((v for v in kernels if _name(v) == "kernel"), kernels[0])
    owner = _owner(kernel)
    bias = next(
        (v for v in weights if len(v.shape) == 1 and _name(v) == "bias" and _owner(v) == owner),
        None,
    )
    return kernel, bias


def _name(variable: Any) -> str:
    return str(variable.path).rsplit("/", 1)[-1]


def _owner(variable: Any) -> str:
    # The sublayer a variable belongs to: its path without the variable's own name.
    return str(variable.path).rsplit("/", 1)[0]


def canonical_shape(shape: tuple[int, ...] | list[int]) -> list[int] | None:
    """The kernel shape as sent: rank 2 as is; rank 3 ``(k, cin, cout)`` as
    ``(1, k, cin, cout)``; rank 4 as is; rank 5 ``(kd, kh, kw, cin, cout)`` as
    ``(kd * kh, kw, cin, cout)``; None for any other rank."""
    dims = [int(d) for d in shape]
    if len(dims) in (2, 4):
        return dims
    if len(dims) == 3:
        return [1, *dims]
    if len(dims) == 5:
        return [dims[0] * dims[1], *dims[2:]]
    return None


def weights_spec(layer: Any) -> WeightsSpec | None:
    """What the graph spec says about ``layer``'s weights, or None when it has none."""
    kernel, bias = _variables(layer)
    shape = canonical_shape(tuple(kernel.shape)) if kernel is not None else None
    if shape is None:
        return None
    return {"kernel": shape, "bias": [int(bias.shape[0])] if bias is not None else None}


def layer_weights(layer: Any) -> tuple[np.ndarray, np.ndarray | None] | None:
    """The current kernel (canonical shape, within the limits) and bias, as float32."""
    kernel, bias = _variables(layer)
    if kernel is None:
        return None
    values = np.asarray(keras.ops.convert_to_numpy(kernel), dtype=np.float32)
    shape = canonical_shape(values.shape)
    if shape is None:
        return None
    values = _within_limits(values.reshape(shape))
    biases = None
    if bias is not None:
        biases = np.asarray(keras.ops.convert_to_numpy(bias), dtype=np.float32)
    return values, biases


def _within_limits(kernel: np.ndarray) -> np.ndarray:
    if kernel.ndim == 2:
        rows, cols = min(kernel.shape[0], MAX_SIDE), min(kernel.shape[1], MAX_SIDE)
        cols = max(1, min(cols, MAX_ELEMENTS // max(1, rows)))
        return kernel[:rows, :cols]
    kh, kw = kernel.shape[:2]
    cin = max(1, min(kernel.shape[2], MAX_SIDE // (kh + 1)))
    cout = max(1, min(kernel.shape[3], MAX_SIDE // (kw + 1)))
    cout = max(1, min(cout, MAX_ELEMENTS // max(1, kh * kw * cin)))
    return kernel[:, :, :cin, :cout]


def layers_by_node(plan: Plan) -> dict[str, Any]:
    """Node id -> the layer it calls, for every node whose layer has weights to show
    (an untraced model's nodes are its tracked layers, by name)."""
    if isinstance(plan, Untraced):
        return {layer.name: layer for layer in plan.model.layers if weights_spec(layer)}
    return {node_id: op for node_id, op in _calls(plan) if weights_spec(op) is not None}


def _calls(scope: Scope) -> Iterator[tuple[str, Any]]:
    for call in scope.calls:
        if call.inner is not None:
            yield from _calls(call.inner)
        elif not call.node.is_input:
            yield call.id, call.node.operation
