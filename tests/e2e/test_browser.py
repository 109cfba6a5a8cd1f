"""The e2e harness itself: WebGL2 in headless Chromium, pixel statistics, network guard.

These run in about a second and tell an environment problem (no WebGL2, broken
Chromium, a guard that sees nothing) apart from a layerscape bug.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.chromium import guard_network
from tests.support.page import shoot
from tests.support.pixels import decode_png, decode_png_pure, pixel_diff, pixel_stats
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

GL_PAGE = """<!doctype html><meta charset=utf-8><title>gl</title>
<body style="margin:0;background:#fff">
<div class=layerscape style="position:relative;width:200px">
  <canvas id=c width=200 height=120 style="display:block"></canvas>
  <div style="position:absolute;left:10px;top:10px;font:20px sans-serif;color:#f0f">label</div>
</div>
<script>
const gl = document.getElementById('c').getContext('webgl2', {preserveDrawingBuffer: true});
window.glInfo = gl ? {version: gl.getParameter(gl.VERSION)} : null;
window.draw = (stripes) => {
  gl.enable(gl.SCISSOR_TEST);
  gl.scissor(0, 0, 200, 120); gl.clearColor(0.1, 0.1, 0.1, 1); gl.clear(gl.COLOR_BUFFER_BIT);
  for (let i = 0; i < stripes; i++) {
    gl.scissor(i * 10, 0, 10, 120);
    gl.clearColor(i / stripes, 1 - i / stripes, 0.5, 1); gl.clear(gl.COLOR_BUFFER_BIT);
  }
  const px = new Uint8Array(4); gl.readPixels(5, 5, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  return Array.from(px);
};
</script>"""


def test_webgl2_and_pixel_stats(page, artifacts: Path):
    page.set_content(GL_PAGE)
    info = page.evaluate("window.glInfo")
    assert info is not None, "Chromium gave no WebGL2 context (SwiftShader flags missing?)"
    assert "WebGL 2" in info["version"]

    canvas = page.locator("#c")
    page.evaluate("window.draw(0)")
    blank = shoot(canvas, artifacts / "blank.png")
    blank_stats = pixel_stats(blank)
    # Without hiding the HTML overlay the label text shows up in the shot.
    overlaid = pixel_stats(shoot(canvas, canvas_only=False))
    assert overlaid.distinct_colors > 1, overlaid.describe()
    assert (blank_stats.width, blank_stats.height) == (200, 120)
    assert blank_stats.distinct_colors == 1 and blank_stats.variance == 0, blank_stats.describe()

    px = page.evaluate("window.draw(20)")
    assert px[3] == 255
    striped = shoot(canvas, artifacts / "striped.png")
    stats = pixel_stats(striped)
    assert stats.distinct_colors >= 18 and stats.variance > 100, stats.describe()

    diff = pixel_diff(blank, striped)
    assert diff.fraction > 0.9, diff.describe()
    assert pixel_diff(striped, striped).changed == 0

    # The fallback decoder (no Pillow) agrees with the preferred one on Chromium's PNGs.
    assert (decode_png_pure(striped)[..., :3] == decode_png(striped)[..., :3]).all()
    shot = page.screenshot()
    assert (decode_png_pure(shot)[..., :3] == decode_png(shot)[..., :3]).all()


def test_network_guard_blocks_and_reports(page, tmp_path: Path):
    html = tmp_path / "leaky.html"
    html.write_text(
        """<!doctype html><meta charset=utf-8><title>leaky</title>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<img src="https://cdn.example.invalid/pixel.png">
<script>fetch('http://127.0.0.1:9/x').catch(() => {}); window.done = true;</script>"""
    )
    log = guard_network(page.context)
    page.goto(html.as_uri())
    page.wait_for_function("window.done === true")
    blocked = {"https://cdn.example.invalid/pixel.png", "http://127.0.0.1:9/x"}
    wait_until(
        lambda: page.evaluate("true") and blocked <= set(log.offending),
        10, "the guard to log both requests", lambda: repr(log), interval=0.05,
    )  # fmt: skip
    offending = log.offending
    assert "https://cdn.example.invalid/pixel.png" in offending, log
    assert "http://127.0.0.1:9/x" in offending, log
    assert not any(u.startswith(("file:", "data:")) for u in offending), log
    assert log.requests and log.requests[0] == html.as_uri()
