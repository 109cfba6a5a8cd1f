"""The models the benchmarks measure, built offline (``weights=None``), with samples."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from collections.abc import Callable

import numpy as np

# name -> (input shape, what it is)
MODELS: dict[str, tuple[tuple[int, ...], str]] = {
    "lenet": ((28, 28, 1), "LeNet-5, 28x28x1"),
    "vgg16": ((224, 224, 3), "VGG16, 224x224x3"),
    "resnet50": ((224, 224, 3), "ResNet50, 224x224x3"),
    "inceptionv3": ((299, 299, 3), "InceptionV3, 299x299x3"),
    "nasnetlarge": ((331, 331, 3), "NASNetLarge, 331x331x3"),
}
# What run.py measures unless told (NASNetLarge is for the layout benchmark: slow to build).
DEFAULT_MODELS = ["lenet", "vgg16", "resnet50", "inceptionv3"]


def build(name: str):
    """The Keras model called ``name`` (random weights, seeded)."""
    import keras

    from layerscape.demo import build_lenet

    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; expected one of {sorted(MODELS)}")
    keras.utils.set_random_seed(0)
    shape = MODELS[name][0]
    builders: dict[str, Callable[[], keras.Model]] = {
        "lenet": build_lenet,
        "vgg16": lambda: keras.applications.VGG16(weights=None, input_shape=shape),
        "resnet50": lambda: keras.applications.ResNet50(weights=None, input_shape=shape),
        "inceptionv3": lambda: keras.applications.InceptionV3(weights=None, input_shape=shape),
        "nasnetlarge": lambda: keras.applications.NASNetLarge(weights=None, input_shape=shape),
    }
    return builders[name]()


def samples(name: str, count: int) -> np.ndarray:
    """``count`` different inputs for ``name``: real digits for LeNet, else random
    pictures in [0, 255) (what ``keras.applications`` models take before their own
    preprocessing)."""
    if name == "lenet":
        from layerscape.demo import load_digits

        x, _ = load_digits()
        return x[:count]
    shape = MODELS[name][0]
    return (np.random.default_rng(1).random((count, *shape)) * 255.0).astype("float32")


def labels(name: str) -> list[str] | None:
    """Class names for the model's output (LeNet's digits), or None."""
    if name == "lenet":
        from layerscape.demo import DIGIT_LABELS

        return list(DIGIT_LABELS)
    return None
