"""Channels-first models are drawn channels last: values, shapes and spec say so.

TensorFlow on CPU runs no channels-first convolution, so this module runs on the JAX
and torch backends (``test_backends.py`` runs it there) and skips on TensorFlow.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from layerscape import ModelView
from layerscape.encode import decode_payload
from layerscape.graph import extract_graph

if keras.backend.backend() == "tensorflow":
    pytest.skip(
        "TensorFlow on CPU has no channels_first convolution (NHWC only); "
        "test_backends.py runs this module on JAX and torch",
        allow_module_level=True,
    )


def _model(data_format: str) -> keras.Model:
    first = data_format == "channels_first"
    inputs = keras.Input((3, 8, 8) if first else (8, 8, 3), name="pixels")
    x = keras.layers.Conv2D(4, 3, data_format=data_format, name="conv")(inputs)
    x = keras.layers.BatchNormalization(axis=1 if first else -1, name="bn")(x)
    x = keras.layers.ReLU(name="relu")(x)
    x = keras.layers.MaxPooling2D(data_format=data_format, name="pool")(x)
    x = keras.layers.Flatten(name="flat")(x)
    outputs = keras.layers.Dense(5, name="dense")(x)
    return keras.Model(inputs, outputs, name=f"twin_{data_format}")


@pytest.fixture(scope="module")
def first() -> keras.Model:
    keras.utils.set_random_seed(3)
    return _model("channels_first")


@pytest.fixture(scope="module")
def sample() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(3, 8, 8)).astype("float32")


def _nodes(spec) -> dict:
    return {n["id"]: n for n in spec["nodes"]}


def test_the_spec_gives_channels_first_nodes_channels_last_and_marks_them(first):
    nodes = _nodes(extract_graph(first))
    for node_id in ("pixels", "conv", "bn", "relu", "pool"):
        assert nodes[node_id].get("channels_first") is True, node_id
    for node_id in ("flat", "dense"):
        assert "channels_first" not in nodes[node_id], node_id
    assert nodes["pixels"]["output_shape"] == [8, 8, 3]
    assert nodes["pixels"]["family"] == "image"
    assert nodes["conv"]["output_shape"] == [6, 6, 4]
    assert nodes["conv"]["output_shapes"] == [[6, 6, 4]]
    assert nodes["conv"]["family"] == "feature_map"
    assert nodes["pool"]["output_shape"] == [3, 3, 4]
    # A channels-last Flatten reads (C, H, W) C-major: not the drawn input's row-major order.
    assert nodes["flat"]["reshape"] is False
    assert nodes["flat"]["reads_channels_first"] is True
    for node_id in ("pixels", "conv", "bn", "relu", "pool", "dense"):
        assert "reads_channels_first" not in nodes[node_id], node_id


def test_receptive_fields_read_the_same_fields_as_the_twin(first):
    """The front end's receptive fields (``data/receptive.ts`` ``readRegion``) are a
    function of a node's class, config and drawn shapes and its input's drawn shape:
    these agree with the channels-last twin's on every node but the Flatten, whose
    (C, ...) order ``reads_channels_first`` tells (``receptive.test.ts`` checks both)."""
    twin = _nodes(extract_graph(_model("channels_last")))
    nodes = _nodes(extract_graph(first))
    for node_id, node in twin.items():
        mine = nodes[node_id]
        read = ("class_name", "output_shape", "family")
        assert {k: mine[k] for k in read} == {k: node[k] for k in read}, node_id
        # The tooltip keeps the layer's own config: BatchNormalization's axis (1 here, -1
        # there) is the one key that differs, and no receptive field reads it.
        assert _without(mine["config"], "axis") == _without(node["config"], "axis"), node_id
    assert nodes["bn"]["config"]["axis"] == 1


def _without(config: dict, key: str) -> dict:
    return {k: v for k, v in config.items() if k != key}


def test_its_twin_channels_last_model_has_the_same_shapes(first):
    twin = _nodes(extract_graph(_model("channels_last")))
    nodes = _nodes(extract_graph(first))
    for node_id, node in twin.items():
        assert "channels_first" not in node
        assert nodes[node_id]["output_shapes"] == node["output_shapes"], node_id
        assert nodes[node_id]["family"] == node["family"], node_id
    assert twin["flat"]["reshape"] is True


def test_predict_sends_channels_first_values_channels_last(first, sample):
    probe = keras.Model(first.inputs, [first.get_layer(n).output for n in ("conv", "relu")])
    conv, relu = (np.asarray(keras.ops.convert_to_numpy(y))[0] for y in probe(sample[None]))
    view = ModelView(first)
    out = view.predict(sample)
    np.testing.assert_allclose(out, keras.ops.convert_to_numpy(first(sample[None]))[0], atol=1e-5)
    np.testing.assert_allclose(view.activations["conv"], np.transpose(conv, (1, 2, 0)), atol=1e-5)
    np.testing.assert_allclose(view.activations["relu"], np.transpose(relu, (1, 2, 0)), atol=1e-5)
    np.testing.assert_array_equal(view.activations["pixels"], np.transpose(sample, (1, 2, 0)))
    assert view.activations["flat"].shape == (36,)  # its own (C-major) order, as computed
    # Hover reads (h, w, c) from the sent values: element (h=1, w=4, c=2) is conv[2, 1, 4].
    header, arrays = decode_payload(view._payload)
    sent = arrays[("conv", "full")]
    assert sent.shape == (6, 6, 4)
    section = next(s for s in header["tensors"] if s["node"] == "conv" and s["role"] == "full")
    step = (section.get("hi", 0) - section.get("lo", 0)) / 250 if section["dtype"] == "u8" else 0
    np.testing.assert_allclose(sent, np.transpose(conv, (1, 2, 0)), atol=step / 2 + 1e-5)
    assert abs(sent[1, 4, 2] - conv[2, 1, 4]) <= step / 2 + 1e-5


def _branchy() -> keras.Model:
    """Channels-first layers of each kind, a merge, a concatenation on the channel axis,
    a Conv1D on its own input and global pooling with and without ``keepdims``."""
    cf = {"data_format": "channels_first"}
    image = keras.Input((2, 6, 6), name="image")
    a = keras.layers.ZeroPadding2D(1, **cf, name="pad")(image)
    a = keras.layers.Conv2D(3, 3, **cf, name="conv_a")(a)
    b = keras.layers.Conv2D(3, 1, **cf, name="conv_b")(image)
    added = keras.layers.Add(name="add")([a, b])
    joined = keras.layers.Concatenate(axis=1, name="join")([added, b])
    up = keras.layers.UpSampling2D(2, **cf, name="up")(joined)
    kept = keras.layers.GlobalAveragePooling2D(**cf, keepdims=True, name="gap_kept")(up)
    pooled = keras.layers.GlobalAveragePooling2D(**cf, name="gap")(up)
    series = keras.Input((4, 10), name="series")
    s = keras.layers.Conv1D(5, 3, **cf, name="conv1d")(series)
    s = keras.layers.Activation("relu", name="act")(s)
    s = keras.layers.GlobalMaxPooling1D(**cf, name="gmp")(s)
    out = keras.layers.Concatenate(name="out")([pooled, s])
    return keras.Model([image, series], [out, kept], name="branchy")


def test_every_kind_of_channels_first_node_is_sent_channels_last():
    keras.utils.set_random_seed(5)
    model = _branchy()
    rng = np.random.default_rng(1)
    x = [rng.normal(size=(1, 2, 6, 6)).astype("float32"), rng.normal(size=(1, 4, 10))]
    x[1] = x[1].astype("float32")
    names = ["pad", "conv_a", "conv_b", "add", "join", "up", "gap_kept", "gap"]
    names += ["conv1d", "act", "gmp", "out"]
    probe = keras.Model(model.inputs, [model.get_layer(n).output for n in names])
    raw = {n: keras.ops.convert_to_numpy(y)[0] for n, y in zip(names, probe(x))}
    view = ModelView(model)
    view.predict(x)
    nodes = _nodes(view.graph)
    marked = {n for n in names if nodes[n].get("channels_first")}
    assert marked == {"pad", "conv_a", "conv_b", "add", "join", "up", "gap_kept", "conv1d", "act"}
    assert nodes["image"].get("channels_first") and nodes["series"].get("channels_first")
    for name in names:
        want = np.moveaxis(raw[name], 0, -1) if name in marked else raw[name]
        np.testing.assert_allclose(view.activations[name], want, atol=1e-5, err_msg=name)
        assert nodes[name]["output_shape"] == list(want.shape), name
    assert nodes["join"]["output_shape"] == [6, 6, 6] and nodes["conv1d"]["output_shape"] == [8, 5]
    assert nodes["gap_kept"]["output_shape"] == [1, 1, 6]


def test_a_channels_first_volume_is_sent_d_h_w_c():
    keras.utils.set_random_seed(7)
    volume = keras.Input((2, 4, 5, 6), name="volume")
    x = keras.layers.Conv3D(3, 3, padding="same", data_format="channels_first", name="conv3d")(
        volume
    )
    x = keras.layers.MaxPooling3D(2, data_format="channels_first", name="pool3d")(x)
    model = keras.Model(volume, keras.layers.Flatten(data_format="channels_first")(x))
    sample = np.random.default_rng(2).normal(size=(2, 4, 5, 6)).astype("float32")
    probe = keras.Model(volume, model.get_layer("conv3d").output)
    raw = keras.ops.convert_to_numpy(probe(sample[None]))[0]
    view = ModelView(model)
    view.predict(sample)
    nodes = _nodes(view.graph)
    assert nodes["conv3d"]["output_shape"] == [4, 5, 6, 3] and nodes["conv3d"]["channels_first"]
    assert nodes["pool3d"]["output_shape"] == [2, 2, 3, 3]
    np.testing.assert_allclose(
        view.activations["conv3d"], np.transpose(raw, (1, 2, 3, 0)), atol=1e-5
    )
    # A channels-first Flatten moves the channels last itself: it reads the volume as drawn.
    flat = next(n for n in view.graph["nodes"] if n["class_name"] == "Flatten")
    assert flat["reshape"] is True and "reads_channels_first" not in flat
