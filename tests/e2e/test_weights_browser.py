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
