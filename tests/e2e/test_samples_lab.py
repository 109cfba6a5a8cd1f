"""The sample picker with a kernel behind it, in a real JupyterLab.

A notebook predicts a batch of three digits with an untrained LeNet; clicking the
picker's next button sets ``view.sample`` in the kernel (checked by ``messages.py``),
which sends that sample's payload: ``data-sample`` and the canvas change and the kernel
sees the new sample. ``view.compare(0, 2)`` from a cell then sets ``data-compare``
and repaints.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.lab import Lab, write_notebook
from tests.support.page import shoot
from tests.support.pixels import assert_drawn, pixel_diff
from tests.support.poll import wait_until

pytestmark = pytest.mark.e2e

MIN_CHANGED = 0.003

_ROOT_JS = """() => { const r = document.querySelector('.layerscape');
  return r ? {state: r.dataset.state, sample: r.dataset.sample, compare: r.dataset.compare,
              picker: !r.querySelector('.ls-samples').hidden} : null; }"""

SOURCE = [
    "import keras\n"
    "from layerscape import ModelView\n"
    "from layerscape.demo import DIGIT_LABELS, build_lenet, load_digits\n"
    "keras.utils.set_random_seed(0)\n"
    "view = ModelView(build_lenet(), labels=DIGIT_LABELS, height=420)\n"
    "x = load_digits()[0][:3]\n"
    "_ = view.predict(x)\n"
    "view",
]


def test_the_picker_sets_the_sample_in_the_kernel(page, lab_server, page_log, artifacts: Path):
    write_notebook(lab_server.root_dir, "samples.ipynb", SOURCE)
    lab = Lab(page, lab_server)
    lab.open_notebook("samples.ipynb")
    lab.run_all(timeout=300)
    root = page.locator(".layerscape").first
    canvas = root.locator("canvas")

    def state():
        lab.fail_on_errors()
        return page.evaluate(_ROOT_JS)

    def diagnose():
        return f"widget: {page.evaluate(_ROOT_JS)}\n{lab.describe_cells()}"

    wait_until(
        lambda: (s := state()) and s["state"] == "ready" and s["sample"] == "0" and s["picker"],
        180, "the view of a batch, with its picker", diagnose,
    )  # fmt: skip
    root.scroll_into_view_if_needed()
    zero = shoot(canvas, artifacts / "lab-sample-0.png")
    assert_drawn(zero, "sample 0")

    root.locator(".ls-sample-next").click()
    wait_until(lambda: state()["sample"] == "1", 60, "data-sample to become 1", diagnose)
    one = shoot(canvas, artifacts / "lab-sample-1.png")
    diff = pixel_diff(zero, one)
    assert diff.changed > MIN_CHANGED * diff.total, f"sample 1 vs 0: {diff.describe()}"
    cell = lab.run_new_cell("print('LAYERSCAPE_SAMPLE', view.sample, view.batch_size)", 60)
    assert "LAYERSCAPE_SAMPLE 1 3" in cell["stdout"], cell

    lab.run_new_cell("view.compare(0, 2)", 60)
    wait_until(lambda: state()["compare"] == "0,2", 60, "data-compare to be 0,2", diagnose)
    compared = shoot(canvas, artifacts / "lab-compare.png")
    root.screenshot(path=str(artifacts / "lab-compare-widget.png"))
    diff = pixel_diff(one, compared)
    assert diff.changed > MIN_CHANGED * diff.total, f"compare vs sample 1: {diff.describe()}"
    assert not page_log.problems((r"favicon",)), page_log.problems((r"favicon",))
