"""A view's forward pass at its backend's speed: every activation, the outputs, once.

``capture.run_with_activations`` runs the plan eagerly, call by call: the reference,
and what TensorFlow runs (about 1.1x a bare ``model(x)`` on ResNet50). Two backends pay
for an eager pass that a bare call does not:

- **JAX** dispatches each operation as its own compiled XLA call (1.6-1.75x
  ``model(x)`` on ResNet50). Here the whole plan is traced once into one ``jax.jit``
  function of (the variables' values, the inputs) that returns the outputs and every
  activation; each call passes the variables' *current* values (inside a
  ``keras.StatelessScope`` that maps each variable to the value passed in), so weights
  that change during training are read as they are, never as they were at compile
  time. ``jax.jit`` keeps one compiled program per input shape and dtype: the first
  ``predict`` of a shape pays the compile, later ones do not.
- **torch** records the graph for backward on every eager call; a view never
  differentiates, so the pass runs under ``torch.no_grad()``, which also lets the
  activations be shared with numpy without a copy.

A model that ``jax.jit`` cannot trace (a layer whose ``call()`` reads values in
Python) runs eagerly from its first failure on, as it would without this module.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import keras
import numpy as np

from .capture import as_batch, input_tensors, run_plan
from .plan import Scope

Activations = dict[str, np.ndarray]


class Forward:
    """Runs one traced plan on batched inputs, compiled where the backend allows.

    Parameters
    ----------
    plan
        From :func:`layerscape.plan.plan_model` (a traced plan).
    """

    def __init__(self, plan: Scope):
        self._plan = plan
        self._backend = keras.backend.backend()
        self._compiled: Callable[..., Any] | None = None
        self._variables: list[Any] = []
        self._ids: list[str] = []  # node ids of the compiled function's activations
        self._eager_only = self._backend != "jax"
        self._traces = 0

    @property
    def traces(self) -> int:
        """How many times the plan was traced for compiling (one per new input shape
        and dtype on JAX; always 0 on the eager backends)."""
        return self._traces

    @property
    def compiled(self) -> bool:
        """Whether the passes run as one compiled function (JAX, once it has traced)."""
        return not self._eager_only and self._compiled is not None

    def __call__(self, inputs: list[np.ndarray]) -> tuple[list[np.ndarray], Activations]:
        """Run the plan on ``inputs`` (one batched array per model input, in
        ``model.inputs`` order).

        Returns
        -------
        outputs, activations
            The model's outputs (flat list, as numpy) and every node's first output for
            every sample (batch first), float32, by node id.
        """
        if not self._eager_only:
            try:
                return self._run_compiled(inputs)
            except Exception:
                # Not traceable by jax.jit: eager from now on. A real error in the
                # model (or the inputs) is raised again by the eager pass below.
                self._eager_only = True
                self._compiled = None
        with _no_autograd(self._backend):
            tensors = input_tensors(self._plan, inputs)
            outputs, activations = run_plan(self._plan, tensors, as_batch)
            return [keras.ops.convert_to_numpy(y) for y in outputs], activations

    def _run_compiled(self, inputs: list[np.ndarray]) -> tuple[list[np.ndarray], Activations]:
        if self._compiled is None:
            self._variables = plan_variables(self._plan)
            self._compiled = self._jit()
        values = [v.value for v in self._variables]
        outputs, record = self._compiled(values, input_tensors(self._plan, inputs))
        activations = {k: as_batch(v) for k, v in zip(self._ids, record)}
        return [np.asarray(y) for y in outputs], activations

    def _jit(self) -> Callable[..., Any]:
        import jax  # only on the JAX backend

        plan, variables = self._plan, self._variables

        def pure(values: list[Any], tensors: list[Any]) -> tuple[list[Any], list[Any]]:
            self._traces += 1  # Python runs only while jax.jit traces
            with keras.StatelessScope(state_mapping=list(zip(variables, values))):
                outputs, record = run_plan(plan, tensors, _itself)
            # A list, in run order: jax returns a dict's entries sorted by key.
            self._ids = list(record)
            return outputs, list(record.values())

        return jax.jit(pure)


def plan_variables(plan: Scope) -> list[Any]:
    """Every variable (weights, batch-norm statistics, seeds) of the layers the plan
    calls, nested models' included, each once."""
    found: dict[int, Any] = {}
    for call in plan.calls:
        for variable in getattr(call.node.operation, "variables", None) or []:
            found.setdefault(id(variable), variable)
    return list(found.values())


def _itself(value: Any) -> Any:
    return value


@contextlib.contextmanager
def _no_autograd(backend: str) -> Iterator[None]:
    if backend == "torch":
        import torch  # only on the torch backend

        with torch.no_grad():
            yield
    else:
        yield
