"""Weights in the page: the toggle changes the picture, hover gives the exact weight."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from layerscape import ModelView
from layerscape.spec import U8_MAX_CODE
from tests.support.page import open_view, settle, shoot, wait_for
from tests.support.pixels import pixel_diff

pytestmark = pytest.mark.e2e

_ROOT = "document.querySelector('.layerscape')"


@pytest.fixture(scope="module")
def lenet_weights_page(lenet, digits, tmp_path_factory) -> tuple[Path, ModelView]:
    view = ModelView(lenet, labels=[str(d) for d in range(10)])
    view.predict(digits[0][-1])
    path = view.save_html(tmp_path_factory.mktemp("weights") / "weights.html")
    return path, view


def hover_weight(page, node: str, role: str, index: list[int]) -> str:
    point = page.evaluate(
        f"([n, r, i]) => {_ROOT}.__layerscape.weightPoint(n, r, i)", [node, role, index]
    )
    assert point is not None, f"no point for {node} {role}{index}"
    page.mouse.move(point["x"], point["y"])
    return wait_for(
        page,
        "(label) => { const t = document.querySelector('.layerscape .ls-tooltip');"
        " return t && !t.hidden && t.innerText.includes(label) && t.innerText; }",
        f"{role}[{', '.join(map(str, index))}] = ",
        what=f"the tooltip of {node} {role}{index}",
    )


def shown_value(text: str, role: str, index: list[int]) -> float:
    label = re.escape(f"{role}[{', '.join(map(str, index))}] = ")
    found = re.search(label + r"(\S+)", text)
    assert found, text
    return float(found.group(1))


def test_weights_toggle_and_hover(lenet_weights_page, lenet, page, page_log, artifacts):
    path, view = lenet_weights_page
    nodes = view.graph["nodes"]
    conv = next(n["id"] for n in nodes if n["class_name"] == "Conv2D")
    dense = next(n["id"] for n in nodes if n["class_name"] == "Dense")
    root = open_view(page, path)
    canvas = root.locator("canvas").first
    memory = f"() => {_ROOT}.__layerscape.memory()"
    baseline = page.evaluate(memory)
    activations = shoot(canvas, artifacts / "activations.png")
    assert root.get_attribute("data-weights") == ""

    root.locator(".ls-weights").click()
    wait_for(page, f"() => {_ROOT}.dataset.weights !== ''", what="data-weights to fill")
    assert root.get_attribute("data-weights").split() == [n["id"] for n in nodes if n["weights"]]
    weights = shoot(canvas, artifacts / "weights.png")
    root.screenshot(path=str(artifacts / "weights-widget.png"))
    diff = pixel_diff(activations, weights)
    assert diff.changed > 0.01 * diff.total, f"the weights toggle: {diff.describe()}"

    # A conv kernel weight: exact (150 weights go as float32).
    kernel = lenet.get_layer(conv).get_weights()[0]
    index = [2, 1, 0, 3]
    text = hover_weight(page, conv, "kernel", index)
    root.screenshot(path=str(artifacts / "weights-hover.png"))
    assert np.float32(shown_value(text, "kernel", index)) == kernel[tuple(index)]
    bias = lenet.get_layer(conv).get_weights()[1]
    assert np.float32(shown_value(hover_weight(page, conv, "bias", [4]), "bias", [4])) == bias[4]
    # A dense weight: one byte each, within half a quantization step.
    dense_kernel = lenet.get_layer(dense).get_weights()[0]
    index = [37, 11]
    value = shown_value(hover_weight(page, dense, "kernel", index), "kernel", index)
    half_step = (dense_kernel.max() - dense_kernel.min()) / U8_MAX_CODE / 2
    assert abs(value - dense_kernel[tuple(index)]) <= half_step * 1.001

    page.mouse.move(2, 2)
    for _ in range(3):  # on and off: nothing is left behind
        root.locator(".ls-weights").click()
        settle(page)
    assert root.get_attribute("data-weights") == ""
    back = shoot(canvas, artifacts / "back.png")
    assert pixel_diff(activations, back).changed < 0.002 * diff.total
    assert page.evaluate(memory) == baseline
    assert not page_log.problems(), page_log.problems()


def _box(page, node: str) -> dict:
    box = page.evaluate(f"(n) => {_ROOT}.__layerscape.screenBox(n)", node)
    assert box is not None, f"{node} is not on screen"
    return box


def _height(box: dict) -> float:
    return box["y1"] - box["y0"]


def test_a_layer_showing_weights_takes_its_picture_s_footprint(lenet_weights_page, page, page_log):
    # Dense 400 x 120: a tall heat map, not the 16 x 8 grid of its 120 neurons.
    path, view = lenet_weights_page
    nodes = view.graph["nodes"]
    dense = next(n["id"] for n in nodes if n["class_name"] == "Dense")
    flatten = next(n["id"] for n in nodes if n["class_name"] == "Flatten")  # has no weights
    root = open_view(page, path)
    before = _height(_box(page, dense)) / _height(_box(page, flatten))
    root.locator(".ls-weights").click()
    settle(page)  # the tween has landed
    box = _box(page, dense)
    after = _height(box) / _height(_box(page, flatten))
    assert after > 2.5 * before, (before, after)
    assert _height(box) > 2 * (box["x1"] - box["x0"])  # the kernel's 400 rows stand up
    captions = root.locator(".ls-caption:visible").all_inner_texts()
    assert any("kernel 400\u00d7120 + bias 120" in c for c in captions), captions
    # The output's unit labels and badge give way to its weights.
    assert root.locator(".ls-unit:visible").count() == 0
    assert root.locator(".ls-badge:visible").count() == 0
    root.locator(".ls-weights").click()
    settle(page)
    assert root.locator(".ls-unit:visible").count() > 0
    assert abs(_height(_box(page, dense)) / _height(_box(page, flatten)) - before) < 0.01
    assert not page_log.problems(), page_log.problems()


def test_a_first_layer_on_rgb_shows_a_colour_tile_per_filter(page, page_log, artifacts, tmp_path):
    import keras

    from tests.support.pixels import decode_png

    keras.utils.set_random_seed(5)
    inp = keras.Input((16, 16, 3))
    conv = keras.layers.Conv2D(8, 3, name="rgb_conv")
    out = keras.layers.Dense(3)(keras.layers.Flatten()(conv(inp)))
    model = keras.Model(inp, out)
    view = ModelView(model)
    view.predict(np.random.default_rng(0).random((16, 16, 3), dtype="f4"))
    view.show_weights("rgb_conv")
    root = open_view(page, view.save_html(tmp_path / "rgb.html"))
    assert root.get_attribute("data-weights") == "rgb_conv"
    shot = shoot(root.locator("canvas").first, artifacts / "rgb-tiles.png")
    root.screenshot(path=str(artifacts / "rgb-widget.png"))

    kernel = conv.get_weights()[0]  # (3, 3, 3, 8): 216 weights, float32
    index = [1, 2, 0, 5]
    point = page.evaluate(
        f"([n, i]) => {_ROOT}.__layerscape.weightPoint(n, 'kernel', i)", ["rgb_conv", index]
    )
    # The tile's colour there: each input channel's weight around 0.5 on the layer's max |w|.
    canvas = root.locator("canvas").first.bounding_box()
    image = decode_png(shot)
    x, y = int(point["x"] - canvas["x"]), int(point["y"] - canvas["y"])
    m = max(np.abs(kernel).max(), np.abs(conv.get_weights()[1]).max())
    expected = np.clip(0.5 + kernel[1, 2, :, 5] / (2 * m), 0, 1) * 255
    assert np.abs(image[y, x, :3].astype(float) - expected).max() < 24, (image[y, x], expected)

    page.mouse.move(point["x"], point["y"])
    text = wait_for(
        page,
        "() => { const t = document.querySelector('.layerscape .ls-tooltip');"
        " return t && t.innerText.includes('kernel[1, 2, :, 5] = (') && t.innerText; }",
        what="the colour tile's tooltip",
    )
    root.screenshot(path=str(artifacts / "rgb-hover.png"))
    found = re.search(r"kernel\[1, 2, :, 5\] = \(([^)]*)\)", text)
    shown = [np.float32(float(v)) for v in found.group(1).split(",")]
    assert shown == list(kernel[1, 2, :, 5]), (shown, kernel[1, 2, :, 5])
    assert "red, green, blue" in text
    assert not page_log.problems(), page_log.problems()


def test_weights_not_sent_say_so(lenet, digits, page, page_log, tmp_path, monkeypatch):
    from layerscape import widget

    monkeypatch.setattr(widget, "PAGE_WEIGHTS_BYTES", 0)  # no weights beside the activations
    view = ModelView(lenet)
    view.predict(digits[0][0])
    dense = next(n["id"] for n in view.graph["nodes"] if n["class_name"] == "Dense")
    root = open_view(page, view.save_html(tmp_path / "unsent.html"))
    root.locator(".ls-weights").click()
    settle(page)
    captions = root.locator(".ls-caption:visible").all_inner_texts()
    assert any("kernel 400\u00d7120 + bias 120 · not sent" in c for c in captions), captions
    point = page.evaluate(f"(n) => {_ROOT}.__layerscape.project(n)", dense)
    page.mouse.move(point["x"], point["y"])
    wait_for(
        page,
        "() => { const t = document.querySelector('.layerscape .ls-tooltip');"
        " return t && t.innerText.includes('weights not sent'); }",
        what="the tooltip saying the weights were not sent",
    )
    assert not page_log.problems(), page_log.problems()


def test_a_page_saved_showing_weights_switches_back_to_the_same_activations(
    lenet, digits, page, page_log, artifacts, tmp_path
):
    # The layers' own visuals are built at their weights' size there: back to activations,
    # the picture is the one a page saved without weights draws.
    view = ModelView(lenet, labels=[str(d) for d in range(10)])
    view.predict(digits[0][3])
    plain = view.save_html(tmp_path / "plain.html")
    view.show_weights("all")
    shown = view.save_html(tmp_path / "shown.html")
    root = open_view(page, plain)
    expected = shoot(root.locator("canvas").first, artifacts / "plain.png")
    root = open_view(page, shown)
    assert root.get_attribute("data-weights").split() == view.weights_shown
    assert root.locator(".ls-weights").inner_text() == "Activations"
    root.locator(".ls-weights").click()
    back = shoot(root.locator("canvas").first, artifacts / "switched-back.png")
    diff = pixel_diff(expected, back)
    assert diff.changed < 0.002 * diff.total, diff.describe()
    assert not page_log.problems(), page_log.problems()
