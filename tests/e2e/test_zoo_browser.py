"""Real graphs from the zoo, drawn in Chromium from their exported pages.

Each view is predicted once and saved with ``save_html``; the page must come up
``ready`` with that prediction drawn, a canvas that is not blank and no console error.
An untraceable subclassed model must say, in the view, that its wiring is unknown.

(``tests/test_zoo.py`` holds the unit tests; both read ``tests/support/zoo_models.py``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import zoo_models
from tests.support.page import open_view
from tests.support.pixels import assert_drawn

pytestmark = pytest.mark.e2e


def _save(name: str, tmp_path: Path) -> tuple[Path, dict]:
    from layerscape import ModelView

    model = zoo_models.build(name)
    view = ModelView(model)
    sample = zoo_models.sample_for(name)
    if name in zoo_models.UNTRACEABLE:
        view.predict(sample[0][None])  # its input shape is unknown: a batch, as model(x)
    else:
        view.predict(sample if len(sample) > 1 else sample[0])
    return view.save_html(tmp_path / f"{name}.html"), view.graph


def _assert_drawn(page, root, artifacts: Path, name: str) -> None:
    assert root.get_attribute("data-predictions") == "1"
    assert_drawn(root.locator("canvas"), f"{name}'s canvas", artifacts / f"{name}.png")


@pytest.mark.parametrize(
    "name", ["resnet50", "inception_v3", "unet", "seq2seq", "transformer_block"]
)
def test_zoo_model_renders(name: str, page, page_log, tmp_path: Path, artifacts: Path):
    html, graph = _save(name, tmp_path)
    root = open_view(page, html)
    _assert_drawn(page, root, artifacts, name)
    assert root.get_attribute("data-wiring") == "known"
    assert page.locator(".layerscape .ls-notice").is_hidden()
    title = root.locator(".ls-title-meta").text_content()
    assert title.startswith(f"{len(graph['nodes'])} layers"), title
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_untraceable_model_says_its_wiring_is_unknown(page, page_log, tmp_path, artifacts):
    html, graph = _save("gated_net", tmp_path)
    assert graph["wiring"] == "unknown" and graph["edges"] == []
    root = open_view(page, html)
    _assert_drawn(page, root, artifacts, "gated_net")
    assert root.get_attribute("data-wiring") == "unknown"
    notice = page.locator(".layerscape .ls-notice")
    assert notice.is_visible()
    assert notice.text_content() == f"Wiring unknown: {graph['wiring_reason']}"
    assert not page_log.problems(), "\n".join(page_log.problems())
