"""`color_scope` in a real browser: which values share a colour scale.

One LeNet prediction with conv2d open is exported three times, once per scope, and
each page is opened from file:// in Chromium. The canvas must look different under
each scope, the hover legend of the open conv2d must say which scope is in force, and
a page whose scope changes live must recolour in place (no scene rebuild) to the same
picture as the page exported with that scope.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.page import API, hover_tooltip, leave_tooltip, open_view, shoot, wait_for
from tests.support.pixels import pixel_diff

pytestmark = pytest.mark.e2e

SCOPES = ("layer", "channel", "model")
# Share of canvas pixels that must change between two scopes. The same scope draws
# the same pixels (0 changed); layer vs channel changes ~0.5% of the canvas (the open
# conv2d's dim tiles light up), layer vs model ~1% (the later layers darken).
MIN_CHANGED = 0.002
# A live scope change must end at the exported page's picture (allowing a little noise).
MAX_LIVE_DIFF = 0.0005
CONV = "conv2d"
SCOPE_WORDS = {
    "layer": "one scale for this layer",
    "channel": "one scale per channel (this channel:",
    "model": "one scale for the whole model",
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import keras

    from layerscape import ModelView
    from layerscape.demo import build_lenet, load_digits

    # Fresh layer names (conv2d, not conv2d_2 after other tests built a LeNet).
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    view = ModelView(build_lenet())
    assert CONV in [n["id"] for n in view.graph["nodes"]], view.graph["nodes"]
    view.predict(load_digits()[0][0])
    view.expand(CONV)
    out = tmp_path_factory.mktemp("color_scope")
    paths = {}
    for scope in SCOPES:
        view.color_scope = scope
        paths[scope] = view.save_html(out / f"{scope}.html")
    return paths


def _hover_conv2d(page) -> str:
    tooltip = hover_tooltip(page, CONV)
    text = tooltip.inner_text()
    leave_tooltip(page, tooltip)
    return text


def test_each_scope_colours_differently_and_says_so(pages, page, page_log, artifacts: Path):
    shots = {}
    for scope in SCOPES:
        root = open_view(page, pages[scope])
        assert root.get_attribute("data-color-scope") == scope
        assert page.evaluate(f"{API}.openIds()") == [CONV]
        canvas = root.locator("canvas")
        shots[scope] = shoot(canvas, artifacts / f"{scope}.png")
        text = _hover_conv2d(page)
        assert CONV in text and SCOPE_WORDS[scope] in text, f"{scope}: {text!r}"
        for other, words in SCOPE_WORDS.items():
            if other != scope:
                assert words not in text, f"{scope} tooltip names {other}: {text!r}"

    for a, b in (("layer", "channel"), ("layer", "model"), ("channel", "model")):
        diff = pixel_diff(shots[a], shots[b])
        assert diff.fraction > MIN_CHANGED, f"{a} vs {b}: {diff.describe()}"
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_changing_the_scope_recolours_in_place(pages, page, page_log, artifacts: Path):
    expected = {}
    for scope in ("channel", "model"):
        root = open_view(page, pages[scope])
        expected[scope] = shoot(root.locator("canvas"))

    root = open_view(page, pages["layer"])
    builds = page.evaluate(f"{API}.builds()")
    for scope in ("channel", "model", "layer"):
        frames = page.evaluate(f"{API}.frames()")
        page.evaluate(f"window.layerscapePage.model.set('color_scope', {scope!r})")
        wait_for(page, f"(n) => {API}.frames() > n", frames, what=f"a frame in scope {scope}")
        assert root.get_attribute("data-color-scope") == scope
        shot = shoot(root.locator("canvas"), artifacts / f"live-{scope}.png")
        if scope in expected:
            diff = pixel_diff(shot, expected[scope])
            assert diff.fraction < MAX_LIVE_DIFF, f"live {scope} vs exported: {diff.describe()}"
        assert SCOPE_WORDS[scope] in _hover_conv2d(page)
    assert page.evaluate(f"{API}.builds()") == builds, "a scope change rebuilt the scene"
    assert not page_log.problems(), "\n".join(page_log.problems())
