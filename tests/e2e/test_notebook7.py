"""layerscape in a real Jupyter Notebook 7: the view shows, redraws on a later predict,
and follows Notebook 7's theme (JupyterLab Dark and back, switched live)."""

from __future__ import annotations

import shutil

import pytest

from tests.support.hosts import Notebook7, canvas_pixels, start_notebook7, views
from tests.support.lab import stop_lab, write_notebook
from tests.support.paths import ARTIFACTS_ROOT
from tests.support.pixels import DRAWN, PixelStats
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

SOURCE = """\
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from layerscape import ModelView
from layerscape.demo import build_lenet, load_digits
x, y = load_digits()
view = ModelView(build_lenet(), height=360)
view.predict(x[0])
view"""


@pytest.fixture(scope="module")
def notebook_server(tmp_path_factory: pytest.TempPathFactory):
    try:
        server = start_notebook7(tmp_path_factory.mktemp("notebook7"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        stop_lab(server)
        ARTIFACTS_ROOT.mkdir(parents=True, exist_ok=True)
        shutil.copy(server.log_path, ARTIFACTS_ROOT / "notebook7-server.log")


def _one_view(page, what: str, check, describe) -> dict:
    def done():
        found = views(page)
        if found and found[0]["state"] == "error":
            raise AssertionError(f"the view failed: {found[0]['text']}")
        return found[0] if len(found) == 1 and check(found[0]) else None

    return wait_until(done, 120, what, describe)


def _drawn(page) -> dict:
    """The view's canvas pixels once drawn. Polled, not read once: on this machine
    Notebook 7 was once seen with a `ready` view whose canvas was still black for a
    moment (the ready-means-drawn rule holds in test_picture_kept's exported page; this
    host's case is still open), and this test is about showing, redrawing and theming."""

    def drawn():
        pixels = canvas_pixels(page)
        return None if DRAWN.problems(PixelStats(**pixels["stats"])) else pixels

    def describe() -> str:
        pixels = canvas_pixels(page)
        return f"{DRAWN.problems(PixelStats(**pixels['stats']))} {pixels}"

    return wait_until(drawn, 10, "the view's canvas to show the model", describe)


def test_notebook7_shows_redraws_and_follows_the_theme(page, notebook_server, page_log, artifacts):
    write_notebook(notebook_server.root_dir, "view.ipynb", [SOURCE])
    nb = Notebook7(page, notebook_server)
    nb.open_notebook("view.ipynb")
    nb.run_all(timeout=240)
    view = _one_view(page, "the view ready with its prediction",
                     lambda v: v["state"] == "ready" and v["predictions"] == 1,
                     nb.describe_cells)  # fmt: skip
    assert view["width"] >= 300 and abs(view["height"] - 360) < 2, view
    assert view["theme"] == "light", view
    light = _drawn(page)
    root = page.locator(".layerscape")
    root.screenshot(path=str(artifacts / "notebook7-light.png"))

    nb.run_new_cell("view.predict(x[1])", timeout=120)
    _one_view(page, "the second prediction drawn", lambda v: v["predictions"] == 2,
              nb.describe_cells)  # fmt: skip
    again = _drawn(page)
    assert again["stats"] != light["stats"], "the picture did not change with the new digit"

    nb.set_theme("JupyterLab Dark")
    _one_view(page, "the view to take the dark theme", lambda v: v["theme"] == "dark",
              nb.describe_cells)  # fmt: skip

    # The theme attribute changes first; the canvas repaints on the next frame.
    def repainted_dark():
        pixels = _drawn(page)
        return pixels if sum(pixels["background"]) < sum(light["background"]) - 200 else None

    wait_until(repainted_dark, 10, "the canvas to repaint on the dark background",
               lambda: str(canvas_pixels(page)))  # fmt: skip
    root.screenshot(path=str(artifacts / "notebook7-dark.png"))
    nb.set_theme("JupyterLab Light")
    _one_view(page, "the view back in the light theme", lambda v: v["theme"] == "light",
              nb.describe_cells)  # fmt: skip
    # Notebook 7's own settings loader (notebook_core) trips over a plugin's schema.
    noise = (r"favicon", r"reading 'schema'\)[\s\S]*notebook_core")
    assert not page_log.problems(noise), page_log.problems(noise)
