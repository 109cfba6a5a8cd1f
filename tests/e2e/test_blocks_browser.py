"""Every building block drawn in a real browser, from one exported page.

One model holds a layer of every family: an RGB image input, a Conv2D feature map, a
Conv3D volume (through a Reshape to 5D), Conv1D and LSTM sequences, Dense vectors
(one 4096 long), Dropout, Flatten, Reshape, a custom layer with a rank-5 output and a
labelled softmax output. The page must come up with no console error and a drawn
canvas; opening each layer that opens must change the picture; the tooltips and the
captions must say what each block is (activation, regularizer, rate, reshape) and the
corner legend must keep the hovered layer's scale with its numbers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.blocks import FAMILIES, OPENABLE
from tests.support.leaks import (
    RENDER_JS,
    SNAPSHOT_JS,
    clean_up,
    instrument,
    snapshots_after_rebuilds,
)
from tests.support.page import API, hover_tooltip, leave_tooltip, open_view, settle, shoot
from tests.support.pixels import assert_drawn, pixel_diff

pytestmark = pytest.mark.e2e

TIMES = "\u00d7"  # the multiplication sign captions write shapes with

# Opening a layer must change at least this share of the canvas' pixels: 0.1% is
# 1,275 pixels of the 1280x996 canvas. The smallest change, the 22x6 Conv1D opening
# into six strips, is about 0.2%; a layer that does not open changes none.
MIN_OPEN_CHANGE = 0.001


def test_every_family_renders_and_each_openable_layer_opens(
    blocks_page: Path, page, page_log, artifacts: Path
):
    root = open_view(page, blocks_page)
    assert root.get_attribute("data-predictions") == "1"
    canvas = page.locator(".layerscape canvas")
    closed = shoot(canvas, artifacts / "closed.png")
    assert_drawn(closed, "the closed blocks")
    for node_id in FAMILIES:
        assert page.evaluate(f"{API}.project({node_id!r})") is not None, node_id

    changes = {}
    for node_id in OPENABLE:
        page.evaluate(f"{API}.toggle({node_id!r})")
        assert page.evaluate(f"{API}.openIds()") == [node_id]
        opened = shoot(canvas, artifacts / f"open-{node_id}.png")
        changes[node_id] = pixel_diff(closed, opened)
        page.evaluate(f"{API}.toggle({node_id!r})")
        assert page.evaluate(f"{API}.openIds()") == []
    small = {k: d.describe() for k, d in changes.items() if d.fraction < MIN_OPEN_CHANGE}
    assert not small, small
    # Closing again restores the closed picture.
    again = shoot(canvas)
    assert pixel_diff(closed, again).fraction < 0.001

    # What cannot open does not.
    for node_id in ("dense", "drop", "odd", "out"):
        page.evaluate(f"{API}.toggle({node_id!r})")
        assert page.evaluate(f"{API}.openIds()") == [], node_id
    assert page_log.problems() == []


def test_tooltips_captions_and_the_corner_legend_say_what_each_block_is(
    blocks_page: Path, page, page_log
):
    open_view(page, blocks_page)
    labels = page.locator(".layerscape .ls-labels").inner_text().replace(TIMES, "x")
    assert "14x14x4 → 784" in labels  # Flatten: the shape it came from and goes to
    assert "Dropout rate 0.5" in labels
    assert "Rank5 2x2x2x2x2" in labels  # the custom layer: a box with class and shape

    tooltip = hover_tooltip(page, "conv")
    text = tooltip.inner_text()
    assert "mean over 4 channels" in text and re.search(r"activation\s+relu", text), text
    leave_tooltip(page, tooltip)
    # The corner legend stays: the layer, what the colours show, the numbers at both ends.
    legend = page.locator(".layerscape .ls-legend")
    assert legend.is_visible()
    legend_text = legend.inner_text()
    assert legend_text.startswith("conv") and "mean over 4 channels" in legend_text, legend_text
    assert len(re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?", legend_text)) >= 3, legend_text

    tooltip = hover_tooltip(page, "dense")
    text = tooltip.inner_text()
    assert re.search(r"kernel_regularizer\s+L2\(0\.01\)", text), text
    assert re.search(r"activation\s+sigmoid", text), text
    leave_tooltip(page, tooltip)
    assert page.locator(".layerscape .ls-legend").inner_text().startswith("dense")

    tooltip = hover_tooltip(page, "drop")
    text = tooltip.inner_text()
    assert re.search(r"rate\s+0\.5", text) and "unchanged" in text, text
    leave_tooltip(page, tooltip)

    tooltip = hover_tooltip(page, "conv3d")
    text = tooltip.inner_text()
    assert "mean over 3 channels, 2 depth slices" in text, text
    assert re.search(r"activation\s+tanh", text), text
    leave_tooltip(page, tooltip)
    assert page_log.problems() == []


def test_every_family_frees_what_it_made(blocks_page: Path, page, page_log, tmp_path: Path):
    """Volumes, strips, colour planes, slabs and reshape fans dispose every GPU object:
    with every openable layer open, rebuilding the scene holds the same objects each
    time, and the cleanup leaves what was there before the view (see test_cleanup)."""
    open_view(page, instrument(blocks_page, tmp_path / "blocks-cleanup.html"))
    clean_up(page)
    baseline = page.evaluate(SNAPSHOT_JS)

    assert page.evaluate(RENDER_JS) == "ready"
    for node_id in OPENABLE:
        page.evaluate(f"api.toggle({node_id!r})")
    settle(page)
    assert page.evaluate("api.openIds()") == list(OPENABLE)
    alive = snapshots_after_rebuilds(page)
    assert alive[0] == alive[1] == alive[2], f"rebuilds pile up GPU objects: {alive}"
    # the open layers' atlases exist: more data textures than the closed view's
    assert alive[0]["dataTextures"] > len(OPENABLE)

    clean_up(page)
    assert page.evaluate(SNAPSHOT_JS) == baseline
    assert page_log.problems() == []
