"""layerscape in a real marimo app (``marimo run``): ``mo.ui.anywidget(view)`` in an
``mo.hstack`` shows the view, a click re-runs the reactive cell that calls ``predict``
(the view redraws), and the view follows marimo's dark mode when the system's
preference turns dark (marimo's theme is "system" here; the browser emulates it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.hosts import drawn_pixels, one_view, page_and_log, serve, start_marimo

pytestmark = pytest.mark.e2e

APP = Path(__file__).resolve().parent / "apps" / "marimo_view.py"


@pytest.fixture(scope="module")
def marimo_server(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("marimo")
    with serve(lambda: start_marimo(base, APP), "marimo-server.log") as server:
        yield server


def _one_view(page, server, what: str, check) -> dict:
    return one_view(page, what, check, page_and_log(page, server))


def test_marimo_app_shows_redraws_and_follows_dark_mode(page, marimo_server, page_log, artifacts):
    page.emulate_media(color_scheme="light")
    page.goto(marimo_server.url + "/", wait_until="domcontentloaded")
    view = _one_view(page, marimo_server, "the app's view ready with its prediction",
                     lambda v: v["state"] == "ready" and v["predictions"] >= 1)  # fmt: skip
    # The hstack gives the view five sixths of the row: never 0 px wide.
    assert view["width"] >= 300 and abs(view["height"] - 360) < 2, view
    assert view["theme"] == "light", view
    light = drawn_pixels(page)
    page.screenshot(path=str(artifacts / "marimo-light.png"))

    seen = view["predictions"]
    page.get_by_role("button", name="Next digit").click()
    _one_view(page, marimo_server, "the reactive cell's prediction drawn",
              lambda v: v["predictions"] > seen)  # fmt: skip
    again = drawn_pixels(page)
    assert again["stats"] != light["stats"], "the picture did not change with the new digit"

    page.emulate_media(color_scheme="dark")
    _one_view(page, marimo_server, "the view to follow marimo's dark mode",
              lambda v: v["theme"] == "dark")  # fmt: skip
    dark = drawn_pixels(page)
    assert sum(dark["background"]) < sum(light["background"]) - 200, (dark, light)
    page.screenshot(path=str(artifacts / "marimo-dark.png"))
    # The tests' browser blocks service workers; marimo's page says so.
    noise = (r"favicon", r"Error registering service worker")
    assert not page_log.problems(noise), page_log.problems(noise)
