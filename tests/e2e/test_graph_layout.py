"""Branched graphs in the browser: fly_to, merge badges, labels by level of detail.

A small functional model with residual adds, a multiply and an inception-style
concatenation is exported with ``save_html`` before and after ``view.fly_to(...)``.
After the flight the layer sits near the middle of the canvas and is much bigger on
screen; each merge layer shows its operator; captions never overlap, and a caption
that has no room in the whole-model view appears once the camera is close.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.page import API, open_view, rects_overlap, settle

pytestmark = pytest.mark.e2e

TARGET = "block6_conv2"
BLOCKS = 12
# Small enough that the small layers still crowd: at 640x400 every caption near the
# target now fits far away in its short form (the name alone).
SMALL_VIEW = {"width": 560, "height": 360}


def _branched_model():
    import keras
    from keras import layers

    x = inputs = keras.Input((24, 24, 3), name="image")
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="stem")(x)
    for b in range(1, BLOCKS + 1):
        y = layers.Conv2D(8, 3, padding="same", activation="relu", name=f"block{b}_conv1")(x)
        y = layers.Conv2D(8, 3, padding="same", name=f"block{b}_conv2")(y)
        x = layers.Add(name=f"block{b}_add")([x, y])
    gate = layers.Conv2D(8, 1, activation="sigmoid", name="gate")(x)
    x = layers.Multiply(name="gated")([x, gate])
    branches = [
        layers.Conv2D(4, 1, name="branch_1x1")(x),
        layers.Conv2D(4, 3, padding="same", name="branch_3x3")(
            layers.Conv2D(4, 1, name="branch_3x3_reduce")(x)
        ),
        layers.MaxPooling2D(3, 1, padding="same", name="branch_pool")(x),
    ]
    x = layers.Concatenate(name="mixed")(branches)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    return keras.Model(inputs, layers.Dense(5, activation="softmax", name="out")(x), name="branchy")


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> tuple[Path, Path]:
    import numpy as np

    from layerscape import ModelView

    view = ModelView(_branched_model())
    view.predict(np.random.default_rng(0).random((24, 24, 3), dtype=np.float32))
    folder = tmp_path_factory.mktemp("graph_layout")
    before = view.save_html(folder / "before.html")
    view.fly_to(TARGET)
    after = view.save_html(folder / "after.html")
    return before, after


def _canvas(page) -> dict:
    return page.locator(".layerscape canvas").bounding_box()


def _area(box: dict) -> float:
    return (box["x1"] - box["x0"]) * (box["y1"] - box["y0"])


def _visible_label_rects(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.layerscape .ls-label')]
            .filter((el) => el.style.display !== 'none' && el.offsetWidth > 0)
            .map((el) => { const r = el.getBoundingClientRect();
                           return {text: el.textContent, x0: r.left, y0: r.top,
                                   x1: r.right, y1: r.bottom}; })"""
    )


def _overlaps(rects: list[dict], slack: float = 2.5) -> list[str]:
    found = []
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            if rects_overlap(a, b, slack):
                found.append(f"{a['text']!r} / {b['text']!r}")
    return found


def _caption_visible(page, layer: str) -> bool:
    return page.evaluate(
        """(name) => [...document.querySelectorAll('.layerscape .ls-caption')].some(
            (el) => el.style.display !== 'none' && el.firstChild?.textContent === name)""",
        layer,
    )


def test_fly_to_frames_the_layer(page, page_log, pages, artifacts: Path):
    before, after = pages
    open_view(page, before)
    far_box = page.evaluate(f"{API}.screenBox({TARGET!r})")
    assert far_box is not None
    page.screenshot(path=str(artifacts / "before.png"))

    root = open_view(page, after)
    page.locator(f'.layerscape[data-focus="{TARGET}"]').wait_for(timeout=30_000)
    settle(page)
    page.screenshot(path=str(artifacts / "after.png"))
    canvas = _canvas(page)
    point = page.evaluate(f"{API}.project({TARGET!r})")
    near_box = page.evaluate(f"{API}.screenBox({TARGET!r})")
    cx = canvas["x"] + canvas["width"] / 2
    cy = canvas["y"] + canvas["height"] / 2
    assert abs(point["x"] - cx) < 0.08 * canvas["width"], (point, canvas)
    assert abs(point["y"] - cy) < 0.08 * canvas["height"], (point, canvas)
    assert _area(near_box) > 20 * _area(far_box), (far_box, near_box)
    # the focused layer's caption is shown first
    assert _caption_visible(page, TARGET)

    # Flying again from the page (the trait changing) animates to the new layer;
    # Reset view goes back to the whole model and clears the focus.
    page.evaluate("window.layerscapePage.model.set('_focus', {id: 'mixed', n: 2})")
    page.locator('.layerscape[data-focus="mixed"]').wait_for(timeout=30_000)
    settle(page)
    mixed = page.evaluate(f"{API}.project('mixed')")
    assert abs(mixed["x"] - cx) < 0.08 * canvas["width"], (mixed, canvas)
    page.locator(".ls-reset").click()
    page.locator('.layerscape[data-focus=""]').wait_for(timeout=10_000)
    back = page.evaluate(f"{API}.screenBox({TARGET!r})")
    assert _area(back) == pytest.approx(_area(far_box), rel=0.05)
    assert root.get_attribute("data-state") == "ready"
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_merges_show_their_operator(page, page_log, pages):
    before, _ = pages
    open_view(page, before)
    badges = sorted(page.locator(".layerscape .ls-merge").all_text_contents())
    assert badges == ["+"] * BLOCKS + ["concat", "\u00d7"]
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_labels_appear_by_level_of_detail_and_never_overlap(page, page_log, pages):
    before, after = pages
    # A small view: wrapped into rows for a big one, the model leaves room for nearly
    # every caption; in this one the small layers still crowd.
    page.set_viewport_size(SMALL_VIEW)
    open_view(page, before)
    far = _visible_label_rects(page)
    assert far, "no label shown in the whole-model view"
    assert not _overlaps(far), _overlaps(far)
    hidden_far = not _caption_visible(page, "block6_conv1")

    open_view(page, after)
    page.locator(f'.layerscape[data-focus="{TARGET}"]').wait_for(timeout=30_000)
    settle(page)
    near = _visible_label_rects(page)
    assert not _overlaps(near), _overlaps(near)
    assert _caption_visible(page, "block6_conv1")
    # In the whole-model view the small layers crowd: some captions give way.
    captions = page.locator(".layerscape .ls-caption").count()
    assert page.evaluate(f"{API}.visibleLabels()") == len(near)
    assert len(far) < captions + BLOCKS + 2, (len(far), captions)
    assert hidden_far, "block6_conv1's caption already fits far away: the model is too small"
    assert not page_log.problems(), "\n".join(page_log.problems())
