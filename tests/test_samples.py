"""Several samples: a batch kept, ``view.sample``, and ``view.compare`` against numpy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import traitlets

from layerscape import ModelView
from layerscape.capture import run_with_activations
from layerscape.encode import decode_payload
from layerscape.messages import PageMessageWarning
from layerscape.plan import plan_model
from layerscape.samples import SamplesWarning, keep_batch

LABELS = [str(d) for d in range(10)]


@pytest.fixture
def view(lenet):
    return ModelView(lenet, labels=LABELS)


def fresh(lenet, x: np.ndarray) -> dict[str, np.ndarray]:
    """Every node's output for the one sample ``x``, captured on its own."""
    _, acts = run_with_activations(plan_model(lenet), [x[None]])
    return acts


def shown(view: ModelView) -> tuple[dict, dict]:
    header, arrays = decode_payload(view._payload)
    return header, arrays


def test_a_batch_is_kept_and_the_first_sample_shown(view, lenet, digits):
    batch = digits[0][:5]
    view.predict(batch)
    assert view.batch_size == 5 and view.sample == 0 and view.comparing is None
    header, _ = shown(view)
    assert header["sample"] == {"index": 0, "kept": 5, "given": 5}
    assert "compare" not in header


def test_setting_sample_shows_exactly_that_sample_without_running_the_model(view, lenet, digits):
    batch = digits[0][:4]
    view.predict(batch)
    seq = view.prediction_count
    for i in (3, 1, 2):
        view.sample = i
        expected = fresh(lenet, batch[i])
        assert view.activations.keys() == expected.keys()
        for node_id, values in expected.items():
            np.testing.assert_allclose(view.activations[node_id], values, atol=1e-5)
        np.testing.assert_array_equal(view.activations["input_layer"], batch[i])
        header, arrays = shown(view)
        assert header["sample"]["index"] == i
        np.testing.assert_allclose(arrays[("dense_2", "full")], expected["dense_2"], atol=1e-5)
    # Nothing ran: the prediction count (the payloads' seq) is unchanged.
    assert view.prediction_count == seq and header["seq"] == seq


def test_sample_out_of_range_or_not_an_int_is_refused(view, digits):
    with pytest.raises(ValueError, match=r"0\.\.0"):
        view.sample = 1  # nothing predicted yet: one (empty) sample
    view.predict(digits[0][:3])
    with pytest.raises(ValueError, match=r"sample must be in 0\.\.2 \(the view holds 3 samples\)"):
        view.sample = 3
    with pytest.raises(ValueError, match=r"0\.\.2"):
        view.sample = -1
    with pytest.raises((TypeError, traitlets.TraitError)):
        view.sample = "1"
    assert view.sample == 0


def test_a_single_sample_predict_resets_to_one_sample(view, digits):
    view.predict(digits[0][:3])
    view.sample = 2
    view.predict(digits[0][7])
    assert view.batch_size == 1 and view.sample == 0
    assert "sample" not in shown(view)[0]
    np.testing.assert_array_equal(view.activations["input_layer"], digits[0][7])


def test_the_bound_keeps_the_first_samples_that_fit_and_warns():
    batch = {"x": np.ones((10, 100), np.float32), "y": np.ones((10, 25), np.float32)}
    per_sample = 125 * 4
    with pytest.warns(SamplesWarning, match="first 3 of the batch's 10 samples"):
        kept = keep_batch(batch, max_bytes=3 * per_sample + 10)
    assert kept.kept == 3 and kept.given == 10
    assert kept.activations["x"].base is None  # a copy: the rest is freed
    with pytest.warns(SamplesWarning):
        assert keep_batch(batch, max_bytes=1).kept == 1  # at least one
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert keep_batch(batch).kept == 10


def test_the_view_honours_the_bound(view, digits, monkeypatch):
    from layerscape import widget

    view.predict(digits[0][0])
    per_sample = sum(a.nbytes for a in view.activations.values())
    monkeypatch.setattr(widget, "MAX_BATCH_BYTES", 2 * per_sample)
    with pytest.warns(SamplesWarning, match="first 2 of the batch's 6"):
        out = view.predict(digits[0][:6])
    assert out.shape == (6, 10)  # the output is the whole batch's
    assert view.batch_size == 2
    assert shown(view)[0]["sample"] == {"index": 0, "kept": 2, "given": 6}


