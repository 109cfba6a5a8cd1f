"""Read a Keras model's graph into a :class:`~layerscape.spec.GraphSpec`.

The walk goes over the graph's *nodes* (one per operation call), not ``model.layers``:
that is what sees raw ``keras.ops`` calls, each call of a shared layer and the layers
inside nested models. The same walk (:func:`plan_model`) drives the forward pass in
``capture.py``, so node ids always agree between the graph and the activations.

A subclassed model whose ``call()`` cannot be traced has no graph to walk; its plan is
an :class:`Untraced` list of the layers it tracks, drawn in order without edges and
flagged ``wiring: "unknown"`` in the spec.

This relies on Keras 3 internals (``_nodes_by_depth``, ``Node.arguments``,
``Sequential._functional``); ``tests/test_graph.py`` pins the behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import keras

from .spec import SPEC_VERSION, EdgeSpec, Family, GraphSpec, NodeSpec
from .trace import UntraceableError, call_arguments, trace_subclassed

# Config keys worth a line in the tooltip, in the order they are shown: what the layer
# computes (size, window, stride, activation), then what only acts in training
# (dropout, noise, regularizers), then shape and misc options.
CONFIG_KEYS = (
    "filters",
    "units",
    "kernel_size",
    "strides",
    "padding",
    "dilation_rate",
    "depth_multiplier",
    "pool_size",
    "size",
    "cropping",
    "activation",
    "recurrent_activation",
    "return_sequences",
    "go_backwards",
    "merge_mode",
    "rate",
    "stddev",
    "dropout",
    "recurrent_dropout",
    "kernel_regularizer",
    "depthwise_regularizer",
    "pointwise_regularizer",
    "recurrent_regularizer",
    "embeddings_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "l1",
    "l2",
    "target_shape",
    "dims",
    "axis",
    "max_value",
    "negative_slope",
    "input_dim",
    "output_dim",
    "num_heads",
    "key_dim",
)

# Options that are "off" at these values; a line saying so would only push others out.
_QUIET_DEFAULTS = {"dropout": 0.0, "recurrent_dropout": 0.0, "go_backwards": False}

# Layers that return their input unchanged at inference (training=False), whatever
# they do in training: drawn as a thin slab, with their rate.
_PASSTHROUGH_CLASSES = tuple(
    getattr(keras.layers, name)
    for name in (
        "Dropout",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "GaussianNoise",
        "GaussianDropout",
        "AlphaDropout",
        "ActivityRegularization",
    )
    if hasattr(keras.layers, name)
)

# Layers that only rearrange their input's elements, keeping row-major order.
_RESHAPE_CLASSES = (keras.layers.Flatten, keras.layers.Reshape)


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
    shapes = getattr(model, "_build_shapes_dict", None) or {}
    shape = next(iter(shapes.values())) if len(shapes) == 1 else None
    arguments = max(1, len(call_arguments(model)))
    if arguments > 1 or not _is_one_shape(shape):
        shape = None  # several inputs: Keras' record (if any) is not one input's shape
    return Untraced(
        model=model,
        reason=reason,
        input_id=_fresh("input", taken),
        output_id=_fresh(f"{model.name}_output", taken),
        input_shape=_shape(shape) if shape is not None else None,
        arguments=arguments,
    )


def _is_one_shape(shape: Any) -> bool:
    return isinstance(shape, (tuple, list)) and all(d is None or isinstance(d, int) for d in shape)


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


def graph_from_plan(model: keras.Model, plan: Plan, labels: list[str] | None = None) -> GraphSpec:
    """Build the spec for a plan made by :func:`plan_model`."""
    if isinstance(plan, Untraced):
        return _untraced_graph(plan, labels)
    nodes: list[NodeSpec] = []
    edges: list[EdgeSpec] = []
    functional = plan.functional
    sources = _describe_scope(plan, {}, None, nodes, edges)
    output_ids = _unique([sources[id(t)] for t in functional.outputs])
    input_ids = [c.id for c in plan.calls if c.node.is_input]
    for node in nodes:
        node["is_output"] = node["id"] in output_ids
        node["opens"] = can_open(node)  # stopgap until spec.py's NodeSpec has `opens`
    return {
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


def _untraced_graph(plan: Untraced, labels: list[str] | None) -> GraphSpec:
    """The input, each tracked layer in order, the call() output; no edge is invented."""
    model = plan.model
    nodes: list[NodeSpec] = [
        _loose_node(plan.input_id, "input", "InputLayer", plan.input_shape, is_input=True)
    ]
    for layer in model.layers:
        node = _loose_node(layer.name, layer.name, type(layer).__name__, _built_output(layer))
        node["params"] = _param_count(layer)
        node["config"] = _key_config(layer)
        nodes.append(node)
    output = _loose_node(plan.output_id, model.name, type(model).__name__, None)
    output["is_output"] = True
    nodes.append(output)
    for node in nodes:
        node["opens"] = can_open(node)  # stopgap until spec.py's NodeSpec has `opens`
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
    }


def _loose_node(
    node_id: str,
    name: str,
    class_name: str,
    shape: list[int | None] | None,
    is_input: bool = False,
) -> NodeSpec:
    """A node of an untraced model; ``shape`` None means nobody knows it."""
    return {
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
    }


def _built_output(layer: Any) -> list[int | None] | None:
    """The output shape of ``layer`` for the input shape it was built with, if it says."""
    shapes = getattr(layer, "_build_shapes_dict", None) or {}
    if len(shapes) != 1:
        return None
    try:
        shape = layer.compute_output_shape(tuple(next(iter(shapes.values()))))
    except Exception:  # layers without a static rule (or unbuilt ones) simply say nothing
        return None
    if not _is_one_shape(shape):
        return None  # several outputs: not one shape to draw
    return _shape(shape)


def with_observed_shapes(graph: GraphSpec, plan: Plan, activations: dict[str, Any]) -> GraphSpec:
    """``graph`` with an untraced model's open shapes taken from its last prediction.

    An untraced model's output shape (and its input shape, when Keras never recorded
    it) is only known from what a prediction gave. Returns ``graph`` itself when
    nothing changes, so the caller can tell whether to resend it.
    """
    if not isinstance(plan, Untraced):
        return graph
    observed = {plan.output_id}
    if plan.input_shape is None:
        observed.add(plan.input_id)
    changed = False
    nodes = []
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
        nodes.append({**seen, "opens": can_open(seen)})  # stopgap, as above
        changed = True
    return {**graph, "nodes": nodes} if changed else graph


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
        "passthrough": isinstance(operation, _PASSTHROUGH_CLASSES),
        "reshape": isinstance(operation, _RESHAPE_CLASSES),
    }


def family_of(shape: list[int | None], is_input: bool) -> Family:
    """Pick the visual for an output of ``shape`` (no batch dimension).

    Only the shape decides, never the layer's class, so custom layers land in a family
    too: (H, W, C) feature maps (a model input with 1 or 3 channels is an image),
    (D, H, W, C) volumes, (T, C) sequences, (N,) vectors; any other rank is generic.
    """
    rank = len(shape)
    if rank == 3:
        if is_input and shape[-1] in (1, 3):
            return "image"
        return "feature_map"
    if rank == 4:
        return "volume"
    if rank == 1:
        return "vector"
    if rank == 2:
        return "sequence"
    return "generic"


def can_open(node: NodeSpec) -> bool:
    """Whether the view can open ``node`` into its parts: a feature map or volume into
    its channels, a sequence into one strip per channel, an RGB image into its three
    colour planes. Layers drawn thin (identity at inference) do not open."""
    if node.get("passthrough"):
        return False
    family = node["family"]
    if family in ("feature_map", "volume", "sequence"):
        return True
    return family == "image" and len(node["output_shape"]) == 3 and node["output_shape"][-1] == 3


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
        if value is None or (key in _QUIET_DEFAULTS and value == _QUIET_DEFAULTS[key]):
            continue
        if isinstance(value, dict):
            text = _serialized_text(value)
            if text is not None:
                out[key] = text
            continue
        out[key] = _jsonable(value)
    if "layer" in config and isinstance(config["layer"], dict):
        out["wraps"] = str(config["layer"].get("class_name", ""))
    return out


def _serialized_text(value: dict[str, Any]) -> str | None:
    """A serialized Keras object (regularizer, custom activation) as short text.

    ``{"class_name": "L2", "config": {"l2": 0.01}}`` -> ``"L2(0.01)"``;
    ``L1L2`` -> ``"L1L2(l1=1e-05, l2=0.0001)"``.
    """
    name = value.get("class_name")
    if not isinstance(name, str):
        return None
    inner = value.get("config")
    if not isinstance(inner, dict):
        return name if inner is None else f"{name}({_short(inner)})"
    numbers = {k: v for k, v in inner.items() if isinstance(v, (int, float)) and k != "seed"}
    if not numbers:
        named = inner.get("name")
        return f"{name}({named})" if isinstance(named, str) and named != name else name
    if len(numbers) == 1:
        return f"{name}({_short(next(iter(numbers.values())))})"
    return f"{name}({', '.join(f'{k}={_short(v)}' for k, v in numbers.items())})"


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
