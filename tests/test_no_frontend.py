"""The kernel never waits for the front end.

A view may never be shown: VS Code runs an output's render code only once it scrolls
into view, and drops widget state when the notebook closes; a notebook run headless has
no page at all. ``predict``, the training callback and its throttle send their message
and return; nothing waits for a page to connect, answer or acknowledge. Outside a kernel
the widget's comm drops what it is given, as a page that never connects would.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from layerscape import ModelView
from tests.support.wire import metered

# Far above what each call costs here (a LeNet predict is tens of ms, the small fit a
# few seconds), far below "waits for a page that never comes".
LIMIT_S = 120.0


def _returns(call: Callable[[], Any], what: str) -> tuple[Any, float]:
    """``call()``'s result and seconds, run in a thread so that a call that waits for
    the front end fails the test instead of hanging it."""
    out: dict[str, Any] = {}

    def run() -> None:
        started = time.perf_counter()
        try:
            out["value"] = call()
        except BaseException as exc:  # re-raised in the test's thread
            out["error"] = exc
        out["seconds"] = time.perf_counter() - started

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(LIMIT_S)
    assert not thread.is_alive(), f"{what} did not return within {LIMIT_S:.0f} s with no page"
    if "error" in out:
        raise out["error"]
    return out["value"], out["seconds"]


def _small_model() -> keras.Model:
    keras.utils.set_random_seed(5)
    inputs = keras.Input((8, 8, 1), name="pixels")
    x = keras.layers.Conv2D(3, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.Flatten(name="flat")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="probs")(x)
    model = keras.Model(inputs, outputs, name="small")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def test_predict_returns_with_no_page_behind_the_view(lenet, digits):
    view = ModelView(lenet)
    x = digits[0][:5]
    with metered(view) as wire:
        for i in range(5):
            out, seconds = _returns(lambda i=i: view.predict(x[i]), f"predict #{i + 1}")
            np.testing.assert_allclose(out, np.asarray(lenet(x[i : i + 1]))[0], atol=1e-5)
            assert seconds < LIMIT_S
    # Each predict sent its one message into the void and went on.
    assert wire.count == 5, wire.messages


def test_training_callback_and_throttle_return_with_no_page():
    model = _small_model()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 8, 8, 1)).astype("float32")
    y = rng.integers(0, 3, size=48).astype("int32")
    for every in ("batch", "auto"):
        view = ModelView(model)
        callback = view.training_callback(x[:1], every=every)
        with metered(view) as wire:
            _, seconds = _returns(
                lambda cb=callback: model.fit(
                    x, y, batch_size=8, epochs=2, callbacks=[cb], verbose=0
                ),
                f'fit with the training callback (every="{every}")',
            )
        steps = len(view.history)
        # every="batch": a frame per batch (6 a epoch) besides the first; "auto": at
        # least the first and the last; every one of them sent, none waited on.
        assert steps >= (12 if every == "batch" else 2), (every, steps)
        assert wire.count >= steps, (every, wire.count, steps)
        print(f'fit, every="{every}": {steps} redraws sent, {seconds:.2f} s with no page')
