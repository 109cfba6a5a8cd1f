"""Every use of Keras' private API in layerscape, each behind one small named function.

Keras 3 keeps a model's graph in private attributes (``_nodes_by_depth``,
``_inbound_nodes``, ``_keras_history``, ...) and runs it through private helpers. Nothing
else in the package touches them (``tests/test_keras_private.py`` scans for it), so a
Keras release that moves one breaks here, in one named place, and nowhere else.

Each function says the Keras versions it was checked against: the oldest the package
allows (``keras>=3.5``) and the one it is developed with. "Checked" means the unit tests
that drive it (``tests/test_graph.py``, ``test_capture.py``, ``test_widget.py``,
``test_zoo.py``, ``test_blocks.py``) passed with that Keras installed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import keras
from keras.src.models.functional import operation_fn as _operation_fn


def sequential_graph(model: keras.Sequential) -> Any | None:
    """The Functional graph a built ``Sequential`` keeps (``_functional``), or None if
    it is not built yet.

    Checked with Keras 3.5.0 and 3.15.1.
    """
    return getattr(model, "_functional", None)


def has_graph(model: Any) -> bool:
    """Whether ``model`` keeps a graph of nodes (``_nodes_by_depth``): Functional models
    do, subclassed ones do not.

    Checked with Keras 3.5.0 and 3.15.1.
    """
    return hasattr(model, "_nodes_by_depth")


def nodes_by_depth(functional: Any) -> dict[int, list[Any]]:
    """Depth -> the graph's nodes (``keras.src.ops.node.Node``) at that depth; outputs
    are at depth 0, inputs at the largest depth (``_nodes_by_depth``).

    Checked with Keras 3.5.0 and 3.15.1.
    """
    return dict(functional._nodes_by_depth)


def build_shapes(layer: Any) -> dict[str, Any]:
    """Argument name -> the input shape ``layer`` (or a subclassed model) was built with
    (``_build_shapes_dict``); empty when Keras recorded none.

    Checked with Keras 3.5.0 and 3.15.1.
    """
    return dict(getattr(layer, "_build_shapes_dict", None) or {})


def sublayers(model: keras.Model) -> list[Any]:
    """Every layer ``model`` tracks, recursively, without the model itself
    (``_flatten_layers``).

    Checked with Keras 3.5.0 and 3.15.1.
    """
    return list(model._flatten_layers(include_self=False))


@contextmanager
def call_records_undone(layers: Sequence[Any]) -> Iterator[None]:
    """Undo, on exit, the call records (``_inbound_nodes``, ``_outbound_nodes``) that
    calling ``layers`` symbolically inside the block adds to them.

    Checked with Keras 3.5.0 and 3.15.1.
    """
    marks = [(layer, len(layer._inbound_nodes), len(layer._outbound_nodes)) for layer in layers]
    try:
        yield
    finally:
        for layer, inbound, outbound in marks:
            del layer._inbound_nodes[inbound:]
            del layer._outbound_nodes[outbound:]


def run_node(node: Any, values: dict[int, Any]) -> Any:
    """Run one graph node in inference mode on the values of its input tensors
    (``values``: ``id(symbolic tensor)`` -> value), as Keras' own Functional call does
    (``Node.arguments.fill_in`` and ``keras.src.models.functional.operation_fn``).

    Checked with Keras 3.5.0 and 3.15.1.
    """
    args, kwargs = node.arguments.fill_in(values)
    return _operation_fn(node.operation, training=False)(*args, **kwargs)


def input_name(tensor: Any) -> str:
    """The name of the ``InputLayer`` that made a symbolic input tensor
    (``_keras_history``).

    Checked with Keras 3.5.0 and 3.15.1.
    """
    return str(tensor._keras_history.operation.name)


def outputs_structure(functional: Any) -> Any:
    """How a Functional model nests its outputs (a tensor, list or dict of them:
    ``_outputs_struct``), to give ``predict`` results the model's own structure.

    Checked with Keras 3.5.0 and 3.15.1.
    """
    return functional._outputs_struct
