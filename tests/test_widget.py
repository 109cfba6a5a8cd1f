"""ModelView: the public contract a notebook user relies on."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import keras
import numpy as np
import pytest
import traitlets

from layerscape import ModelView
from layerscape.encode import decode_payload

LABELS = [str(d) for d in range(10)]


@pytest.fixture
def view(lenet):
    return ModelView(lenet, labels=LABELS)


def test_is_an_anywidget_with_graph_and_no_prediction_yet(view, lenet):
    import anywidget

    assert isinstance(view, anywidget.AnyWidget)
    assert view.graph["nodes"][2]["class_name"] == "Conv2D"
    assert view.graph["labels"] == LABELS
    assert view.activations == {} and view.prediction_count == 0
    assert view._payload == b""
    json.dumps(view.graph)
    # The view's own module is sent, not the path to it: the loader that finds the
    # page's one front end (tests/test_runtime.py).
    from layerscape.widget import VIEW_MODULE

    assert view.get_state()["_esm"] == VIEW_MODULE.read_text()


def test_graph_is_a_copy(view):
    view.graph["nodes"].clear()
    assert len(view.graph["nodes"]) == 10


def test_predict_one_sample_equals_calling_the_model(view, lenet, digits):
    x = digits[0][5]
    probs = view.predict(x)
    expected = keras.ops.convert_to_numpy(lenet(x[None]))[0]
    assert isinstance(probs, np.ndarray) and probs.shape == (10,)
    np.testing.assert_allclose(probs, expected, atol=1e-6)
    assert set(view.activations) == {n["id"] for n in view.graph["nodes"]}
    np.testing.assert_allclose(view.activations["dense_2"], expected, atol=1e-6)
    np.testing.assert_array_equal(view.activations["input_layer"], x)


def test_predict_batch_returns_the_batch_and_shows_the_first(view, lenet, digits):
    batch = digits[0][:4]
    out = view.predict(batch)
    assert out.shape == (4, 10)
    np.testing.assert_allclose(out, keras.ops.convert_to_numpy(lenet(batch)), atol=1e-6)
    np.testing.assert_array_equal(view.activations["input_layer"], batch[0])


def test_each_predict_sends_one_numbered_payload(view, digits):
    messages = []
    view.observe(lambda change: messages.append(change["new"]), names="_payload")
    view.predict(digits[0][0])
    view.predict(digits[0][1])
    assert len(messages) == 2 and view.prediction_count == 2
    header, arrays = decode_payload(messages[-1])
    assert header["seq"] == 2
    np.testing.assert_allclose(arrays[("dense_2", "full")], view.activations["dense_2"], atol=1e-7)


def test_integers_are_accepted_for_float_inputs(view, digits):
    x = (digits[0][0] * 255).astype(np.uint8)
    assert view.predict(x).shape == (10,)


@pytest.mark.parametrize(
    ("bad", "error", "pattern"),
    [
        (np.zeros((28, 28)), ValueError, r"\(28, 28, 1\).*got an array of shape \(28, 28\)"),
        (np.zeros((1, 1, 28, 28, 1)), ValueError, r"\(28, 28, 1\)"),
        (
            np.zeros((32, 32, 1)),
            ValueError,
            r"expected samples of shape \(28, 28, 1\); got \(32, 32, 1\)",
        ),
        (np.zeros((0, 28, 28, 1)), ValueError, r"empty.*\(28, 28, 1\)"),
        (np.full((28, 28, 1), np.nan), ValueError, r"NaN.*\(28, 28, 1\)"),
        (np.full((28, 28, 1), "a"), TypeError, r"numbers \(float32\) shaped \(28, 28, 1\)"),
        (np.zeros((28, 28, 1), dtype=complex), TypeError, r"complex"),
        ("an image", TypeError, r"\(28, 28, 1\)"),
        ([0, 1, 2], ValueError, r"\(28, 28, 1\)"),
    ],
)
def test_bad_input_names_the_expected_shape_and_changes_nothing(view, digits, bad, error, pattern):
    view.predict(digits[0][0])
    payload, activations = view._payload, view.activations
    with pytest.raises(error, match=pattern) as caught:
        view.predict(bad)
    # One input: no Keras-internal tensor name in the message.
    assert "keras_tensor" not in str(caught.value) and "input_layer" not in str(caught.value)
    assert view._payload is payload and view.prediction_count == 1
    assert view.activations.keys() == activations.keys()
    assert view.predict(digits[0][1]).shape == (10,)  # still works
    assert view.prediction_count == 2


def test_multi_input_models_take_lists_or_dicts(zoo):
    view = ModelView(zoo)
    a, b = np.ones(8, "f4"), np.full(8, 2.0, "f4")
    by_list = view.predict([a, b])
    by_dict = view.predict({"b": b, "a": a})
    expected = [keras.ops.convert_to_numpy(y)[0] for y in zoo([a[None], b[None]])]
    for got in (by_list, by_dict):
        assert isinstance(got, list) and len(got) == 2
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, atol=1e-6)
    with pytest.raises(TypeError, match=r"2 inputs \['a', 'b'\].*\[\(8,\), \(8,\)\]"):
        view.predict(a)
    with pytest.raises(ValueError, match=r"input 'b': expected samples of shape"):
        view.predict([a, np.ones(9, "f4")])
    with pytest.raises(ValueError, match="disagree on the batch"):
        view.predict([a, np.stack([b, b])])


def test_integer_inputs_refuse_fractions():
    inputs = keras.Input((5,), dtype="int32")
    model = keras.Model(inputs, keras.layers.Embedding(10, 3)(inputs))
    view = ModelView(model)
    assert view.predict(np.array([1, 2, 3, 4, 5])).shape == (5, 3)
    assert view.predict(np.array([1.0, 2, 3, 4, 5])).shape == (5, 3)
    with pytest.raises(TypeError, match=r"takes integers \(int32.*shaped \(5,\); .*float64"):
        view.predict(np.array([1.5, 2, 3, 4, 5]))


def test_a_dict_of_inputs_must_name_each_input_and_nothing_else():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    view = ModelView(keras.Model([a, b], keras.layers.Concatenate()([a, b])))
    assert view.predict({"a": np.ones(3), "b": np.ones(2)}).shape == (5,)
    shapes = r"\['a', 'b'\], shaped \[\(3,\), \(2,\)\]"
    with pytest.raises(TypeError, match=shapes + r"; it lacks \['b'\]$"):
        view.predict({"a": np.ones(3)})
    with pytest.raises(TypeError, match=shapes + r"; it has keys the model does not take: \['c'\]"):
        view.predict({"a": np.ones(3), "b": np.ones(2), "c": np.ones(1)})
    single = ModelView(keras.Model(a, keras.layers.Dense(1)(a)))
    with pytest.raises(TypeError, match=r"\['a'\], shaped \(3,\); .*does not take: \['extra'\]"):
        single.predict({"a": np.ones(3), "extra": np.ones(3)})


def test_unknown_options_are_rejected(lenet):
    with pytest.raises(
        TypeError, match=r"unknown option\(s\) \['colour'\].*theme, height, summary, color_scope"
    ):
        ModelView(lenet, colour="red")


def test_options_are_validated(lenet):
    view = ModelView(lenet, theme="dark", height=400, summary="max")
    assert (view.theme, view.height, view.summary) == ("dark", 400, "max")
    with pytest.raises(traitlets.TraitError, match=r"'theme'.*any of \['auto', 'light', 'dark'\]"):
        ModelView(lenet, theme="blue")
    with pytest.raises(traitlets.TraitError, match=r"'height'.*not be less than 120"):
        view.height = 10
    assert ModelView(lenet).color_scope == "layer"
    view.color_scope = "channel"  # synced: the view redraws with per-channel scales
    with pytest.raises(traitlets.TraitError, match=r"'color_scope'.*any of \['layer'"):
        view.color_scope = "pixel"


def test_changing_summary_redraws_the_last_prediction(view, digits):
    view.predict(digits[0][0])
    view.summary = "max"
    header, arrays = decode_payload(view._payload)
    assert header["seq"] == 1
    np.testing.assert_allclose(arrays[("conv2d", "summary")], view.activations["conv2d"].max(-1))
    with pytest.raises(traitlets.TraitError, match=r"'summary'.*any of \['mean', 'max'\]"):
        view.summary = "median"


def test_summary_option_reaches_the_payload(lenet, digits):
    view = ModelView(lenet, summary="max")
    view.predict(digits[0][0])
    header, arrays = decode_payload(view._payload)
    summary = next(s for s in header["tensors"] if s["role"] == "summary" and s["node"] == "conv2d")
    assert summary["reduce"] == "max"
    np.testing.assert_allclose(arrays[("conv2d", "summary")], view.activations["conv2d"].max(-1))


@pytest.mark.parametrize(
    ("labels", "error", "pattern"),
    [
        (["a", "b"], ValueError, r"got 2 labels.*shape \(10,\)"),
        ("0123456789", TypeError, "list of strings"),
    ],
)
def test_labels_must_fit_the_output(lenet, labels, error, pattern):
    with pytest.raises(error, match=pattern):
        ModelView(lenet, labels=labels)


def test_subclassed_models_predict_through_their_traced_graph(subclassed):
    model = subclassed
    x = np.random.default_rng(3).random((8, 8, 1), dtype=np.float32)
    expected = keras.ops.convert_to_numpy(model(x[None]))[0]
    view = ModelView(model)
    np.testing.assert_allclose(view.predict(x), expected, atol=1e-6)
    assert len(view.activations) == len(view.graph["nodes"]) == 6
    labelled = ModelView(model, labels=["a", "b", "c"])
    assert labelled.graph["labels"] == ["a", "b", "c"]
    with pytest.raises(ValueError, match=r"got 2 labels.*shape \(3,\)"):
        ModelView(model, labels=["a", "b"])


def test_unbuilt_model_error_says_how_to_build(lenet):
    with pytest.raises(ValueError, match=r"model\.build"):
        ModelView(keras.Sequential([keras.layers.Dense(3)]))


def test_save_html_inlines_everything(view, digits, tmp_path):
    view.predict(digits[0][3])
    path = view.save_html(tmp_path / "view.html")
    text = path.read_text()
    state = json.loads(re.search(r'id="layerscape-state"[^>]*>(.*?)</script>', text, re.S).group(1))
    assert state["_graph"] == view.graph and state["theme"] == "auto"
    payload = re.search(r'id="layerscape-payload"[^>]*>(.*?)</script>', text, re.S).group(1)
    # The page's payload is the view's, plus the weights of small layers (for the page's
    # Weights button).
    page_header, page_arrays = decode_payload(base64.b64decode(payload))
    header, arrays = decode_payload(view._payload)
    activations = {k: v for k, v in page_arrays.items() if k[1] not in ("kernel", "bias")}
    assert activations.keys() == arrays.keys()
    assert all(np.array_equal(activations[k], arrays[k], equal_nan=True) for k in arrays)
    assert page_header["seq"] == header["seq"]
    assert "LayerscapeWidget" in text
    # Nothing is loaded from elsewhere: no external scripts, styles or imports.
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", text)
    assert "<title>lenet</title>" in text


def test_save_html_escapes_model_text(tmp_path):
    # Keras refuses "/" in layer names, but labels and names can hold any other markup.
    inputs = keras.Input((3,), name="in")
    model = keras.Model(inputs, keras.layers.Dense(2, name="d<b>x")(inputs), name="m<i>")
    labels = ["</script><script>alert(1)</script>", "<!--"]
    text = ModelView(model, labels=labels).save_html(tmp_path / "x.html").read_text()
    assert "</script><script>alert(1)" not in text and "<!--" not in text
    assert "<title>m&lt;i&gt;</title>" in text
    state = json.loads(re.search(r'id="layerscape-state"[^>]*>(.*?)</script>', text, re.S).group(1))
    assert state["_graph"]["labels"] == labels
    assert state["_graph"]["nodes"][1]["name"] == "d<b>x"


def test_save_html_to_a_missing_folder_is_a_clear_error(view, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        view.save_html(tmp_path / "nope" / "view.html")


def test_expand_and_collapse_set_the_open_layers(view):
    assert view.open_layers == []
    view.expand("conv2d_1", "conv2d")
    assert view.open_layers == ["conv2d", "conv2d_1"]  # in graph order
    view.collapse("conv2d")
    assert view.open_layers == ["conv2d_1"]
    view.expand()
    assert view.open_layers == [
        "zero_padding2d",
        "conv2d",
        "max_pooling2d",
        "conv2d_1",
        "max_pooling2d_1",
    ]
    view.collapse()
    assert view.open_layers == []


def test_expand_all_and_collapse_all(view):
    view.expand("all")
    from layerscape.families import can_open

    assert view.open_layers == [n["id"] for n in view.graph["nodes"] if can_open(n)]
    assert "conv2d" in view.open_layers
    view.collapse("all")
    assert view.open_layers == []


@pytest.mark.parametrize(
    ("ids", "pattern"),
    [
        (("dense",), r"\['dense'\]: layers that do not open in this model"),
        (("conv9",), r"\['conv9'\]: not layers of this model.*'conv2d'"),
    ],
)
def test_expand_rejects_what_cannot_open(view, ids, pattern):
    with pytest.raises(ValueError, match=pattern):
        view.expand(*ids)
    assert view.open_layers == []


def test_what_opens_is_the_graph_s_opens_field(view):
    # The spec's `opens` decides, for Python as for the front end.
    conv = next(n for n in view._graph["nodes"] if n["id"] == "conv2d")
    conv["opens"] = False
    with pytest.raises(ValueError, match=r"\['conv2d'\]: layers that do not open"):
        view.expand("conv2d")
    view.expand("all")
    assert "conv2d" not in view.open_layers and "conv2d_1" in view.open_layers


def test_a_missing_bundle_says_how_to_build_it(tmp_path):
    # anywidget reads the bundle when ModelView is defined: point the lookup at an empty
    # folder in a fresh interpreter, and importing ModelView must fail with our message.
    import os
    import subprocess
    import sys

    code = (
        "import layerscape.bundle as b, pathlib, sys\n"
        f"b.STATIC = pathlib.Path({str(tmp_path)!r})\n"
        "try:\n"
        "    from layerscape import ModelView\n"
        "except RuntimeError as err:\n"
        "    print(err); sys.exit(3)\n"
    )
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 3, done.stderr[-2000:]
    assert f"the front-end bundle {tmp_path / 'widget.js'} is missing" in done.stdout
    assert "npm ci && npm run build" in done.stdout


def test_options_are_typed_and_unknown_ones_rejected(lenet):
    from layerscape.options import OPTIONS, ViewOptions

    assert OPTIONS == ("theme", "height", "summary", "color_scope", "images", "boxes", "fold")
    assert ViewOptions.__optional_keys__ == frozenset(OPTIONS)
    with pytest.raises(TypeError, match=r"unknown option\(s\) \['colour'\]; it accepts theme"):
        ModelView(lenet, colour="red")


def test_opening_a_layer_sends_its_channels_when_the_budget_left_them_out(
    lenet, digits, monkeypatch
):
    from layerscape import encode

    monkeypatch.setattr(encode, "PAYLOAD_BUDGET", 0)
    view = ModelView(lenet)
    view.predict(digits[0][0])
    header, _ = decode_payload(view._payload)
    assert not any(s["role"] == "full" and s["node"] == "conv2d" for s in header["tensors"])

    sent = []
    view.observe(lambda change: sent.append(change["new"]), names="_payload")
    view._open = ["conv2d"]  # what a click in the view does
    assert len(sent) == 1
    header, arrays = decode_payload(sent[0])
    assert header["seq"] == 1  # the same prediction, now with conv2d's channels
    np.testing.assert_allclose(arrays[("conv2d", "full")], view.activations["conv2d"], atol=0.01)
    view.collapse("conv2d")
    assert len(sent) == 1  # closing needs nothing new


def test_open_layers_are_saved_in_the_page(view, digits, tmp_path):
    view.expand("conv2d")
    text = view.save_html(tmp_path / "v.html").read_text()
    state = json.loads(re.search(r'id="layerscape-state"[^>]*>(.*?)</script>', text, re.S).group(1))
    assert state["_open"] == ["conv2d"]
