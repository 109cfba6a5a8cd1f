"""Every Keras building block lands in a family chosen by its output's shape, says what
it is in the tooltip config, and its activations survive the payload round trip."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers as L
from keras import regularizers as R

from layerscape.capture import run_with_activations
from layerscape.encode import decode_payload, encode_activations
from layerscape.families import can_open, family_of
from layerscape.graph import extract_graph
from layerscape.plan import plan_model
from layerscape.spec import U8_MAX_CODE


@pytest.fixture(scope="module", autouse=True)
def _fresh_names_after():
    """Give later test modules fresh layer names (``conv2d``, not ``conv2d_7``)."""
    yield
    keras.backend.clear_session()


class Rank5(L.Layer):
    """A custom layer whose output has an odd rank: (2, 2, 2, 2, C)."""

    def call(self, x):
        return keras.ops.reshape(x, (-1, 2, 2, 2, 2, x.shape[-1] // 16))

    def compute_output_shape(self, shape):
        return (shape[0], 2, 2, 2, 2, shape[-1] // 16)


class Doubler(L.Layer):
    """A custom layer that keeps its input's shape (rank 3 in, rank 3 out)."""

    def call(self, x):
        return x * 2.0


class TwoHeads(L.Layer):
    """A custom layer with two outputs of different ranks."""

    def call(self, x):
        return x, keras.ops.mean(x, axis=1)


# (input shape, layer, family of the layer's node)
BLOCKS = [
    # core
    ((8,), L.Dense(5, activation="relu"), "vector"),
    ((4, 4, 2), L.Dense(3), "feature_map"),  # Dense on the last axis keeps the rank
    # activation layers, on images and on vectors
    ((6, 6, 2), L.Activation("sigmoid"), "feature_map"),
    ((6, 6, 2), L.ReLU(max_value=6.0), "feature_map"),
    ((10,), L.Softmax(), "vector"),
    ((10,), L.LeakyReLU(negative_slope=0.1), "vector"),
    # convolution
    ((6, 8), L.Conv1D(4, 3), "sequence"),
    ((8, 8, 1), L.Conv2D(4, 3, strides=2, padding="same"), "feature_map"),
    ((8, 8, 2), L.Conv2DTranspose(3, 3, strides=2), "feature_map"),
    ((8, 8, 2), L.DepthwiseConv2D(3, depth_multiplier=2), "feature_map"),
    ((8, 8, 2), L.SeparableConv2D(4, 3, dilation_rate=2), "feature_map"),
    ((4, 6, 6, 1), L.Conv3D(2, 3), "volume"),
    ((3, 3, 3, 2), L.Conv3DTranspose(2, 2), "volume"),
    # pooling
    ((6, 3), L.MaxPooling1D(2), "sequence"),
    ((8, 8, 2), L.MaxPooling2D(2), "feature_map"),
    ((8, 8, 2), L.AveragePooling2D(2), "feature_map"),
    ((4, 4, 4, 2), L.MaxPooling3D(2), "volume"),
    ((8, 8, 2), L.GlobalAveragePooling2D(), "vector"),
    ((6, 3), L.GlobalMaxPooling1D(), "vector"),
    # padding, cropping, resampling, normalization
    ((8, 8, 2), L.ZeroPadding2D(2), "feature_map"),
    ((8, 8, 2), L.Cropping2D(1), "feature_map"),
    ((4, 4, 2), L.UpSampling2D(2), "feature_map"),
    ((8, 8, 2), L.BatchNormalization(), "feature_map"),
    ((6, 3), L.LayerNormalization(), "sequence"),
    # regularization (identity at inference)
    ((10,), L.Dropout(0.5), "vector"),
    ((8, 8, 2), L.SpatialDropout2D(0.3), "feature_map"),
    ((8, 8, 2), L.GaussianNoise(0.1), "feature_map"),
    ((10,), L.ActivityRegularization(l1=0.01), "vector"),
    # recurrent
    ((7, 3), L.LSTM(4, return_sequences=True), "sequence"),
    ((7, 3), L.LSTM(4), "vector"),
    ((7, 3), L.GRU(4, return_sequences=True), "sequence"),
    ((7, 3), L.SimpleRNN(4), "vector"),
    ((7, 3), L.Bidirectional(L.LSTM(2, return_sequences=True)), "sequence"),
    ((7, 6, 6, 1), L.TimeDistributed(L.Flatten()), "sequence"),
    # reshape and flatten
    ((5, 5, 4), L.Flatten(), "vector"),
    ((12,), L.Reshape((3, 4)), "sequence"),
    ((48,), L.Reshape((4, 4, 3)), "feature_map"),
    ((48,), L.Reshape((2, 2, 4, 3)), "volume"),
    ((3, 4), L.Permute((2, 1)), "sequence"),
    ((4,), L.RepeatVector(3), "sequence"),
    # custom layers: by shape, like everyone else
    ((32,), Rank5(), "generic"),
    ((6, 6, 2), Doubler(), "feature_map"),
]


