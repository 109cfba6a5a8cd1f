"""Real Keras graphs, end to end through ``ModelView``: every layer and raw op is a
node, the edges connect them, ``predict`` returns what the model returns, and the
model is left exactly as it was.

Each zoo model (``zoo_models.py``) is built, viewed and predicted once per session;
the tests below read that one run.
"""

from __future__ import annotations

import functools
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
import pytest
from keras.src.models.functional import Functional

from layerscape import ModelView
from tests.support import zoo_models

ZOO = list(zoo_models.BUILDERS)


@pytest.fixture(autouse=True)
def _keep_automatic_names():
    # Models made here must not shift the auto names other test files expect.
    with zoo_models.automatic_names_kept():
        yield


def _calls(model: keras.Model) -> dict[int, tuple[int, int]]:
    """Call records of every layer inside ``model``: what a mutation would change."""
    return {
        id(layer): (len(layer._inbound_nodes), len(layer._outbound_nodes))
        for layer in model._flatten_layers(include_self=True, recursive=True)
    }


@dataclass
class Run:
    model: keras.Model
    view: ModelView
    sample: list[np.ndarray]
    predicted: Any
    calls_before: dict[int, tuple[int, int]]
    calls_after: dict[int, tuple[int, int]]
    seconds: float


@functools.cache
def zoo_run(name: str) -> Run:
    model = zoo_models.build(name)
    sample = zoo_models.sample_for(name)
    before = _calls(model)
    start = time.perf_counter()
    view = ModelView(model)
    # Several inputs go in as a list, except the siamese pair, keyed by input name.
    if name == "siamese":
        x: Any = {"left": sample[0], "right": sample[1]}
    else:
        x = sample if len(sample) > 1 else sample[0]
    predicted = view.predict(x)
    seconds = time.perf_counter() - start
    return Run(model, view, sample, predicted, before, _calls(model), seconds)


@pytest.fixture(params=ZOO)
def run(request) -> Run:
    if request.param == "nasnet_mobile" and keras.backend.backend() == "torch":
        pytest.skip("Keras itself refuses NASNetMobile on the torch backend (its own open bug)")
    return zoo_run(request.param)


def _node_key(node: dict) -> tuple[tuple[str, ...], str]:
    """(nested model names, operation name): a node's place, whatever call it is."""
    parent = node["parent"]
    path = tuple(part.split(":")[0] for part in parent.split("/")) if parent else ()
    return path, node["name"]


def _expected_keys(model: keras.Model, path: tuple[str, ...] = ()) -> set:
    """Every layer and raw op of ``model``, nested models opened, read from Keras."""
    if isinstance(model, keras.Sequential):
        steps = list(model.layers)
    elif isinstance(model, Functional):
        steps = list(model.operations)  # layers *and* raw keras.ops calls
    else:  # subclassed: its tracked layers (its raw ops exist only in call())
        steps = list(model.layers)
    keys = set()
    for step in steps:
        if isinstance(step, keras.layers.InputLayer):
            if not path:  # a nested model's input is its caller's tensor, not a node
                keys.add(((), step.name))
        elif isinstance(step, keras.Model):
            keys |= _expected_keys(step, (*path, step.name))
        else:
            keys.add((path, step.name))
    return keys


def test_every_layer_and_raw_op_is_a_node(run: Run):
    graph = run.view.graph
    ids = [n["id"] for n in graph["nodes"]]
    assert len(ids) == len(set(ids)), "node ids must be unique"
    keys = {_node_key(n) for n in graph["nodes"]}
    missing = _expected_keys(run.model) - keys
    assert not missing, f"layers/ops with no node: {sorted(missing)[:10]}"
    if not isinstance(run.model, Functional):
        return
    # Functional: nothing else either (a subclassed model's raw ops are only in call()).
    assert keys == _expected_keys(run.model)
    raw = [op for op in run.model.operations if not isinstance(op, keras.layers.Layer)]
    classes = {n["class_name"] for n in graph["nodes"]}
    assert {type(op).__name__ for op in raw} <= classes


def test_edges_connect_every_node_from_an_input(run: Run):
    graph = run.view.graph
    ids = {n["id"] for n in graph["nodes"]}
    position = {n["id"]: i for i, n in enumerate(graph["nodes"])}
    assert graph["wiring"] == "known" and graph["wiring_reason"] is None
    for edge in graph["edges"]:
        assert edge["source"] in ids and edge["target"] in ids, edge
        assert position[edge["source"]] < position[edge["target"]], f"not topological: {edge}"
    targets = {e["target"] for e in graph["edges"]}
    orphans = [n["id"] for n in graph["nodes"] if not n["is_input"] and n["id"] not in targets]
    assert not orphans, f"non-input nodes with no inbound edge: {orphans}"
    assert graph["inputs"] == [n["id"] for n in graph["nodes"] if n["is_input"]]
    out = {}
    for edge in graph["edges"]:
        out.setdefault(edge["source"], []).append(edge["target"])
    seen, queue = set(graph["inputs"]), deque(graph["inputs"])
    while queue:
        for target in out.get(queue.popleft(), []):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    assert seen == ids, f"not reachable from an input: {sorted(ids - seen)[:10]}"
    assert set(graph["outputs"]) <= ids and len(graph["outputs"]) == len(
        keras.tree.flatten(run.predicted)
    )


