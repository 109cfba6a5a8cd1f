"""Run a model once and keep every node's output.

The forward pass follows the plan from ``plan.py`` call by call, in inference mode,
recursing into nested models, so one pass yields the model's outputs *and* every
intermediate activation — including raw ``keras.ops`` steps and each call of a shared
layer — without building probe models or touching the user's model.

An untraced subclassed model (see ``plan.Untraced``) has no graph to follow: it is
called as a whole, and only what is known to belong to a node is kept — its input and
its output. Nothing is guessed for the layers in between.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np
from keras import tree

from . import _keras
from .plan import Scope, Untraced


def run_with_activations(
    plan: Scope, inputs: list[Any], whole_batch: bool = False
) -> tuple[list[Any], dict[str, np.ndarray]]:
    """Run the planned graph on batched ``inputs``.

    Parameters
    ----------
    plan
        From :func:`layerscape.plan.plan_model`.
    inputs
        One batched array per model input, in ``model.inputs`` order.
    whole_batch
        Keep every sample: each activation keeps its batch dimension.

    Returns
    -------
    outputs, activations
        The model's outputs (flat list, in ``model.outputs`` order, as numpy) and, per
        node id, that node's first output for the *first* sample (batch dimension
        removed) as float32 numpy; with ``whole_batch``, for every sample (batch first).
    """
    functional = plan.functional
    tensors = [
        keras.ops.convert_to_tensor(x, dtype=t.dtype) for x, t in zip(inputs, functional.inputs)
    ]
    activations: dict[str, np.ndarray] = {}
    keep = _as_batch if whole_batch else _first_sample
    outputs = _run_scope(plan, tensors, activations, keep)
    return [keras.ops.convert_to_numpy(y) for y in outputs], activations


def _run_scope(
    scope: Scope,
    inputs: list[Any],
    record: dict[str, np.ndarray],
    keep: Callable[[Any], np.ndarray],
) -> list[Any]:
    values = {id(t): v for t, v in zip(scope.functional.inputs, inputs)}
    for call in scope.calls:
        node = call.node
        if node.is_input:
            record[call.id] = keep(values[id(node.outputs[0])])
            continue
        if call.inner is not None:
            flat = [values[id(t)] for t in node.input_tensors]
            outputs = _run_scope(call.inner, flat, record, keep)
        else:
            outputs = tree.flatten(_keras.run_node(node, values))
            record[call.id] = keep(outputs[0])
        for symbolic, value in zip(node.outputs, outputs):
            values[id(symbolic)] = value
    return [values[id(t)] for t in scope.functional.outputs]


def _as_batch(value: Any) -> np.ndarray:
    # np.asarray shares the backend's CPU buffer (TensorFlow, JAX, torch without grad):
    # copying every activation into fresh memory made capture ~1.5x a forward pass.
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, RuntimeError):
        array = keras.ops.convert_to_numpy(value)
    return np.asarray(array, dtype=np.float32)


def _first_sample(value: Any) -> np.ndarray:
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, RuntimeError):
        array = keras.ops.convert_to_numpy(value)
    return np.asarray(array[0], dtype=np.float32)


def run_untraced(
    plan: Untraced, batch: Any, whole_batch: bool = False
) -> tuple[Any, dict[str, np.ndarray]]:
    """Call an untraced model on ``batch`` as the user would, in inference mode.

    Parameters
    ----------
    plan
        From :func:`layerscape.plan.plan_model` for a model whose ``call()`` could not
        be traced.
    batch
        What the model's ``call()`` takes, with the batch dimension; for a ``call()``
        with several input arguments, a list or tuple of them.
    whole_batch
        Keep every sample (batch first) instead of the first one.

    Returns
    -------
    outputs, activations
        The model's own output (its structure kept, leaves as numpy) and the values that
        honestly belong to a node: the input's first sample (when the input is one
        array) and the first output's first sample.
    """
    if plan.arguments > 1:
        if not isinstance(batch, (list, tuple)) or len(batch) != plan.arguments:
            raise TypeError(
                f"{type(plan.model).__name__}.call() takes {plan.arguments} input arguments: "
                f"pass a list of {plan.arguments} batches; got {type(batch).__name__}"
            )
        returned = plan.model(*batch, training=False)
    else:
        returned = plan.model(batch, training=False)
    outputs = keras.tree.map_structure(keras.ops.convert_to_numpy, returned)
    record: dict[str, np.ndarray] = {}
    keep = _as_batch if whole_batch else _first_sample
    given = tree.flatten(batch)
    if len(given) == 1 and np.ndim(given[0]) >= 1:
        record[plan.input_id] = keep(given[0])
    leaves = tree.flatten(outputs)
    if leaves and np.ndim(leaves[0]) >= 1:
        record[plan.output_id] = keep(leaves[0])
    return outputs, record