def _layer_node(shape, layer):
    inputs = keras.Input(shape)
    model = keras.Model(inputs, layer(inputs))
    graph = extract_graph(model)
    return model, graph, graph["nodes"][-1]


@pytest.mark.parametrize(
    ("shape", "layer", "family"), BLOCKS, ids=[type(b[1]).__name__ for b in BLOCKS]
)
def test_every_block_lands_in_the_family_of_its_output_shape(shape, layer, family):
    model, graph, node = _layer_node(shape, layer)
    assert node["class_name"] == type(layer).__name__
    assert node["family"] == family, node
    # the family follows from the shape alone, whatever the class
    assert family_of(node["output_shape"], False) == family
    # ... and the activations go through the payload (generic sends nothing)
    x = np.random.default_rng(0).normal(size=(1, *shape)).astype("f4")
    _, acts = run_with_activations(plan_model(model), [x])
    assert list(acts[node["id"]].shape) == node["output_shape"]
    header, _ = decode_payload(encode_activations(graph, acts, 1))
    sent = {s["node"] for s in header["tensors"]}
    assert (node["id"] in sent) == (family != "generic" and not node["passthrough"])


def test_an_embedding_is_a_sequence_and_an_image_input_a_picture():
    tokens = keras.Input((9,), dtype="int32")
    model = keras.Model(tokens, L.Embedding(20, 4)(tokens))
    assert [n["family"] for n in extract_graph(model)["nodes"]] == ["vector", "sequence"]
    for channels, family in ((1, "image"), (3, "image"), (2, "feature_map"), (4, "feature_map")):
        inputs = keras.Input((5, 5, channels))
        node = extract_graph(keras.Model(inputs, L.Flatten()(inputs)))["nodes"][0]
        assert node["family"] == family


def test_multi_head_attention_is_a_sequence():
    x = keras.Input((6, 8))
    y = L.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
    node = extract_graph(keras.Model(x, y))["nodes"][-1]
    assert node["family"] == "sequence"
    assert node["config"]["num_heads"] == 2 and node["config"]["key_dim"] == 4


def test_a_custom_layer_with_two_outputs_is_drawn_from_the_first():
    x = keras.Input((6, 3))
    a, b = TwoHeads()(x)
    node = extract_graph(keras.Model(x, [a, b]))["nodes"][-1]
    assert node["family"] == "sequence"
    assert node["output_shapes"] == [[6, 3], [3]]


def _config(shape, layer):
    return _layer_node(shape, layer)[2]["config"]


