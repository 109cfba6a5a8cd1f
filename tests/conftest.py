"""Shared fixtures: small Keras models built once per session, and the trained demo."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import pytest

# The helpers' asserts explain themselves in failures, as the tests' own do.
pytest.register_assert_rewrite("tests.support")

from layerscape.demo import build_lenet, load_digits  # noqa: E402
from tests.support.demo import DemoPage, make_demo_page  # noqa: E402
from tests.support.keras_names import automatic_names_kept  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _automatic_names_per_module():
    """Every test module starts from the same Keras name counters, so a model named
    automatically (``concatenate``, ``dense_2``) is named the same whichever modules ran
    before it, and the session's shared models too, whichever module builds them first."""
    with automatic_names_kept():
        yield


@pytest.fixture(scope="session")
def digits() -> tuple[np.ndarray, np.ndarray]:
    return load_digits()


@pytest.fixture(scope="session")
def lenet() -> keras.Model:
    """LeNet with random weights (seeded): every layer has non-trivial output."""
    keras.utils.set_random_seed(1)
    return build_lenet()


@pytest.fixture(scope="session")
def trained_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoPage:
    """The demo page (LeNet trained 10 epochs, a held-out digit predicted), trained once per
    run and shared by the demo's tests and the browser tests of the exported page."""
    return make_demo_page(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def zoo() -> keras.Model:
    """Functional graph with two inputs, a shared layer, raw ops and a nested model
    called twice: the cases a layer-list walk gets wrong."""
    keras.utils.set_random_seed(2)
    a = keras.Input((8,), name="a")
    b = keras.Input((8,), name="b")
    shared = keras.layers.Dense(4, name="shared")
    inner = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(3, name="in_dense"),
            keras.layers.Dense(4, name="in_out"),
        ],
        name="inner",
    )
    left, right = shared(a), shared(b)
    merged = keras.ops.relu(left + right)
    once = inner(merged)
    twice = inner(once)
    return keras.Model([a, b], [twice, left], name="zoo")


class SmallSubclassed(keras.Model):
    def __init__(self):
        super().__init__(name="sub")
        self.conv = keras.layers.Conv2D(4, 3, activation="relu")
        self.pool = keras.layers.MaxPooling2D()
        self.flat = keras.layers.Flatten()
        self.dense = keras.layers.Dense(3)

    def call(self, x):
        return self.dense(self.flat(self.pool(self.conv(x)))) * 2.0


@pytest.fixture
def subclassed() -> keras.Model:
    """A built subclassed model: conv, pool, flatten, dense and a raw multiply."""
    model = SmallSubclassed()
    model(np.zeros((1, 8, 8, 1), "f4"))
    return model
