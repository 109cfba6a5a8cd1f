"""Hovering shows the numbers and what they are made from.

A small conv net (strided "same" conv, dilated conv, pooling, depthwise conv, flatten,
dense) is exported once closed and once open. In Chromium the pointer goes to one
element at a time (the test API says where its middle is on screen) and the tooltip
must show that element's index and the value ``view.activations`` holds for it; the
receptive field the view outlines on the input must be the block of input that
really changes the element (found by poking the layer's own Keras op, not by
re-deriving the padding rule); and the relation lines must exist while a layer is
hovered and be disposed when the pointer leaves.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from tests.support.page import API, open_view, settle, shoot, wait_for

pytestmark = pytest.mark.e2e

OPEN = ("conv", "dilated", "pool", "depthwise")


def _model():
    import keras
    from keras import layers

    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    inp = keras.Input((16, 16, 1), name="image")
    x = layers.Conv2D(4, 3, strides=2, padding="same", name="conv")(inp)  # 8x8x4
    x = layers.Conv2D(3, 3, dilation_rate=2, padding="same", name="dilated")(x)  # 8x8x3
    x = layers.MaxPooling2D(2, name="pool")(x)  # 4x4x3
    x = layers.DepthwiseConv2D(3, depth_multiplier=2, name="depthwise")(x)  # 2x2x6
    x = layers.Flatten(name="flat")(x)
    out = layers.Dense(5, name="dense")(x)
    return keras.Model(inp, out, name="hover_net")


@pytest.fixture(scope="module")
def hover_pages(tmp_path_factory: pytest.TempPathFactory):
    from layerscape import ModelView

    model = _model()
    view = ModelView(model)
    sample = np.random.default_rng(1).uniform(0, 1, (16, 16, 1)).astype("float32")
    view.predict(sample)
    out = tmp_path_factory.mktemp("hover")
    closed = view.save_html(out / "closed.html")
    view.summary = "max"
    closed_max = view.save_html(out / "closed-max.html")
    view.summary = "mean"
    view.expand(*OPEN)
    opened = view.save_html(out / "open.html")
    # Every section of this model is exact float32 (<= 4096 values): no quantization.
    assert all(a.size <= 4096 for a in view.activations.values())
    return {
        "closed": closed,
        "closed-max": closed_max,
        "open": opened,
        "acts": view.activations,
        "model": model,
    }


def _printed_tolerance(text: str) -> float:
    """Half a unit in the last digit a number was printed with (formatNumber's rounding)."""
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals) * 1.0001


