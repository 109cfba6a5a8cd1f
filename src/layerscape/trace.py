"""Recover a graph from a subclassed model by tracing its ``call()`` symbolically.

A subclassed ``keras.Model`` keeps no graph: its layers are wired by Python code. Calling
``call()`` once on a symbolic ``keras.Input`` records that wiring as nodes, from which
a Functional graph over the *same* layer objects (same weights) is built. The trace
leaves call records on the layers; they are removed again, so the user's model is
exactly as it was.

A ``call()`` that cannot run on a symbolic input raises :class:`UntraceableError`;
``graph.py`` then falls back to drawing the model's layers without wiring.
"""

from __future__ import annotations

from typing import Any

import keras


class UntraceableError(TypeError):
    """A subclassed model's ``call()`` could not be traced into a graph.

    ``reason`` says why, in words fit to show the user next to the model.
    """

    def __init__(self, model: keras.Model, reason: str):
        self.reason = reason
        super().__init__(
            f"could not trace {type(model).__name__}.call() symbolically ({reason}). "
            "layerscape needs a call() that runs on a keras.Input: no Python `if` or loops "
            "over tensor values. Build the same layers as a Functional model to see it."
        )


def trace_subclassed(model: keras.Model) -> Any:
    """Return a Functional graph equivalent to ``model.call`` on one input.

    Raises
    ------
    ValueError
        If the model is not built, so its input shape is unknown.
    UntraceableError
        If ``call()`` takes several inputs, or cannot run on a symbolic tensor (Python
        control flow on tensor values).
    """
    if not model.built:
        raise ValueError(
            f"the subclassed model {model.name!r} is not built, so its input shape is "
            "unknown: call it once on a batch (model(x)) or call "
            "model.build((None, 28, 28, 1)) (with your input shape) first."
        )
    shapes = getattr(model, "_build_shapes_dict", None)
    if not shapes:
        # Keras records the input shape only when its own symbolic build of call()
        # succeeded; when it did not, ours would fail the same way.
        raise UntraceableError(model, "Keras could not run it on a symbolic input")
    if len(shapes) != 1:
        raise UntraceableError(
            model,
            f"call() takes {len(shapes)} inputs ({', '.join(shapes)}); layerscape traces "
            "subclassed models with one input",
        )
    (shape,) = shapes.values()
    layers = model._flatten_layers(include_self=False)
    marks = [(layer, len(layer._inbound_nodes), len(layer._outbound_nodes)) for layer in layers]
    inputs = keras.Input(tuple(shape)[1:], name="input")
    try:
        outputs = model.call(inputs)
        return keras.Model(inputs, outputs, name=model.name)
    except Exception as err:
        raise UntraceableError(model, _first_line(err)) from err
    finally:
        for layer, inbound, outbound in marks:
            del layer._inbound_nodes[inbound:]
            del layer._outbound_nodes[outbound:]


def _first_line(err: Exception, limit: int = 200) -> str:
    """The gist of a trace failure: backends add pages of context after the first line."""
    lines = str(err).strip().splitlines()
    text = f"{type(err).__name__}: {lines[0] if lines else ''}".rstrip(": ")
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
