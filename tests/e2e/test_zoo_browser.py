"""Real graphs from the zoo, drawn in Chromium from their exported pages.

Each view is predicted once and saved with ``save_html``; the page must come up
``ready`` with that prediction drawn, a canvas that is not blank and no console error.
An untraceable subclassed model must say, in the view, that its wiring is unknown.

(Named ``test_zoo_browser.py``: ``tests/test_zoo.py`` holds the unit tests, and two test
modules may not share a base name in a package-less test tree.)
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from e2e_support import open_view, pixel_stats, stable_screenshot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import zoo_models

pytestmark = pytest.mark.e2e

# A drawn model: many colours and real contrast (a cleared canvas: 1 colour, variance 0).
MIN_COLORS = 32
MIN_VARIANCE = 10.0
MAX_BACKGROUND = 0.995


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
    shot = stable_screenshot(root.locator("canvas"), artifacts / f"{name}.png", timeout=20)
    stats = pixel_stats(shot)
    assert (
        stats.distinct_colors >= MIN_COLORS
        and stats.variance >= MIN_VARIANCE
        and stats.dominant_fraction <= MAX_BACKGROUND
    ), f"{name}: the canvas looks blank: {stats.describe()}"


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
