"""Folded blocks in a real browser: ResNet50's exported page starts folded, unfolding a
block changes the canvas and draws its layers, a fly-to into a folded block unfolds
it, unfold/fold cycles leave the GPU objects where they were, and hovering a folded block
tells what it holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerscape import ModelView
from tests.support.page import API, hover_tooltip, open_view, settle, shoot
from tests.support.pixels import pixel_diff
from tests.support.zoo_models import build, sample_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def resnet_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ModelView]:
    view = ModelView(build("resnet50"))
    view.predict(sample_for("resnet50")[0])
    return view.save_html(tmp_path_factory.mktemp("fold") / "resnet50.html"), view


def test_resnet50_starts_folded_and_unfolds_in_place(resnet_page, page, page_log):
    path, view = resnet_page
    root = open_view(page, path)
    assert root.get_attribute("data-folded").split() == view.folded
    block = view.folded[0]
    inner = next(g for g in view.graph["groups"] if g["id"] == block)["nodes"][0]
    assert page.evaluate(f"{API}.project({inner!r})") is None
    canvas = page.locator(".layerscape canvas")
    folded = shoot(canvas)
    memory = page.evaluate(f"{API}.memory()")
    for _ in range(2):
        page.evaluate(f"{API}.unfold([{block!r}])")
        settle(page)
        assert block not in root.get_attribute("data-folded").split()
        assert page.evaluate(f"{API}.project({inner!r})") is not None
        assert pixel_diff(folded, shoot(canvas)).fraction > 0.001
        page.evaluate(f"{API}.fold([{block!r}])")
        settle(page)
        assert page.evaluate(f"{API}.memory()") == memory
    # fly_to a layer inside a folded block (the _focus trait Python's fly_to sets)
    page.evaluate(f"window.layerscapePage.model.set('_focus', {{id: {inner!r}, n: 99}})")
    settle(page)
    assert block not in root.get_attribute("data-folded").split()
    assert page.evaluate(f"{API}.project({inner!r})") is not None
    assert page_log.problems() == []


def _shape(shape: list[int | None]) -> str:
    """A shape as the tooltip prints it (js/src/data/format.ts formatShape)."""
    return "\N{MULTIPLICATION SIGN}".join("?" if d is None else str(d) for d in shape)


def test_hover_on_a_folded_block_tells_what_it_holds(resnet_page, page, page_log):
    path, view = resnet_page
    open_view(page, path)
    nodes = {n["id"]: n for n in view.graph["nodes"]}
    groups = {g["id"]: g for g in view.graph["groups"]}
    block = next(groups[b] for b in view.folded if groups[b]["entry"] is not None)
    members = block["nodes"]
    tooltip = hover_tooltip(page, block["id"])
    rows = tooltip.locator(".ls-tt-rows").first
    facts = dict(zip(rows.locator("dt").all_inner_texts(), rows.locator("dd").all_inner_texts()))
    title = tooltip.locator(".ls-tt-title").inner_text()
    assert title == f"{block['name']} · {len(members)} layers"
    assert facts["layers"] == str(len(members))
    params = sum(nodes[m]["params"] for m in members)
    assert params > 0
    assert facts["params"] == f"{params:,}"
    assert facts["input"] == _shape(nodes[block["entry"]]["output_shape"])
    assert facts["output"] == _shape(nodes[block["exit"]]["output_shape"])
    assert tooltip.locator(".ls-tt-hint").inner_text() == "click to unfold"
    assert page_log.problems() == []
