"""Recover a graph from a subclassed model by tracing its ``call()`` symbolically.

A subclassed ``keras.Model`` keeps no graph: its layers are wired by Python code. Calling
``call()`` once on a symbolic ``keras.Input`` records that wiring as nodes, from which
a Functional graph over the *same* layer objects (same weights) is built. The trace
leaves call records on the layers; they are removed again, so the user's model is
exactly as it was.

A ``call()`` that cannot run on a symbolic input raises :class:`UntraceableError`;
``plan.py`` then falls back to drawing the model's layers without wiring.
"""

from __future__ import annotations

import inspect
from typing import Any

import keras

from . import _keras


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
        If ``call()`` takes several arguments, or cannot run on a symbolic tensor
        (Python control flow on tensor values). One argument holding a list or dict of
        inputs is traced with one ``keras.Input`` per entry.
    """
    if not model.built:
        raise ValueError(
            f"the subclassed model {model.name!r} is not built, so its input shape is "
            "unknown: call it once on a batch (model(x)) or call "
            "model.build((None, 28, 28, 1)) (with your input shape) first."
        )
    arguments = call_arguments(model)
    if len(arguments) > 1:
        raise UntraceableError(
            model,
            f"call() takes {len(arguments)} input arguments ({', '.join(arguments)}); "
            "layerscape traces a call() with one input argument (which may hold a list)",
        )
    shapes = _keras.build_shapes(model)
    if not shapes:
        # Keras records the input shape only when its own symbolic build of call()
        # succeeded; when it did not, ours would fail the same way.
        raise UntraceableError(model, "Keras could not run it on a symbolic input")
    if len(shapes) != 1:
        raise UntraceableError(
            model,
            f"call() takes {len(shapes)} input arguments ({', '.join(shapes)}); layerscape "
            "traces a call() with one input argument (which may hold a list or dict)",
        )
    (shape,) = shapes.values()
    inputs = _symbolic_inputs(model, shape)
    with _keras.call_records_undone(_keras.sublayers(model)):
        try:
            outputs = model.call(inputs)
            return keras.Model(inputs, outputs, name=model.name)
        except Exception as err:
            raise UntraceableError(model, _first_line(err)) from err


def call_arguments(model: keras.Model) -> list[str]:
    """The required positional arguments of ``model.call`` (its inputs)."""
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [
        p.name
        for p in inspect.signature(model.call).parameters.values()
        if p.kind in positional and p.default is inspect.Parameter.empty
    ]


def _is_shape(shape: Any) -> bool:
    return isinstance(shape, (tuple, list)) and all(d is None or isinstance(d, int) for d in shape)


def _symbolic_inputs(model: keras.Model, shape: Any) -> Any:
    """``keras.Input``s shaped like what ``call()`` was built with (batch dropped)."""
    if _is_shape(shape):
        return keras.Input(tuple(shape)[1:], name="input")
    if isinstance(shape, (list, tuple)) and shape and all(_is_shape(s) for s in shape):
        return [keras.Input(tuple(s)[1:], name=f"input_{i}") for i, s in enumerate(shape)]
    if isinstance(shape, dict) and shape and all(_is_shape(s) for s in shape.values()):
        return {k: keras.Input(tuple(s)[1:], name=str(k)) for k, s in shape.items()}
    raise UntraceableError(model, f"call() was built with inputs shaped {shape!r}")


def _first_line(err: Exception, limit: int = 200) -> str:
    """The gist of a trace failure: backends add pages of context after the first line."""
    lines = str(err).strip().splitlines()
    text = f"{type(err).__name__}: {lines[0] if lines else ''}".rstrip(": ")
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
