"""Describe a plan (``plan.py``) as the :class:`~layerscape.spec.GraphSpec`.

A traced plan becomes its nodes (one per operation call, nested models expanded in
place) and the edges between them; an untraced one becomes its input, its tracked
layers in order and its output, without edges. Each node carries the answers of the
contract's rules (``families.py``) and its tooltip summary (``layer_config.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import keras

from . import _keras
from .families import can_open, family_of, is_passthrough, is_reshape
from .groups import find_groups
from .layer_config import key_config, param_count
from .layouts import channels_first_ids, reads_marked_out_of_order, transposed
from .plan import Call, Plan, Scope, Untraced, is_one_shape, plan_model, sample_shape
from .spec import SPEC_VERSION, EdgeSpec, GraphSpec, NodeSpec
from .weights import weights_spec


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


def graph_from_plan(model: keras.Model, plan: Plan, labels: list[str] | None = None) -> GraphSpec:
    """Build the spec for a plan made by :func:`plan_model`."""
    if isinstance(plan, Untraced):
        return _untraced_graph(plan, labels)
    nodes: list[NodeSpec] = []
    edges: list[EdgeSpec] = []
    functional = plan.functional
    marked = channels_first_ids(plan)
    layouts = _Layouts(marked, reads_marked_out_of_order(plan, marked))
    sources = _describe_scope(plan, {}, None, nodes, edges, layouts)
    output_ids = _unique([sources[id(t)] for t in functional.outputs])
    input_ids = [c.id for c in plan.calls if c.node.is_input]
    for node in nodes:
        node["is_output"] = node["id"] in output_ids
    spec: GraphSpec = {
        "version": SPEC_VERSION,
        "name": model.name,
        "nodes": nodes,
        "edges": edges,
        "inputs": input_ids,
        "outputs": output_ids,
        "labels": list(labels) if labels is not None else None,
        "wiring": "known",
        "wiring_reason": None,
    }
    spec["groups"] = find_groups(spec)
    return spec


def _untraced_graph(plan: Untraced, labels: list[str] | None) -> GraphSpec:
    """The input, each tracked layer in order, the call() output; no edge is invented."""
    model = plan.model
    nodes: list[NodeSpec] = [
        _loose_node(plan.input_id, "input", "InputLayer", plan.input_shape, is_input=True)
    ]
    for layer in model.layers:
        node = _loose_node(layer.name, layer.name, type(layer).__name__, _built_output(layer))
        node["params"] = param_count(layer)
        node["config"] = key_config(layer)
        node["weights"] = weights_spec(layer)
        nodes.append(node)
    output = _loose_node(plan.output_id, model.name, type(model).__name__, None)
    output["is_output"] = True
    nodes.append(output)
    return {
        "version": SPEC_VERSION,
        "name": model.name,
        "nodes": nodes,
        "edges": [],
        "inputs": [plan.input_id],
        "outputs": [plan.output_id],
        "labels": list(labels) if labels is not None else None,
        "wiring": "unknown",
        "wiring_reason": (
            f"{type(model).__name__}.call() could not be traced ({plan.reason}), so how its "
            "layers connect is unknown: they are shown in the order the model tracks them, "
            "without connections. Only the input and the model's output have values."
        ),
        "groups": [],
    }


def _loose_node(
    node_id: str,
    name: str,
    class_name: str,
    shape: list[int | None] | None,
    is_input: bool = False,
) -> NodeSpec:
    """A node of an untraced model; ``shape`` None means nobody knows it.

    Nothing ran through its layers, so none is drawn thin or as a rearrangement.
    """
    spec: NodeSpec = {
        "id": node_id,
        "name": name,
        "class_name": class_name,
        "family": family_of(shape, is_input) if shape is not None else "generic",
        "output_shape": shape if shape is not None else [],
        "output_shapes": [shape] if shape is not None else [],
        "params": 0,
        "config": {},
        "is_input": is_input,
        "is_output": False,
        "parent": None,
        "passthrough": False,
        "reshape": False,
        "opens": False,
        "weights": None,
    }
    spec["opens"] = can_open(spec)
    return spec


def _built_output(layer: Any) -> list[int | None] | None:
    """The output shape of ``layer`` for the input shape it was built with, if it says."""
    shapes = _keras.build_shapes(layer)
    if len(shapes) != 1:
        return None
    try:
        shape = layer.compute_output_shape(tuple(next(iter(shapes.values()))))
    except Exception:  # layers without a static rule (or unbuilt ones) simply say nothing
        return None
    if not is_one_shape(shape):
        return None  # several outputs: not one shape to draw
    return sample_shape(shape)


def with_observed_shapes(
    graph: GraphSpec, plan: Untraced, activations: dict[str, Any]
) -> GraphSpec:
    """``graph`` with an untraced model's open shapes taken from its last prediction.

    An untraced model's output shape (and its input shape, when Keras never recorded
    it) is only known from what a prediction gave. Returns ``graph`` itself when
    nothing changes, so the caller can tell whether to resend it.
    """
    observed = {plan.output_id}
    if plan.input_shape is None:
        observed.add(plan.input_id)
    changed = False
    nodes: list[NodeSpec] = []
    for node in graph["nodes"]:
        values = activations.get(node["id"])
        shape: list[int | None] | None = (
            [int(d) for d in values.shape]
            if node["id"] in observed and values is not None
            else None
        )
        if shape is None or node["output_shapes"] == [shape]:
            nodes.append(node)
            continue
        family = family_of(shape, node["is_input"])
        seen: NodeSpec = {**node, "output_shape": shape, "output_shapes": [shape], "family": family}
        seen["opens"] = can_open(seen)
        nodes.append(seen)
        changed = True
    return {**graph, "nodes": nodes} if changed else graph


def _describe_scope(
    scope: Scope,
    sources: dict[int, str],
    parent: str | None,
    nodes: list[NodeSpec],
    edges: list[EdgeSpec],
    layouts: _Layouts,
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
            inner_sources = _describe_scope(
                call.inner, inner_sources, call.id, nodes, edges, layouts
            )
            for outer_t, inner_t in zip(node.outputs, call.inner.functional.outputs):
                sources[id(outer_t)] = inner_sources[id(inner_t)]
            continue
        nodes.append(_node_spec(call, parent, layouts))
        edges.extend({"source": s, "target": call.id} for s in inbound)
        for t in node.outputs:
            sources[id(t)] = call.id
    return sources


@dataclass(frozen=True)
class _Layouts:
    """What ``layouts.py`` found: channels-first nodes, and reshapes reading them."""

    channels_first: set[str]
    out_of_order: set[str]


def _node_spec(call: Call, parent: str | None, layouts: _Layouts) -> NodeSpec:
    node = call.node
    operation = node.operation
    shapes = [sample_shape(t.shape) for t in node.outputs]
    channels_first = call.id in layouts.channels_first
    if channels_first:  # drawn channels last, as capture sends its values
        shapes[0] = transposed(shapes[0])
    spec: NodeSpec = {
        "id": call.id,
        "name": operation.name,
        "class_name": type(operation).__name__,
        "family": family_of(shapes[0], node.is_input) if len(shapes) else "generic",
        "output_shape": shapes[0] if shapes else [],
        "output_shapes": shapes,
        "params": param_count(operation),
        "config": key_config(operation),
        "is_input": bool(node.is_input),
        "is_output": False,
        "parent": parent,
        "passthrough": is_passthrough(operation),
        "reshape": is_reshape(operation) and call.id not in layouts.out_of_order,
        "opens": False,
        "weights": None if node.is_input else weights_spec(operation),
    }
    if channels_first:
        spec["channels_first"] = True
    if call.id in layouts.out_of_order:
        spec["reads_channels_first"] = True
    spec["opens"] = can_open(spec)
    return spec


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
