"""How a view runs its model: one runner per kind of plan, chosen once per view.

A traced plan (:class:`~layerscape.plan.Scope`) runs call by call and yields every
node's activation; an untraced one (:class:`~layerscape.plan.Untraced`) is called as a
whole and yields its input and output only, and learns the shapes Keras never
recorded from what the call returns. ``ModelView.predict`` asks its runner and never
which kind of plan it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

import keras
import numpy as np

from . import _keras
from .capture import run_untraced
from .forward import Forward
from .graph import with_observed_shapes
from .inputs import check_labels, numeric, prepare_inputs
from .layouts import channels_first_ids, with_channels_last
from .plan import Plan, Scope, Untraced
from .spec import GraphSpec


@dataclass(frozen=True)
class Prediction:
    """What one ``predict`` gives: the model's output and every known activation."""

    outputs: Any
    """What the model returns, as numpy, in the model's own structure: for one sample
    without its batch dimension, for a batch with it."""
    batch: dict[str, np.ndarray]
    """Node id -> that node's output for every sample (batch first), float32."""

    @property
    def activations(self) -> dict[str, np.ndarray]:
        """Node id -> that node's output for the first sample (no batch)."""
        return {k: v[0] for k, v in self.batch.items()}


class Runner(Protocol):
    """Runs a view's model on what the user passed to ``predict``."""

    @property
    def output_shape(self) -> tuple[int | None, ...] | None:
        """The (first) output's per-sample shape, or None until a prediction shows it."""
        ...

    def run(self, x: Any, labels: list[str] | None) -> Prediction:
        """Check ``x`` (and ``labels`` against the output, where only now known) and run
        the model. Raises ``TypeError``/``ValueError`` before anything runs for an
        ``x`` that does not fit."""
        ...

    def observed(self, graph: GraphSpec, activations: dict[str, np.ndarray]) -> GraphSpec:
        """``graph`` with what the prediction showed; ``graph`` itself when it adds
        nothing (then it need not be sent again)."""
        ...


class TracedRunner:
    """Runs a traced plan node by node: every node's activation in one pass."""

    def __init__(self, plan: Scope):
        self._plan = plan
        self._forward = Forward(plan)
        inputs = plan.functional.inputs
        self._names = [_keras.input_name(t) for t in inputs]
        self._shapes = [[None if d is None else int(d) for d in t.shape[1:]] for t in inputs]
        self._dtypes = [str(t.dtype) for t in inputs]
        self._channels_first = channels_first_ids(plan)

    @property
    def output_shape(self) -> tuple[int | None, ...] | None:
        return tuple(self._plan.functional.outputs[0].shape[1:])

    def run(self, x: Any, labels: list[str] | None) -> Prediction:
        arrays, batched = prepare_inputs(
            x, names=self._names, shapes=self._shapes, dtypes=self._dtypes
        )
        outputs, activations = self._forward(arrays)
        # Capture keeps each layer's own layout; the view draws channels last.
        activations = with_channels_last(activations, self._channels_first, batched=True)
        if not batched:
            outputs = [y[0] for y in outputs]
        structure = _keras.outputs_structure(self._plan.functional)
        return Prediction(keras.tree.pack_sequence_as(structure, outputs), activations)

    def observed(self, graph: GraphSpec, activations: dict[str, np.ndarray]) -> GraphSpec:
        return graph  # every shape was known from the graph


class UntracedRunner:
    """Calls an untraced model as a whole: only its input and output have values."""

    def __init__(self, plan: Untraced):
        self._plan = plan
        # Per-sample shape of the one input array: Keras' record, else the first batch
        # that ran, so that single samples are accepted from then on.
        self._input_shape = plan.input_shape

    @property
    def output_shape(self) -> tuple[int | None, ...] | None:
        return None

    def run(self, x: Any, labels: list[str] | None) -> Prediction:
        plan = self._plan
        if self._input_shape is not None:
            (array,), batched = prepare_inputs(
                x, names=[plan.input_id], shapes=[self._input_shape], dtypes=["float32"]
            )
            x = array
        else:
            batched = True
            x = keras.tree.map_structure(numeric, x)
        outputs, activations = self._call(x)
        if self._input_shape is None and self._one_array(x):
            self._input_shape = [int(d) for d in x.shape[1:]]
        if labels is not None:  # only now is the output's shape known
            output = activations.get(plan.output_id)
            check_labels(None if output is None else output.shape[1:], labels)
        if not batched:
            outputs = keras.tree.map_structure(lambda y: y[0], outputs)
        return Prediction(outputs, activations)

    def _one_array(self, x: Any) -> bool:
        return isinstance(x, np.ndarray) and self._plan.arguments == 1

    def _call(self, x: Any) -> tuple[Any, dict[str, np.ndarray]]:
        # Only one array of unknown sample shape is guessed at; a list for several
        # arguments gets capture's own errors.
        if self._input_shape is not None or not self._one_array(x):
            return run_untraced(self._plan, x, whole_batch=True)
        # A 1-D array is one sample to a user and a batch of scalars to the model; some
        # backends (torch) even run it. Ask for the batch rather than guess.
        if x.ndim < 2:
            raise ValueError(self._ask_for_a_batch(x, "an array of one dimension is no batch."))
        try:
            return run_untraced(self._plan, x, whole_batch=True)
        except Exception as err:  # Keras' own error, from deep inside call()
            raise ValueError(self._ask_for_a_batch(x, f"the call failed: {_gist(err)}")) from err

    def _ask_for_a_batch(self, x: np.ndarray, why: str) -> str:
        return (
            f"{self._plan.model.name}'s input shape is unknown (Keras recorded none and its "
            f"call() cannot be traced), so x goes to the model as given, and {why} Pass a "
            f"batch, as model(x) takes it (for one sample of shape {x.shape}, x[None]); once "
            f"one batch has run, single samples of its shape are accepted."
        )

    def observed(self, graph: GraphSpec, activations: dict[str, np.ndarray]) -> GraphSpec:
        return with_observed_shapes(graph, self._plan, activations)


def _gist(err: Exception) -> str:
    """The line of a Keras call error that says what went wrong (no colour codes)."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in str(err).splitlines()]
    told = [line for line in lines if line and not line.startswith(_KERAS_FRAMING)]
    text = told[0] if told else type(err).__name__
    return text if text.endswith(".") else text + "."


_KERAS_FRAMING = ("Exception encountered when calling", "Arguments received by", "•")


def runner_for(plan: Plan) -> Runner:
    """The runner for ``plan``: the one place that asks which kind of plan it is."""
    if isinstance(plan, Untraced):
        return UntracedRunner(plan)
    return TracedRunner(plan)
