"""layerscape in a real Jupyter Notebook 7: the view shows, redraws on a later predict,
and follows Notebook 7's theme (JupyterLab Dark and back, switched live)."""

from __future__ import annotations

import pytest

from tests.support.hosts import (
    READY_WATCH_JS,
    Notebook7,
    canvas_pixels,
    drawn_pixels,
    one_view,
    ready_shots,
    serve,
    shot_problems,
    start_notebook7,
)
from tests.support.lab import write_notebook
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
    base = tmp_path_factory.mktemp("notebook7")
    with serve(lambda: start_notebook7(base), "notebook7-server.log") as server:
        yield server


def test_notebook7_shows_redraws_and_follows_the_theme(page, notebook_server, page_log, artifacts):
    write_notebook(notebook_server.root_dir, "view.ipynb", [SOURCE])
    # The canvas is read at the moment the view turns ready (and on the frames after):
    # ready means the picture is on screen, at the canvas's final size.
    page.add_init_script(READY_WATCH_JS)
    nb = Notebook7(page, notebook_server)
    nb.open_notebook("view.ipynb")
    nb.run_all(timeout=240)
    view = one_view(page, "the view ready with its prediction",
                    lambda v: v["state"] == "ready" and v["predictions"] == 1,
                    nb.describe_cells)  # fmt: skip
    assert view["width"] >= 300 and abs(view["height"] - 360) < 2, view
    assert view["theme"] == "light", view
    shots = ready_shots(page)
    blank = {s["when"]: p for s in shots if (p := shot_problems(s))}
    assert not blank, f"the canvas is blank at or right after ready: {blank}\n{shots}"
    light = drawn_pixels(page)
    final = (light["stats"]["width"], light["stats"]["height"])
    sizes = {s["when"]: (s["width"], s["height"]) for s in shots}
    assert all(size == final for size in sizes.values()), (
        f"ready before the canvas took its final size {final}: {sizes}"
    )
    root = page.locator(".layerscape")
    root.screenshot(path=str(artifacts / "notebook7-light.png"))

    nb.run_new_cell("view.predict(x[1])", timeout=120)
    one_view(page, "the second prediction drawn", lambda v: v["predictions"] == 2,
             nb.describe_cells)  # fmt: skip
    again = drawn_pixels(page)
    assert again["stats"] != light["stats"], "the picture did not change with the new digit"

    nb.set_theme("JupyterLab Dark")
    one_view(page, "the view to take the dark theme", lambda v: v["theme"] == "dark",
             nb.describe_cells)  # fmt: skip

    # The theme attribute changes first; the canvas repaints on the next frame (drawn
    # all along: each read fails on a blank canvas).
    def repainted_dark():
        pixels = drawn_pixels(page)
        return pixels if sum(pixels["background"]) < sum(light["background"]) - 200 else None

    wait_until(repainted_dark, 10, "the canvas to repaint on the dark background",
               lambda: str(canvas_pixels(page)))  # fmt: skip
    root.screenshot(path=str(artifacts / "notebook7-dark.png"))
    nb.set_theme("JupyterLab Light")
    one_view(page, "the view back in the light theme", lambda v: v["theme"] == "light",
             nb.describe_cells)  # fmt: skip
    # Notebook 7's own settings loader (notebook_core) trips over a plugin's schema.
    noise = (r"favicon", r"reading 'schema'\)[\s\S]*notebook_core")
    assert not page_log.problems(noise), page_log.problems(noise)
