"""Training in a real JupyterLab: the view redraws while the ``fit`` cell is still running.

The comm messages a ``TrainingCallback`` sends must leave the kernel during ``fit``, not
when the cell ends: the test polls the page while the cell runs and counts the
predictions the view drew before the cell's execution finished.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.support.lab import Lab, write_notebook
from tests.support.pixels import assert_drawn
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

NOTEBOOK = "training_live.ipynb"

SETUP = """\
import os, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras
from layerscape import ModelView
from layerscape.demo import build_lenet, load_digits
keras.utils.set_random_seed(0)
x, y = load_digits()
model = build_lenet()
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
view = ModelView(model, labels=[str(d) for d in range(10)], height=420)
view"""

# Each epoch is held up a little so the cell runs long enough to watch on a busy machine.
FIT = """\
class Slow(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        time.sleep(1.5)
model.fit(x[:600], y[:600], epochs=5, batch_size=32, verbose=0,
          callbacks=[view.training_callback(x[-1], every="epoch"), Slow()])
print("LAYERSCAPE_LAST", json.dumps(view.history[-1]))"""

_STATE_JS = """() => {
  const r = document.querySelector('.layerscape');
  return r ? {state: r.dataset.state, predictions: Number(r.dataset.predictions || 0),
              frames: Number(r.dataset.frames || 0), text: r.innerText} : null;
}"""


def test_fit_redraws_the_view_before_the_cell_finishes(page, lab_server, page_log, artifacts: Path):
    write_notebook(lab_server.root_dir, NOTEBOOK, [SETUP])
    lab = Lab(page, lab_server)
    lab.open_notebook(NOTEBOOK)
    lab.run_all(timeout=240)
    wait_until(
        lambda: (s := page.evaluate(_STATE_JS)) and s["state"] == "ready" and s,
        120, "the view to be ready", lab.describe_cells,
    )  # fmt: skip

    index = lab.start_new_cell("import json\n" + FIT)
    seen_while_running: list[int] = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        lab.fail_on_errors()
        cell = lab.cells()[index]
        finished = cell["count"] is not None and cell["state"] != "running"
        if finished:
            break
        state = page.evaluate(_STATE_JS)
        if state and (not seen_while_running or state["predictions"] > seen_while_running[-1]):
            seen_while_running.append(state["predictions"])
            if len(seen_while_running) == 3:  # the view mid-training, for the record
                page.locator(".layerscape").first.screenshot(
                    path=str(artifacts / "training-lab-mid.png")
                )
        time.sleep(0.1)
    else:
        pytest.fail(f"the fit cell did not finish:\n{lab.describe_cells()}")
    rises = len(set(seen_while_running)) - 1
    assert rises >= 3, (
        f"data-predictions rose {rises} times while fit ran (seen {seen_while_running}); "
        "the redraws did not reach the page before the cell finished"
    )

    cell = lab.wait_for_cell(index, FIT, timeout=30)
    last = json.loads(cell["stdout"].split("LAYERSCAPE_LAST", 1)[1])
    root = page.locator(".layerscape").first
    root.scroll_into_view_if_needed()
    final = wait_until(
        lambda: (s := page.evaluate(_STATE_JS)) and s["predictions"] >= 6 and s,
        60, "the last frame (6 redraws: before training and after each of 5 epochs)",
    )  # fmt: skip
    root.screenshot(path=str(artifacts / "training-lab.png"))
    assert_drawn(root.locator("canvas").first.screenshot(), "the view after training")
    loss = f"{last['logs']['loss']:.3f}"
    assert loss in final["text"], f"the readout does not show the last loss {loss}: {final['text']}"
    assert final["frames"] == 6, f"the view holds {final['frames']} frames, expected 6"
    assert not page_log.problems((r"favicon",)), page_log.problems((r"favicon",))