def test_compare_indices_sends_b_minus_a_for_every_layer(view, lenet, digits):
    batch = digits[0][:4]
    view.predict(batch)
    a, b = fresh(lenet, batch[0]), fresh(lenet, batch[2])
    view.compare(0, 2)
    assert view.comparing == (0, 2)
    header, arrays = shown(view)
    assert header["compare"] == {"a": 0, "b": 2}
    sections = {(s["node"], s["role"], s.get("sample")): s for s in header["tensors"]}
    drawn = {n["id"]: n for n in view.graph["nodes"]}
    full = [k for k in sections if k[1] == "full" and k[2] is None]
    assert {k[0] for k in full} == {i for i, n in drawn.items() if not n["passthrough"]}
    for node_id, _, _ in full:
        section = sections[(node_id, "full", None)]
        diff = arrays[(node_id, "full")]
        expected = (b[node_id] - a[node_id])[..., : diff.shape[-1]]
        step = max(1e-6, (section["hi"] - section["lo"]) / 250 * 0.51)
        np.testing.assert_allclose(diff, expected, atol=step if section["dtype"] == "u8" else 1e-5)
        # a and b travel beside it, with the same shape.
        assert sections[(node_id, "full", "a")]["shape"] == section["shape"]
        assert sections[(node_id, "full", "b")]["shape"] == section["shape"]
    # A closed layer's summary (mean): the difference of the two summaries, a and b beside.
    got = [s for s in header["tensors"] if s["node"] == "conv2d" and s["role"] == "summary"]
    assert [s.get("sample") for s in got] == [None, "a", "b"]
    tolerance = 0.51 * got[0]["hi"] / 125
    expected = b["conv2d"].mean(-1) - a["conv2d"].mean(-1)
    np.testing.assert_allclose(arrays[("conv2d", "summary")], expected, atol=abs(tolerance) + 1e-3)
    np.testing.assert_allclose(
        arrays[("conv2d", "summary:b")], b["conv2d"].mean(-1), atol=0.01 * b["conv2d"].max()
    )
    # The activations follow the shown sample, still 0.
    np.testing.assert_array_equal(view.activations["input_layer"], batch[0])


def test_compare_values_exactly_for_small_layers(view, lenet, digits):
    """dense_2 (10 values) goes as float32: the difference is exact."""
    view.predict(digits[0][:3])
    view.compare(2, 1)
    header, arrays = shown(view)
    dtypes = {(s["node"], s.get("sample")): s["dtype"] for s in header["tensors"]}
    assert dtypes[("dense_2", None)] == dtypes[("dense_2", "a")] == "f32"
    a, b = fresh(lenet, digits[0][2]), fresh(lenet, digits[0][1])
    diff = b["dense_2"] - a["dense_2"]
    np.testing.assert_allclose(arrays[("dense_2", "full")], diff, atol=1e-6)
    np.testing.assert_allclose(arrays[("dense_2", "full:a")], a["dense_2"], atol=1e-6)
    np.testing.assert_allclose(arrays[("dense_2", "full:b")], b["dense_2"], atol=1e-6)


def test_compare_summary_max_is_the_difference_of_the_maxima(lenet, digits):
    view = ModelView(lenet, summary="max")
    batch = digits[0][:2]
    view.predict(batch)
    view.compare(0, 1)
    _, arrays = shown(view)
    a, b = fresh(lenet, batch[0]), fresh(lenet, batch[1])
    expected = b["conv2d"].max(-1) - a["conv2d"].max(-1)
    atol = 0.01 * np.ptp(expected)
    np.testing.assert_allclose(arrays[("conv2d", "summary")], expected, atol=atol)


def test_compare_two_samples_runs_them_as_a_batch_of_two(view, lenet, digits):
    x, y = digits[0][3], digits[0][8]
    view.compare(x, y)
    assert view.batch_size == 2 and view.comparing == (0, 1) and view.sample == 0
    header, arrays = shown(view)
    assert header["compare"] == {"a": 0, "b": 1}
    a, b = fresh(lenet, x), fresh(lenet, y)
    np.testing.assert_allclose(arrays[("dense_2", "full")], b["dense_2"] - a["dense_2"], atol=1e-5)
    # A batch of one counts as one sample too.
    view.compare(x[None], y[None])
    assert view.comparing == (0, 1)


def test_compare_none_ends_it_and_shows_the_current_sample(view, lenet, digits):
    batch = digits[0][:3]
    view.predict(batch)
    view.sample = 1
    view.compare(0, 2)
    view.compare(None)
    assert view.comparing is None and view.sample == 1
    header, arrays = shown(view)
    assert "compare" not in header and header["sample"]["index"] == 1
    assert not any(s.get("sample") for s in header["tensors"])
    expected = fresh(lenet, batch[1])["dense_2"]
    np.testing.assert_allclose(arrays[("dense_2", "full")], expected, atol=1e-5)
    view.compare(None)  # again: nothing to end, nothing sent
    assert view.comparing is None


def test_sample_or_predict_ends_a_comparison(view, digits):
    view.predict(digits[0][:3])
    view.compare(0, 1)
    view.sample = 2
    assert view.comparing is None and "compare" not in shown(view)[0]
    view.compare(0, 1)
    view.predict(digits[0][:2])
    assert view.comparing is None


