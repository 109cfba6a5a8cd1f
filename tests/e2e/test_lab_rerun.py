"""A re-run cell and a kernel restart in a real JupyterLab leave no stale view drawing.

Re-running the cell replaces its output: the old view is cleaned up (its root leaves the
page, and its test handle goes once the second a re-render could take it over has
passed), and only the new one draws. Restarting the kernel
leaves whatever view is still on the page idle: it draws no frame by itself after it.
"""

from __future__ import annotations

import pytest

from tests.support.lab import Lab, write_notebook
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

SOURCE = """\
import os
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from layerscape import ModelView
from layerscape.demo import build_lenet, load_digits
x, y = load_digits()
view = ModelView(build_lenet(), height=280)
view.predict(x[0])
view"""

_READY = """() => {
  const roots = [...document.querySelectorAll('.layerscape')];
  return roots.length === 1 && roots[0].dataset.state === 'ready' && roots[0] !== window.lsOld;
}"""

_FRAMES = "() => [...document.querySelectorAll('.layerscape')].map((r) => r.__layerscape.frames())"


def test_a_rerun_cell_and_a_kernel_restart_leave_no_stale_view(page, lab_server, page_log):
    write_notebook(lab_server.root_dir, "rerun.ipynb", [SOURCE])
    lab = Lab(page, lab_server)
    lab.open_notebook("rerun.ipynb")
    lab.run_all(timeout=240)
    wait_until(lambda: page.evaluate(_READY), 120, "the view ready", lab.describe_cells)

    page.evaluate("() => { window.lsOld = document.querySelector('.layerscape'); }")
    lab.run_all(timeout=240)
    wait_until(lambda: page.evaluate(_READY), 120, "the re-run cell's new view ready",
               lab.describe_cells)  # fmt: skip
    old_js = "() => ({connected: lsOld.isConnected, api: '__layerscape' in lsOld})"
    assert not page.evaluate(old_js)["connected"], "the old view is still on the page"
    # Its cleanup parks it for a second (a re-render of the same model would take it
    # over: js/src/host/adopt.ts); the re-run cell made a new model, so it is disposed.
    wait_until(lambda: page.evaluate(old_js) == {"connected": False, "api": False}, 5,
               "the old view disposed", lambda: str(page.evaluate(old_js)))  # fmt: skip

    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.restartKernel()")
    wait_until(
        lambda: page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
        ) == "idle",
        120, "the restarted kernel to be idle", lab.describe_cells,
    )  # fmt: skip
    before = page.evaluate(_FRAMES)
    # On purpose a fixed time: nothing may draw during it, and there is no page state to
    # wait for when nothing should happen.
    page.wait_for_timeout(1000)
    assert page.evaluate(_FRAMES) == before, "a view kept drawing after the kernel restart"
    assert not page_log.problems((r"favicon",)), page_log.problems((r"favicon",))
