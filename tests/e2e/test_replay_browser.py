"""An exported training run replays offline: the scrubber, play and the readout."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.chromium import guard_network
from tests.support.page import open_view, settle, shoot, wait_for
from tests.support.pixels import assert_drawn, pixel_diff
from tests.support.training import TrainingPage, live_payload, write_training_page

pytestmark = pytest.mark.e2e

_STATE = """() => { const r = document.querySelector('.layerscape');
  return {frames: r.dataset.frames, frame: r.dataset.frame,
          readout: r.querySelector('.ls-readout').innerText,
          position: r.querySelector('.ls-scrub-position').textContent,
          slider: r.querySelector('.ls-scrub').value,
          playing: r.querySelector('.ls-play').getAttribute('aria-label'),
          builds: r.__layerscape.builds(),
          hidden: r.querySelector('.ls-scrubber').hidden}; }"""

# Sets the page's _payload as the kernel would: a base64 LSP1 payload, as a DataView.
_SEND = """(b64) => { const raw = atob(b64); const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  window.layerscapePage.model.set('_payload', new DataView(bytes.buffer)); }"""

_FRAME_IS = "(i) => document.querySelector('.layerscape').dataset.frame === String(i)"
_FRAMES_ARE = "(n) => document.querySelector('.layerscape').dataset.frames === String(n)"
_STOPPED = "() => !document.querySelector('.layerscape .ls-play').textContent.includes('❚')"

_SCRUB = """(i) => { const s = document.querySelector('.layerscape .ls-scrub');
  s.value = String(i); s.dispatchEvent(new Event('input', {bubbles: true})); }"""

# Pixels of a chart canvas that are not transparent: the curves drawn on it.
_CHART_INK = """() => { const c = document.querySelector('.layerscape .ls-chart-canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 40) n++; return n; }"""


@pytest.fixture(scope="module", params=["light", "dark"])
def run(request, tmp_path_factory) -> TrainingPage:
    return write_training_page(tmp_path_factory.mktemp("replay"), theme=request.param)


def test_the_exported_run_scrubs_and_plays_offline(run, page, page_log, artifacts: Path):
    net = guard_network(page.context)
    root = open_view(page, run.path)
    theme = root.get_attribute("data-theme")
    state = page.evaluate(_STATE)
    assert int(state["frames"]) == run.frames >= 5, state
    assert state["frame"] == str(run.frames - 1) and not state["hidden"]
    last = run.history[-1]
    assert f"{last['logs']['loss']:.3f}" in state["readout"], state["readout"]
    assert page.evaluate(_CHART_INK) > 30, "the loss chart is blank"
    canvas = root.locator("canvas").first
    end = shoot(canvas, artifacts / f"replay-{theme}-end.png")
    root.screenshot(path=str(artifacts / f"replay-{theme}-end-widget.png"))

    builds = state["builds"]
    page.evaluate(_SCRUB, 0)
    wait_for(page, "() => document.querySelector('.layerscape').dataset.frame === '0'")
    start = shoot(canvas, artifacts / f"replay-{theme}-start.png")
    root.screenshot(path=str(artifacts / f"replay-{theme}-start-widget.png"))
    diff = pixel_diff(end, start)
    assert diff.changed > 0.003 * diff.total, f"scrubbing to the start: {diff.describe()}"
    assert "before training" in page.evaluate(_STATE)["readout"]
    assert page.evaluate(_STATE)["builds"] == builds, "scrubbing rebuilt the scene"
    assert_drawn(start, "the untrained network")
    timing = root.evaluate("(el) => el.__layerscape.timings().scrubToFrame")
    assert timing is not None and timing >= 0

    root.locator(".ls-play").click()
    wait_for(
        page,
        "(n) => document.querySelector('.layerscape').dataset.frame === String(n - 1)",
        run.frames,
        timeout=60,
        what="play to reach the last frame",
    )
    settle(page)
    assert pixel_diff(end, shoot(canvas)).changed < 0.003 * diff.total  # back at the end
    wait_for(page, _STOPPED, what="play to stop at the last frame")
    assert page.evaluate(_STATE)["builds"] == builds
    assert not net.offending, net.offending
    assert not page_log.problems(), page_log.problems()


def test_the_first_conv_kernels_change_between_the_first_and_last_frame(
    tmp_path_factory, page, page_log, artifacts: Path
):
    run = write_training_page(tmp_path_factory.mktemp("kernels"), weights_of="first conv")
    conv = run.view.weights_shown[0]
    root = open_view(page, run.path)
    assert root.get_attribute("data-weights") == conv
    box = root.evaluate("(el, id) => el.__layerscape.screenBox(id)", conv)
    clip = {
        "x": box["x0"],
        "y": box["y0"],
        "width": box["x1"] - box["x0"],
        "height": box["y1"] - box["y0"],
    }
    end = page.screenshot(clip=clip, path=str(artifacts / "kernels-end.png"))
    page.evaluate(_SCRUB, 0)
    wait_for(page, "() => document.querySelector('.layerscape').dataset.frame === '0'")
    settle(page)
    start = page.screenshot(clip=clip, path=str(artifacts / "kernels-start.png"))
    root.screenshot(path=str(artifacts / "kernels-start-widget.png"))
    diff = pixel_diff(start, end)
    assert diff.changed > 0.02 * diff.total, f"the kernels did not change: {diff.describe()}"
    assert not page_log.problems(), page_log.problems()


def test_the_slider_answers_the_keyboard(run, page, page_log):
    root = open_view(page, run.path)
    slider = root.locator(".ls-scrub")
    assert slider.get_attribute("aria-label")
    slider.focus()
    page.keyboard.press("Home")
    wait_for(page, _FRAME_IS, 0, what="Home to show the first frame")
    page.keyboard.press("ArrowRight")
    wait_for(page, _FRAME_IS, 1, what="the right arrow to show the second frame")
    assert "1 / " not in page.evaluate(_STATE)["position"]
    assert page.evaluate(_STATE)["position"].startswith("2 / ")
    assert not page_log.problems(), page_log.problems()


def test_live_frames_are_followed_at_the_end_and_kept_while_scrubbed_back(
    run, page, page_log, artifacts: Path
):
    root = open_view(page, run.path)
    canvas = root.locator("canvas").first
    n = run.frames
    seq = run.view.prediction_count
    step = {"epoch": 7, "batch": 0, "logs": {"loss": 0.0123, "accuracy": 0.5}}

    # At the last frame: a new frame is followed.
    page.evaluate(_SEND, live_payload(run.view, seq + 1, step))
    wait_for(page, _FRAME_IS, n, what="the view to follow the new frame")
    state = page.evaluate(_STATE)
    assert state["frames"] == str(n + 1) and "epoch 8 · batch 1" in state["readout"], state
    assert "0.012" in state["readout"], state["readout"]

    # Scrubbed back: the next frame is stored, the shown frame stays.
    page.evaluate(_SCRUB, 0)
    wait_for(page, _FRAME_IS, 0)
    settle(page)
    start = shoot(canvas)
    page.evaluate(_SEND, live_payload(run.view, seq + 2, {**step, "batch": 1}))
    wait_for(page, _FRAMES_ARE, n + 2)
    settle(page)
    state = page.evaluate(_STATE)
    assert state["frame"] == "0" and "before training" in state["readout"], state
    assert state["position"] == f"1 / {n + 2}", state
    assert pixel_diff(start, shoot(canvas)).changed == 0, "a stored frame replaced the one shown"

    # A plain predict is shown live: not a frame, the slider rests at the newest.
    page.evaluate(_SEND, live_payload(run.view, seq + 3, None))
    wait_for(page, "() => document.querySelector('.layerscape').dataset.frame === ''")
    state = page.evaluate(_STATE)
    assert state["frames"] == str(n + 2) and state["position"].startswith("live"), state
    assert state["slider"] == str(n + 1) and "a prediction" in state["readout"], state
    root.screenshot(path=str(artifacts / f"replay-{root.get_attribute('data-theme')}-live.png"))

    # From live, the next frame is followed again.
    page.evaluate(_SEND, live_payload(run.view, seq + 4, {**step, "batch": 2}))
    wait_for(page, _FRAME_IS, n + 2, what="live to follow the next frame")
    assert not page_log.problems(), page_log.problems()
