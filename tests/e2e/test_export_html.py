"""`layerscape demo --output PATH` writes one page that works offline from file://.

The demo trains a LeNet, predicts one digit and exports the view; Chromium opens the
file with every non-file request aborted and logged, and the page must come up with
that prediction drawn: state ``ready``, ``data-predictions`` "1", a canvas that is not
blank, no console error, no uncaught exception, no request leaving the page.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from e2e_support import (
    API,
    PlaywrightTimeoutError,
    guard_network,
    hover_tooltip,
    leave_tooltip,
    open_view,
    pixel_stats,
    stable_screenshot,
)

pytestmark = pytest.mark.e2e

# A drawn model: many colours and real contrast (a cleared canvas: 1 colour, variance 0).
MIN_COLORS = 64
MIN_VARIANCE = 25.0
# ... and at least 1% of its pixels differ from the background colour.
MAX_BACKGROUND = 0.99


@pytest.fixture(scope="module")
def demo_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("demo")
    out = workdir / "layerscape-demo.html"
    cmd = [sys.executable, "-m", "layerscape", "demo", "--output", str(out)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    proc = subprocess.run(
        cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert proc.returncode == 0, (
        f"{' '.join(cmd)} exited with {proc.returncode}\n"
        f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-5000:]}"
    )
    assert out.is_file() and out.stat().st_size > 0, f"{out} was not written:\n{proc.stdout}"
    return out


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
    page.wait_for_function(
        "() => ['ready', 'error'].includes(document.querySelector('.layerscape').dataset.state)",
        timeout=60_000,
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
    shot = stable_screenshot(canvas, artifacts / "demo-canvas.png")
    page.screenshot(path=str(artifacts / "demo-page.png"))
    stats = pixel_stats(shot)
    assert stats.width > 100 and stats.height > 100, f"canvas too small: {stats.describe()}"
    assert (
        stats.distinct_colors >= MIN_COLORS
        and stats.variance >= MIN_VARIANCE
        and stats.dominant_fraction <= MAX_BACKGROUND
    ), f"the exported canvas looks blank: {stats.describe()}"

    # The page fills the window and follows it (ResizeObserver for the width, the
    # height trait for the height): a smaller window, a smaller canvas, still drawn.
    page.set_viewport_size({"width": 900, "height": 500})
    page.wait_for_function(
        "() => { const r = document.querySelector('.layerscape canvas')"
        ".getBoundingClientRect(); return Math.abs(r.width - 900) < 40"
        " && r.height <= 500; }",
        timeout=30_000,
    )
    resized = pixel_stats(stable_screenshot(canvas, artifacts / "demo-canvas-900px.png"))
    assert resized.distinct_colors >= MIN_COLORS and resized.variance >= MIN_VARIANCE, (
        f"the canvas looks blank after a resize: {resized.describe()}"
    )

    # Give late loads (fonts, textures, workers) a moment to show up in the log.
    page.wait_for_timeout(1000)
    assert not net.offending, f"the exported page tried to reach the network: {net.offending}"
    assert not page_log.problems(), "\n".join(page_log.problems())
    assert root.get_attribute("data-state") == "ready"


def _background_luminance(page, artifacts: Path, name: str) -> float:
    from e2e_support import decode_png

    png = stable_screenshot(page.locator(".layerscape canvas"), artifacts / name)
    rgb = decode_png(png)[..., :3].astype(float)
    corner = rgb[:20, :20].reshape(-1, 3).mean(axis=0)  # empty space, top left
    return float(0.299 * corner[0] + 0.587 * corner[1] + 0.114 * corner[2])


def test_hover_shows_the_layer_as_text_and_idle_draws_nothing(demo_html: Path, page, page_log):
    open_view(page, demo_html)

    # Render on demand: a view nobody touches draws no frames.
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
