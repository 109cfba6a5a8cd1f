"""The seed's gallery, built offline: the classic classifiers with their real layer
stacks (untrained, ``weights=None``: nothing is downloaded) and one picture to show them.

TensorSpace's gallery drew LeNet, AlexNet, VGG16, MobileNet, ResNet50 and Inception v3;
``notebooks/gallery.ipynb`` shows each of them live, next to the trained generator and
detector of this package, and ``scripts/gallery_pictures.py`` draws the README's pictures
from the same builders.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .scenes import make_scenes


def alexnet(input_shape: tuple[int, int, int] = (227, 227, 3), classes: int = 1000):
    """AlexNet (Krizhevsky et al., 2012) as one Sequential stack, untrained.

    Five convolutions (11x11 stride 4, 5x5, three 3x3) with three overlapping max
    poolings, then two dropout-guarded 4,096-unit dense layers and the softmax: the
    single-tower form Keras users rebuild (no local response normalisation).

    Parameters
    ----------
    input_shape
        Height, width, channels of the input picture.
    classes
        Units of the softmax output.
    """
    import keras

    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(input_shape, name="image"),
            layers.Conv2D(96, 11, strides=4, activation="relu", name="conv1"),
            layers.MaxPooling2D(3, strides=2, name="pool1"),
            layers.Conv2D(256, 5, padding="same", activation="relu", name="conv2"),
            layers.MaxPooling2D(3, strides=2, name="pool2"),
            layers.Conv2D(384, 3, padding="same", activation="relu", name="conv3"),
            layers.Conv2D(384, 3, padding="same", activation="relu", name="conv4"),
            layers.Conv2D(256, 3, padding="same", activation="relu", name="conv5"),
            layers.MaxPooling2D(3, strides=2, name="pool5"),
            layers.Flatten(name="flatten"),
            layers.Dense(4096, activation="relu", name="fc6"),
            layers.Dropout(0.5, name="drop6"),
            layers.Dense(4096, activation="relu", name="fc7"),
            layers.Dropout(0.5, name="drop7"),
            layers.Dense(classes, activation="softmax", name="predictions"),
        ],
        name="alexnet",
    )


def _applications() -> dict[str, Callable[[], object]]:
    import keras

    apps = keras.applications
    return {
        "alexnet": alexnet,
        "vgg16": lambda: apps.VGG16(weights=None),
        "mobilenet": lambda: apps.MobileNet(weights=None),
        "resnet50": lambda: apps.ResNet50(weights=None),
        "inception_v3": lambda: apps.InceptionV3(weights=None),
    }


CLASSIFIERS = ("alexnet", "vgg16", "mobilenet", "resnet50", "inception_v3")
"""The gallery's untrained ImageNet-shaped classifiers, in the seed's order."""


def build_classifier(name: str):
    """One of :data:`CLASSIFIERS`, built with ``weights=None`` (nothing is downloaded).

    Raises
    ------
    ValueError
        For a name that is not in :data:`CLASSIFIERS`.
    """
    builders = _applications()
    if name not in builders:
        raise ValueError(f"expected one of {', '.join(CLASSIFIERS)}; got {name!r}")
    return builders[name]()


def picture(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A colour picture of ``height`` x ``width`` x 3 in [0, 255], the same for a seed.

    One of the detector's shape scenes, scaled up and tinted: a few bright shapes on a
    graded background give the untrained classifiers' first layers edges and blobs to
    answer to (an ImageNet photo cannot ship here).
    """
    if height < 8 or width < 8:
        raise ValueError(f"expected a picture of at least 8 x 8 pixels; got {height} x {width}")
    grey = make_scenes(1, seed=seed).images[0, :, :, 0]
    rows = (np.arange(height) * grey.shape[0] // height).clip(0, grey.shape[0] - 1)
    cols = (np.arange(width) * grey.shape[1] // width).clip(0, grey.shape[1] - 1)
    big = grey[rows][:, cols]
    ramp = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    tint = np.stack([big, big * (0.6 + 0.4 * ramp), big * (1.0 - 0.5 * ramp)], axis=-1)
    return (tint * 255.0).astype(np.float32)
