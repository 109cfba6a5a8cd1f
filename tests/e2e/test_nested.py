"""Nested models are drawn inside a labelled wireframe box.

A model that calls a nested Sequential twice and ends in a nested functional model is
exported with ``save_html``; the page must come up ready, with no console error, and
show each nested model's name (and the second call's) as a caption.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.page import open_view

pytestmark = pytest.mark.e2e


def _nested_model():
    import keras

    block = keras.Sequential(
        [keras.Input((16,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(16)],
        name="block",
    )
    i = keras.Input((16,))
    x = block(block(i))
    head_in = keras.Input((16,))
    out = keras.layers.Dense(3, activation="softmax")(keras.layers.Dense(8)(head_in))
    head = keras.Model(head_in, out, name="head")
    return keras.Model(i, head(x))


def test_nested_models_get_captioned_boxes(page, page_log, tmp_path: Path, artifacts: Path):
    import numpy as np

    from layerscape import ModelView

    view = ModelView(_nested_model(), labels=["a", "b", "c"])
    view.predict(np.ones(16, "f4"))
    parents = {n["parent"] for n in view.graph["nodes"]}
    assert {"block", "block:1", "head"} <= parents
    html = tmp_path / "nested.html"
    view.save_html(str(html))

    root = open_view(page, html)  # ready and settled: the captions are placed
    page.screenshot(path=str(artifacts / "nested.png"))

    captions = page.locator(".ls-group-caption").all_text_contents()
    assert sorted(captions) == ["block", "block (call 2)", "head"]
    text = root.text_content()
    for name in ("block", "block (call 2)", "head"):
        assert name in text, f"caption {name!r} missing from {text[:500]!r}"
    assert not page_log.problems(), "\n".join(page_log.problems())
