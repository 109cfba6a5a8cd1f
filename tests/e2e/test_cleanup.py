"""render() returns a cleanup that undoes everything it did.

An exported page gets a script that wraps WebGL, the observers and addEventListener
before the bundle loads, and counts what render() creates (the page's own view is
cleaned up first; a fresh render is measured against what is left). Rebuilding the
scene three times holds the same GPU objects each time (a visual that forgets a
dispose() piles them up; at cleanup, renderer.dispose() would free them and hide it).
After the cleanup every GL texture with data, buffer, vertex array and program is
deleted, every observer disconnected, every window/document listener removed, and no
frame is drawn any more.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.leaks import (
    RENDER_JS,
    SNAPSHOT_JS,
    clean_up,
    instrument,
    snapshots_after_rebuilds,
)
from tests.support.page import open_view, settle

pytestmark = pytest.mark.e2e


def test_cleanup_releases_everything_render_made(page, page_log, lenet, digits, tmp_path: Path):
    from layerscape import ModelView

    view = ModelView(lenet, labels=[str(d) for d in range(10)])
    view.predict(digits[0][0])
    html = instrument(view.save_html(tmp_path / "cleanup.html"), tmp_path / "cleanup-counted.html")
    open_view(page, html)

    # The page drew its view on load: clean that up and take what is left as the
    # baseline (the page's own resize listener; nothing on the GPU, no observers).
    clean_up(page)
    baseline = page.evaluate(SNAPSHOT_JS)
    busy = {k: v for k, v in baseline.items() if v != 0 and k != "global listeners"}
    assert busy == {}, f"the first view's cleanup left {busy}"

    assert page.evaluate(RENDER_JS) == "ready"
    # Exercise what allocates: opening layers, resetting the view.
    page.evaluate("api.toggle('conv2d'); api.toggle('conv2d_1'); api.resetView()")
    settle(page)
    made = page.evaluate(SNAPSHOT_JS)
    assert made["dataTextures"] > 0 and made["createBuffer"] > 0 and made["ResizeObserver"] == 1
    assert made["MutationObserver"] >= 1
    assert made["global listeners"] > baseline["global listeners"]

    # Rebuilding the scene (a new graph) frees what the old one held.
    alive = snapshots_after_rebuilds(page)
    assert page.evaluate("api.builds()") == 4
    assert alive[0] == alive[1] == alive[2], f"rebuilds pile up GPU objects: {alive}"

    clean_up(page)
    left = page.evaluate(SNAPSHOT_JS)
    assert left == baseline, f"left behind: {left} (before this view: {baseline})"
    assert page.locator(".layerscape").count() == 0
    frames = page.evaluate("api.frames()")
    page.mouse.move(400, 200)
    # On purpose a fixed time: nothing may draw during it (a listener or a frame left
    # behind would), and there is no page state to wait for when nothing should happen.
    page.wait_for_timeout(500)
    assert page.evaluate("api.frames()") == frames, "frames drawn after cleanup"
    # The same element can host a new view afterwards.
    assert page.evaluate(RENDER_JS) == "ready"
    assert not page_log.problems(), "\n".join(page_log.problems())