def _unbatched(value: Any) -> Any:
    return keras.tree.map_structure(lambda y: keras.ops.convert_to_numpy(y)[0], value)


def test_predict_returns_what_the_model_returns(run: Run):
    batch = [x[np.newaxis] for x in run.sample]
    expected = _unbatched(run.model(batch if len(batch) > 1 else batch[0], training=False))
    keras.tree.assert_same_structure(run.predicted, expected)
    for got, want in zip(keras.tree.flatten(run.predicted), keras.tree.flatten(expected)):
        assert isinstance(got, np.ndarray) and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_every_node_has_its_own_activation(run: Run):
    graph = run.view.graph
    activations = run.view.activations
    assert set(activations) == {n["id"] for n in graph["nodes"]}
    for node in graph["nodes"]:
        shape = list(activations[node["id"]].shape)
        declared = node["output_shape"]
        assert len(shape) == len(declared), node["id"]
        assert all(d is None or d == s for d, s in zip(declared, shape)), (node["id"], shape)
    first_output = keras.tree.flatten(run.predicted)
    graph_first = activations[graph["outputs"][0]]
    assert any(np.array_equal(graph_first, y) for y in first_output)


def test_the_model_is_unchanged(run: Run):
    assert run.calls_after == run.calls_before
    # A guard against a pathological slowdown, not a benchmark. On JAX the first predict
    # compiles the whole model with XLA (DenseNet121: 40 s on a loaded 2-core machine).
    limit = 120 if keras.backend.backend() == "jax" else 30
    assert run.seconds < limit, f"view + predict took {run.seconds:.1f} s"


def _resolve(graph: dict, model: keras.Model, ref: str) -> str:
    """A node id, or ``<ClassName>`` for the one raw-op node of that class (raw ops are
    named by a global counter, so their ids depend on what was built before)."""
    if not ref.startswith("<"):
        return ref
    layers = {layer.name for layer in model._flatten_layers()}
    matches = [
        n["id"] for n in graph["nodes"] if n["class_name"] == ref[1:-1] and n["name"] not in layers
    ]
    assert len(matches) == 1, f"{ref}: {matches}"
    return matches[0]


WIRING = {
    "unet": [
        ("enc1_conv2", "bridge1"),
        ("up1", "bridge1"),
        ("enc2_conv2", "bridge2"),
        ("up2", "bridge2"),
        ("enc1_conv2", "down1"),
    ],
    "siamese": [
        ("left", "tower/conv"),
        ("right", "tower:1/conv"),
        ("tower/embed", "<Subtract>"),
        ("tower:1/embed", "<Subtract>"),
        ("<Subtract>", "<Absolute>"),
        ("<Absolute>", "same"),
    ],
    "seq2seq": [("source", "encoder"), ("target", "decoder"), ("encoder", "decoder")],
    "two_heads": [("photo", "trunk/conv"), ("trunk/dense", "kind"), ("trunk/dense", "box")],
    "transformer_block": [
        ("embed", "attention"),
        ("embed", "<Add>"),
        ("attention", "<Add>"),
        ("<Add>", "norm1"),
        ("norm1", "residual2"),
        ("ff2", "residual2"),
    ],
    "residual_net": [("stem", "<Add>"), ("conv", "<Add>"), ("<Add>", "<Relu>")],
    "resnet50": [
        ("conv2_block1_0_bn", "conv2_block1_add"),  # projection shortcut
        ("conv2_block1_3_bn", "conv2_block1_add"),
        ("conv2_block1_out", "conv2_block2_add"),  # identity shortcut
    ],
}


@pytest.mark.parametrize("name", list(WIRING))
def test_skips_bridges_and_branches_are_wired(name: str):
    run = zoo_run(name)
    graph = run.view.graph
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    for source, target in WIRING[name]:
        pair = (_resolve(graph, run.model, source), _resolve(graph, run.model, target))
        assert pair in edges, f"{name}: no edge {pair}"


def test_inception_modules_concatenate_four_branches():
    graph = zoo_run("inception_v3").view.graph
    inbound = [e for e in graph["edges"] if e["target"] == "mixed0"]
    assert len(inbound) == 4