def _hover_element(page, node: str, index: list[int]) -> dict[str, str]:
    point = page.evaluate(f"{API}.elementPoint({node!r}, {index})")
    assert point is not None, f"{node}{index} is not on screen"
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator(".layerscape .ls-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    want = str(index[0]) if len(index) == 1 else f"({', '.join(map(str, index))})"
    # The tooltip follows the pointer; wait until it names this element.
    exact = re.compile(f"^{re.escape(want)}$")
    page.locator(".layerscape .ls-tt-el-index", has_text=exact).wait_for(timeout=10_000)
    return {
        "index": tooltip.locator(".ls-tt-el-index").inner_text(),
        "value": tooltip.locator(".ls-tt-el-value").inner_text(),
        "reads": " | ".join(tooltip.locator(".ls-tt-el-reads").all_inner_texts()),
        "text": tooltip.inner_text(),
    }


def _assert_value(shown: str, expected: float, where: str) -> None:
    number = shown.split()[0]
    tol = _printed_tolerance(number)
    assert abs(float(number) - expected) <= tol, (
        f"{where}: tooltip {shown!r}, activations hold {expected!r}"
    )


def test_hovered_pixel_shows_its_activation(hover_pages, page, page_log):
    acts = hover_pages["acts"]
    open_view(page, hover_pages["closed"])
    # Closed layer: the summary is the mean over channels (the default summary mode).
    for node, (r, c) in (("conv", (0, 0)), ("conv", (3, 5)), ("dilated", (7, 2)), ("pool", (1, 3))):
        shown = _hover_element(page, node, [r, c])
        assert shown["index"] == f"({r}, {c})"
        assert "mean over" in shown["value"], shown
        _assert_value(shown["value"], float(acts[node][r, c, :].mean()), f"{node}[{r}, {c}] closed")
    # A unit of a vector layer.
    shown = _hover_element(page, "dense", [3])
    _assert_value(shown["value"], float(acts["dense"][3]), "dense[3]")

    # summary="max": the closed layer shows (and the tooltip gives) the max over channels.
    open_view(page, hover_pages["closed-max"])
    shown = _hover_element(page, "conv", [3, 5])
    assert "max over 4 channels" in shown["value"], shown
    _assert_value(shown["value"], float(acts["conv"][3, 5, :].max()), "conv[3, 5] max summary")

    open_view(page, hover_pages["open"])
    assert page.evaluate(f"{API}.openIds()") == list(OPEN)
    channel_pixels = (
        ("conv", [2, 6, 3]),
        ("conv", [7, 0, 1]),
        ("pool", [3, 2, 2]),
        ("depthwise", [1, 0, 5]),
    )
    for node, index in channel_pixels:
        shown = _hover_element(page, node, index)
        _assert_value(shown["value"], float(acts[node][tuple(index)]), f"{node}{index} open")
    assert not page_log.problems(), "\n".join(page_log.problems())


def _true_field(layer, out_index: list[int]) -> tuple[set[int], set[int], set[int]]:
    """Rows, cols and channels of the input that change output element ``out_index``.

    Pokes a copy of the layer (all weights one) with one large input at a time: an
    output depends on an input exactly when poking it moves the output.
    """
    import keras

    in_shape = tuple(int(d) for d in layer.input.shape[1:])
    probe = layer.__class__.from_config(layer.get_config())
    probe.build((None, *in_shape))
    probe.set_weights([np.ones_like(w) for w in probe.get_weights()])
    n = int(np.prod(in_shape))
    pokes = np.concatenate([np.zeros((1, n)), np.eye(n) * 1e3]).reshape(n + 1, *in_shape)
    y = keras.ops.convert_to_numpy(probe(pokes.astype("float32")))
    r, c = out_index[:2]
    channels = [out_index[2]] if len(out_index) > 2 else list(range(y.shape[-1]))
    moved = np.abs(y[1:, r, c, channels] - y[0, r, c, channels]).max(axis=-1) > 0
    coords = np.array(np.unravel_index(np.flatnonzero(moved), in_shape)).T
    rows, cols, channels = ({int(i) for i in coords[:, axis]} for axis in range(3))
    return rows, cols, channels


def _range_set(rng: dict) -> set[int]:
    return set(range(rng["start"], rng["end"] + 1, rng["step"]))


CASES = [
    ("closed", "conv", [0, 0]),  # "same", stride 2: odd padding goes after
    ("closed", "conv", [7, 7]),
    ("open", "conv", [3, 4, 2]),
    ("open", "dilated", [0, 1, 1]),  # dilation 2, "same": taps in the padding dropped
    ("open", "dilated", [4, 4, 0]),
    ("open", "pool", [2, 1, 2]),  # same channel
    ("open", "depthwise", [1, 1, 5]),  # channel 5 reads channel 5 // 2
    ("closed", "depthwise", [0, 1]),  # a summary pixel reads every channel
]


def test_receptive_field_is_outlined_on_the_input(hover_pages, page, page_log, artifacts: Path):
    model = hover_pages["model"]
    for mode in ("closed", "open"):
        open_view(page, hover_pages[mode])
        for case_mode, node, index in CASES:
            if case_mode != mode:
                continue
            shown = _hover_element(page, node, index)
            state = page.evaluate(f"{API}.hover()")
            assert state["node"] == node and state["element"] == index, state
            assert len(state["reads"]) == 1, state
            read = state["reads"][0]
            layer = model.get_layer(node)
            assert read["source"] == layer.input._keras_history.operation.name
            rows, cols, channels = _true_field(layer, index)
            ranges = read["region"]["ranges"]
            where = f"{mode} {node}{index}: view says {read['region']}"
            assert _range_set(ranges[0]) == rows, f"{where}, rows read: {sorted(rows)}"
            assert _range_set(ranges[1]) == cols, f"{where}, cols read: {sorted(cols)}"
            in_channels = int(layer.input.shape[-1])
            got = read["region"]["channel"]
            # null: every channel of the input
            assert (set(range(in_channels)) if got is None else {got}) == channels, (
                f"{where}, channels read: {sorted(channels)}"
            )
            # Drawn: the input block (one outline per tile it covers), the element, 4 joins.
            assert state["field"] >= 3 * 4, state
            assert "reads" in shown["text"] and read["source"] in shown["reads"], shown
    # A picture for people: an open strided conv pixel with its field on the input.
    open_view(page, hover_pages["open"])
    _hover_element(page, "dilated", [4, 4, 0])
    shot = artifacts / "receptive-field.png"
    shoot(page.locator(".layerscape"), shot, canvas_only=False)
    assert not page_log.problems(), "\n".join(page_log.problems())


def _geometries(page) -> int:
    return page.evaluate(f"{API}.memory().geometries")


def _geometries_become(page, n: int) -> None:
    """Wait until the page's renderer holds ``n`` geometries (after the next frames)."""
    wait_for(page, f"(n) => {API}.memory().geometries === n", n, timeout=10,
             what=f"{n} geometries (before the wait: {_geometries(page)})")  # fmt: skip


HOVERS = (("dense", [2]), ("pool", [0, 0, 1]), ("depthwise", [0, 0, 0]))


def _leave(page) -> None:
    page.mouse.move(2, 2)
    page.locator(".layerscape .ls-tooltip").wait_for(state="hidden", timeout=10_000)


def test_relation_lines_come_and_go(hover_pages, page, page_log):
    open_view(page, hover_pages["open"])
    # A first round uploads each hovered layer's own highlight outline (kept until the
    # layer is disposed); the second round is measured against what is left after it.
    for node, index in HOVERS:
        _hover_element(page, node, index)
    _leave(page)
    assert page.evaluate(f"{API}.hover()") is None
    settle(page)
    baseline = _geometries(page)

    # Dense reads every input: a fan from the flatten layer's front (4 x 4 points).
    _hover_element(page, "dense", [2])
    state = page.evaluate(f"{API}.hover()")
    assert state["node"] == "dense" and state["fan"] == 16 and state["reads"] == [], state
    _geometries_become(page, baseline + 1)

    # Per channel: pooling reads channel c of its input (3 lines), the depthwise conv
    # channel i // 2 (6 lines); the open layers show them tile to tile.
    _hover_element(page, "pool", [0, 0, 1])
    assert page.evaluate(f"{API}.hover()")["channel"] == 3
    _hover_element(page, "depthwise", [0, 0, 0])
    state = page.evaluate(f"{API}.hover()")
    assert state["channel"] == 6, state
    # The same one LineSegments, rewritten: no geometry added per hover.
    _geometries_become(page, baseline + 1)

    _leave(page)
    assert page.evaluate(f"{API}.hover()") is None
    _geometries_become(page, baseline)
    # Render on demand: once the pointer is gone and its last frame drawn, no more frames
    # (a fixed time on purpose: nothing may happen in it).
    frames = settle(page)
    page.wait_for_timeout(500)
    assert page.evaluate(f"{API}.frames()") == frames
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_tooltip_lines_name_the_region(hover_pages, page):
    open_view(page, hover_pages["open"])
    shown = _hover_element(page, "dilated", [0, 1, 1])
    # dilation 2, "same": taps at -2, 0, 2 and -1, 1, 3 inside an 8x8 input
    dash = "\u2013"  # the tooltip writes ranges with an en dash
    want = f"conv: rows 0{dash}2 every 2nd, cols 1{dash}3 every 2nd, all channels"
    assert want in shown["reads"], shown
