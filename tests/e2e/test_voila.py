"""layerscape in a real Voilà dashboard: the view shows beside a button whose click calls
``predict`` (the view redraws), and follows Voilà's dark theme (``?theme=dark``)."""

from __future__ import annotations

import pytest

from tests.support.hosts import drawn_pixels, one_view, page_and_log, serve, start_voila
from tests.support.lab import write_notebook

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
    base = tmp_path_factory.mktemp("voila")
    with serve(lambda: start_voila(base), "voila-server.log") as server:
        write_notebook(server.root_dir, "dashboard.ipynb", [SOURCE])
        yield server


def _open(page, server, query: str = "") -> dict:
    # Voilà runs the notebook (TensorFlow's import included: 20 s on a loaded two-core
    # machine) before it sends the page, so the page takes as long as the view may.
    page.goto(f"{server.url}/voila/render/dashboard.ipynb{query}", wait_until="domcontentloaded",
              timeout=180_000)  # fmt: skip
    return _one_view(page, server, lambda v: v["state"] == "ready" and v["predictions"] == 1)


def _one_view(page, server, check) -> dict:
    return one_view(page, "the dashboard's view", check, page_and_log(page, server))


def test_voila_dashboard_shows_redraws_and_follows_the_theme(
    page, voila_server, page_log, artifacts
):
    view = _open(page, voila_server)
    assert view["width"] >= 300 and abs(view["height"] - 360) < 2, view
    assert view["theme"] == "light", view
    light = drawn_pixels(page)
    page.screenshot(path=str(artifacts / "voila-light.png"))

    page.get_by_role("button", name="Next digit").click()
    _one_view(page, voila_server, lambda v: v["predictions"] == 2)
    again = drawn_pixels(page)
    assert again["stats"] != light["stats"], "the picture did not change with the new digit"

    view = _open(page, voila_server, "?theme=dark")
    assert view["theme"] == "dark", view
    dark = drawn_pixels(page)
    assert sum(dark["background"]) < sum(light["background"]) - 200, (dark, light)
    page.screenshot(path=str(artifacts / "voila-dark.png"))
    assert not page_log.problems(VOILA_NOISE), page_log.problems(VOILA_NOISE)