def test_shared_tower_is_one_node_per_call_each_with_its_own_values():
    run = zoo_run("siamese")
    tower = run.model.get_layer("tower")
    act = run.view.activations
    for call, x in (("tower", run.sample[0]), ("tower:1", run.sample[1])):
        want = keras.ops.convert_to_numpy(tower(x[np.newaxis]))[0]
        np.testing.assert_allclose(act[f"{call}/embed"], want, rtol=1e-6, atol=1e-6)
    assert not np.allclose(act["tower/embed"], act["tower:1/embed"])
    parents = {n["parent"] for n in run.view.graph["nodes"]}
    assert parents == {None, "tower", "tower:1"}


def test_two_heads_return_a_dict_keyed_like_the_model():
    predicted = zoo_run("two_heads").predicted
    assert isinstance(predicted, dict) and sorted(predicted) == ["box", "kind"]
    assert predicted["kind"].shape == (4,) and predicted["box"].shape == (4,)
    np.testing.assert_allclose(predicted["kind"].sum(), 1.0, rtol=1e-5)


def test_seq2seq_decoder_starts_from_the_encoder_states():
    run = zoo_run("seq2seq")
    nodes = {n["id"]: n for n in run.view.graph["nodes"]}
    assert nodes["encoder"]["output_shapes"] == [[12], [12], [12]]
    assert nodes["decoder"]["output_shape"] == [None, 12]
    assert run.view.activations["decoder"].shape == (zoo_models.OPEN_DIM, 12)


def test_sequential_built_by_build_or_by_a_first_call():
    def layers():
        return [
            keras.layers.Dense(5, activation="relu", name="d5"),
            keras.layers.Dense(2, name="d2"),
        ]

    by_build = keras.Sequential(layers(), name="by_build")
    by_build.build((None, 3))
    by_call = keras.Sequential(layers(), name="by_call")
    x = np.arange(6, dtype="float32").reshape(2, 3)
    by_call(x)
    for model in (by_build, by_call):
        before = _calls(model)
        view = ModelView(model)
        got = view.predict(x)
        assert _calls(model) == before
        assert [n["class_name"] for n in view.graph["nodes"]] == ["InputLayer", "Dense", "Dense"]
        np.testing.assert_allclose(got, keras.ops.convert_to_numpy(model(x)), rtol=1e-6)


# -------------------------------------------------------------- wiring unknown


@pytest.fixture(scope="module")
def gated():
    model = zoo_models.build("gated_net")
    before = _calls(model)
    view = ModelView(model, labels=["a", "b", "c", "d"])
    return model, view, before


def test_untraceable_model_shows_its_layers_in_order_without_edges(gated):
    _, view, _ = gated
    graph = view.graph
    assert graph["wiring"] == "unknown"
    assert "GatedNet.call() could not be traced" in graph["wiring_reason"]
    assert graph["edges"] == []
    ids = [n["id"] for n in graph["nodes"]]
    assert ids == ["input", "encode", "wide", "narrow", "gated_net_output"]
    assert [n["class_name"] for n in graph["nodes"]][1:] == ["Dense", "Dense", "Dense", "GatedNet"]
    assert graph["inputs"] == ["input"] and graph["outputs"] == ["gated_net_output"]
    nodes = {n["id"]: n for n in graph["nodes"]}
    # Layers the model has run say their shape and weights; one it never ran does not.
    assert nodes["encode"]["output_shape"] == [8] and nodes["encode"]["params"] == 6 * 8 + 8
    assert nodes["wide"]["output_shapes"] == [] and nodes["wide"]["family"] == "generic"


def test_untraceable_model_predicts_its_own_output_and_fakes_nothing(gated):
    model, view, before = gated
    rng = np.random.default_rng(5)
    for scale in (0.1, 8.0):  # small inputs take one branch, large ones the other
        x = (rng.random((3, 6)) * scale).astype("float32")
        got = view.predict(x)
        want = keras.ops.convert_to_numpy(model(x, training=False))
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
        act = view.activations
        assert set(act) == {"input", "gated_net_output"}  # nothing invented in between
        np.testing.assert_array_equal(act["input"], x[0])
        np.testing.assert_array_equal(act["gated_net_output"], want[0])
    assert view.prediction_count == 2
    nodes = {n["id"]: n for n in view.graph["nodes"]}
    assert nodes["input"]["output_shape"] == [6] and nodes["input"]["family"] == "vector"
    assert nodes["gated_net_output"]["output_shape"] == [4]
    assert _calls(model) == before


