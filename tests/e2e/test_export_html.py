"""`layerscape demo --output PATH` writes one page that works offline from file://.

The demo trains a LeNet, predicts one digit and exports the view (``write_demo``, what
the command runs; trained once per session: the ``trained_demo`` fixture); Chromium opens the
file with every non-file request aborted and logged, and the page must come up with
that prediction drawn: state ``ready``, ``data-predictions`` "1", a canvas that is not
blank, no console error, no uncaught exception, no request leaving the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.chromium import PlaywrightTimeoutError, guard_network
from tests.support.demo import DemoPage
from tests.support.page import API, hover_tooltip, leave_tooltip, open_view, shoot, wait_for
from tests.support.pixels import assert_drawn, decode_png

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_html(trained_demo: DemoPage) -> Path:
    return trained_demo.path


def test_exported_demo_renders_offline(demo_html: Path, page, page_log, artifacts: Path):
    net = guard_network(page.context, allowed_prefixes=("file:", "data:", "blob:"))
    page.goto(demo_html.as_uri(), wait_until="load")

    root = page.locator(".layerscape")
    try:
        root.first.wait_for(state="attached", timeout=30_000)
    except PlaywrightTimeoutError:
        pytest.fail(
            "no .layerscape element appeared within 30 s; page text: "
            f"{page.inner_text('body')[:500]!r}\n" + "\n".join(page_log.problems())
        )
    assert root.count() == 1, f"expected one .layerscape root, found {root.count()}"
    wait_for(
        page,
        "() => ['ready', 'error'].includes(document.querySelector('.layerscape').dataset.state)",
        timeout=60,
        what="the view to be ready",
    )
    state = root.get_attribute("data-state")
    assert state == "ready", (
        f"data-state={state!r}; text: {root.inner_text()[:500]!r}\n"
        + "\n".join(page_log.problems())
    )
    assert root.get_attribute("data-predictions") == "1"

    canvas = root.locator("canvas")
    assert canvas.count() == 1, f"the widget should hold one <canvas>, found {canvas.count()}"
    # Screen readers get the model in words.
    assert canvas.get_attribute("role") == "img"
    assert canvas.get_attribute("aria-label").startswith(
        "3D view of the model lenet: InputLayer, ZeroPadding2D, Conv2D, MaxPooling2D"
    )
    stats = assert_drawn(canvas, "the exported canvas", artifacts / "demo-canvas.png")
    page.screenshot(path=str(artifacts / "demo-page.png"))
    assert stats.width > 100 and stats.height > 100, f"canvas too small: {stats.describe()}"

    # The page fills the window and follows it (ResizeObserver for the width, the
    # height trait for the height): a smaller window, a smaller canvas, still drawn.
    page.set_viewport_size({"width": 900, "height": 500})
    wait_for(
        page,
        "() => { const r = document.querySelector('.layerscape canvas')"
        ".getBoundingClientRect(); return Math.abs(r.width - 900) < 40"
        " && r.height <= 500; }",
        what="the canvas to follow the window",
    )
    assert_drawn(canvas, "the canvas after a resize", artifacts / "demo-canvas-900px.png")

    # Late loads (fonts, textures, workers) show up in the log before the network is idle.
    page.wait_for_load_state("networkidle")
    assert not net.offending, f"the exported page tried to reach the network: {net.offending}"
    assert not page_log.problems(), "\n".join(page_log.problems())
    assert root.get_attribute("data-state") == "ready"


def _background_luminance(page, artifacts: Path, name: str) -> float:
    png = shoot(page.locator(".layerscape canvas"), artifacts / name)
    rgb = decode_png(png)[..., :3].astype(float)
    corner = rgb[:20, :20].reshape(-1, 3).mean(axis=0)  # empty space, top left
    return float(0.299 * corner[0] + 0.587 * corner[1] + 0.114 * corner[2])


def test_hover_shows_the_layer_as_text_and_idle_draws_nothing(demo_html: Path, page, page_log):
    open_view(page, demo_html)

    # Render on demand: a view nobody touches draws no frames. A fixed time on purpose:
    # it measures that nothing happens in it (open_view has let the view settle).
    before = page.evaluate(f"{API}.frames()")
    page.wait_for_timeout(1500)
    assert page.evaluate(f"{API}.frames()") == before, "an idle view kept drawing frames"

    tooltip = hover_tooltip(page, "conv2d")
    text = tooltip.inner_text()
    times = "\N{MULTIPLICATION SIGN}"  # the view writes shapes with a times sign
    for expected in ("conv2d", "Conv2D", f"28{times}28{times}6", "156", "relu", f"5{times}5"):
        assert expected in text, f"tooltip lacks {expected!r}: {text!r}"
    # The colour scale of the layer, with its numbers and what a closed layer shows.
    assert tooltip.locator(".ls-tt-bar").count() == 1 and "mean over 6 channels" in text

    leave_tooltip(page, tooltip)
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_theme_follows_the_page_and_the_option(
    demo_html: Path, page, page_log, artifacts: Path, tmp_path: Path
):
    page.emulate_media(color_scheme="light")
    open_view(page, demo_html)
    light = _background_luminance(page, artifacts, "auto-light.png")

    page.emulate_media(color_scheme="dark")
    page.reload()
    open_view(page, demo_html)
    dark = _background_luminance(page, artifacts, "auto-dark.png")
    assert light > 200 and dark < 60, f"auto theme: light bg {light:.0f}, dark bg {dark:.0f}"

    # theme="dark" wins over a light page.
    forced = tmp_path / "forced-dark.html"
    forced.write_text(demo_html.read_text().replace('"theme": "auto"', '"theme": "dark"'))
    page.emulate_media(color_scheme="light")
    open_view(page, forced)
    assert _background_luminance(page, artifacts, "forced-dark.png") < 60
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_open_dimensions_take_the_predicted_sizes(page, page_log, tmp_path: Path):
    # A text model: sequences of any length (None). Once a 7-token sentence is
    # predicted, the page lays those layers out 7 steps long.
    import keras
    import numpy as np

    from layerscape import ModelView

    tokens = keras.Input((None,), dtype="int32", name="ids")
    x = keras.layers.Embedding(50, 8, name="emb")(tokens)
    x = keras.layers.GlobalMaxPooling1D()(x)
    model = keras.Model(tokens, keras.layers.Dense(2, activation="softmax")(x))
    view = ModelView(model, labels=["neg", "pos"])
    view.predict(np.array([3, 7, 11, 2, 9, 1, 4]))
    root = open_view(page, view.save_html(tmp_path / "text.html"))
    times = "\N{MULTIPLICATION SIGN}"
    text = root.inner_text()
    assert f"7{times}8" in text and f"?{times}8" not in text, text
    # Built once, straight at the predicted sizes (not first at a placeholder size).
    assert page.evaluate(f"{API}.builds()") == 1
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_start_up_timing_record_is_in_order(demo_html: Path, page, page_log):
    # The layerscape:* performance entries benchmarks/browser.py reads for its start-up
    # breakdown: each present once, none negative, each stage starting after the last ended.
    open_view(page, demo_html)
    entries = page.evaluate(
        """() => Object.fromEntries(performance.getEntriesByType('measure')
            .filter((e) => e.name.startsWith('layerscape:'))
            .map((e) => [e.name.slice(11), [e.startTime, e.startTime + e.duration]]))"""
    )
    order = ["state-json", "payload-base64", "decode", "build", "first-frame"]
    for name in order:
        assert name in entries, f"no layerscape:{name} entry; got {sorted(entries)}"
        start, end = entries[name]
        assert 0 <= start <= end, f"layerscape:{name} runs {start}..{end}"
    ends = [entries[name][1] for name in order[:3]]
    starts = [entries[name][0] for name in order[1:4]]
    assert all(s >= e for s, e in zip(starts, ends, strict=True)), entries
    assert entries["first-frame"][1] >= entries["build"][1], entries
    assert not page_log.problems(), "\n".join(page_log.problems())