def test_regularizers_activations_and_training_options_are_in_the_config():
    dense = _config(
        (8,),
        L.Dense(
            4,
            activation="tanh",
            kernel_regularizer=R.L2(0.01),
            bias_regularizer=R.L1(0.002),
            activity_regularizer=R.L1L2(l1=1e-5, l2=1e-4),
        ),
    )
    assert dense == {
        "units": 4,
        "activation": "tanh",
        "kernel_regularizer": "L2(0.01)",
        "bias_regularizer": "L1(0.002)",
        "activity_regularizer": "L1L2(l1=1e-05, l2=0.0001)",
    }
    conv = _config((9, 9, 1), L.Conv2D(3, 3, strides=2, dilation_rate=1, padding="same"))
    assert conv["strides"] == [2, 2] and conv["padding"] == "same"
    assert conv["dilation_rate"] == [1, 1] and conv["kernel_size"] == [3, 3]
    assert conv["activation"] == "linear"
    depthwise = _config((8, 8, 2), L.DepthwiseConv2D(3, depth_multiplier=3))
    assert depthwise["depth_multiplier"] == 3
    lstm = _config((7, 3), L.LSTM(5, dropout=0.2, recurrent_regularizer="l2"))
    assert lstm["units"] == 5 and lstm["dropout"] == 0.2
    assert lstm["recurrent_activation"] == "sigmoid" and lstm["recurrent_regularizer"] == "L2(0.01)"
    assert "recurrent_dropout" not in lstm  # 0: nothing to say
    assert _config((10,), L.Dropout(0.25))["rate"] == 0.25
    assert _config((8, 8, 2), L.GaussianNoise(0.3))["stddev"] == 0.3
    assert _config((8, 8, 2), L.MaxPooling2D(3, strides=1))["pool_size"] == [3, 3]
    assert _config((6, 6, 2), L.ReLU(max_value=6.0))["max_value"] == 6.0


def test_a_custom_activation_function_is_named():
    def swish_ish(x):
        return x * keras.ops.sigmoid(x)

    config = _config((4,), L.Dense(2, activation=swish_ish))
    assert "swish_ish" in str(config["activation"])


@pytest.mark.parametrize(
    ("shape", "layer", "passthrough", "reshape"),
    [
        ((10,), L.Dropout(0.5), True, False),
        ((8, 8, 2), L.SpatialDropout2D(0.3), True, False),
        ((8, 8, 2), L.GaussianNoise(0.1), True, False),
        ((8, 8, 2), L.GaussianDropout(0.1), True, False),
        ((10,), L.ActivityRegularization(l2=0.1), True, False),
        ((5, 5, 4), L.Flatten(), False, True),
        ((12,), L.Reshape((3, 4)), False, True),
        ((3, 4), L.Permute((2, 1)), False, False),
        ((10,), L.Dense(3), False, False),
    ],
)
def test_identity_and_reshape_layers_are_marked(shape, layer, passthrough, reshape):
    model, _, node = _layer_node(shape, layer)
    assert node["passthrough"] is passthrough and node["reshape"] is reshape
    if passthrough:  # truly the identity at inference: what the view draws thin, unopenable
        assert not can_open(node)
        x = np.random.default_rng(3).normal(size=(1, *shape)).astype("f4")
        _, acts = run_with_activations(plan_model(model), [x])
        np.testing.assert_array_equal(acts[node["id"]], x[0])


def test_what_opens():
    def node(family, shape, passthrough=False):
        return {"family": family, "output_shape": shape, "passthrough": passthrough}

    assert can_open(node("feature_map", [4, 4, 2]))
    assert can_open(node("volume", [2, 4, 4, 2]))
    assert can_open(node("sequence", [7, 3]))
    assert can_open(node("image", [8, 8, 3]))
    assert not can_open(node("image", [8, 8, 1]))
    assert not can_open(node("vector", [10]))
    assert not can_open(node("generic", [2, 2, 2, 2, 2]))
    assert not can_open(node("feature_map", [4, 4, 2], passthrough=True))


@pytest.fixture(scope="module")
def every_family():
    """One model with a node of every family, big enough that some sections are u8."""
    keras.utils.set_random_seed(5)
    image = keras.Input((20, 20, 3), name="picture")
    x = L.Conv2D(6, 3, activation="relu", name="conv")(image)  # 18x18x6: u8 full
    x = L.Dropout(0.5, name="drop")(x)
    vol = L.Reshape((2, 18, 18, 3), name="to_volume")(x)
    vol = L.Conv3D(4, (1, 3, 3), name="conv3d")(vol)  # 2x16x16x4: u8 full
    seq = L.Reshape((32, 64), name="to_sequence")(vol)
    seq = L.LSTM(8, return_sequences=True, name="lstm")(seq)
    flat = L.Flatten(name="flat")(vol)
    wide = L.Dense(4096, name="wide")(flat)  # exactly the f32 limit
    wider = L.Dense(5000, name="wider")(wide)  # past it: u8
    odd = Rank5(name="odd")(wider[:, :32])
    out = L.Dense(10, activation="softmax", name="out")(L.Flatten()(seq))
    model = keras.Model(image, [out, odd, wider], name="every_family")
    graph = extract_graph(model, labels=list("abcdefghij"))
    x = np.random.default_rng(6).random((1, 20, 20, 3), dtype=np.float32)
    _, acts = run_with_activations(plan_model(model), [x])
    return graph, acts


