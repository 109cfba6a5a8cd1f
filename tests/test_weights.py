"""Weights in the view: which layers have them, their shapes as sent, and the payload."""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest

from layerscape import ModelView
from layerscape.encode import decode_payload
from layerscape.spec import U8_MAX_CODE
from layerscape.weights import canonical_shape, layer_weights, weights_spec


def built(layer: keras.layers.Layer, shape: tuple[int, ...]) -> keras.layers.Layer:
    layer(keras.Input(shape))
    return layer


@pytest.mark.parametrize(
    ("layer", "shape", "kernel", "bias"),
    [
        (lambda: keras.layers.Dense(7), (5,), [5, 7], [7]),
        (lambda: keras.layers.Dense(7, use_bias=False), (5,), [5, 7], None),
        (lambda: keras.layers.Conv1D(4, 3), (10, 2), [1, 3, 2, 4], [4]),
        (lambda: keras.layers.Conv2D(4, 3), (8, 8, 3), [3, 3, 3, 4], [4]),
        (lambda: keras.layers.Conv3D(2, 3), (6, 6, 6, 1), [9, 3, 1, 2], [2]),
        (lambda: keras.layers.DepthwiseConv2D(3), (8, 8, 3), [3, 3, 3, 1], [3]),
        (lambda: keras.layers.Embedding(20, 6), (4,), [20, 6], None),
        (lambda: keras.layers.LSTM(5), (7, 3), [3, 20], [20]),
    ],
)
def test_weights_spec_per_layer_kind(layer, shape, kernel, bias):
    # Layers are made inside the test: made at collection, they would take the names
    # (conv2d, dense, ...) other tests expect of the session's LeNet.
    layer = built(layer(), shape)
    assert weights_spec(layer) == {"kernel": kernel, "bias": bias}
    values, biases = layer_weights(layer)
    assert list(values.shape) == kernel
    assert (biases is None) == (bias is None)


@pytest.mark.parametrize(
    "layer", [keras.layers.MaxPooling2D, keras.layers.Flatten, keras.layers.ReLU]
)
def test_layers_without_weights_have_none(layer):
    assert weights_spec(built(layer(), (8, 8, 3))) is None


def test_canonical_shapes():
    assert canonical_shape((4, 5)) == [4, 5]
    assert canonical_shape((3, 2, 4)) == [1, 3, 2, 4]
    assert canonical_shape((2, 3, 3, 1, 8)) == [6, 3, 1, 8]
    assert canonical_shape((4,)) is None


def test_shared_and_nested_layers_get_weights_on_every_call():
    shared = keras.layers.Dense(3, name="shared")
    inner_in = keras.Input((4,))
    inner = keras.Model(inner_in, keras.layers.Dense(4, name="deep")(inner_in), name="inner")
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    out = keras.layers.Add(name="join")([shared(inner(a)), shared(b)])
    view = ModelView(keras.Model([a, b], out))
    weights = {n["id"]: n["weights"] for n in view.graph["nodes"]}
    assert weights["shared"] == weights["shared:1"] == {"kernel": [4, 3], "bias": [3]}
    assert weights["inner/deep"] == {"kernel": [4, 4], "bias": [4]}
    assert weights["join"] is None and weights["a"] is None


def ids_of(view: ModelView, class_name: str) -> list[str]:
    return [n["id"] for n in view.graph["nodes"] if n["class_name"] == class_name]


def test_shown_weights_round_trip(lenet, digits):
    x, _ = digits
    view = ModelView(lenet)
    conv, dense = ids_of(view, "Conv2D")[0], ids_of(view, "Dense")[0]
    view.show_weights(conv, dense)
    assert view.weights_shown == [conv, dense]
    header, arrays = decode_payload(view._payload)  # before any predict: weights only
    roles = {(s["node"], s["role"]): s for s in header["tensors"]}
    assert set(roles) == {(conv, "kernel"), (conv, "bias"), (dense, "kernel"), (dense, "bias")}
    conv_kernel, conv_bias = lenet.get_layer(conv).get_weights()
    np.testing.assert_array_equal(arrays[(conv, "kernel")], conv_kernel)  # 150 values: f32
    np.testing.assert_array_equal(arrays[(conv, "bias")], conv_bias)
    dense_kernel = lenet.get_layer(dense).get_weights()[0]
    section = roles[(dense, "kernel")]
    assert section["dtype"] == "u8" and section["channels_total"] == 120
    half_step = (section["hi"] - section["lo"]) / U8_MAX_CODE / 2
    np.testing.assert_allclose(arrays[(dense, "kernel")], dense_kernel, atol=half_step * 1.001)
    view.predict(x[0])
    _, arrays = decode_payload(view._payload)
    assert (conv, "summary") in arrays and (dense, "kernel") in arrays


