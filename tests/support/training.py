"""An exported training run for the browser tests: LeNet on the digits, recorded."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras

from layerscape import ModelView
from layerscape.demo import build_lenet, load_digits
from layerscape.encode import encode_activations


@dataclass
class TrainingPage:
    path: Path
    view: Any
    model: Any
    frames: int
    history: list


def write_training_page(
    folder: Path, theme: str = "light", weights_of: str | None = None
) -> TrainingPage:
    """Train LeNet for two short epochs with the view's callback (a frame every 4
    batches) and export the view; return the page and what it was made from.
    ``weights_of="first conv"``: that layer is drawn as its weights during the run."""
    x, y = load_digits()
    keras.utils.set_random_seed(0)
    model = build_lenet()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    view = ModelView(model, labels=[str(d) for d in range(10)], theme=theme)
    if weights_of == "first conv":
        view.show_weights(next(n["id"] for n in view.graph["nodes"] if n["class_name"] == "Conv2D"))
    callback = view.training_callback(x[-1], every=4)
    model.fit(x[:640], y[:640], epochs=2, batch_size=32, validation_split=0.25, verbose=0,
              callbacks=[callback])  # fmt: skip
    path = view.save_html(folder / f"training-{theme}{'-weights' if weights_of else ''}.html")
    return TrainingPage(path, view, model, view.recorded_frames, view.history)


def live_payload(view: Any, seq: int, step: dict | None) -> str:
    """Base64 of a payload as the kernel would send it next: the view's last sample, with
    ``seq`` and a training ``step`` (a live frame) or none (a plain predict)."""
    payload = encode_activations(view.graph, view.activations, seq, step=step)  # type: ignore[arg-type]
    return base64.b64encode(payload).decode("ascii")