@pytest.mark.parametrize("reduce", ["mean", "max"])
def test_every_family_round_trips_within_quantization_error(every_family, reduce):
    graph, acts = every_family
    families = {n["id"]: n["family"] for n in graph["nodes"]}
    graph_node = {n["id"]: n for n in graph["nodes"]}
    assert graph_node["drop"]["passthrough"]
    assert {"image", "feature_map", "volume", "sequence", "vector", "generic"} <= set(
        families.values()
    )
    header, arrays = decode_payload(encode_activations(graph, acts, 1, reduce=reduce))
    sections = {(s["node"], s["role"]): s for s in header["tensors"]}
    dtypes = set()
    for node_id, family in families.items():
        if family == "generic" or graph_node[node_id]["passthrough"]:
            assert (node_id, "full") not in sections
            continue
        values = acts[node_id]
        section = sections[(node_id, "full")]
        dtypes.add(section["dtype"])
        step = (section["hi"] - section["lo"]) / U8_MAX_CODE if section["dtype"] == "u8" else 0
        np.testing.assert_allclose(arrays[(node_id, "full")], values, rtol=0, atol=step / 2 + 1e-6)
        if family in ("feature_map", "volume"):
            summary = sections[(node_id, "summary")]
            assert summary["reduce"] == reduce and summary["channels_total"] == values.shape[-1]
            expected = values.mean(axis=-1) if reduce == "mean" else values.max(axis=-1)
            assert list(summary["shape"]) == list(expected.shape)
            # the summary statistic is numpy's, up to one half step of its own encoding
            s_step = summary["hi"] - summary["lo"] if summary["dtype"] == "u8" else 0
            s_step /= U8_MAX_CODE
            np.testing.assert_allclose(
                arrays[(node_id, "summary")], expected, rtol=1e-6, atol=s_step / 2 + 1e-6
            )
            assert summary["lo"] == pytest.approx(expected.min())
            assert summary["hi"] == pytest.approx(expected.max())
    assert dtypes == {"u8", "f32"}


def test_the_widget_opens_sequences_volumes_and_rgb_inputs_but_not_dropout():
    from layerscape import ModelView

    picture = keras.Input((8, 8, 3), name="rgb")
    conv = L.Conv2D(2, 3, name="c2")(picture)  # 6x6x2
    vol = L.Conv3D(2, (1, 3, 3), name="c3")(L.Reshape((2, 6, 6, 1), name="to_vol")(conv))
    seq = L.LSTM(3, return_sequences=True, name="rnn")(L.Reshape((32, 2), name="to_seq")(vol))
    out = L.Dense(2, name="head")(L.Dropout(0.5, name="drop")(L.Flatten(name="flat")(seq)))
    view = ModelView(keras.Model(picture, out))
    view.predict(np.zeros((8, 8, 3), "f4"))
    view.expand("rgb", "c2", "c3", "rnn")
    assert view.open_layers == ["rgb", "c2", "c3", "rnn"]
    with pytest.raises(ValueError, match=r"\['drop'\]: layers that do not open in this model"):
        view.expand("drop")
    view.collapse()
    view.expand()  # all that open
    assert view.open_layers == ["rgb", "c2", "to_vol", "c3", "to_seq", "rnn"]


def test_merges_take_the_family_of_what_they_output():
    a, b = keras.Input((6, 6, 2)), keras.Input((6, 6, 2))
    added = L.Add(name="add_images")([a, b])
    joined = L.Concatenate(name="join_images")([a, b])
    nodes = {n["id"]: n for n in extract_graph(keras.Model([a, b], [added, joined]))["nodes"]}
    assert nodes["add_images"]["family"] == "feature_map"
    assert nodes["join_images"]["family"] == "feature_map"
    assert nodes["join_images"]["output_shape"] == [6, 6, 4]
