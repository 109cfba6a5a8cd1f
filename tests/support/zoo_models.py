"""A zoo of real Keras graphs for the introspection tests, built small and offline.

Every builder returns a built model with seeded random weights (``weights=None``: the
tests never reach the network) on inputs small enough that one prediction takes a
fraction of a second. :func:`build` caches each model for the session, so the unit
tests and the browser tests share them.

The hand-written models are the shapes a layer-list walk gets wrong: skip bridges
(U-Net), one nested model called on two inputs (siamese), an LSTM's states feeding
another LSTM (seq2seq), a nested Sequential feeding several named outputs (two heads),
attention with residual adds (transformer block) and subclassed models, traceable or
not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import keras
import numpy as np
from keras import layers, ops

from .keras_names import automatic_names_kept

# Open dimensions (``None``: a sequence of any length) get this size in samples.
OPEN_DIM = 5


def _resnet50() -> keras.Model:
    return keras.applications.ResNet50(weights=None, input_shape=(32, 32, 3), classes=10)


def _inception_v3() -> keras.Model:
    # 75x75 is the smallest input InceptionV3's stem and reductions accept.
    return keras.applications.InceptionV3(weights=None, input_shape=(75, 75, 3), classes=10)


def _mobilenet_v2() -> keras.Model:
    return keras.applications.MobileNetV2(
        weights=None, input_shape=(32, 32, 3), alpha=0.35, classes=10
    )


def _mobilenet_v3_small() -> keras.Model:
    # Its hard-swish is raw keras.ops calls: graph steps that model.layers never lists.
    return keras.applications.MobileNetV3Small(weights=None, input_shape=(32, 32, 3), classes=10)


def _densenet121() -> keras.Model:
    return keras.applications.DenseNet121(weights=None, input_shape=(32, 32, 3), classes=10)


def _efficientnet_b0() -> keras.Model:
    return keras.applications.EfficientNetB0(weights=None, input_shape=(32, 32, 3), classes=10)


def _nasnet_mobile() -> keras.Model:
    return keras.applications.NASNetMobile(weights=None, input_shape=(32, 32, 3), classes=10)


def _conv_block(x, filters: int, name: str):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv1")(x)
    return layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"{name}_conv2")(x)


def _unet() -> keras.Model:
    """Encoder-decoder whose decoder concatenates the encoder's maps (skip bridges)."""
    inputs = keras.Input((32, 32, 1), name="image")
    e1 = _conv_block(inputs, 8, "enc1")
    e2 = _conv_block(layers.MaxPooling2D(name="down1")(e1), 16, "enc2")
    bottom = _conv_block(layers.MaxPooling2D(name="down2")(e2), 32, "bottom")
    u2 = layers.Conv2DTranspose(16, 2, strides=2, name="up2")(bottom)
    d2 = _conv_block(layers.Concatenate(name="bridge2")([u2, e2]), 16, "dec2")
    u1 = layers.Conv2DTranspose(8, 2, strides=2, name="up1")(d2)
    d1 = _conv_block(layers.Concatenate(name="bridge1")([u1, e1]), 8, "dec1")
    mask = layers.Conv2D(1, 1, activation="sigmoid", name="mask")(d1)
    return keras.Model(inputs, mask, name="unet")


def _siamese() -> keras.Model:
    """One nested tower model applied to both inputs, compared by raw ops."""
    tower_in = keras.Input((16, 16, 1))
    t = layers.Conv2D(4, 3, activation="relu", name="conv")(tower_in)
    t = layers.GlobalAveragePooling2D(name="pool")(t)
    tower = keras.Model(tower_in, layers.Dense(8, name="embed")(t), name="tower")
    left = keras.Input((16, 16, 1), name="left")
    right = keras.Input((16, 16, 1), name="right")
    distance = ops.abs(tower(left) - tower(right))
    same = layers.Dense(1, activation="sigmoid", name="same")(distance)
    return keras.Model([left, right], same, name="siamese")


def _seq2seq() -> keras.Model:
    """The encoder LSTM's final states start the decoder LSTM (any sequence lengths)."""
    source = keras.Input((None, 6), name="source")
    target = keras.Input((None, 6), name="target")
    _, h, c = layers.LSTM(12, return_state=True, name="encoder")(source)
    decoded = layers.LSTM(12, return_sequences=True, name="decoder")(target, initial_state=[h, c])
    tokens = layers.Dense(6, activation="softmax", name="next_token")(decoded)
    return keras.Model([source, target], tokens, name="seq2seq")


def _two_heads() -> keras.Model:
    """A nested Sequential trunk, a classification and a regression head (dict outputs)."""
    trunk = keras.Sequential(
        [
            keras.Input((16, 16, 3)),
            layers.Conv2D(8, 3, activation="relu", name="conv"),
            layers.MaxPooling2D(name="pool"),
            layers.Flatten(name="flat"),
            layers.Dense(16, activation="relu", name="dense"),
        ],
        name="trunk",
    )
    inputs = keras.Input((16, 16, 3), name="photo")
    features = trunk(inputs)
    kind = layers.Dense(4, activation="softmax", name="kind")(features)
    box = layers.Dense(4, name="box")(features)
    return keras.Model(inputs, {"kind": kind, "box": box}, name="two_heads")


