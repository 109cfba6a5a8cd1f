"""Graph extraction: what the front end is told about a model."""

from __future__ import annotations

import itertools
import json

import keras
import numpy as np
import pytest

from layerscape.capture import run_with_activations
from layerscape.families import can_open, family_of
from layerscape.graph import extract_graph
from layerscape.plan import functional_of, plan_model
from layerscape.trace import UntraceableError


def _by_id(graph):
    return {n["id"]: n for n in graph["nodes"]}


def test_lenet_nodes_are_the_layers_in_order(lenet):
    graph = extract_graph(lenet, labels=[str(d) for d in range(10)])
    classes = [n["class_name"] for n in graph["nodes"]]
    assert classes == [
        "InputLayer",
        "ZeroPadding2D",
        "Conv2D",
        "MaxPooling2D",
        "Conv2D",
        "MaxPooling2D",
        "Flatten",
        "Dense",
        "Dense",
        "Dense",
    ]
    ids = [n["id"] for n in graph["nodes"]]
    assert len(set(ids)) == len(ids)
    assert graph["edges"] == [{"source": s, "target": t} for s, t in itertools.pairwise(ids)]
    assert graph["inputs"] == [ids[0]] and graph["outputs"] == [ids[-1]]
    assert graph["labels"] == [str(d) for d in range(10)]
    assert graph["name"] == "lenet"


def test_lenet_shapes_families_and_params(lenet):
    nodes = extract_graph(lenet)["nodes"]
    assert [n["output_shape"] for n in nodes] == [
        [28, 28, 1],
        [32, 32, 1],
        [28, 28, 6],
        [14, 14, 6],
        [10, 10, 16],
        [5, 5, 16],
        [400],
        [120],
        [84],
        [10],
    ]
    assert [n["family"] for n in nodes] == ["image"] + ["feature_map"] * 5 + ["vector"] * 4
    assert sum(n["params"] for n in nodes) == lenet.count_params()
    assert nodes[2]["params"] == 6 * (5 * 5 * 1) + 6
    assert nodes[-1]["is_output"] and not any(n["is_output"] for n in nodes[:-1])
    assert nodes[0]["is_input"] and not any(n["is_input"] for n in nodes[1:])


def test_key_config_is_what_the_tooltip_needs(lenet):
    nodes = extract_graph(lenet)["nodes"]
    conv, pool, dense = nodes[2], nodes[3], nodes[-1]
    assert conv["config"]["filters"] == 6
    assert conv["config"]["kernel_size"] == [5, 5]
    assert conv["config"]["strides"] == [1, 1]
    assert conv["config"]["padding"] == "valid"
    assert conv["config"]["activation"] == "relu"
    assert pool["config"]["pool_size"] == [2, 2]
    assert dense["config"]["units"] == 10 and dense["config"]["activation"] == "softmax"


def test_graph_is_json(lenet, zoo):
    for model in (lenet, zoo):
        graph = extract_graph(model)
        assert json.loads(json.dumps(graph)) == graph
        assert graph["wiring"] == "known" and graph["wiring_reason"] is None


def _assert_contract_nodes(graph):
    """Every node has exactly NodeSpec's keys, and ``opens`` is the contract's rule.

    ``image_range`` is only on layers' outputs drawn as pictures, which ``ModelView``
    adds (``images.py``), never in the graph ``extract_graph`` gives; ``channels_first``
    and ``reads_channels_first`` only on channels-first nodes and their readers
    (``test_channels_first.py``), which these models lack."""
    from layerscape.spec import NodeSpec

    sometimes = {"image_range", "channels_first", "reads_channels_first"}
    always = set(NodeSpec.__annotations__) - sometimes
    for node in graph["nodes"]:
        assert set(node) == always, node["id"]
        assert node["opens"] is can_open(node), node["id"]
        assert isinstance(node["passthrough"], bool) and isinstance(node["reshape"], bool)


def test_every_node_carries_the_contract_fields(lenet, zoo, subclassed):
    for model in (lenet, zoo, subclassed):
        _assert_contract_nodes(extract_graph(model))
    nodes = _by_id(extract_graph(lenet))
    assert [i for i, n in nodes.items() if n["opens"]] == [
        "zero_padding2d", "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1"
    ]  # fmt: skip
    assert nodes["flatten"]["reshape"] and not nodes["flatten"]["opens"]


def test_zoo_shared_layers_raw_ops_and_nested_models(zoo):
    graph = extract_graph(zoo)
    nodes = _by_id(graph)
    assert list(nodes) == [
        "a",
        "b",
        "shared",
        "shared:1",
        "add",
        "relu",
        "inner/in_dense",
        "inner/in_out",
        "inner:1/in_dense",
        "inner:1/in_out",
    ]
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert edges == {
        ("a", "shared"),
        ("b", "shared:1"),
        ("shared", "add"),
        ("shared:1", "add"),
        ("add", "relu"),
        ("relu", "inner/in_dense"),
        ("inner/in_dense", "inner/in_out"),
        ("inner/in_out", "inner:1/in_dense"),
        ("inner:1/in_dense", "inner:1/in_out"),
    }
    assert graph["inputs"] == ["a", "b"]
    assert graph["outputs"] == ["inner:1/in_out", "shared"]
    assert nodes["inner:1/in_dense"]["parent"] == "inner:1"
    assert nodes["add"]["class_name"] == "Add" and nodes["add"]["params"] == 0
    # The shared layer's weights are listed on each call: each call uses all of them.
    assert nodes["shared"]["params"] == nodes["shared:1"]["params"] == 8 * 4 + 4


