"""Plan a model: every operation call, in run order, with the id it has in the spec.

The walk goes over the graph's *nodes* (one per operation call), not ``model.layers``:
that is what sees raw ``keras.ops`` calls, each call of a shared layer and the layers
inside nested models. The same plan drives the drawing (``graph.py`` describes it as
the graph spec) and the forward pass (``capture.py`` runs it), so node ids always agree
between the graph and the activations.

A subclassed model whose ``call()`` cannot be traced has no graph to walk; its plan is
an :class:`Untraced` list of the layers it tracks, drawn in order without edges and
flagged ``wiring: "unknown"`` in the spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import keras

from . import _keras
from .trace import UntraceableError, call_arguments, trace_subclassed


@dataclass
class Call:
    """One operation call in the graph, with the id it has in the spec."""

    id: str
    node: Any  # keras.src.ops.node.Node
    inner: Scope | None = None  # the expanded graph of a nested model


@dataclass
class Scope:
    """A functional graph (the model's own, or a nested model's) in run order."""

    functional: Any  # keras Functional
    prefix: str
    calls: list[Call] = field(default_factory=list)


@dataclass
class Untraced:
    """A subclassed model whose ``call()`` could not be traced: its layers, no wiring."""

    model: keras.Model
    reason: str
    input_id: str
    output_id: str
    input_shape: list[int | None] | None
    """Per-sample input shape, when Keras recorded one; None when nobody knows it."""
    arguments: int = 1
    """How many input arguments ``call()`` takes (``predict`` spreads a list over them)."""


Plan = Scope | Untraced


def functional_of(model: keras.Model) -> Any:
    """Return the Functional graph behind ``model``.

    Raises
    ------
    ValueError
        If the model is not built (a Sequential without ``Input`` never called, a
        subclassed model never called).
    TypeError
        If the model is not a Keras model; :class:`~layerscape.trace.UntraceableError`
        (a ``TypeError``) if a subclassed model's ``call()`` cannot be traced.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"expected a keras.Model (Sequential, Functional or subclassed); "
            f"got {type(model).__name__}"
        )
    if isinstance(model, keras.Sequential):
        functional = _keras.sequential_graph(model)
        if functional is None:
            raise ValueError(
                f"the Sequential model {model.name!r} is not built, so its shapes are "
                "unknown. Start it with an input layer, e.g. "
                "keras.Sequential([keras.Input((28, 28, 1)), ...]), or call "
                "model.build((None, 28, 28, 1)) (with your input shape) first."
            )
        return functional
    if _keras.has_graph(model) and getattr(model, "inputs", None):
        return model
    return trace_subclassed(model)


def _nested_functional(operation: Any) -> Any | None:
    if isinstance(operation, keras.Sequential):
        return _keras.sequential_graph(operation)
    if isinstance(operation, keras.Model) and _keras.has_graph(operation):
        return operation
    return None


def plan_model(model: keras.Model) -> Plan:
    """Order every operation call of ``model`` for drawing and running.

    Returns an :class:`Untraced` plan for a subclassed model whose ``call()`` cannot be
    traced, so it is still drawn (its layers, without wiring) and still predicts.
    """
    try:
        functional = functional_of(model)
    except UntraceableError as err:
        return _untraced_plan(model, err.reason)
    return _plan_scope(functional, prefix="", top_level=True)


def _untraced_plan(model: keras.Model, reason: str) -> Untraced:
    taken = {layer.name for layer in model.layers}
    shapes = _keras.build_shapes(model)
    shape = next(iter(shapes.values())) if len(shapes) == 1 else None
    arguments = max(1, len(call_arguments(model)))
    if arguments > 1 or not is_one_shape(shape):
        shape = None  # several inputs: Keras' record (if any) is not one input's shape
    return Untraced(
        model=model,
        reason=reason,
        input_id=_fresh("input", taken),
        output_id=_fresh(f"{model.name}_output", taken),
        input_shape=sample_shape(shape) if shape is not None else None,
        arguments=arguments,
    )


def is_one_shape(shape: Any) -> bool:
    """Whether ``shape`` is one tensor shape (not a list or dict of them)."""
    return isinstance(shape, (tuple, list)) and all(d is None or isinstance(d, int) for d in shape)


def sample_shape(shape: Any) -> list[int | None]:
    """A batched shape without its batch dimension, as the spec writes it."""
    return [None if d is None else int(d) for d in tuple(shape)[1:]]


def _fresh(name: str, taken: set[str]) -> str:
    candidate, k = name, 1
    while candidate in taken:
        candidate, k = f"{name}_{k}", k + 1
    return candidate


def _plan_scope(functional: Any, prefix: str, top_level: bool) -> Scope:
    scope = Scope(functional=functional, prefix=prefix)
    call_counts: dict[int, int] = {}
    for node in _nodes_in_run_order(functional):
        if node.is_input and not top_level:
            continue  # a nested model's inputs are its caller's tensors
        operation = node.operation
        k = call_counts.get(id(operation), 0)
        call_counts[id(operation)] = k + 1
        node_id = prefix + operation.name + (f":{k}" if k else "")
        inner_functional = None if node.is_input else _nested_functional(operation)
        inner = (
            _plan_scope(inner_functional, prefix=node_id + "/", top_level=False)
            if inner_functional is not None
            else None
        )
        scope.calls.append(Call(id=node_id, node=node, inner=inner))
    return scope


def _nodes_in_run_order(functional: Any) -> list[Any]:
    by_depth = _keras.nodes_by_depth(functional)
    nodes = [n for depth in sorted(by_depth, reverse=True) for n in by_depth[depth]]
    # Inputs first, in the order of model.inputs, so ids and drawing are stable.
    input_rank = {id(t): i for i, t in enumerate(functional.inputs)}
    inputs = sorted(
        (n for n in nodes if n.is_input),
        key=lambda n: input_rank.get(id(n.outputs[0]), len(input_rank)),
    )
    return inputs + [n for n in nodes if not n.is_input]
