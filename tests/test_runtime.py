"""The page's one front end: a runtime widget per kernel carries the bundle, each view
carries a small loader and a reference to it, and a saved notebook holds the bundle once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import keras
import nbformat
import pytest
from nbclient import NotebookClient

import layerscape.runtime as runtime
from layerscape import ModelView
from layerscape.bundle import ESM, LOADER, bundle_path
from layerscape.messages import PageMessageWarning
from layerscape.runtime import Runtime, build_key, shared_runtime

SRC = Path(__file__).resolve().parents[1] / "src"
BUNDLE_TEXT = bundle_path(ESM).read_text(encoding="utf-8")
# A string three.js itself holds: found once in the bundle, nowhere in the loader.
MARKER = "Multiple instances of Three.js being imported"


@pytest.fixture(scope="module")
def tiny() -> keras.Model:
    inputs = keras.Input((4,))
    return keras.Model(inputs, keras.layers.Dense(3)(inputs))


def test_the_marker_is_in_the_bundle_only():
    assert BUNDLE_TEXT.count(MARKER) == 1
    assert MARKER not in bundle_path(LOADER).read_text(encoding="utf-8")


def test_views_refer_to_one_runtime_that_carries_the_bundle(tiny):
    a, b = ModelView(tiny), ModelView(tiny)
    shared = shared_runtime()
    assert a._runtime is shared and b._runtime is shared
    for view in (a, b):
        state = view.get_state()
        assert state["_runtime"] == f"IPY_MODEL_{shared.model_id}"
        assert state["_esm"] == bundle_path(LOADER).read_text(encoding="utf-8")
        assert len(state["_esm"]) < 4000 < len(BUNDLE_TEXT) / 100
    held = shared.get_state()
    assert held["_bundle"] == BUNDLE_TEXT
    assert held["_key"] == build_key(BUNDLE_TEXT)
    # A plain model without a view: nothing to display, nothing anywidget would import.
    assert held["_model_module"] == "@jupyter-widgets/base" and held["_view_name"] is None
    assert "_esm" not in held


def test_the_key_names_the_version_and_the_build():
    from layerscape import __version__

    key = build_key(BUNDLE_TEXT)
    assert re.fullmatch(re.escape(__version__) + r"\+[0-9a-f]{16}", key), key
    assert build_key(BUNDLE_TEXT + "\n") != key  # a rebuilt bundle is another front end


def test_a_closed_runtime_is_replaced_for_new_views(tiny):
    before = ModelView(tiny)
    old = shared_runtime()
    old.close()
    after = ModelView(tiny)
    assert after._runtime is not old and after._runtime is shared_runtime()
    assert after._runtime.comm is not None
    assert before._runtime is old  # an older view keeps what it was made with


def test_the_page_cannot_repoint_a_view_or_change_the_bundle(tiny):
    view = ModelView(tiny)
    shared = view._runtime
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        view.set_state({"_runtime": "IPY_MODEL_other"})
    assert view._runtime is shared
    assert any(issubclass(w.category, PageMessageWarning) and "_runtime" in str(w.message)
               for w in caught)  # fmt: skip
    shared.set_state({"_bundle": "export default {}", "_key": "x"})
    assert shared._bundle == BUNDLE_TEXT and shared._key == build_key(BUNDLE_TEXT)


def test_an_empty_bundle_is_refused():
    with pytest.raises(ValueError, match="front end's ES module source, got an empty string"):
        Runtime("")


def test_in_marimo_a_view_carries_the_bundle_itself(tiny, monkeypatch):
    # marimo loads each distinct _esm once per page (keyed by its hash) and closes a
    # cell's comms when it re-runs: there the view carries the bundle, no runtime.
    monkeypatch.setattr(runtime, "in_marimo", lambda: True)
    view = ModelView(tiny)
    state = view.get_state()
    assert state["_runtime"] is None and state["_esm"] == BUNDLE_TEXT


def test_in_marimo_is_false_outside_a_marimo_notebook():
    import marimo  # noqa: F401  (imported, but no marimo notebook runs here)

    assert runtime.in_marimo() is False


def test_under_hot_reload_the_class_module_is_the_watched_bundle(tmp_path):
    # anywidget watches a widget's _esm file (ANYWIDGET_HMR=1): that must be the bundle.
    code = (
        "import keras\n"
        "from layerscape.widget import ModelView, BUNDLE\n"
        "inputs = keras.Input((4,))\n"
        "view = ModelView(keras.Model(inputs, keras.layers.Dense(3)(inputs)))\n"
        "state = view.get_state()\n"
        "assert state['_runtime'] is None, state['_runtime']\n"
        "assert state['_esm'] == BUNDLE.read_text(encoding='utf-8')\n"
        "print('ok')\n"
    )
    env = {**os.environ, "ANYWIDGET_HMR": "1",
           "PYTHONPATH": str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr[-3000:]


VIEW_CELL = "views.append(ModelView(model))\nviews[-1]"


def _saved(tmp_path: Path, views: int) -> str:
    """A notebook with `views` views, executed in a real kernel (importing this
    checkout's layerscape: PYTHONPATH set by the test) with its widget state stored, as
    saved on disk."""
    cells = [
        nbformat.v4.new_code_cell(
            "import keras, layerscape\nfrom layerscape import ModelView\n"
            "print(layerscape.__file__)\n"
            "inputs = keras.Input((4,))\n"
            "model = keras.Model(inputs, keras.layers.Dense(3)(inputs))\nviews = []"
        ),
        *[nbformat.v4.new_code_cell(VIEW_CELL) for _ in range(views)],
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", store_widget_state=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )  # fmt: skip
    client.execute()
    path = tmp_path / f"views{views}.ipynb"
    nbformat.write(nb, path)
    return path.read_text(encoding="utf-8")


def test_a_saved_notebook_holds_the_bundle_once(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    one, two = _saved(tmp_path, 1), _saved(tmp_path, 2)
    assert str(SRC / "layerscape") in one, "the kernel imported another layerscape"
    for text in (one, two):
        assert text.count(MARKER) == 1, text.count(MARKER)
    state = nbformat.reads(two, as_version=4).metadata["widgets"][
        "application/vnd.jupyter.widget-state+json"
    ]["state"]
    runtimes = [m for m in state.values() if "_bundle" in m["state"]]
    views = [
        m for m in state.values()
        if m["state"].get("_anywidget_id") == "layerscape.widget.ModelView"
    ]  # fmt: skip
    assert len(runtimes) == 1 and len(views) == 2
    ref = views[0]["state"]["_runtime"]
    assert ref == views[1]["state"]["_runtime"] and ref.removeprefix("IPY_MODEL_") in state
    # The second view costs its own state (graph, loader), not another bundle.
    grown = len(two.encode("utf-8")) - len(one.encode("utf-8"))
    assert 0 < grown < 50_000, grown
