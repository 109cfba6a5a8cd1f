"""A notebook saved with its widget state, reopened in JupyterLab or Notebook 7 without
the kernel that made it, shows each view.

ipywidgets' JupyterLab manager writes the page's widget state into the notebook's
metadata when it saves, if its setting ``saveState`` is on (off by default; Settings →
"Save Widget State Automatically"), and restores the models from there when the notebook
is opened again. A view's state names the kernel's runtime widget (``_runtime``), whose
``_bundle`` is the front end: the saved notebook holds it once, however many views, and
the reopened page has to resolve the reference among the restored models and import the
bundle from there.

Each server here has that setting on (its own settings dir, so the session's shared
``lab_server`` keeps the default). The notebook runs two views, is saved, its kernel
shut down, and is opened again on a fresh page, where a new kernel starts: it has none of
the views' models, so they come from the file alone. (With "No Kernel" ipywidgets 8.1.9
makes no widget manager at all: its plugin keys the manager by the kernel's id.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.hosts import Notebook7, drawn_pixels, start_notebook7, views_when
from tests.support.lab import Lab, start_lab, stop_lab, write_notebook
from tests.support.page import API
from tests.support.paths import ARTIFACTS_ROOT
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

SETUP = """\
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras
from layerscape import ModelView
from layerscape.demo import build_lenet, load_digits
x, y = load_digits()"""

LENET = """\
lenet = ModelView(build_lenet(), height=260)
lenet.predict(x[0])
lenet"""

SMALL = """\
inp = keras.Input((6,), name="features")
hidden = keras.layers.Dense(5, activation="relu", name="hidden")(inp)
small = ModelView(keras.Model(inp, keras.layers.Dense(3, name="scores")(hidden)), height=220)
small"""

_EVALUATIONS = "() => globalThis[Symbol.for('layerscape.evaluations')] ?? 0"
# Notebook 7's own settings loader (notebook_core) trips over a plugin's schema, as in
# test_notebook7.py.
_NOISE = (r"favicon", r"reading 'schema'\)[\s\S]*notebook_core")


HOSTS = {"jupyterlab": (start_lab, Lab), "notebook7": (start_notebook7, Notebook7)}


@pytest.fixture(scope="module", params=sorted(HOSTS))
def saving_lab(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """JupyterLab or Notebook 7 (the same widget manager and setting), saving the widget
    state into the notebook; ``(server, driver class)``."""
    start, driver = HOSTS[request.param]
    base = tmp_path_factory.mktemp(f"{request.param}-save-state")
    try:
        server = start(base)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    # The user's settings file, as the Settings menu writes it (the server reads it on
    # each page load: no page has loaded yet).
    settings = base / "settings" / "@jupyter-widgets" / "jupyterlab-manager"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"saveState": True}))
    try:
        yield server, driver
    finally:
        stop_lab(server)
        ARTIFACTS_ROOT.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS_ROOT / f"{request.param}-save-state-server.log").write_bytes(
            server.log_path.read_bytes()
        )


def _views_ready(page, count: int, describe) -> list[dict]:
    return views_when(page, count, f"{count} views ready", lambda v: v["state"] == "ready",
                      describe)  # fmt: skip


def _saved_state(path: Path) -> dict:
    nb = json.loads(path.read_text())
    return nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


def test_saved_widget_state_reopened_on_a_new_kernel_shows_each_view(
    browser, saving_lab, artifacts: Path
):
    from tests.support.chromium import new_page

    saving_lab, driver = saving_lab
    name = write_notebook(saving_lab.root_dir, "reopen.ipynb", [SETUP, LENET, SMALL])
    path = saving_lab.root_dir / name

    # --- run and save, with the kernel that makes the views
    page, log = new_page(browser)
    try:
        lab = driver(page, saving_lab)
        lab.open_notebook(name)
        lab.run_all(timeout=240)
        _views_ready(page, 2, lab.describe_cells)
        lab.command("docmanager:save")
        wait_until(lambda: len(_saved_state(path)) >= 3, 60, "the widget state saved",
                   lab.describe_cells)  # fmt: skip
        (first_kernel,) = [k["id"] for k in saving_lab.api("/api/kernels")]
        page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()")
        wait_until(lambda: not saving_lab.api("/api/kernels"), 60, "the kernel shut down")
        (artifacts / "first-console.log").write_text(log.text())
    finally:
        page.context.close()

    state = _saved_state(path)
    by_name: dict[str, list[dict]] = {}
    for model in state.values():
        by_name.setdefault(model["model_name"], []).append(model)
    runtimes = [m for m in state.values() if "_bundle" in m["state"]]
    assert len(runtimes) == 1, f"the bundle should be saved once: {sorted(by_name)}"
    views_saved = [m for m in state.values() if "_runtime" in m["state"]]
    assert len(views_saved) == 2, f"two views should be saved: {sorted(by_name)}"
    runtime_id = next(k for k, m in state.items() if "_bundle" in m["state"])
    assert all(m["state"]["_runtime"] == f"IPY_MODEL_{runtime_id}" for m in views_saved)
    size = path.stat().st_size
    bundle = len(runtimes[0]["state"]["_bundle"])
    print(f"saved notebook with two views: {size / 1024:.0f} KB (bundle {bundle / 1024:.0f} KB)")
    # The bundle once, the two views' payloads and pictures a few tens of KB besides.
    assert size < bundle + 400_000, f"the saved notebook is {size} bytes for a {bundle} B bundle"

    # --- reopen on a fresh page: a new kernel, which has none of the views' models
    page, log = new_page(browser)
    try:
        lab = driver(page, saving_lab)
        lab.open_notebook(name)

        def describe() -> str:
            text = page.evaluate("() => document.body.innerText.slice(0, 2000)")
            return f"page text:\n{text}\nconsole:\n{log.text()[-3000:]}"

        found = _views_ready(page, 2, describe)
        kernels = [k["id"] for k in saving_lab.api("/api/kernels")]
        assert first_kernel not in kernels and len(kernels) == 1, (first_kernel, kernels)
        predictions = sorted(v["predictions"] for v in found)
        assert predictions == [0, 1], f"LeNet's prediction should be restored: {found}"
        for i in range(2):
            drawn_pixels(page, i)
        assert page.evaluate(_EVALUATIONS) == 1, "the bundle was not evaluated exactly once"
        page.screenshot(path=str(artifacts / "reopened.png"))
        # The restored view is live: hover shows a layer's tooltip, and "Open all" (whose
        # change has no kernel to go to: the new kernel has no such model) breaks nothing.
        lenet_root = page.locator(".layerscape").first
        lenet_root.scroll_into_view_if_needed()
        point = page.evaluate(f"{API}.project('conv2d')")
        page.mouse.move(point["x"], point["y"])
        tooltip = lenet_root.locator(".ls-tooltip")
        tooltip.wait_for(state="visible", timeout=10_000)
        assert "conv2d" in tooltip.inner_text(), tooltip.inner_text()
        page.mouse.move(2, 2)
        tooltip.wait_for(state="hidden", timeout=10_000)
        lenet_root.get_by_role("button", name="Open all").click()
        wait_until(lambda: page.evaluate(f"{API}.openIds().length") > 0, 30, "layers opened")
        assert not log.problems(_NOISE), log.problems(_NOISE)
    finally:
        (artifacts / "console.log").write_text(log.text())
        page.context.close()
