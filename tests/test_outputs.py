"""Outputs drawn as what they are: ``images=`` (pictures) and ``boxes=`` (detections)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from layerscape import ModelView
from layerscape.boxes import check_boxes, sample_outputs
from layerscape.encode import decode_payload
from tests.support.wire import metered

BOX = {"x0": 1, "y0": 2.5, "x1": 10, "y1": 12, "label": "square", "score": 0.93}


def _generator(activation: str | None = "sigmoid", channels: int = 1) -> keras.Model:
    return keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(6 * 6 * channels, activation=activation, name="dense"),
            keras.layers.Reshape((6, 6, channels), name="picture"),
        ]
    )


def _conv_output(activation: str | None, channels: int = 3) -> keras.Model:
    inp = keras.Input((8, 8, 2))
    out = keras.layers.Conv2D(channels, 3, padding="same", activation=activation, name="out")(inp)
    return keras.Model(inp, out)


def _detector() -> keras.Model:
    inp = keras.Input((16, 16, 1), name="image")
    grid = keras.layers.Conv2D(5, 3, strides=4, padding="same", name="grid")(inp)
    return keras.Model(inp, grid)


def _node(view: ModelView, node_id: str) -> dict:
    return next(n for n in view.graph["nodes"] if n["id"] == node_id)


# ---------------------------------------------------------------- images


@pytest.mark.parametrize(
    ("activation", "expected"),
    [
        ("sigmoid", {"lo": 0.0, "hi": 1.0, "source": "sigmoid"}),
        ("tanh", {"lo": -1.0, "hi": 1.0, "source": "tanh"}),
        ("relu", None),
        (None, None),
    ],
)
def test_a_model_output_image_is_a_picture_on_its_activation_range(activation, expected):
    view = ModelView(_conv_output(activation))
    node = _node(view, "out")
    assert node["family"] == "image"
    assert node["image_range"] == expected
    assert node["opens"]  # RGB: its three colour planes


def test_a_reshape_takes_the_range_of_the_layer_before_it():
    node = _node(ModelView(_generator("tanh")), "picture")
    assert node["family"] == "image"
    assert node["image_range"] == {"lo": -1.0, "hi": 1.0, "source": "tanh"}
    assert not node["opens"]  # one channel: nothing to open into


def test_images_none_keeps_the_heat_map():
    view = ModelView(_generator(), images=None)
    node = _node(view, "picture")
    assert node["family"] == "feature_map"
    assert "image_range" not in node


def test_inputs_and_other_layers_keep_their_families():
    view = ModelView(_conv_output("sigmoid", channels=4))
    assert _node(view, "out")["family"] == "feature_map"  # 4 channels: not a picture
    inp = view.graph["inputs"][0]
    assert "image_range" not in _node(view, inp)  # inputs: their natural range


def test_a_list_names_any_layers_of_picture_shape():
    inp = keras.Input((8, 8, 2))
    mid = keras.layers.Conv2D(3, 3, padding="same", activation="sigmoid", name="mid")(inp)
    out = keras.layers.Conv2D(3, 3, padding="same", name="out")(mid)
    model = keras.Model(inp, out)
    view = ModelView(model, images=["mid"])
    assert _node(view, "mid")["family"] == "image"
    assert _node(view, "out")["family"] == "feature_map"  # not named: the list is all
    assert ModelView(model)._graph["nodes"][1]["family"] == "feature_map"  # auto: outputs only


def test_picture_payloads_send_the_full_picture():
    view = ModelView(_generator())
    view.predict(np.ones(4, "float32"))
    header, arrays = decode_payload(view._payload)
    roles = {s["role"] for s in header["tensors"] if s["node"] == "picture"}
    assert roles == {"full"}
    assert arrays[("picture", "full")].shape == (6, 6, 1)


@pytest.mark.parametrize("bad", ["all", 3, ["picture", 4], {"picture": 1}])
def test_bad_images_values_are_type_errors(bad):
    with pytest.raises(TypeError, match='images must be "auto", None or a list'):
        ModelView(_generator(), images=bad)


def test_unknown_or_unpicturable_ids_are_value_errors():
    with pytest.raises(ValueError, match=r"\['nope'\] are not layers of this model"):
        ModelView(_generator(), images=["picture", "nope"])
    with pytest.raises(ValueError, match=r"'dense' \(36,\)"):
        ModelView(_generator(), images=["dense"])


def test_images_work_with_save_html(tmp_path):
    view = ModelView(_generator("tanh"))
    view.predict(np.ones(4, "float32"))
    page = view.save_html(tmp_path / "g.html").read_text(encoding="utf-8")
    assert '"image_range": {"lo": -1.0, "hi": 1.0, "source": "tanh"}' in page


# ---------------------------------------------------------------- boxes


def test_boxes_get_one_sample_and_travel_in_the_predict_message():
    seen = []

    def fn(outputs):
        seen.append(outputs.shape)
        return [{**BOX, "cell": (1, 2)}, {**BOX, "label": "disc", "cell": 5}]

    view = ModelView(_detector(), boxes=fn)
    with metered(view) as wire:
        view.predict(np.zeros((16, 16, 1), "float32"))
    assert wire.count == 1
    view.predict(np.zeros((3, 16, 16, 1), "float32"))  # a batch: the shown sample
    assert seen == [(4, 4, 5), (4, 4, 5)]
    state = view._boxes
    assert state["error"] is None and state["seq"] == 2
    assert state["image"] == "image" and state["grid"] == "grid"
    assert [b["cell"] for b in state["boxes"]] == [[1, 2], [1, 1]]
    assert state["boxes"][0] == {
        **BOX,
        "x0": 1.0,
        "y0": 2.5,
        "x1": 10.0,
        "y1": 12.0,
        "cell": [1, 2],
    }


def test_boxes_follow_the_sample_shown():
    def fn(outputs):  # a box as wide as the grid's first value, to tell samples apart
        return [{**BOX, "x1": 20.0 + float(outputs[0, 0, 0])}]

    view = ModelView(_detector(), boxes=fn)
    x = np.random.default_rng(1).random((3, 16, 16, 1)).astype("float32")
    out = view.predict(x)
    assert view._boxes["boxes"][0]["x1"] == pytest.approx(20.0 + out[0, 0, 0, 0])
    view.sample = 2  # no new run: the kept batch's sample 2, and its boxes
    assert view._boxes["boxes"][0]["x1"] == pytest.approx(20.0 + out[2, 0, 0, 0])


def test_boxes_accept_numpy_numbers_and_no_cell():
    box = {k: np.float32(v) for k, v in BOX.items() if k != "label"}
    (out,) = check_boxes([{**box, "label": "x", "cell": None}], (4, 4, 5))
    assert out["cell"] is None and isinstance(out["score"], float)
    (out,) = check_boxes([{**box, "label": "x", "cell": (np.int64(3), np.int32(0))}], (4, 4, 5))
    assert out["cell"] == [3, 0]


@pytest.mark.parametrize(
    ("result", "error", "match"),
    [
        ({"x0": 1}, TypeError, "must return a list of dicts, got dict"),
        ([BOX, "box"], TypeError, "box 1 must be a dict, got str"),
        ([{**BOX, "x0": "1"}], TypeError, "box 0: 'x0' must be a number"),
        ([{**BOX, "score": True}], TypeError, "box 0: 'score' must be a number"),
        ([{**BOX, "label": 3}], TypeError, "box 0: 'label' must be a str"),
        ([{k: v for k, v in BOX.items() if k != "score"}], ValueError, r"box 0 lacks \['score'\]"),
        ([{**BOX, "y1": float("nan")}], ValueError, "box 0: 'y1' must be finite"),
        ([BOX, {**BOX, "x1": 0}], ValueError, "box 1 needs x0 < x1"),
        ([{**BOX, "y0": 12}], ValueError, "box 0 needs y0 < y1"),
        ([{**BOX, "cell": (4, 0)}], ValueError, r"'cell' \(4, 0\) is outside the 4 x 4 grid"),
        ([{**BOX, "cell": 16}], ValueError, "'cell' 16 is outside the 4 x 4 grid"),
        ([{**BOX, "cell": "a1"}], TypeError, "'cell' must be \\(row, col\\) ints"),
    ],
)
def test_bad_returns_raise_and_are_shown(result, error, match):
    view = ModelView(_detector(), boxes=lambda outputs: result)
    with pytest.raises(error, match=match):
        view.predict(np.zeros((16, 16, 1), "float32"))
    assert view.prediction_count == 1  # the activations were drawn
    assert view._payload
    assert view._boxes["boxes"] == []
    assert view._boxes["error"] and "box" in view._boxes["error"]


def test_a_failing_function_is_raised_and_sent_as_a_notice():
    def fn(outputs):
        raise KeyError("no anchors")

    view = ModelView(_detector(), boxes=fn)
    with metered(view) as wire, pytest.raises(KeyError, match="no anchors"):
        view.predict(np.zeros((16, 16, 1), "float32"))
    assert wire.count == 1
    assert view._boxes["error"] == "the boxes function failed: KeyError: 'no anchors'"
    # The next good predict clears it.
    view._boxes_fn = lambda outputs: [BOX]
    view.predict(np.zeros((16, 16, 1), "float32"))
    assert view._boxes["error"] is None and len(view._boxes["boxes"]) == 1


def test_a_cell_without_a_grid_output_is_refused():
    model = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(3)]
    )
    view = ModelView(model, boxes=lambda outputs: [{**BOX, "cell": 0}])
    with pytest.raises(ValueError, match="no grid output"):
        view.predict(np.zeros((8, 8, 1), "float32"))


def test_boxes_must_be_callable():
    with pytest.raises(TypeError, match="boxes must be a function"):
        ModelView(_detector(), boxes=[BOX])


def test_boxes_are_part_of_the_saved_page(tmp_path):
    view = ModelView(_detector(), boxes=lambda outputs: [{**BOX, "cell": (0, 0)}])
    view.predict(np.zeros((16, 16, 1), "float32"))
    page = view.save_html(tmp_path / "d.html").read_text(encoding="utf-8")
    assert '"_boxes": {"boxes": [{"x0": 1.0' in page


def test_the_page_cannot_write_boxes():
    view = ModelView(_detector(), boxes=lambda outputs: [BOX])
    view.predict(np.zeros((16, 16, 1), "float32"))
    with pytest.warns(Warning, match="_boxes"):
        view.set_state({"_boxes": {"boxes": []}})
    assert len(view._boxes["boxes"]) == 1


def test_sample_outputs_keeps_the_structure():
    graph = {"outputs": ["a"]}
    activations = {"a": np.zeros((4, 5))}
    batch = [np.zeros((2, 4, 5)), np.ones((2, 3))]
    out = sample_outputs(batch, activations, graph)  # type: ignore[arg-type]
    assert [o.shape for o in out] == [(4, 5), (3,)]
    one = {"x": np.zeros((4, 5))}
    assert sample_outputs(one, activations, graph) is one  # type: ignore[arg-type]
