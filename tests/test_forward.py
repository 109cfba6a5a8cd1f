"""The compiled forward pass (``forward.py``) gives what the eager capture gives.

Runs on every backend (``test_backends.py``): on JAX the pass is one jitted function,
on torch an eager pass without autograd, on TensorFlow the eager pass itself.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from layerscape.capture import run_with_activations
from layerscape.forward import Forward, plan_variables
from layerscape.plan import plan_model

ON_JAX = keras.backend.backend() == "jax"


def _assert_same(got, want):
    (outputs, acts), (want_outputs, want_acts) = got, want
    assert list(acts) == list(want_acts)
    for k, a in acts.items():
        assert a.dtype == np.float32 and a.shape == want_acts[k].shape, k
        np.testing.assert_allclose(a, want_acts[k], rtol=1e-5, atol=1e-5, err_msg=k)
    for y, w in zip(outputs, want_outputs):
        np.testing.assert_allclose(y, w, rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def convnet() -> keras.Model:
    # Its own small model: the session's LeNet keeps the names test_capture expects.
    keras.utils.set_random_seed(0)
    inputs = keras.Input((12, 12, 2))
    x = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    x = keras.layers.BatchNormalization()(keras.layers.MaxPooling2D()(x))
    x = keras.layers.Flatten()(x)
    return keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))


def test_every_activation_equals_the_eager_capture(zoo, convnet):
    rng = np.random.default_rng(0)
    pair = [rng.normal(size=(3, 8)).astype("f4"), rng.normal(size=(3, 8)).astype("f4")]
    image = [rng.random((2, 12, 12, 2), dtype=np.float32)]
    for model, inputs in [(zoo, pair), (convnet, image)]:
        plan = plan_model(model)
        forward = Forward(plan)
        _assert_same(forward(inputs), run_with_activations(plan, inputs, whole_batch=True))
        assert forward.compiled == ON_JAX


def test_a_second_pass_of_the_same_shape_compiles_nothing(convnet):
    forward = Forward(plan_model(convnet))
    images = np.random.default_rng(1).random((4, 12, 12, 2), dtype=np.float32)
    for x in (images[:1], images[1:2], images):
        forward([x])
    # One trace per input shape (batch of 1, batch of 4); none on eager backends.
    assert forward.traces == (2 if ON_JAX else 0)


def test_weights_are_read_as_they_are_now_not_as_compiled():
    keras.utils.set_random_seed(1)
    inputs = keras.Input((4,))
    h = keras.layers.BatchNormalization()(keras.layers.Dense(5)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(2)(h))
    plan = plan_model(model)
    forward = Forward(plan)
    x = [np.random.default_rng(2).normal(size=(2, 4)).astype("f4")]
    before = forward(x)
    # New weights and batch-norm statistics, as training (or load_weights) writes them.
    model.set_weights([w * 2 + 1 for w in model.get_weights()])
    after = forward(x)
    _assert_same(after, run_with_activations(plan, x, whole_batch=True))
    assert not np.allclose(after[0][0], before[0][0])
    assert len(plan_variables(plan)) == len(model.variables)


@keras.saving.register_keras_serializable(package="test_forward")
class ReadsValuesInPython(keras.layers.Layer):
    """A layer jax.jit cannot trace: it turns its input into numpy inside call()."""

    def call(self, x):
        scale = float(np.abs(keras.ops.convert_to_numpy(x)).max()) + 1.0
        return x / scale

    def compute_output_shape(self, shape):
        return shape  # the symbolic build cannot run call() either


def test_a_layer_jit_cannot_trace_runs_eagerly():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(ReadsValuesInPython()(inputs)))
    plan = plan_model(model)
    forward = Forward(plan)
    x = [np.arange(6, dtype="f4").reshape(2, 3)]
    _assert_same(forward(x), run_with_activations(plan, x, whole_batch=True))
    assert not forward.compiled
    _assert_same(forward(x), run_with_activations(plan, x, whole_batch=True))


@pytest.mark.skipif(keras.backend.backend() != "torch", reason="autograd is torch's")
def test_torch_runs_without_autograd():
    import torch

    seen: list[bool] = []

    class Watches(keras.layers.Layer):
        def call(self, x):
            seen.append(torch.is_grad_enabled())
            return x

    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(Watches()(inputs)))
    Forward(plan_model(model))([np.ones((1, 3), "f4")])
    assert seen and not any(seen)
