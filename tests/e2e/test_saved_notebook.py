"""A notebook with two views, saved with its outputs, shows both without a kernel.

``jupyter nbconvert --execute --to layerscape`` (the exporter of
``layerscape.nbconvert_exporter``) writes the HTML; Chromium opens it from file:// with
every request recorded and any that is not the file itself or a data:/blob: URL aborted:
both views come up ready with pixels drawn, orbit and hover, and no request leaves the
page. The same notebook executed to ``.ipynb`` carries, in each view's output, a picture
(``image/png``) of the view after its last predict: what GitHub shows. Opened with
scripts off (a renderer that strips them), the HTML shows those pictures.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from tests.support.chromium import guard_network
from tests.support.page import drag_across, shoot, wait_for
from tests.support.paths import REPO_ROOT
from tests.support.pixels import assert_drawn, decode_png, pixel_diff, pixel_stats

pytestmark = pytest.mark.e2e

CELLS = [
    """import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras
import numpy as np
from layerscape import ModelView
from layerscape.demo import build_lenet, load_digits
x, y = load_digits()""",
    # Displayed before its predict: the output's picture must follow the later cell.
    """first = ModelView(build_lenet(), height=320)
first""",
    "first.predict(x[0]);",
    """mlp = keras.Sequential([keras.Input((16,)), keras.layers.Dense(12, activation="tanh"),
                          keras.layers.Dense(3, activation="softmax")], name="mlp")
