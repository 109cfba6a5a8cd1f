"""Outputs drawn as what they are, in an exported page: a generator's output is a
greyscale picture (not the colour map), and a detector's boxes are outlined on its input
picture, closed or open, with their grid cells."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from layerscape import ModelView
from tests.support.leaks import RENDER_JS, SNAPSHOT_JS, clean_up, instrument
from tests.support.page import API, open_view, settle, shoot, wait_for
from tests.support.pixels import decode_png

pytestmark = pytest.mark.e2e

_ROOT = "document.querySelector('.layerscape')"
BOX = {"x0": 4.0, "y0": 6.0, "x1": 22.0, "y1": 20.0, "label": "square", "score": 0.93}


def _generator() -> keras.Model:
    init = keras.initializers.RandomNormal(stddev=1.5, seed=3)
    return keras.Sequential(
        [
            keras.Input((16,)),
            keras.layers.Dense(28 * 28, activation="sigmoid", kernel_initializer=init),
            keras.layers.Reshape((28, 28, 1)),
        ],
        name="generator",
    )


def _detector() -> keras.Model:
    inp = keras.Input((32, 32, 3), name="picture")
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(inp)
    grid = keras.layers.Conv2D(6, 3, strides=4, padding="same", name="grid")(x)
    return keras.Model(inp, grid, name="detector")


def _square() -> np.ndarray:
    image = np.zeros((32, 32, 3), "float32")
    image[6:20, 4:22] = (0.9, 0.9, 0.9)
    return image


def _crop(png: bytes, page, canvas, node_id: str) -> np.ndarray:
    """The part of a canvas screenshot inside a layer's box on screen (RGB)."""
    image = decode_png(png)[..., :3].astype(np.int64)
    bounds = canvas.bounding_box()
    box = page.evaluate(f"(id) => {API}.screenBox(id)", node_id)
    assert box is not None, f"{node_id} is not on screen"
    x0 = max(0, int(box["x0"] - bounds["x"]))
    y0 = max(0, int(box["y0"] - bounds["y"]))
    x1 = int(box["x1"] - bounds["x"]) + 1
    y1 = int(box["y1"] - bounds["y"]) + 1
    crop = image[y0:y1, x0:x1]
    assert crop.size > 0, f"{node_id}'s box {box} is off the canvas {bounds}"
    return crop


def _coloured(rgb: np.ndarray, spread: int = 40) -> float:
    """Share of pixels that are not grey (channels further apart than ``spread``)."""
    return float(((rgb.max(axis=-1) - rgb.min(axis=-1)) > spread).mean())


