"""layerscape in a real Voilà dashboard: the view shows beside a button whose click calls
``predict`` (the view redraws), and follows Voilà's dark theme (``?theme=dark``)."""

from __future__ import annotations

import shutil

import pytest

from tests.support.hosts import canvas_pixels, start_voila, views
from tests.support.lab import stop_lab, write_notebook
from tests.support.paths import ARTIFACTS_ROOT
from tests.support.pixels import DRAWN, PixelStats
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

SOURCE = """\
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import ipywidgets as w
from layerscape import ModelView
from layerscape.demo import build_lenet, load_digits
x, y = load_digits()
view = ModelView(build_lenet(), height=360)
view.predict(x[0])
button = w.Button(description="Next digit")
shown = [0]
def next_digit(_):
    shown[0] += 1
    view.predict(x[shown[0]])
button.on_click(next_digit)
w.VBox([button, view])"""


# What Voilà 0.5.13 itself logs here, none of it layerscape's: its template's icon font
# from a CDN (no network here), Notebook 7's lab extension that Voilà's older bundled
# JupyterLab cannot load, and the kernel shutdown it posts without an _xsrf on leaving.
VOILA_NOISE = (
    r"favicon",
    r"ERR_NAME_NOT_RESOLVED",
    r"#RUNTIME-012",
    r"status of 403 \(Forbidden\)",
)


@pytest.fixture(scope="module")
def voila_server(tmp_path_factory: pytest.TempPathFactory):
    try:
        server = start_voila(tmp_path_factory.mktemp("voila"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    write_notebook(server.root_dir, "dashboard.ipynb", [SOURCE])
    try:
        yield server
    finally:
        stop_lab(server)
        ARTIFACTS_ROOT.mkdir(parents=True, exist_ok=True)
        shutil.copy(server.log_path, ARTIFACTS_ROOT / "voila-server.log")


def _open(page, server, query: str = "") -> dict:
    page.goto(f"{server.url}/voila/render/dashboard.ipynb{query}", wait_until="domcontentloaded")
    return _one_view(page, server, lambda v: v["state"] == "ready" and v["predictions"] == 1)


def _one_view(page, server, check) -> dict:
    def done():
        found = views(page)
        if found and found[0]["state"] == "error":
            raise AssertionError(f"the view failed: {found[0]['text']}")
        return found[0] if len(found) == 1 and check(found[0]) else None

    def describe() -> str:
        body = page.evaluate("() => document.body.innerText.slice(0, 3000)")
        return f"page text:\n{body}\nserver log:\n{server.log_tail()}"

    return wait_until(done, 180, "the dashboard's view", describe)


def _drawn(page) -> dict:
    pixels = canvas_pixels(page)
    problems = DRAWN.problems(PixelStats(**pixels["stats"]))
    assert not problems, f"the view's canvas looks blank: {problems} {pixels}"
    return pixels


def test_voila_dashboard_shows_redraws_and_follows_the_theme(
    page, voila_server, page_log, artifacts
):
    view = _open(page, voila_server)
    assert view["width"] >= 300 and abs(view["height"] - 360) < 2, view
    assert view["theme"] == "light", view
    light = _drawn(page)
    page.screenshot(path=str(artifacts / "voila-light.png"))

    page.get_by_role("button", name="Next digit").click()
    _one_view(page, voila_server, lambda v: v["predictions"] == 2)
    again = _drawn(page)
    assert again["stats"] != light["stats"], "the picture did not change with the new digit"

    view = _open(page, voila_server, "?theme=dark")
    assert view["theme"] == "dark", view
    dark = _drawn(page)
    assert sum(dark["background"]) < sum(light["background"]) - 200, (dark, light)
    page.screenshot(path=str(artifacts / "voila-dark.png"))
    assert not page_log.problems(VOILA_NOISE), page_log.problems(VOILA_NOISE)
