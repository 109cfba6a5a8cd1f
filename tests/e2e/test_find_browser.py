"""Find, the keyboard, the breadcrumb and the overview in an exported page.

A functional model of residual blocks and an inception-style module (its blocks found
by ``groups.py``) is exported once. From the keyboard: ``/`` opens the search field,
a layer's name and Enter fly there (the camera lands on it, ``data-focused`` names it,
the breadcrumb lists its blocks); a class name offers "All Conv2D (n)", which marks
every match and steps through them; the arrow keys walk along the graph and Enter opens
the focused layer; keys pressed while the view has no focus are left alone; a click on
the overview (mini-map) moves the camera there; and everything find made is gone
after the view's cleanup.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.leaks import RENDER_JS, SNAPSHOT_JS, clean_up, instrument
from tests.support.page import API, open_view, settle, wait_for

pytestmark = pytest.mark.e2e

BLOCKS = 4
TARGET = "block3_conv2"


def _model():
    import keras
    from keras import layers

    x = inputs = keras.Input((16, 16, 3), name="image")
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="stem")(x)
    for b in range(1, BLOCKS + 1):
        y = layers.Conv2D(8, 3, padding="same", activation="relu", name=f"block{b}_conv1")(x)
        y = layers.Conv2D(8, 3, padding="same", name=f"block{b}_conv2")(y)
        x = layers.Add(name=f"block{b}_add")([x, y])
    x = layers.Activation("relu", name="gated")(x)
    branches = [
        layers.Conv2D(4, 1, name="branch_1x1")(x),
        layers.Conv2D(4, 3, padding="same", name="branch_3x3")(
            layers.Conv2D(4, 1, name="branch_3x3_reduce")(x)
        ),
        layers.MaxPooling2D(3, 1, padding="same", name="branch_pool")(x),
    ]
    x = layers.Concatenate(name="mixed")(branches)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    out = layers.Dense(5, activation="softmax", name="out")(x)
    return keras.Model(inputs, out, name="findable")


@pytest.fixture(scope="module")
def find_page(tmp_path_factory) -> tuple[Path, dict]:
    import numpy as np

    from layerscape import ModelView

    view = ModelView(_model())
    view.predict(np.random.default_rng(0).random((16, 16, 3), dtype=np.float32))
    return view.save_html(tmp_path_factory.mktemp("find") / "find.html"), view.graph


def _focus_view(page) -> None:
    page.focus(".layerscape canvas")


def _active_class(page) -> str:
    return page.evaluate("document.activeElement?.className ?? ''")


def _centred(page, layer: str, share: float = 0.1) -> tuple[bool, dict, dict]:
    canvas = page.locator(".layerscape canvas").bounding_box()
    point = page.evaluate(f"{API}.project({layer!r})")
    if point is None:  # off screen
        return False, point, canvas
    cx = canvas["x"] + canvas["width"] / 2
    cy = canvas["y"] + canvas["height"] / 2
    ok = (
        abs(point["x"] - cx) < share * canvas["width"]
        and abs(point["y"] - cy) < share * canvas["height"]
    )
    return ok, point, canvas


def test_find_by_name_flies_there_and_shows_the_blocks(page, page_log, find_page, artifacts):
    html, graph = find_page
    root = open_view(page, html)
    far = page.evaluate(f"{API}.screenBox({TARGET!r})")

    # Without focus in the view, "/" is the page's: the field stays closed.
    page.focus("body")
    page.keyboard.press("/")
    assert "ls-find-field" not in _active_class(page)

    _focus_view(page)
    page.keyboard.press("/")
    assert "ls-find-field" in _active_class(page)
    page.keyboard.type(TARGET)
    options = page.locator(".layerscape .ls-suggestion")
    options.first.wait_for(state="visible", timeout=10_000)
    assert options.first.locator(".ls-suggestion-name").text_content() == TARGET
    page.screenshot(path=str(artifacts / "suggestions.png"))
    page.keyboard.press("Enter")

    page.locator(f'.layerscape[data-focus="{TARGET}"]').wait_for(timeout=30_000)
    settle(page)
    assert root.get_attribute("data-focused") == TARGET
    assert page.evaluate(f"{API}.focused()") == TARGET
    assert page.locator(".layerscape .ls-suggestions").is_hidden()
    # The keyboard is back with the view (the arrows walk from here).
    assert "ls-canvas" in _active_class(page)
    ok, point, canvas = _centred(page, TARGET)
    assert ok, (point, canvas)
    near = page.evaluate(f"{API}.screenBox({TARGET!r})")
    area = lambda b: (b["x1"] - b["x0"]) * (b["y1"] - b["y0"])  # noqa: E731
    assert area(near) > 10 * area(far), (far, near)

    # The breadcrumb: the model, the blocks holding the layer (outermost first), the layer.
    holding = [g for g in graph["groups"] if TARGET in g["nodes"]]
    assert holding, "groups.py found no block around the target"
    crumbs = page.locator(".layerscape .ls-breadcrumb .ls-crumb").all_text_contents()
    assert crumbs[0] == "findable"
    assert sorted(crumbs[1:]) == sorted(g["name"] for g in holding)
    assert page.locator(".layerscape .ls-crumb-here").text_content() == TARGET
    page.screenshot(path=str(artifacts / "breadcrumb.png"))

    # A block's crumb frames the whole block: the layer shrinks on screen, the camera focus goes.
    page.locator(".layerscape .ls-breadcrumb .ls-crumb").last.click()
    page.locator('.layerscape[data-focus=""]').wait_for(timeout=30_000)
    settle(page)
    framed = page.evaluate(f"{API}.screenBox({TARGET!r})")
    assert area(framed) < 0.8 * area(near), (near, framed)
    # The model's crumb goes back to the whole model and clears the focus.
    page.locator(".layerscape .ls-breadcrumb .ls-crumb").first.click()
    page.locator('.layerscape[data-focused=""]').wait_for(timeout=10_000)
    assert page.locator(".layerscape .ls-breadcrumb").is_hidden()
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_find_by_class_marks_every_match_and_steps(page, page_log, find_page):
    html, graph = find_page
    root = open_view(page, html)
    convs = [n["id"] for n in graph["nodes"] if n["class_name"] == "Conv2D"]
    assert len(convs) == 2 * BLOCKS + 4

    _focus_view(page)
    page.keyboard.press("Control+f")
    assert "ls-find-field" in _active_class(page)
    page.keyboard.type("conv2d")
    first = page.locator(".layerscape .ls-suggestion").first
    first.wait_for(state="visible", timeout=10_000)
    assert first.text_content() == f"All Conv2D ({len(convs)})"
    page.keyboard.press("Enter")
    page.locator(f'.layerscape[data-focused="{convs[0]}"]').wait_for(timeout=10_000)
    assert root.get_attribute("data-matches") == str(len(convs))
    assert page.evaluate(f"{API}.matches()") == convs
    position = page.locator(".layerscape .ls-find-position")
    assert position.text_content() == f"1 / {len(convs)}"

    # Enter in the field steps on, Shift+Enter back; the buttons and n / N do the same.
    page.keyboard.press("Enter")
    page.locator(f'.layerscape[data-focused="{convs[1]}"]').wait_for(timeout=10_000)
    assert position.text_content() == f"2 / {len(convs)}"
    page.keyboard.press("Shift+Enter")
    page.locator(f'.layerscape[data-focused="{convs[0]}"]').wait_for(timeout=10_000)
    page.locator(".layerscape .ls-find-prev").click()
    page.locator(f'.layerscape[data-focused="{convs[-1]}"]').wait_for(timeout=10_000)
    assert position.text_content() == f"{len(convs)} / {len(convs)}"
    page.locator(".layerscape .ls-find-next").click()
    page.locator(f'.layerscape[data-focused="{convs[0]}"]').wait_for(timeout=10_000)
    _focus_view(page)
    page.keyboard.press("n")
    page.locator(f'.layerscape[data-focused="{convs[1]}"]').wait_for(timeout=10_000)
    page.locator(f'.layerscape[data-focus="{convs[1]}"]').wait_for(timeout=30_000)
    settle(page)
    ok, point, canvas = _centred(page, convs[1])
    assert ok, (point, canvas)

    # Escape on the view clears the marks; the focused layer stays.
    page.keyboard.press("Escape")
    assert root.get_attribute("data-matches") == "0"
    assert page.locator(".layerscape .ls-find-steps").is_hidden()
    assert root.get_attribute("data-focused") == convs[1]
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_arrows_walk_the_graph_and_enter_opens(page, page_log, find_page):
    html, graph = find_page
    root = open_view(page, html)
    succ: dict[str, list[str]] = {}
    for e in graph["edges"]:
        succ.setdefault(e["source"], []).append(e["target"])
    order = [n["id"] for n in graph["nodes"]]

    _focus_view(page)
    page.keyboard.press("ArrowRight")  # nothing focused: the walk starts at the input
    page.locator('.layerscape[data-focused="image"]').wait_for(timeout=10_000)
    page.keyboard.press("ArrowRight")
    page.locator('.layerscape[data-focused="stem"]').wait_for(timeout=10_000)
    page.keyboard.press("ArrowRight")
    page.locator('.layerscape[data-focused="block1_conv1"]').wait_for(timeout=10_000)
    page.keyboard.press("ArrowLeft")
    page.locator('.layerscape[data-focused="stem"]').wait_for(timeout=10_000)

    # From the fork into the module: → takes its first branch, ↓ / ↑ cross the branches.
    page.keyboard.press("/")
    page.keyboard.type("gated")
    page.locator(".layerscape .ls-suggestion").first.wait_for(state="visible", timeout=10_000)
    page.keyboard.press("Enter")
    page.locator('.layerscape[data-focused="gated"]').wait_for(timeout=10_000)
    page.keyboard.press("ArrowRight")
    first = min(succ["gated"], key=order.index)
    page.locator(f'.layerscape[data-focused="{first}"]').wait_for(timeout=10_000)
    page.keyboard.press("ArrowDown")
    wait_for(page, "(f) => document.querySelector('.layerscape').dataset.focused !== f", first)
    other = root.get_attribute("data-focused")
    page.keyboard.press("ArrowUp")
    page.locator(f'.layerscape[data-focused="{first}"]').wait_for(timeout=10_000)
    assert other in succ["gated"], (other, succ["gated"])
    page.keyboard.press("ArrowLeft")
    page.locator('.layerscape[data-focused="gated"]').wait_for(timeout=10_000)

    # Enter opens the focused layer, as a click does (and tells the model).
    page.keyboard.press("ArrowRight")
    page.locator(f'.layerscape[data-focused="{first}"]').wait_for(timeout=10_000)
    page.keyboard.press("Enter")
    wait_for(page, "(id) => document.querySelector('.layerscape').dataset.open === id", first)
    assert page.evaluate("window.layerscapePage.model.get('_open')") == [first]
    settle(page)
    page.keyboard.press("Enter")
    page.locator('.layerscape[data-open=""]').wait_for(timeout=10_000)
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_overview_click_moves_the_camera(page, page_log, find_page, artifacts):
    html, _ = find_page
    open_view(page, html)
    minimap = page.locator(".layerscape .ls-minimap")
    assert minimap.is_visible()
    page.evaluate("window.layerscapePage.model.set('_focus', {id: 'stem', n: 1})")
    page.locator('.layerscape[data-focus="stem"]').wait_for(timeout=30_000)
    settle(page)
    before, _, _ = _centred(page, "out")
    assert not before, "the output is already in the middle"
    point = page.evaluate(f"{API}.minimapPoint('out')")
    box = minimap.bounding_box()
    assert box["x"] <= point["x"] <= box["x"] + box["width"]
    page.mouse.click(point["x"], point["y"])
    settle(page)
    ok, where, canvas = _centred(page, "out", share=0.12)
    assert ok, (where, canvas)
    page.screenshot(path=str(artifacts / "after-overview-click.png"))
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_cleanup_removes_what_find_made(page, page_log, find_page, tmp_path: Path):
    html, _ = find_page
    counted = instrument(html, tmp_path / "find-counted.html")
    open_view(page, counted)
    clean_up(page)
    baseline = page.evaluate(SNAPSHOT_JS)
    assert page.evaluate(RENDER_JS) == "ready"
    _focus_view(page)
    page.keyboard.press("/")
    page.keyboard.type("conv2d")
    page.locator(".layerscape .ls-suggestion").first.wait_for(state="visible", timeout=10_000)
    page.keyboard.press("Enter")
    page.locator('.layerscape[data-matches]:not([data-matches="0"])').wait_for(timeout=10_000)
    _focus_view(page)
    page.keyboard.press("ArrowRight")
    settle(page)
    clean_up(page)
    assert page.evaluate(SNAPSHOT_JS) == baseline
    assert page.locator(".ls-find, .ls-minimap, .ls-breadcrumb").count() == 0
    assert not page_log.problems(), "\n".join(page_log.problems())