def test_untraceable_model_of_unknown_input_shape_asks_for_a_batch_then_learns_it():
    model = zoo_models.UNTRACEABLE["gated_net"]()  # its own: the shared one stays unrun
    view = ModelView(model)
    if view.graph["nodes"][0]["output_shape"]:  # torch's Keras records the built shape
        pytest.skip(f"Keras recorded the input shape on {keras.backend.backend()}")
    with pytest.raises(
        ValueError,
        match=r"gated_net's input shape is unknown .* an array of one dimension is no batch\. "
        r"Pass a batch, as model\(x\) takes it \(for one sample of shape \(6,\), x\[None\]\)",
    ):
        view.predict(np.ones(6, "float32"))
    with pytest.raises(ValueError, match=r"unknown .* the call failed: .*\. Pass a batch"):
        view.predict(np.ones((2, 5), "float32"))  # Keras' own error, in brief
    assert view.prediction_count == 0
    x = np.linspace(0, 1, 12, dtype="float32").reshape(2, 6)
    assert view.predict(x).shape == (2, 4)
    one = view.predict(x[1])  # the batch told the view what one sample is
    np.testing.assert_allclose(one, keras.ops.convert_to_numpy(model(x[1:]))[0], rtol=1e-6)
    with pytest.raises(ValueError, match=r"expected samples of shape \(6,\); got \(5,\)"):
        view.predict(np.ones(5, "float32"))


def test_untraceable_model_checks_labels_once_its_output_is_known():
    model = zoo_models.build("gated_net")
    view = ModelView(model, labels=["a", "b", "c"])  # the output has 4 units
    with pytest.raises(ValueError, match=r"got 3 labels, but the model's output has shape \(4,\)"):
        view.predict(np.ones((1, 6), "float32"))
    assert view.prediction_count == 0 and view.activations == {}


def test_untraceable_model_with_a_known_input_shape_takes_one_sample():
    class Halver(keras.Model):
        def __init__(self):
            super().__init__(name="halver")
            self.dense = keras.layers.Dense(3, name="dense")

        def build(self, input_shape):
            self.dense.build(input_shape)

        def call(self, x):
            y = self.dense(x)
            return y / 2 if float(keras.ops.max(y)) > 0 else y

    model = Halver()
    model.build((None, 4))
    view = ModelView(model)
    assert view.graph["wiring"] == "unknown"
    assert view.graph["nodes"][0]["output_shape"] == [4]
    x = np.linspace(-1, 1, 4, dtype="float32")
    got = view.predict(x)
    want = keras.ops.convert_to_numpy(model(x[np.newaxis]))[0]
    assert got.shape == (3,)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match=r"expected one sample of shape \(4,\)"):
        view.predict(np.ones((2, 2, 4), "float32"))


class Pair(keras.Model):
    """Subclassed, two inputs in one list argument: traceable."""

    def __init__(self):
        super().__init__(name="pair")
        self.left = keras.layers.Dense(3, name="left")
        self.right = keras.layers.Dense(3, name="right")

    def call(self, inputs):
        a, b = inputs
        return self.left(a) * self.right(b)


class TwoArguments(Pair):
    """The same layers, but the inputs are two arguments of call()."""

    def call(self, a, b):
        return self.left(a) * self.right(b)


PAIR_INPUTS = (
    np.linspace(0, 1, 8, dtype="float32").reshape(2, 4),
    np.linspace(1, 2, 10, dtype="float32").reshape(2, 5),
)


def test_subclassed_model_with_a_list_of_inputs_is_traced():
    model = Pair()
    a, b = PAIR_INPUTS
    model([a, b])
    before = _calls(model)
    view = ModelView(model)
    graph = view.graph
    assert graph["wiring"] == "known" and graph["inputs"] == ["input_0", "input_1"]
    assert [n["class_name"] for n in graph["nodes"]] == [
        "InputLayer", "InputLayer", "Dense", "Dense", "Multiply"
    ]  # fmt: skip
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert {("input_0", "left"), ("input_1", "right")} <= edges
    got = view.predict([a, b])
    np.testing.assert_allclose(got, keras.ops.convert_to_numpy(model([a, b])), rtol=1e-6)
    np.testing.assert_array_equal(view.activations["input_1"], b[0])
    assert _calls(model) == before


def test_subclassed_model_with_two_input_arguments_falls_back_and_predicts():
    model = TwoArguments()
    a, b = PAIR_INPUTS
    model(a, b)
    before = _calls(model)
    view = ModelView(model)
    graph = view.graph
    assert graph["wiring"] == "unknown"
    assert "call() takes 2 input arguments (a, b)" in graph["wiring_reason"]
    assert [n["id"] for n in graph["nodes"]] == ["input", "left", "right", "pair_output"]
    assert graph["edges"] == []
    got = view.predict([a, b])
    np.testing.assert_allclose(got, keras.ops.convert_to_numpy(model(a, b)), rtol=1e-6)
    # Two arrays are not one input node's value: only the output is known.
    assert set(view.activations) == {"pair_output"}
    assert _calls(model) == before
    with pytest.raises(TypeError, match=r"takes 2 input arguments: pass a list of 2 batches"):
        view.predict(a)