def _box_coloured(rgb: np.ndarray) -> int:
    """Pixels near the boxes' outline colour (cyan, #00d5ff)."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return int(((r < 90) & (g > 150) & (b > 200)).sum())


@pytest.fixture(scope="module")
def generator_pages(tmp_path_factory) -> tuple[Path, Path, str]:
    model = _generator()
    folder = tmp_path_factory.mktemp("outputs")
    z = np.random.default_rng(0).normal(size=16).astype("float32")
    paths = []
    for images in ("auto", None):
        view = ModelView(model, images=images)
        view.predict(z)
        paths.append(view.save_html(folder / f"generator-{images}.html"))
    output = view.graph["outputs"][0]
    return paths[0], paths[1], output


def test_a_generator_output_is_a_greyscale_picture(generator_pages, page, page_log, artifacts):
    picture_page, heat_page, output = generator_pages
    root = open_view(page, picture_page)
    canvas = root.locator("canvas").first
    png = shoot(canvas, artifacts / "generator-picture.png")
    page.screenshot(path=str(artifacts / "generator-picture-page.png"))
    rgb = _crop(png, page, canvas, output)
    assert _coloured(rgb) < 0.02, f"{_coloured(rgb):.1%} of the output's pixels are coloured"
    lum = rgb.mean(axis=-1)
    assert lum.std() > 20, f"the picture looks flat (luminance std {lum.std():.1f})"
    assert page_log.problems() == []

    root = open_view(page, heat_page)
    canvas = root.locator("canvas").first
    png = shoot(canvas, artifacts / "generator-heatmap.png")
    rgb = _crop(png, page, canvas, output)
    assert _coloured(rgb) > 0.2, f"images=None: only {_coloured(rgb):.1%} coloured pixels"
    assert page_log.problems() == []


@pytest.fixture(scope="module")
def detector_pages(tmp_path_factory) -> tuple[Path, Path, Path]:
    model = _detector()
    folder = tmp_path_factory.mktemp("boxes")
    seen: list[tuple[int, ...]] = []

    def boxes(outputs):
        seen.append(np.shape(outputs))
        return [{**BOX, "cell": (1, 2)}]

    view = ModelView(model, boxes=boxes)
    view.predict(_square())
    assert seen == [(8, 8, 6)]
    with_boxes = view.save_html(folder / "boxes.html")
    plain = ModelView(model)
    plain.predict(_square())
    without = plain.save_html(folder / "no-boxes.html")

    def failing(outputs):
        raise RuntimeError("the decoder broke")

    broken = ModelView(model, boxes=failing)
    with pytest.raises(RuntimeError, match="the decoder broke"):
        broken.predict(_square())
    return with_boxes, without, broken.save_html(folder / "broken.html")


def test_boxes_are_outlined_on_the_input_closed_and_open(detector_pages, page, page_log, artifacts):
    with_boxes, without, _ = detector_pages
    root = open_view(page, without)
    canvas = root.locator("canvas").first
    plain = _box_coloured(_crop(shoot(canvas), page, canvas, "picture"))
    assert root.get_attribute("data-boxes") == "0"

    root = open_view(page, with_boxes)
    wait_for(page, f"() => {_ROOT}.dataset.boxes === '1'", what="data-boxes to be 1")
    canvas = root.locator("canvas").first
    png = shoot(canvas, artifacts / "boxes-closed.png")
    page.screenshot(path=str(artifacts / "boxes-closed-page.png"))
    outlined = _box_coloured(_crop(png, page, canvas, "picture"))
    assert outlined > plain + 20, f"{outlined} box-coloured pixels on the input (without: {plain})"
    assert _box_coloured(_crop(png, page, canvas, "grid")) > 4, "the producing cell is not outlined"
    assert root.locator(".ls-box-label").first.inner_text() == "square 0.93"
    assert root.locator(".ls-boxes-error").is_hidden()

    page.evaluate(f"{API}.toggle('picture')")
    wait_for(page, f"() => {_ROOT}.dataset.open === 'picture'", what="the input to open")
    settle(page)
    png = shoot(canvas, artifacts / "boxes-open.png")
    page.screenshot(path=str(artifacts / "boxes-open-page.png"))
    assert root.get_attribute("data-boxes") == "1"
    opened = _box_coloured(_crop(png, page, canvas, "picture"))
    assert opened > plain + 20, f"open input: {opened} box-coloured pixels (without: {plain})"

    # A new prediction's boxes replace the old ones (what a notebook's predict sends).
    state = page.evaluate("() => window.layerscapePage.model.get('_boxes')")
    two = {
        **state,
        "seq": 2,
        "boxes": [
            {**BOX, "cell": None},
            {**BOX, "label": "disc", "x0": 20, "x1": 30, "cell": [3, 3]},
        ],
    }
    page.evaluate("(s) => window.layerscapePage.model.set('_boxes', s)", two)
    wait_for(page, f"() => {_ROOT}.dataset.boxes === '2'", what="data-boxes to be 2")
    labels = sorted(t for t in root.locator(".ls-box-label").all_inner_texts())
    assert labels == ["disc 0.93", "square 0.93"]
    page.evaluate("() => window.layerscapePage.model.set('_boxes', {})")
    wait_for(page, f"() => {_ROOT}.dataset.boxes === '0'", what="data-boxes to be 0")
    assert root.locator(".ls-box-label").count() == 0
    assert page_log.problems() == []


def test_a_failing_boxes_function_is_a_notice_not_a_blank_view(
    detector_pages, page, page_log, artifacts
):
    _, _, broken = detector_pages
    root = open_view(page, broken)
    notice = root.locator(".ls-boxes-error")
    assert notice.is_visible()
    assert "RuntimeError: the decoder broke" in notice.inner_text()
    assert root.get_attribute("data-boxes") == "0"
    assert root.get_attribute("data-predictions") == "1"
    page.screenshot(path=str(artifacts / "boxes-error-page.png"))
    assert page_log.problems() == []


def test_boxes_and_pictures_are_cleaned_up(detector_pages, page, page_log, tmp_path):
    with_boxes, _, _ = detector_pages
    html = instrument(with_boxes, tmp_path / "boxes-counted.html")
    open_view(page, html)
    clean_up(page)
    baseline = page.evaluate(SNAPSHOT_JS)
    assert page.evaluate(RENDER_JS) == "ready"
    wait_for(page, f"() => {_ROOT}.dataset.boxes === '1'", what="data-boxes to be 1")
    # Boxes on an open input, then other boxes, then none: each outline buffer is freed.
    page.evaluate("api.toggle('picture'); api.toggle('grid')")
    settle(page)
    page.evaluate(
        "() => { const m = layerscapePage.model; const s = m.get('_boxes');"
        " m.set('_boxes', {...s, boxes: [...s.boxes, ...s.boxes, ...s.boxes]}); }"
    )
    wait_for(page, f"() => {_ROOT}.dataset.boxes === '3'", what="data-boxes to be 3")
    assert page.locator(".ls-box-label").count() == 3
    clean_up(page)
    left = page.evaluate(SNAPSHOT_JS)
    assert left == baseline, f"left behind: {left} (before this view: {baseline})"
    assert page_log.problems() == []
