"""Regression guards for what crosses the wire: bytes per predict, messages per predict,
and the size budget of an exported page. The figures themselves are in benchmarks/."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import keras
import numpy as np
import pytest

from layerscape import ModelView
from layerscape.encode import PAYLOAD_BUDGET, decode_payload
from tests.support.wire import metered


@pytest.fixture(scope="module")
def wide():
    """A conv net with 2.3 million activation values: 9 MB as float32."""
    keras.utils.set_random_seed(3)
    x = inputs = keras.Input((128, 128, 3), name="image")
    for filters in (32, 32):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = keras.layers.MaxPooling2D()(x)
    for filters in (64, 64):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="wide")
    sample = np.random.default_rng(0).random((128, 128, 3)).astype("f4")
    return model, sample


def _values(view: ModelView) -> int:
    return sum(a.size for a in view.activations.values())


def test_default_view_sends_one_message_within_the_payload_budget(wide):
    model, sample = wide
    view = ModelView(model)
    with metered(view) as wire:
        view.predict(sample)
    assert wire.count == 1
    assert wire.bytes <= PAYLOAD_BUDGET
    header, arrays = decode_payload(view._payload)
    fulls = {s["node"] for s in header["tensors"] if s["role"] == "full"}
    summaries = {s["node"] for s in header["tensors"] if s["role"] == "summary"}
    maps = {n["id"] for n in view.graph["nodes"] if n["family"] == "feature_map"}
    assert summaries == maps  # every closed layer can be drawn
    assert maps - fulls  # ... but not every layer's channels fit in 1 MB
    assert maps & fulls  # the smallest ones do
    # The model's output is sent whole, exactly.
    out = view.graph["outputs"][0]
    np.testing.assert_array_equal(arrays[(out, "full")], view.activations[out])


def test_every_layer_open_costs_about_one_byte_per_value(wide):
    model, sample = wide
    view = ModelView(model)
    view.predict(sample)
    with metered(view) as wire:
        view.expand()
    # Opening sends the channels the payload lacked, once, with the open list.
    assert wire.count == 2
    with metered(view) as wire:
        view.predict(sample)
    assert wire.count == 1
    assert wire.bytes <= 1.05 * _values(view)
    header, _ = decode_payload(view._payload)
    fulls = {s["node"]: s for s in header["tensors"] if s["role"] == "full"}
    for node_id in view.open_layers:
        assert fulls[node_id]["shape"][-1] == view.activations[node_id].shape[-1]


def test_predicts_do_not_accumulate(wide):
    model, sample = wide
    view = ModelView(model)
    for _ in range(3):
        view.predict(sample)
    assert set(view.activations) == {n["id"] for n in view.graph["nodes"]}
    assert len(view._payload) <= PAYLOAD_BUDGET


def test_exported_page_keeps_to_its_size_budget(wide, tmp_path):
    model, sample = wide
    view = ModelView(model)
    view.predict(sample)
    roomy = view.save_html(tmp_path / "roomy.html")
    tight = view.save_html(tmp_path / "tight.html", max_bytes=1_500_000)
    assert roomy.stat().st_size <= 10_000_000
    assert tight.stat().st_size <= 1_500_000
    # The roomy page carries every layer's channels; the tight one only some.
    everything = set(view.activations)
    assert _channels_in(roomy) == everything
    assert 0 < len(_channels_in(tight)) < len(everything)


def _channels_in(page: Path) -> set[str]:
    text = page.read_text()
    b64 = re.search(r'id="layerscape-payload"[^>]*>(.*?)</script>', text, re.S).group(1)
    header, _ = decode_payload(base64.b64decode(b64))
    return {s["node"] for s in header["tensors"] if s["role"] == "full"}


def test_exported_page_too_small_for_its_summaries_says_what_it_needs(wide, tmp_path):
    model, sample = wide
    view = ModelView(model)
    view.predict(sample)
    with pytest.raises(ValueError, match=r"needs about [\d,]+ bytes.*max_bytes=700,000"):
        view.save_html(tmp_path / "tiny.html", max_bytes=700_000)
    assert not (tmp_path / "tiny.html").exists()


def test_small_models_send_everything_up_front(lenet, digits):
    view = ModelView(lenet)
    view.predict(digits[0][0])
    header, _ = decode_payload(view._payload)
    assert {s["node"] for s in header["tensors"] if s["role"] == "full"} == set(view.activations)
