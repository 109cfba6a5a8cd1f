"""The LSP1 payload: exact where small, one byte a value where large, NaN/Inf kept."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from layerscape import encode
from layerscape.encode import decode_payload, dequantize_u8, encode_activations, quantize_u8
from layerscape.spec import U8_NAN, U8_NEG_INF, U8_POS_INF


def _graph(*nodes):
    return {"nodes": [{"id": i, "family": f} for i, f in nodes]}


def test_layout_magic_header_and_alignment():
    acts = {"v": np.arange(5, dtype="f4"), "m": np.ones((3, 3, 2), "f4")}
    payload = encode_activations(_graph(("v", "vector"), ("m", "feature_map")), acts, seq=7)
    assert payload[:4] == b"LSP1"
    (n,) = struct.unpack("<I", payload[4:8])
    header, arrays = decode_payload(payload)
    assert header["seq"] == 7 and header["version"] == 1
    data_start = (8 + n + 7) // 8 * 8
    for section in header["tensors"]:
        assert section["offset"] % 8 == 0
        assert data_start + section["offset"] + section["length"] <= len(payload)
    assert [(s["node"], s["role"]) for s in header["tensors"]] == [
        ("v", "full"),
        ("m", "summary"),
        ("m", "full"),
    ]
    np.testing.assert_array_equal(arrays[("v", "full")], acts["v"])


def test_small_tensors_are_exact_float32_with_nan_and_inf():
    values = np.array([0.5, np.nan, np.inf, -np.inf, -3.0], dtype="f4")
    header, arrays = decode_payload(encode_activations(_graph(("v", "vector")), {"v": values}, 1))
    section = header["tensors"][0]
    assert section["dtype"] == "f32"
    assert (section["lo"], section["hi"]) == (-3.0, 0.5)
    np.testing.assert_array_equal(arrays[("v", "full")], values)


def test_large_tensors_are_u8_within_half_a_step():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(40, 40, 8)).astype("f4")
    header, arrays = decode_payload(
        encode_activations(_graph(("m", "feature_map")), {"m": values}, 1)
    )
    full = next(s for s in header["tensors"] if s["role"] == "full")
    assert full["dtype"] == "u8" and full["length"] == values.size
    step = (full["hi"] - full["lo"]) / 250
    assert np.max(np.abs(arrays[("m", "full")] - values)) <= step / 2 + 1e-6
    assert full["lo"] == pytest.approx(values.min()) and full["hi"] == pytest.approx(values.max())


def test_u8_special_codes_round_trip():
    values = np.array([np.nan, np.inf, -np.inf, 1.0, 2.0], dtype="f4")
    codes = quantize_u8(values, 1.0, 2.0)
    assert codes.tolist() == [U8_NAN, U8_POS_INF, U8_NEG_INF, 0, 250]
    back = dequantize_u8(codes, 1.0, 2.0)
    assert np.isnan(back[0]) and back[1] == np.inf and back[2] == -np.inf
    assert back[3:].tolist() == [1.0, 2.0]


def test_constant_tensor_does_not_divide_by_zero():
    values = np.full((100, 100), 3.0, dtype="f4")
    _, arrays = decode_payload(encode_activations(_graph(("s", "sequence")), {"s": values}, 1))
    np.testing.assert_array_equal(arrays[("s", "full")], values)


@pytest.mark.parametrize("reduce", ["mean", "max"])
def test_feature_map_summary_is_exactly_the_named_reduction(reduce):
    values = np.random.default_rng(1).normal(size=(6, 5, 4)).astype("f4")
    header, arrays = decode_payload(
        encode_activations(_graph(("m", "feature_map")), {"m": values}, 1, reduce=reduce)
    )
    summary = next(s for s in header["tensors"] if s["role"] == "summary")
    assert summary["reduce"] == reduce and summary["shape"] == [6, 5]
    expected = values.mean(-1) if reduce == "mean" else values.max(-1)
    np.testing.assert_allclose(arrays[("m", "summary")], expected, rtol=1e-6)


def test_wide_feature_maps_send_the_channels_that_fit(monkeypatch):
    monkeypatch.setattr(encode, "FULL_MAX_ELEMENTS", 10 * 10 * 3)
    values = np.ones((10, 10, 8), dtype="f4")
    header, arrays = decode_payload(
        encode_activations(_graph(("m", "feature_map")), {"m": values}, 1)
    )
    full = next(s for s in header["tensors"] if s["role"] == "full")
    assert full["shape"] == [10, 10, 3] and full["channels_total"] == 8
    assert arrays[("m", "full")].shape == (10, 10, 3)


def test_generic_and_missing_nodes_send_nothing():
    graph = _graph(("g", "generic"), ("absent", "vector"))
    header, _ = decode_payload(encode_activations(graph, {"g": np.ones((2, 2, 2, 2), "f4")}, 1))
    assert header["tensors"] == []


def test_decode_rejects_other_bytes():
    with pytest.raises(ValueError, match="not an LSP1 payload"):
        decode_payload(b"PNG\x00\x00\x00\x00\x00")


def test_payload_budget_keeps_summaries_and_sends_small_layers_first():
    graph = _graph(
        ("big", "feature_map"), ("mid", "feature_map"), ("small", "feature_map"), ("v", "vector")
    )
    rng = np.random.default_rng(2)
    acts = {
        "big": rng.normal(size=(96, 96, 8)).astype("f4"),
        "mid": rng.normal(size=(64, 64, 8)).astype("f4"),
        "small": rng.normal(size=(64, 64, 8)).astype("f4"),
        "v": rng.normal(size=5000).astype("f4"),
    }
    # Always: summaries 96*96 + 2 * 64*64*4 (f32) and the vector, 5000 bytes: ~47 kB.
    # Then mid's and small's channels (32 kB each) fit in 120 kB; big's 74 kB do not.
    payload = encode_activations(graph, acts, 1, budget=120_000)
    assert len(payload) <= 120_000
    header, arrays = decode_payload(payload)
    sent = {(s["node"], s["role"]) for s in header["tensors"]}
    assert sent == {
        ("big", "summary"),
        ("mid", "summary"),
        ("mid", "full"),
        ("small", "summary"),
        ("small", "full"),
        ("v", "full"),
    }
    # A layer without channels still says how many it has, for the tooltip.
    big = next(s for s in header["tensors"] if s["node"] == "big")
    assert big["channels_total"] == 8
    np.testing.assert_allclose(arrays[("big", "summary")], acts["big"].mean(-1), atol=0.02)


def test_lenet_sized_models_send_every_channel(lenet, digits):
    from layerscape.capture import run_with_activations
    from layerscape.graph import extract_graph
    from layerscape.plan import plan_model

    graph = extract_graph(lenet)
    _, acts = run_with_activations(plan_model(lenet), [digits[0][:1]])
    header, _ = decode_payload(encode_activations(graph, acts, 1))
    fulls = {s["node"] for s in header["tensors"] if s["role"] == "full"}
    assert fulls == {n["id"] for n in graph["nodes"]}
