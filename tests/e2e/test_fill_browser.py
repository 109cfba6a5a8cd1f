"""The view filled: a big model wraps into rows that fill the view, a tiny one is centred.

ResNet50 (``weights=None``, its real 224x224 input: what a user sees) is saved after one
predict and opened at the default size (1280x560): the model covers at least 15 % of the
canvas's pixels, every caption shown is on screen and none overlaps another; when the
view turns narrow and tall, the rows wrap anew and the model stays in view. A tiny MLP
with class labels is centred in its view, its output's caption under its units.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.page import (
    API,
    caption_box_problems,
    label_problems,
    open_view,
    settle,
    shoot,
    visible_labels,
    wait_for,
)
from tests.support.pixels import drawn_fraction

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 1280, 560
MIN_FILL = 0.15


@pytest.fixture(scope="module")
def resnet_page(tmp_path_factory) -> Path:
    import keras
    import numpy as np

    from layerscape import ModelView

    keras.utils.set_random_seed(0)
    model = keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3))
    view = ModelView(model, fold="none")  # every layer laid out: the hardest case to fill
    view.predict(np.random.default_rng(0).random((224, 224, 3), dtype=np.float32) * 255)
    return view.save_html(tmp_path_factory.mktemp("fill") / "resnet50.html")


@pytest.fixture(scope="module")
def mlp_page(tmp_path_factory) -> Path:
    import keras
    import numpy as np
    from keras import layers

    from layerscape import ModelView

    x = inputs = keras.Input((4,), name="features")
    x = layers.Dense(8, activation="relu", name="hidden")(x)
    outputs = layers.Dense(3, activation="softmax", name="species")(x)
    view = ModelView(keras.Model(inputs, outputs), labels=["setosa", "versicolor", "virginica"])
    view.predict(np.array([0.1, 0.5, 0.2, 0.9], dtype=np.float32))
    return view.save_html(tmp_path_factory.mktemp("fill") / "mlp.html")


def _canvas(page) -> dict:
    return page.locator(".layerscape canvas").bounding_box()


def test_resnet50_fills_the_view_with_readable_captions(page, page_log, resnet_page, artifacts):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    root = open_view(page, resnet_page, timeout=120)
    assert page.evaluate(f"{API}.rows()") > 1
    png = shoot(page.locator(".layerscape canvas"), artifacts / "resnet50.png", timeout=60)
    root.screenshot(path=str(artifacts / "resnet50-with-labels.png"))
    fill = drawn_fraction(png)
    assert fill >= MIN_FILL, f"ResNet50 covers {fill:.1%} of the canvas (< {MIN_FILL:.0%})"
    labels = visible_labels(page)
    assert len(labels) >= 30, f"only {len(labels)} captions shown"
    problems = label_problems(page)
    assert problems == {"off": [], "overlapping": []}, problems
    assert caption_box_problems(page) == {"into": [], "away": []}
    assert page_log.problems() == []


def test_a_narrow_view_wraps_anew_and_keeps_the_model_in_view(page, page_log, resnet_page):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    open_view(page, resnet_page, timeout=120)
    wide_rows = page.evaluate(f"{API}.rows()")
    page.set_viewport_size({"width": 560, "height": 900})
    # Debounced: the rows follow once the new size has held, then tween there.
    wait_for(page, f"() => {API}.rows() > {wide_rows}", timeout=30, what="the rows to wrap anew")
    settle(page, timeout=60)
    canvas = _canvas(page)
    for layer in ("input_layer", "conv1_conv", "conv3_block1_add", "predictions"):
        box = page.evaluate(f"{API}.screenBox({layer!r})")
        assert box is not None, layer
        assert box["x0"] >= canvas["x"] - 1 and box["x1"] <= canvas["x"] + canvas["width"] + 1, (
            layer,
            box,
            canvas,
        )
        assert box["y0"] >= canvas["y"] - 1 and box["y1"] <= canvas["y"] + canvas["height"] + 1, (
            layer,
            box,
            canvas,
        )
    assert label_problems(page) == {"off": [], "overlapping": []}
    assert page_log.problems() == []


def test_a_tiny_mlp_is_centred_with_its_caption_under_its_output(page, page_log, mlp_page):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    open_view(page, mlp_page)
    canvas = _canvas(page)
    labels = visible_labels(page)
    first = page.evaluate(f"{API}.screenBox('features')")
    units = [r for r in labels if r["text"].startswith(("setosa", "versicolor", "virginica"))]
    assert len(units) == 3, labels
    # What is drawn: from the input's box to the end of the output's unit labels.
    left = first["x0"]
    right = max(r["x1"] for r in units)
    middle = (left + right) / 2
    centre = canvas["x"] + canvas["width"] / 2
    assert abs(middle - centre) < 0.05 * canvas["width"], (left, right, canvas)
    # The output's caption hangs under its units, not under the room kept for their labels.
    output = page.evaluate(f"{API}.project('species')")
    caption = next(r for r in labels if r["text"].startswith("species"))
    caption_x = (caption["x0"] + caption["x1"]) / 2
    unit_width = min(r["x0"] for r in units) - output["x"]
    assert abs(caption_x - output["x"]) < max(24.0, unit_width), (caption, output)
    assert label_problems(page) == {"off": [], "overlapping": []}
    assert page_log.problems() == []
