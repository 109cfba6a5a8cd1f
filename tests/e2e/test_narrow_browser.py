"""A narrow view (two views side by side in an HBox, a sidebar): the title and the
toolbar share the top row without covering each other.

LeNet's saved page is opened at widths from 320 to 1280 px. At each, no toolbar control
overlaps the title, every control lies inside the view, and the find field stays usable;
from 480 px up the model's name is readable (the title gives way to an ellipsis, the
toolbar wraps onto a second row).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.page import open_view, rects_overlap

pytestmark = pytest.mark.e2e

WIDTHS = [320, 480, 640, 1280]


@pytest.fixture(scope="module")
def lenet_page(lenet, digits, tmp_path_factory) -> Path:
    from layerscape import ModelView

    view = ModelView(lenet)
    view.predict(digits[0][0])
    return view.save_html(tmp_path_factory.mktemp("narrow") / "lenet.html")


def _box(locator) -> dict:
    b = locator.bounding_box()
    return {"x0": b["x"], "y0": b["y"], "x1": b["x"] + b["width"], "y1": b["y"] + b["height"]}


@pytest.mark.parametrize("width", WIDTHS)
def test_title_and_toolbar_share_the_top_row(page, page_log, lenet_page, artifacts, width):
    page.set_viewport_size({"width": width, "height": 320})
    root = open_view(page, lenet_page)
    root.screenshot(path=str(artifacts / f"lenet-{width}.png"))
    view = _box(root)
    title = _box(root.locator(".ls-title"))
    controls = root.locator(".ls-toolbar button:visible, .ls-toolbar input:visible")
    assert controls.count() >= 5  # the find field and the four buttons (Weights shown)
    for i in range(controls.count()):
        c = _box(controls.nth(i))
        name = controls.nth(i).get_attribute("class")
        assert not rects_overlap(c, title, 0.5), f"{name} covers the title at {width} px"
        inside = c["x0"] >= view["x0"] and c["x1"] <= view["x1"]
        assert inside, f"{name} leaves the view at {width} px"
    assert root.locator(".ls-find-field").bounding_box()["width"] >= 80
    if width >= 480:
        assert root.locator(".ls-title-name").bounding_box()["width"] >= 30
    assert page_log.problems() == []
