"""Capture: one forward pass yields the outputs and every node's activation."""

from __future__ import annotations

import keras
import numpy as np

from layerscape.capture import run_with_activations
from layerscape.plan import plan_model


def test_lenet_activations_match_per_layer_probe_models(lenet, digits):
    x = digits[0][:3]
    outputs, activations = run_with_activations(plan_model(lenet), [x])
    np.testing.assert_allclose(outputs[0], keras.ops.convert_to_numpy(lenet(x)), atol=1e-6)
    # Keyed by layer name, in graph order: the input, then each layer. The names are
    # Keras' auto-names, which depend on how many models the process built before.
    names = list(activations)
    assert names[0].startswith("input_layer")
    assert names[1:] == [layer.name for layer in lenet.layers]
    assert [type(layer).__name__ for layer in lenet.layers] == [
        "ZeroPadding2D", "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D",
        "Flatten", "Dense", "Dense", "Dense",
    ]  # fmt: skip
    # An independent oracle: Keras' own sub-model up to each layer, first sample.
    for layer in lenet.layers:
        probe = keras.Model(lenet.inputs, layer.output)
        expected = keras.ops.convert_to_numpy(probe([x]))[0]
        np.testing.assert_allclose(activations[layer.name], expected, rtol=1e-5, atol=1e-6)
        assert activations[layer.name].dtype == np.float32
    np.testing.assert_array_equal(activations[names[0]], x[0])


def test_zoo_captures_each_call_of_shared_and_nested_layers(zoo):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 8)).astype("f4"), rng.normal(size=(2, 8)).astype("f4")
    outputs, act = run_with_activations(plan_model(zoo), [a, b])
    expected = [keras.ops.convert_to_numpy(y) for y in zoo([a, b])]
    for got, want in zip(outputs, expected):
        np.testing.assert_allclose(got, want, atol=1e-6)

    shared = zoo.get_layer("shared")
    np.testing.assert_allclose(act["shared"], keras.ops.convert_to_numpy(shared(a))[0], atol=1e-6)
    np.testing.assert_allclose(act["shared:1"], keras.ops.convert_to_numpy(shared(b))[0], atol=1e-6)
    np.testing.assert_allclose(act["add"], act["shared"] + act["shared:1"], atol=1e-6)
    np.testing.assert_allclose(act["relu"], np.maximum(act["add"], 0), atol=1e-6)
    inner = zoo.get_layer("inner")
    first = keras.ops.convert_to_numpy(inner(act["relu"][None]))[0]
    np.testing.assert_allclose(act["inner/in_out"], first, atol=1e-5)
    np.testing.assert_allclose(act["inner:1/in_out"], expected[0][0], atol=1e-5)


def test_runs_in_inference_mode():
    keras.utils.set_random_seed(3)
    inputs = keras.Input((16,))
    x = keras.layers.Dense(16)(inputs)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Dropout(0.9)(x)
    model = keras.Model(inputs, keras.layers.Dense(3)(x))
    batch = np.random.default_rng(1).normal(size=(4, 16)).astype("f4")
    outputs, act = run_with_activations(plan_model(model), [batch])
    np.testing.assert_allclose(
        outputs[0], keras.ops.convert_to_numpy(model(batch, training=False)), atol=1e-5
    )
    np.testing.assert_allclose(act["dropout"], act["batch_normalization"])


def test_capture_does_not_touch_the_model(zoo):
    before = {layer.name: len(layer._inbound_nodes) for layer in zoo._flatten_layers()}
    run_with_activations(plan_model(zoo), [np.ones((1, 8), "f4"), np.ones((1, 8), "f4")])
    after = {layer.name: len(layer._inbound_nodes) for layer in zoo._flatten_layers()}
    assert before == after


def test_an_application_with_raw_ops_runs_node_by_node():
    # MobileNetV3's hard-swish is raw keras.ops calls: they are graph steps too.
    model = keras.applications.MobileNetV3Small(weights=None, input_shape=(32, 32, 3))
    plan = plan_model(model)
    x = np.random.default_rng(0).random((1, 32, 32, 3), dtype=np.float32) * 255
    outputs, act = run_with_activations(plan, [x])
    np.testing.assert_allclose(outputs[0], keras.ops.convert_to_numpy(model(x)), atol=1e-5)
    assert len(act) == len(model.operations)
    raw_ops = [c.id for c in plan.calls if not isinstance(c.node.operation, keras.layers.Layer)]
    assert raw_ops and all(i in act for i in raw_ops)