def _transformer_block() -> keras.Model:
    """Token embedding, self-attention and a feed-forward block, each with a residual."""
    tokens = keras.Input((10,), dtype="int32", name="tokens")
    x = layers.Embedding(40, 16, name="embed")(tokens)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=8, name="attention")(x, x)
    x = layers.LayerNormalization(name="norm1")(x + attended)  # a raw-op residual
    ff = layers.Dense(32, activation="relu", name="ff1")(x)
    ff = layers.Dense(16, name="ff2")(ff)
    x = layers.LayerNormalization(name="norm2")(layers.Add(name="residual2")([x, ff]))
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    return keras.Model(tokens, layers.Dense(3, activation="softmax", name="label")(x), name="tbk")


class ResidualNet(keras.Model):
    """Subclassed, but its call() runs on a symbolic input: traced into a graph."""

    def __init__(self):
        super().__init__(name="residual_net")
        self.stem = layers.Conv2D(6, 3, padding="same", activation="relu", name="stem")
        self.conv = layers.Conv2D(6, 3, padding="same", name="conv")
        self.pool = layers.GlobalAveragePooling2D(name="pool")
        self.head = layers.Dense(4, name="head")

    def call(self, x):
        h = self.stem(x)
        return self.head(self.pool(ops.relu(h + self.conv(h))))


class GatedNet(keras.Model):
    """Subclassed with Python control flow on a tensor value: it cannot be traced."""

    def __init__(self):
        super().__init__(name="gated_net")
        self.encode = layers.Dense(8, activation="relu", name="encode")
        self.wide = layers.Dense(4, name="wide")
        self.narrow = layers.Dense(4, name="narrow")

    def call(self, x):
        h = self.encode(x)
        if float(ops.mean(h)) > 0.5:  # decided per batch, in Python
            return self.wide(h)
        return ops.tanh(self.narrow(h))


def _residual_net() -> keras.Model:
    model = ResidualNet()
    model(np.zeros((1, 12, 12, 2), "float32"))
    return model


def _gated_net() -> keras.Model:
    model = GatedNet()
    model(np.zeros((1, 6), "float32"))
    return model


BUILDERS: dict[str, Callable[[], keras.Model]] = {
    "resnet50": _resnet50,
    "inception_v3": _inception_v3,
    "mobilenet_v2": _mobilenet_v2,
    "mobilenet_v3_small": _mobilenet_v3_small,
    "densenet121": _densenet121,
    "efficientnet_b0": _efficientnet_b0,
    "nasnet_mobile": _nasnet_mobile,
    "unet": _unet,
    "siamese": _siamese,
    "seq2seq": _seq2seq,
    "two_heads": _two_heads,
    "transformer_block": _transformer_block,
    "residual_net": _residual_net,
}
"""Models whose wiring can be read (functional, or subclassed and traceable)."""

UNTRACEABLE: dict[str, Callable[[], keras.Model]] = {"gated_net": _gated_net}
"""Subclassed models whose call() cannot run on a symbolic input."""


@functools.cache
def build(name: str) -> keras.Model:
    """The zoo model ``name``, built once per session with seeded weights."""
    builder = BUILDERS.get(name) or UNTRACEABLE.get(name)
    if builder is None:
        raise KeyError(f"no zoo model {name!r}; the zoo has {sorted(BUILDERS | UNTRACEABLE)}")
    keras.utils.set_random_seed(sorted(BUILDERS | UNTRACEABLE).index(name))
    with automatic_names_kept():
        return builder()


SUBCLASSED_INPUTS = {"residual_net": (12, 12, 2), "gated_net": (6,)}
"""Per-sample input shapes of the subclassed models (they keep no ``inputs``)."""


def sample_for(name: str, seed: int = 0) -> list[np.ndarray]:
    """One sample (no batch dimension) per input of the zoo model ``name``.

    Integer inputs get token ids below 40 (the zoo's embedding size); float inputs get
    standard normal values; open dimensions get ``OPEN_DIM`` steps.
    """
    rng = np.random.default_rng(seed)
    if name in SUBCLASSED_INPUTS:
        return [rng.normal(size=SUBCLASSED_INPUTS[name]).astype("float32")]
    arrays = []
    for tensor in build(name).inputs:
        shape = tuple(OPEN_DIM if d is None else int(d) for d in tensor.shape[1:])
        if "int" in str(tensor.dtype):
            arrays.append(rng.integers(0, 40, size=shape).astype(str(tensor.dtype)))
        else:
            arrays.append(rng.normal(size=shape).astype("float32"))
    return arrays
