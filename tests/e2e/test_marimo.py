"""layerscape in a real marimo app (``marimo run``): ``mo.ui.anywidget(view)`` in an
``mo.hstack`` shows the view, a click re-runs the reactive cell that calls ``predict``
(the view redraws), and the view follows marimo's dark mode when the system's
preference turns dark (marimo's theme is "system" here; the browser emulates it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.hosts import canvas_pixels, start_marimo, views
from tests.support.lab import stop_lab
from tests.support.paths import ARTIFACTS_ROOT
from tests.support.pixels import DRAWN, PixelStats
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

APP = Path(__file__).resolve().parent / "apps" / "marimo_view.py"


@pytest.fixture(scope="module")
def marimo_server(tmp_path_factory: pytest.TempPathFactory):
    try:
        server = start_marimo(tmp_path_factory.mktemp("marimo"), APP)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        stop_lab(server)
        ARTIFACTS_ROOT.mkdir(parents=True, exist_ok=True)
        shutil.copy(server.log_path, ARTIFACTS_ROOT / "marimo-server.log")


def _one_view(page, server, what: str, check) -> dict:
    def done():
        found = views(page)
        if found and found[0]["state"] == "error":
            raise AssertionError(f"the view failed: {found[0]['text']}")
        return found[0] if len(found) == 1 and check(found[0]) else None

    def describe() -> str:
        body = page.evaluate("() => document.body.innerText.slice(0, 3000)")
        return f"page text:\n{body}\nserver log:\n{server.log_tail()}"

    return wait_until(done, 180, what, describe)


def _drawn(page) -> dict:
    pixels = canvas_pixels(page)
    problems = DRAWN.problems(PixelStats(**pixels["stats"]))
    assert not problems, f"the view's canvas looks blank: {problems} {pixels}"
    return pixels


def test_marimo_app_shows_redraws_and_follows_dark_mode(page, marimo_server, page_log, artifacts):
    page.emulate_media(color_scheme="light")
    page.goto(marimo_server.url + "/", wait_until="domcontentloaded")
    view = _one_view(page, marimo_server, "the app's view ready with its prediction",
                     lambda v: v["state"] == "ready" and v["predictions"] >= 1)  # fmt: skip
    # The hstack gives the view five sixths of the row: never 0 px wide.
    assert view["width"] >= 300 and abs(view["height"] - 360) < 2, view
    assert view["theme"] == "light", view
    light = _drawn(page)
    page.screenshot(path=str(artifacts / "marimo-light.png"))

    seen = view["predictions"]
    page.get_by_role("button", name="Next digit").click()
    _one_view(page, marimo_server, "the reactive cell's prediction drawn",
              lambda v: v["predictions"] > seen)  # fmt: skip
    again = _drawn(page)
    assert again["stats"] != light["stats"], "the picture did not change with the new digit"

    page.emulate_media(color_scheme="dark")
    _one_view(page, marimo_server, "the view to follow marimo's dark mode",
              lambda v: v["theme"] == "dark")  # fmt: skip
    dark = _drawn(page)
    assert sum(dark["background"]) < sum(light["background"]) - 200, (dark, light)
    page.screenshot(path=str(artifacts / "marimo-dark.png"))
    # The tests' browser blocks service workers; marimo's page says so.
    noise = (r"favicon", r"Error registering service worker")
    assert not page_log.problems(noise), page_log.problems(noise)
