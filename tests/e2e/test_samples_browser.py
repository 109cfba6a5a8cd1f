"""Several samples in a real browser: a saved page of a batch, its picker, and compare mode.

One LeNet prediction of a batch of four (conv2d open) is saved twice: showing sample 0,
and comparing sample 2 with sample 0. The comparison must draw differently from the plain
page (b - a on the diverging map), say so (``data-compare``, the caption, the legend and
the tooltip), and the page's picker — the page holds every kept sample — must switch
the sample offline: ``data-sample`` and the canvas change, and sample 0 again draws what
the plain page drew.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.chromium import guard_network
from tests.support.page import API, open_view, shoot, wait_for
from tests.support.pixels import assert_drawn, pixel_diff

pytestmark = pytest.mark.e2e

CONV = "conv2d"
# Share of the canvas that must change between two samples or a sample and a comparison
# (measured: the comparison repaints every layer; two digits differ in most layers).
MIN_CHANGED = 0.01
_STATE = """() => { const r = document.querySelector('.layerscape');
  const picker = r.querySelector('.ls-samples'); const caption = r.querySelector('.ls-compare');
  return {sample: r.dataset.sample, compare: r.dataset.compare, picker: !picker.hidden,
          position: r.querySelector('.ls-sample-position').textContent,
          caption: caption.hidden ? null : caption.textContent,
          builds: r.__layerscape.builds()}; }"""
MINUS = "\N{MINUS SIGN}"  # what the view writes between b and a


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    import keras
    import numpy as np

    from layerscape import ModelView
    from layerscape.demo import DIGIT_LABELS, build_lenet, load_digits

    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    view = ModelView(build_lenet(), labels=DIGIT_LABELS)
    digits = load_digits()[0]
    batch = digits[[0, 1, 2, 3]]
    view.predict(batch)
    view.expand(CONV)
    out = tmp_path_factory.mktemp("samples")
    plain = view.save_html(out / "plain.html")
    view.compare(0, 2)
    compare = view.save_html(out / "compare.html")
    a, b = view._batch.sample(0), view._batch.sample(2)
    diff = np.asarray(b["dense_2"] - a["dense_2"])
    return {"plain": plain, "compare": compare, "diff": diff, "a": a["dense_2"], "b": b["dense_2"]}


def test_compare_mode_draws_b_minus_a_and_says_so(pages, page, artifacts: Path):
    guard_network(page.context)
    root = open_view(page, pages["plain"])
    state = page.evaluate(_STATE)
    assert state["sample"] == "0" and state["compare"] == "" and state["caption"] is None
    assert state["picker"] and state["position"] == "sample 0 / 4", state
    canvas = root.locator("canvas").first
    plain = shoot(canvas, artifacts / "plain-canvas.png")
    assert_drawn(plain, "sample 0")

    root = open_view(page, pages["compare"])
    state = page.evaluate(_STATE)
    assert state["compare"] == "0,2" and state["sample"] == "0", state
    assert state["caption"] == f"b {MINUS} a: sample 2 {MINUS} sample 0"
    compared = shoot(canvas, artifacts / "compare-canvas.png")
    assert_drawn(compared, "the comparison")
    diff = pixel_diff(plain, compared)
    assert diff.changed > MIN_CHANGED * diff.total, f"compare vs plain: {diff.describe()}"

    # Hover a unit of the output: a, b and b - a, and a legend that says "difference".
    point = page.evaluate(f"{API}.elementPoint('dense_2', [3])")
    assert point is not None
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator(".layerscape .ls-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    wait_for(page, "() => document.querySelector('.layerscape .ls-tt-el-diff') !== null")
    text = tooltip.inner_text()
    assert f"difference b {MINUS} a" in text, text
    got = {
        key: float(page.locator(f".layerscape .ls-tt-el-{key}").inner_text())
        for key in ("a", "b", "diff")
    }
    assert got["a"] == pytest.approx(float(pages["a"][3]), rel=1e-3, abs=1e-6)
    assert got["b"] == pytest.approx(float(pages["b"][3]), rel=1e-3, abs=1e-6)
    assert got["diff"] == pytest.approx(float(pages["diff"][3]), rel=1e-3, abs=1e-6)
    root.screenshot(path=str(artifacts / "compare-widget.png"))


def test_the_saved_picker_switches_samples_offline(pages, page, artifacts: Path):
    net = guard_network(page.context)
    root = open_view(page, pages["compare"])
    canvas = root.locator("canvas").first
    compared = shoot(canvas)
    builds = page.evaluate(_STATE)["builds"]

    root.locator(".ls-sample-next").click()  # leaves the comparison: sample 1
    wait_for(page, "() => document.querySelector('.layerscape').dataset.sample === '1'")
    state = page.evaluate(_STATE)
    assert state["compare"] == "" and state["caption"] is None
    assert state["position"] == "sample 1 / 4"
    one = shoot(canvas, artifacts / "sample-1-canvas.png")
    diff = pixel_diff(compared, one)
    assert diff.changed > MIN_CHANGED * diff.total, f"sample 1 vs compare: {diff.describe()}"
    root.screenshot(path=str(artifacts / "sample-1-widget.png"))

    root.locator(".ls-sample-prev").click()
    wait_for(page, "() => document.querySelector('.layerscape').dataset.sample === '0'")
    zero = shoot(canvas)
    diff = pixel_diff(one, zero)
    assert diff.changed > MIN_CHANGED * diff.total, f"sample 0 vs sample 1: {diff.describe()}"
    # The slider too, and no rebuild: a sample is only new values.
    page.evaluate(
        """() => { const s = document.querySelector('.layerscape .ls-sample-slider');
        s.value = '3'; s.dispatchEvent(new Event('change', {bubbles: true})); }"""
    )
    wait_for(page, "() => document.querySelector('.layerscape').dataset.sample === '3'")
    assert page.evaluate(_STATE)["builds"] == builds
    assert net.offending == []

    # Sample 0 on the page it was saved from draws the same.
    root = open_view(page, pages["plain"])
    plain = shoot(root.locator("canvas").first)
    same = pixel_diff(plain, zero)
    assert same.changed < 0.002 * same.total, f"sample 0 vs the plain page: {same.describe()}"
