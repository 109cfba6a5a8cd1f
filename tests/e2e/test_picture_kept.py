"""The picture stays on screen: from the moment ``ready`` is set, through a resize right
after it, and through a lost WebGL context (back by itself once the context returns).

Pixels are read in the page (``getImageData`` of the view's 2D canvas) at the exact
moments that matter, since a screenshot cannot be taken "at the moment" a state is set:
a MutationObserver installed before the page's scripts reads them when ``data-state``
turns ``ready``, then the test resizes the view as a host's layout would right after its
first frame, and reads them again on each of the next animation frames (each read runs
after the previous frame's layout and ResizeObserver, before anything else draws).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.page import API, open_view, settle, shoot, wait_for
from tests.support.pixels import DRAWN, PixelStats, assert_drawn, pixel_diff

pytestmark = pytest.mark.e2e

# In-page pixel statistics of a 2D canvas, as tests.support.pixels.rgb_stats computes them.
STATS_JS = """
window.lsCanvasStats = (canvas) => {
  const { width, height } = canvas;
  const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  const counts = new Map();
  let sum = 0, sum2 = 0;
  for (let i = 0; i < data.length; i += 4) {
    const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    counts.set(key, (counts.get(key) || 0) + 1);
    const lum = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    sum += lum; sum2 += lum * lum;
  }
  const n = width * height;
  const mean = sum / n;
  return { width, height, variance: sum2 / n - mean * mean, distinct_colors: counts.size,
           dominant_fraction: Math.max(...counts.values()) / n };
};
"""

# When the view turns ready: its pixels now, then it is resized (the page's layout
# changing right after the first frame), then its pixels on each of the next frames.
READY_WATCH_JS = (
    STATS_JS
    + """
window.lsReadyShots = [];
new MutationObserver((records) => {
  for (const r of records) {
    const root = r.target;
    if (root.dataset.state !== 'ready' || window.lsReadyShots.length) continue;
    const canvas = root.querySelector('canvas');
    window.lsReadyShots.push({ when: 'ready', ...lsCanvasStats(canvas) });
    root.style.width = '70%';
    let n = 0;
    const next = () => requestAnimationFrame(() => {
      window.lsReadyShots.push({ when: `frame ${++n} after the resize`, ...lsCanvasStats(canvas) });
      if (n < 4) next();
    });
    next();
  }
}).observe(document, { attributes: true, attributeFilter: ['data-state'], subtree: true });
"""
)


def _problems(shot: dict) -> list[str]:
    stats = PixelStats(**{k: v for k, v in shot.items() if k != "when"})
    return DRAWN.problems(stats)


@pytest.fixture(scope="module")
def lenet_page(lenet, digits, tmp_path_factory) -> Path:
    from layerscape import ModelView

    view = ModelView(lenet, labels=[str(d) for d in range(10)], height=420)
    view.predict(digits[0][0])
    return view.save_html(tmp_path_factory.mktemp("picture") / "lenet.html")


def test_ready_means_a_picture_on_screen_even_after_a_resize(page, page_log, lenet_page):
    page.add_init_script(READY_WATCH_JS)
    open_view(page, lenet_page)
    shots = wait_for(page, "() => window.lsReadyShots.length >= 5 && window.lsReadyShots",
                     timeout=30, what="the pixels at ready and after the resize")  # fmt: skip
    assert shots[0]["width"] > 100, f"ready while the canvas is {shots[0]['width']} px wide"
    blank = {s["when"]: p for s in shots if (p := _problems(s))}
    assert not blank, f"the canvas is blank after ready: {blank}\n{shots}"
    # The resize took effect, and the picture on screen is at the new size.
    assert shots[-1]["width"] < shots[0]["width"] * 0.8, shots
    assert not page_log.problems(), page_log.problems()


# A lost context gives no extensions: the one taken before the loss restores it.
LOSE_JS = f"""() => {{
  window.lsLose = {API}.glContext().getExtension('WEBGL_lose_context');
  window.lsLose.loseContext();
  return true;
}}"""

CANVAS_STATS_JS = "() => lsCanvasStats(document.querySelector('.layerscape canvas'))"


def test_a_lost_context_keeps_the_picture_and_comes_back(page, page_log, lenet_page, artifacts):
    page.add_init_script(STATS_JS)
    root = open_view(page, lenet_page)
    before = page.evaluate(CANVAS_STATS_JS)
    assert not _problems(before), before

    page.evaluate(LOSE_JS)
    wait_for(page, f"() => {API}.contextLost()", timeout=10, what="the context to be lost")
    # While lost, the view keeps drawing its frames (a layer opens, the view is resized),
    # and its canvas keeps the last picture instead of going blank.
    frames = page.evaluate(f"{API}.frames()")
    page.evaluate(f"{API}.toggle('conv2d')")
    root.evaluate("(r) => { r.style.width = '80%'; }")
    wait_for(page, f"() => {API}.frames() > {frames} && !{API}.pending()", timeout=30,
             what="the open animation to run while the context is lost")  # fmt: skip
    during = page.evaluate(CANVAS_STATS_JS)
    assert not _problems(during), f"blank while the context is lost: {during}"
    assert during["width"] < before["width"], "the resize during the loss did not apply"
    lost = shoot(root.locator("canvas"), artifacts / "lost.png")

    # Restored: the view draws again by itself, within a second, with the layer open.
    frames = page.evaluate(f"{API}.frames()")
    back = page.evaluate(
        f"""async ([frames]) => {{
          const api = {API};
          const start = performance.now();
          window.lsLose.restoreContext();
          while (api.contextLost() || api.frames() <= frames) {{
            if (performance.now() - start > 5000) return null;
            await new Promise((r) => setTimeout(r, 5));
          }}
          return {{ ms: performance.now() - start, memory: api.memory() }};
        }}""",
        [frames],
    )
    assert back is not None, "no frame drawn within 5 s of the context's restore"
    assert back["ms"] < 1000, f"the view came back {back['ms']:.0f} ms after the restore"
    assert back["memory"]["textures"] > 0, back
    settle(page)
    restored = shoot(root.locator("canvas"), artifacts / "restored.png")
    assert_drawn(restored, "the view after the context came back")
    assert page.evaluate(f"{API}.openIds()") == ["conv2d"]
    # What changed while the context was lost (conv2d opened, its feature maps drawn,
    # the camera refitted to the narrower view) is on screen now.
    diff = pixel_diff(lost, restored)
    assert diff.fraction > 0.02, f"the restored view shows the old picture: {diff.describe()}"
    assert not page_log.problems(), page_log.problems()
