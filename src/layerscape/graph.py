"""Read a Keras model's graph into a :class:`~layerscape.spec.GraphSpec`.

The walk goes over the graph's *nodes* (one per operation call), not ``model.layers``:
that is what sees raw ``keras.ops`` calls, each call of a shared layer and the layers
inside nested models. The same walk (:func:`plan_model`) drives the forward pass in
``capture.py``, so node ids always agree between the graph and the activations.

This relies on Keras 3 internals (``_nodes_by_depth``, ``Node.arguments``,
``Sequential._functional``); ``tests/test_graph.py`` pins the behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import keras

from .spec import SPEC_VERSION, EdgeSpec, Family, GraphSpec, NodeSpec
from .trace import trace_subclassed

# Config keys worth a line in the tooltip, in the order they are shown.
CONFIG_KEYS = (
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "dilation_rate",
    "pool_size",
    "units",
    "activation",
    "rate",
    "target_shape",
    "dims",
    "size",
    "cropping",
    "axis",
    "return_sequences",
    "input_dim",
    "output_dim",
    "num_heads",
)


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


def functional_of(model: keras.Model) -> Any:
    """Return the Functional graph behind ``model``.

    Raises
    ------
    ValueError
        If the model is not built (a Sequential without ``Input`` never called, a
        subclassed model never called).
    TypeError
        If the model is not a Keras model, or a subclassed model's ``call()`` cannot be
        traced (see ``trace.py``).
    """
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"expected a keras.Model (Sequential, Functional or subclassed); "
            f"got {type(model).__name__}"
        )
    if isinstance(model, keras.Sequential):
        functional = getattr(model, "_functional", None)
        if functional is None:
            raise ValueError(
                f"the Sequential model {model.name!r} is not built, so its shapes are "
                "unknown. Start it with an input layer, e.g. "
                "keras.Sequential([keras.Input((28, 28, 1)), ...]), or call "
                "model.build((None, 28, 28, 1)) (with your input shape) first."
            )
        return functional
    if hasattr(model, "_nodes_by_depth") and getattr(model, "inputs", None):
        return model
    return trace_subclassed(model)


def _nested_functional(operation: Any) -> Any | None:
    if isinstance(operation, keras.Sequential):
        return getattr(operation, "_functional", None)
    if isinstance(operation, keras.Model) and hasattr(operation, "_nodes_by_depth"):
        return operation
    return None


def plan_model(model: keras.Model) -> Scope:
    """Order every operation call of ``model`` for drawing and running."""
    return _plan_scope(functional_of(model), prefix="", top_level=True)


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
    by_depth = functional._nodes_by_depth
    nodes = [n for depth in sorted(by_depth, reverse=True) for n in by_depth[depth]]
    # Inputs first, in the order of model.inputs, so ids and drawing are stable.
    input_rank = {id(t): i for i, t in enumerate(functional.inputs)}
    inputs = sorted(
        (n for n in nodes if n.is_input),
        key=lambda n: input_rank.get(id(n.outputs[0]), len(input_rank)),
    )
    return inputs + [n for n in nodes if not n.is_input]


def extract_graph(model: keras.Model, labels: list[str] | None = None) -> GraphSpec:
    """Describe ``model`` as a :class:`~layerscape.spec.GraphSpec`.

    Parameters
    ----------
    model
        A built Sequential or Functional Keras model. It is read, never changed.
    labels
        Optional class names for the first model output.

    Returns
    -------
    GraphSpec
        Nodes in topological order and the edges between them.
    """
    return graph_from_plan(model, plan_model(model), labels)


def graph_from_plan(model: keras.Model, plan: Scope, labels: list[str] | None = None) -> GraphSpec:
    """Build the spec for a plan made by :func:`plan_model`."""
    nodes: list[NodeSpec] = []
    edges: list[EdgeSpec] = []
    functional = plan.functional
    sources = _describe_scope(plan, {}, None, nodes, edges)
    output_ids = _unique([sources[id(t)] for t in functional.outputs])
    input_ids = [c.id for c in plan.calls if c.node.is_input]
    for node in nodes:
        node["is_output"] = node["id"] in output_ids
    return {
        "version": SPEC_VERSION,
        "name": model.name,
        "nodes": nodes,
        "edges": edges,
        "inputs": input_ids,
        "outputs": output_ids,
        "labels": list(labels) if labels is not None else None,
    }


def _describe_scope(
    scope: Scope,
    sources: dict[int, str],
    parent: str | None,
    nodes: list[NodeSpec],
    edges: list[EdgeSpec],
) -> dict[int, str]:
    """Append the scope's nodes/edges; return tensor -> producing node id."""
    for call in scope.calls:
        node = call.node
        inbound = _unique([sources[id(t)] for t in node.input_tensors if id(t) in sources])
        if call.inner is not None:
            inner_sources = {
                id(inner_t): sources[id(outer_t)]
                for inner_t, outer_t in zip(call.inner.functional.inputs, node.input_tensors)
                if id(outer_t) in sources
            }
            inner_sources = _describe_scope(call.inner, inner_sources, call.id, nodes, edges)
            for outer_t, inner_t in zip(node.outputs, call.inner.functional.outputs):
                sources[id(outer_t)] = inner_sources[id(inner_t)]
            continue
        nodes.append(_node_spec(call, parent))
        edges.extend({"source": s, "target": call.id} for s in inbound)
        for t in node.outputs:
            sources[id(t)] = call.id
    return sources


def _node_spec(call: Call, parent: str | None) -> NodeSpec:
    node = call.node
    operation = node.operation
    shapes = [_shape(t.shape) for t in node.outputs]
    return {
        "id": call.id,
        "name": operation.name,
        "class_name": type(operation).__name__,
        "family": family_of(shapes[0], node.is_input) if len(shapes) else "generic",
        "output_shape": shapes[0] if shapes else [],
        "output_shapes": shapes,
        "params": _param_count(operation),
        "config": _key_config(operation),
        "is_input": bool(node.is_input),
        "is_output": False,
        "parent": parent,
    }


def family_of(shape: list[int | None], is_input: bool) -> Family:
    """Pick the visual for an output of ``shape`` (no batch dimension)."""
    rank = len(shape)
    if rank == 3:
        if is_input and shape[-1] in (1, 3):
            return "image"
        return "feature_map"
    if rank == 1:
        return "vector"
    if rank == 2:
        return "sequence"
    return "generic"


def _shape(shape: Any) -> list[int | None]:
    return [None if d is None else int(d) for d in tuple(shape)[1:]]


def _param_count(operation: Any) -> int:
    if not isinstance(operation, keras.layers.Layer) or isinstance(
        operation, keras.layers.InputLayer
    ):
        return 0
    try:
        return int(operation.count_params())
    except ValueError:  # an unbuilt layer owns no weights yet
        return 0


def _key_config(operation: Any) -> dict[str, object]:
    try:
        config = operation.get_config()
    except (NotImplementedError, TypeError, AttributeError):
        return {}
    out: dict[str, object] = {}
    for key in CONFIG_KEYS:
        value = config.get(key)
        if value is None or isinstance(value, dict):
            continue
        out[key] = _jsonable(value)
    if "layer" in config and isinstance(config["layer"], dict):
        out["wraps"] = str(config["layer"].get("class_name", ""))
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