def test_nodes_are_topologically_ordered(zoo):
    graph = extract_graph(zoo)
    position = {n["id"]: i for i, n in enumerate(graph["nodes"])}
    assert all(position[e["source"]] < position[e["target"]] for e in graph["edges"])


def test_extraction_does_not_touch_the_model(zoo):
    before = {layer.name: len(layer._inbound_nodes) for layer in zoo._flatten_layers()}
    extract_graph(zoo)
    after = {layer.name: len(layer._inbound_nodes) for layer in zoo._flatten_layers()}
    assert before == after


def test_sequential_built_without_input():
    model = keras.Sequential([keras.layers.Dense(5), keras.layers.Dense(2)])
    model.build((None, 3))
    nodes = extract_graph(model)["nodes"]
    assert [n["output_shape"] for n in nodes] == [[3], [5], [2]]


def test_unbuilt_sequential_says_how_to_build_it():
    model = keras.Sequential([keras.layers.Dense(5)])
    with pytest.raises(ValueError, match=r"not built.*keras\.Input.*model\.build"):
        extract_graph(model)


def test_subclassed_model_is_traced_without_a_trace_left_behind(subclassed):
    model = subclassed
    x = np.random.default_rng(0).random((2, 8, 8, 1), dtype=np.float32)
    expected = keras.ops.convert_to_numpy(model(x))
    before = {layer.name: (len(layer._inbound_nodes), len(layer._outbound_nodes))
              for layer in model._flatten_layers()}  # fmt: skip
    graph = extract_graph(model)
    assert [n["class_name"] for n in graph["nodes"]] == [
        "InputLayer",
        "Conv2D",
        "MaxPooling2D",
        "Flatten",
        "Dense",
        "Multiply",
    ]
    assert graph["name"] == "sub"
    assert graph["nodes"][1]["output_shape"] == [6, 6, 4]
    after = {layer.name: (len(layer._inbound_nodes), len(layer._outbound_nodes))
             for layer in model._flatten_layers()}  # fmt: skip
    assert before == after
    outputs, _ = run_with_activations(plan_model(model), [x])
    np.testing.assert_allclose(outputs[0], expected, atol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(x)), expected, atol=1e-6)


def test_unbuilt_subclassed_model_says_how_to_build_it(subclassed):
    with pytest.raises(ValueError, match=r"not built.*call it once"):
        extract_graph(type(subclassed)())


def test_untraceable_call_is_explained():
    class Branchy(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            if float(keras.ops.sum(x)) > 0:  # Python control flow on a tensor value
                return self.dense(x)
            return -self.dense(x)

    model = Branchy()
    model(np.ones((1, 3), "f4"))
    with pytest.raises(UntraceableError, match=r"could not trace Branchy\.call\(\).*keras\.Input"):
        functional_of(model)
    assert issubclass(UntraceableError, TypeError)
    # The graph falls back to the layers without wiring, and says so.
    graph = extract_graph(model)
    assert graph["wiring"] == "unknown" and graph["edges"] == []
    assert "Branchy.call() could not be traced" in graph["wiring_reason"]
    assert [n["class_name"] for n in graph["nodes"]] == ["InputLayer", "Dense", "Branchy"]
    assert len(model.dense._inbound_nodes) == 0
    _assert_contract_nodes(graph)


def test_not_a_model():
    with pytest.raises(TypeError, match=r"expected a keras\.Model.*got Dense"):
        extract_graph(keras.layers.Dense(3))


def test_multi_output_layer_lists_every_output_shape():
    inputs = keras.Input((7, 5))
    seq, h, c = keras.layers.LSTM(6, return_sequences=True, return_state=True)(inputs)
    model = keras.Model(inputs, [seq, h, c])
    lstm = _by_id(extract_graph(model))["lstm"]
    assert lstm["output_shape"] == [7, 6]
    assert lstm["output_shapes"] == [[7, 6], [6], [6]]
    assert lstm["family"] == "sequence"
    assert lstm["config"]["units"] == 6


def test_wrappers_name_what_they_wrap():
    inputs = keras.Input((4, 3))
    x = keras.layers.Bidirectional(keras.layers.GRU(2), name="bi")(inputs)
    nodes = _by_id(extract_graph(keras.Model(inputs, x)))
    assert nodes["bi"]["config"]["wraps"] == "GRU"
    assert nodes["bi"]["output_shape"] == [4]


@pytest.mark.parametrize(
    ("shape", "is_input", "family"),
    [
        ([28, 28, 1], True, "image"),
        ([32, 32, 3], True, "image"),
        ([32, 32, 3], False, "feature_map"),
        ([8, 8, 5], True, "feature_map"),
        ([10], False, "vector"),
        ([None, 12], True, "sequence"),
        ([2, 3, 4, 5], False, "volume"),
        ([2, 3, 4, 5, 6], False, "generic"),
        ([], False, "generic"),
    ],
)
def test_family_of(shape, is_input, family):
    assert family_of(shape, is_input) == family