def test_compare_errors(view, digits):
    with pytest.raises(ValueError, match="nothing to compare yet"):
        view.compare(0, 1)
    view.predict(digits[0][:3])
    with pytest.raises(ValueError, match=r"b must be in 0\.\.2"):
        view.compare(0, 3)
    with pytest.raises(TypeError, match="not one of each"):
        view.compare(0, digits[0][1])
    with pytest.raises(TypeError, match="compare"):
        view.compare(1)
    with pytest.raises(TypeError, match="one sample for a; got a batch of 2"):
        view.compare(digits[0][:2], digits[0][3])
    with pytest.raises(ValueError, match="28, 28, 1"):  # what predict says
        view.compare(np.zeros((5, 5)), digits[0][3])
    assert view.comparing is None and view.batch_size == 3


def test_page_sent_sample_is_checked(view, digits):
    view.predict(digits[0][:3])
    view.set_state({"sample": 2})
    assert view.sample == 2
    np.testing.assert_array_equal(view.activations["input_layer"], digits[0][2])
    for bad in (3, -1, "1", True, 1.5, None):
        with pytest.warns(PageMessageWarning, match="sample"):
            view.set_state({"sample": bad})
        assert view.sample == 2


def test_a_saved_page_shows_the_comparison(view, digits, tmp_path):
    import base64
    import re

    view.predict(digits[0][:3])
    view.compare(0, 2)
    page = view.save_html(tmp_path / "compare.html").read_text()
    b64 = re.search(r'id="layerscape-payload"[^>]*>([^<]*)<', page).group(1)
    header, _ = decode_payload(base64.b64decode(b64))
    assert header["compare"] == {"a": 0, "b": 2}


def test_training_redraws_keep_one_sample(view, lenet, digits):
    x = digits[0]
    view.predict(x[:4])
    callback = view.training_callback(x[:3], every="epoch")
    callback.set_model(lenet)
    callback.on_train_begin()
    assert view.batch_size == 1
    assert "sample" not in shown(view)[0]


def test_opening_a_layer_while_comparing_sends_its_channels_for_a_b_and_the_difference(
    view, digits
):
    view.predict(digits[0][:2])
    view.compare(0, 1)
    view.expand("conv2d_1")
    header, arrays = shown(view)
    assert header["compare"] == {"a": 0, "b": 1}
    for role in ("full", "full:a", "full:b"):
        assert arrays[("conv2d_1", role)].shape == (10, 10, 16), role


def _page_samples(path) -> list[bytes]:
    import base64
    import json
    import re

    text = path.read_text()
    found = re.search(r'id="layerscape-samples"[^>]*>([^<]*)<', text).group(1)
    return [base64.b64decode(s) for s in json.loads(found)]


def test_a_saved_page_holds_every_kept_sample_for_its_picker(view, lenet, digits, tmp_path):
    batch = digits[0][:3]
    view.predict(batch)
    view.compare(0, 2)
    samples = _page_samples(view.save_html(tmp_path / "page.html"))
    assert len(samples) == 3
    for i, payload in enumerate(samples):
        header, arrays = decode_payload(payload)
        assert header["sample"]["index"] == i and "compare" not in header
        expected = fresh(lenet, batch[i])["dense_2"]
        np.testing.assert_allclose(arrays[("dense_2", "full")], expected, atol=1e-5)
    # One sample: nothing to pick.
    view.predict(batch[0])
    assert _page_samples(view.save_html(tmp_path / "one.html")) == []


def test_samples_that_do_not_fit_the_page_leave_it_without_a_picker(view, digits, tmp_path):
    view.predict(digits[0][0])
    single = view.save_html(tmp_path / "single.html").stat().st_size
    view.predict(digits[0][:40])  # 40 samples: some 0.8 MB of payloads more
    with pytest.warns(UserWarning, match="sample picker is hidden"):
        path = view.save_html(tmp_path / "small.html", max_bytes=single + 100_000)
    assert _page_samples(path) == []
    assert path.stat().st_size <= single + 100_000


def test_an_untraced_model_keeps_its_batch_and_compares_input_and_output():
    import keras

    from tests.support import zoo_models

    # A model of its own: running the session's shared one on large inputs would build
    # its "wide" branch, which test_zoo checks was never run.
    with zoo_models.automatic_names_kept():
        model = zoo_models.UNTRACEABLE["gated_net"]()
    view = ModelView(model)
    x = (np.random.default_rng(1).random((3, 6)) * 4).astype("float32")
    want = keras.ops.convert_to_numpy(model(x, training=False))
    view.predict(x)
    view.sample = 2
    np.testing.assert_array_equal(view.activations["input"], x[2])
    np.testing.assert_allclose(view.activations["gated_net_output"], want[2], atol=1e-6)
    view.compare(0, 2)
    _, arrays = shown(view)
    np.testing.assert_allclose(arrays[("input", "full")], x[2] - x[0], atol=1e-6)
    np.testing.assert_allclose(
        arrays[("gated_net_output", "full")], want[2] - want[0], rtol=1e-5, atol=1e-6
    )