def test_weights_follow_set_weights(digits):
    x, _ = digits
    from layerscape.demo import build_lenet

    model = build_lenet()
    view = ModelView(model)
    conv = ids_of(view, "Conv2D")[0]
    view.show_weights(conv)
    view.predict(x[0])
    kernel, bias = model.get_layer(conv).get_weights()
    model.get_layer(conv).set_weights([kernel * -2, bias + 1])
    view.predict(x[0])
    _, arrays = decode_payload(view._payload)
    np.testing.assert_array_equal(arrays[(conv, "kernel")], kernel * -2)
    np.testing.assert_array_equal(arrays[(conv, "bias")], bias + 1)


def test_show_and_hide_weights_errors_and_all(lenet):
    view = ModelView(lenet)
    weighted = ids_of(view, "Conv2D") + ids_of(view, "Dense")
    with pytest.raises(
        ValueError, match=rf"do not have weights.*\['{weighted[0]}', '{weighted[1]}'"
    ):
        view.show_weights(ids_of(view, "Flatten")[0])
    with pytest.raises(ValueError, match="not layers of"):
        view.show_weights("nope")
    view.show_weights("all")
    assert view.weights_shown == weighted
    view.hide_weights(weighted[2])
    assert weighted[2] not in view.weights_shown
    view.hide_weights()
    assert view.weights_shown == []
    header, _ = decode_payload(view._payload) if view._payload else ({"tensors": []}, {})
    assert not [s for s in header["tensors"] if s["role"] == "kernel"]


def test_the_page_may_set_weights_but_only_of_layers_with_weights(lenet):
    view = ModelView(lenet)
    conv, flat = ids_of(view, "Conv2D")[0], ids_of(view, "Flatten")[0]
    with pytest.warns(UserWarning, match="not layers with weights"):
        view.set_state({"_weights": [conv, flat]})
    assert view.weights_shown == [conv]


def test_save_html_keeps_the_weights_shown(lenet, digits, tmp_path):
    view = ModelView(lenet)
    view.predict(digits[0][0])
    conv = ids_of(view, "Conv2D")[0]
    view.show_weights(conv)
    page = view.save_html(tmp_path / "w.html").read_text(encoding="utf-8")
    assert f'"_weights": ["{conv}"]' in page


def test_a_saved_page_carries_small_layers_weights_for_its_toggle(lenet, digits, tmp_path):
    import base64

    view = ModelView(lenet)
    view.predict(digits[0][0])
    text = view.save_html(tmp_path / "p.html").read_text(encoding="utf-8")
    b64 = re.search(r'id="layerscape-payload"[^>]*>([^<]*)<', text).group(1)
    header, _ = decode_payload(base64.b64decode(b64))
    kernels = {s["node"] for s in header["tensors"] if s["role"] == "kernel"}
    assert kernels == set(ids_of(view, "Conv2D") + ids_of(view, "Dense"))


@pytest.mark.parametrize(
    ("layer", "shape", "kernel", "bias"),
    [
        # Keras keeps a transposed kernel as (kh, kw, filters, input channels): sent so.
        (lambda: keras.layers.Conv2DTranspose(4, 3), (6, 6, 2), [3, 3, 4, 2], [4]),
        (lambda: keras.layers.GRU(3), (5, 2), [2, 9], None),  # its bias is (2, 9): no vector
        # Wrappers hold their weights in a layer of their own.
        (lambda: keras.layers.Bidirectional(keras.layers.LSTM(3)), (5, 2), [2, 12], [12]),
        (lambda: keras.layers.TimeDistributed(keras.layers.Dense(6)), (4, 5), [5, 6], [6]),
    ],
)
def test_weights_spec_of_transposes_grus_and_wrappers(layer, shape, kernel, bias):
    layer = built(layer(), shape)
    assert weights_spec(layer) == {"kernel": kernel, "bias": bias}
    values, biases = layer_weights(layer)
    first = next(v for v in layer.weights if len(v.shape) >= 2)
    np.testing.assert_array_equal(values.reshape(-1), keras.ops.convert_to_numpy(first).reshape(-1))
    assert (biases is None) == (bias is None)


def test_an_untraced_model_s_layers_show_their_weights():
    class Branchy(keras.Model):
        def __init__(self):
            super().__init__(name="branchy")
            self.head = keras.layers.Dense(3, name="head")

        def call(self, x):
            # Python control flow on a tensor's value: call() cannot be traced.
            if float(keras.ops.convert_to_numpy(keras.ops.sum(x))) > 0:
                return self.head(x)
            return self.head(-x)

    model = Branchy()
    model(np.ones((1, 4), "f4"))
    view = ModelView(model)
    assert view.graph["wiring"] == "unknown"
    nodes = {n["id"]: n for n in view.graph["nodes"]}
    assert nodes["head"]["weights"] == {"kernel": [4, 3], "bias": [3]}
    assert nodes["input"]["weights"] is None
    view.show_weights("head")
    _, arrays = decode_payload(view._payload)
    np.testing.assert_array_equal(arrays[("head", "kernel")], model.head.kernel.numpy())