second = ModelView(mlp, height=320, theme="dark")
second.predict(np.linspace(-1, 1, 16, dtype="float32"))
second""",
]

EXPORTER = "layerscape.nbconvert_exporter.LayerscapeExporter"
"""The exporter by import path: the ``--to layerscape`` entry point needs layerscape
installed from this checkout (``test_nbconvert_exporter`` checks pyproject declares it)."""


def _nbconvert(folder: Path, *args: str) -> None:
    env_path = str(REPO_ROOT / "src")
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": env_path},
    )
    assert done.returncode == 0, f"nbconvert {args} failed:\n{done.stderr[-4000:]}"


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("saved")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    nbformat.write(nb, folder / "two_views.ipynb")
    _nbconvert(folder, "--execute", "--to", EXPORTER, "two_views.ipynb")
    _nbconvert(folder, "--execute", "--to", "notebook", "--output", "executed", "two_views.ipynb")
    return folder


def _view_outputs(nb) -> list:
    return [
        o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]  # fmt: skip


def test_each_views_output_carries_a_picture_of_its_last_predict(saved: Path):
    nb = nbformat.read(saved / "executed.ipynb", as_version=4)
    outputs = _view_outputs(nb)
    assert [o.output_type for o in outputs] == ["display_data", "display_data"]
    pictures = [base64.b64decode(o.data["image/png"]) for o in outputs]
    sizes = [len(p) for p in pictures]
    print("picture bytes:", sizes)
    assert all(200 < n < 60_000 for n in sizes), sizes  # KBs, not MBs
    for picture, name in zip(pictures, ("first", "second")):
        rgb = np.asarray(decode_png(picture))[..., :3]
        colours = np.unique(rgb.reshape(-1, 3), axis=0).shape[0]
        # Before any predict a picture has three colours (background, tiles, edges):
        # activations drawn mean many more. `first` was displayed before its predict.
        assert colours > 12, f"{name}'s picture shows no activations ({colours} colours)"
    # The saved widget state holds each view; the page mounts them from it.
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    ids = [o.data["application/vnd.jupyter.widget-view+json"]["model_id"] for o in outputs]
    assert all(i in state for i in ids)


def test_the_exported_page_shows_both_views_offline(saved: Path, page, page_log, artifacts):
    html = saved / "two_views.html"
    text = html.read_text(encoding="utf-8")
    print("exported HTML bytes:", len(text.encode("utf-8")))
    assert text.count("LayerscapeWidget.mountSaved()") == 1
    assert text.count("var LayerscapeWidget") == 1, "the bundle is not inlined exactly once"
    assert "<script src=" not in text and "require.js" not in text

    net = guard_network(page.context, allowed_prefixes=("file:", "data:", "blob:"))
    page.goto(html.as_uri(), wait_until="load")
    wait_for(
        page,
        "() => { const r = [...document.querySelectorAll('.layerscape')];"
        " return r.length === 2 && r.every((e) => ['ready', 'error'].includes(e.dataset.state)); }",
        timeout=90,
        what="both saved views to finish loading",
    )
    roots = page.locator(".layerscape")
    states = [roots.nth(i).get_attribute("data-state") for i in range(2)]
    assert states == ["ready", "ready"], f"{states}\n" + "\n".join(page_log.problems())
    # Each view shows its saved last prediction.
    assert [roots.nth(i).get_attribute("data-predictions") for i in range(2)] == ["1", "1"]
    shots = [
        assert_drawn(roots.nth(i).locator("canvas"), f"saved view {i}",
                     artifacts / f"saved-view-{i}.png")
        for i in range(2)
    ]  # fmt: skip
    assert all(s.width > 300 and s.height > 200 for s in shots), [s.describe() for s in shots]
    # Once ready the picture makes room for the live view.
    assert page.locator("img.layerscape-picture").evaluate_all(
        "(imgs) => imgs.map((i) => getComputedStyle(i).display)"
    ) == ["none", "none"]
    page.screenshot(path=str(artifacts / "saved-page.png"), full_page=True)

    # Interactive as an exported page: hovering a layer shows its tooltip, dragging orbits.
    node = page.evaluate("() => window.layerscapeViews[0].model.get('_graph').nodes[2]")
    point = page.evaluate(
        "(id) => document.querySelector('.layerscape').__layerscape.project(id)", node["id"]
    )
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator(".layerscape .ls-tooltip").first
    tooltip.wait_for(state="visible", timeout=10_000)
    assert node["name"] in tooltip.inner_text(), tooltip.inner_text()
    page.mouse.move(2, 2)
    canvas = roots.nth(1).locator("canvas")
    before = shoot(canvas)
    drag_across(page, canvas, 160, 40)
    diff = pixel_diff(before, shoot(canvas))
    assert diff.fraction > 0.01, f"dragging did not orbit the saved view: {diff.describe()}"

    page.wait_for_load_state("networkidle")
    print("requests:", len(net.requests), sorted({u.split(":")[0] for u in net.requests}))
    assert not net.offending, f"the saved page tried to reach the network: {net.offending}"
    assert [u for u in net.requests if u.startswith("file:")] == [html.as_uri()]
    assert not page_log.problems(), page_log.problems()


def test_without_scripts_the_page_shows_each_views_picture(saved: Path, browser, artifacts):
    viewport = {"width": 1280, "height": 1000}
    context = browser.new_context(java_script_enabled=False, viewport=viewport)
    try:
        net = guard_network(context, allowed_prefixes=("file:", "data:", "blob:"))
        page = context.new_page()
        page.goto((saved / "two_views.html").as_uri(), wait_until="load")
        pictures = page.locator("img.layerscape-picture")
        assert pictures.count() == 2
        for i in range(2):
            assert pictures.nth(i).evaluate("(img) => img.complete && img.naturalWidth") > 50
            assert pictures.nth(i).is_visible()
            # Shown as drawn: as many colours as a picture of activations has (the
            # canvas thresholds of assert_drawn are for a large 3D view, not a 96 px MLP).
            stats = pixel_stats(pictures.nth(i).screenshot())
            assert stats.distinct_colors > 12 and stats.variance > 10, stats.describe()
        page.screenshot(path=str(artifacts / "saved-page-no-scripts.png"), full_page=True)
        assert page.locator(".layerscape").count() == 0
        assert not net.offending, net.offending
    finally:
        context.close()
