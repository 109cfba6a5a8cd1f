"""``layerscape view MODEL_FILE --input FILE`` writes a page that opens offline, drawn.

A small CNN is saved as ``.keras`` with a ``.npy`` sample beside it; the command's page
opens from file:// with every other request aborted: ready, the sample's prediction
drawn (``data-predictions`` "1"), the layers named in the canvas's label, no console
error and no request leaving the page.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from layerscape.cli import main
from tests.support import zoo_models
from tests.support.chromium import guard_network
from tests.support.page import open_view
from tests.support.pixels import assert_drawn

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def cli_page(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    with zoo_models.automatic_names_kept():
        keras.utils.set_random_seed(4)
        model = keras.Sequential(
            [
                keras.Input((12, 12, 1), name="pixels"),
                keras.layers.Conv2D(4, 3, activation="relu", name="conv"),
                keras.layers.MaxPooling2D(name="pool"),
                keras.layers.Flatten(name="flat"),
                keras.layers.Dense(3, activation="softmax", name="probs"),
            ],
            name="saved_cnn",
        )
    model.save(folder / "cnn.keras")
    sample = np.random.default_rng(0).random((12, 12, 1)).astype("float32")
    np.save(folder / "sample.npy", sample)
    out = folder / "cnn.html"
    argv = ["view", str(folder / "cnn.keras"), "--input", str(folder / "sample.npy")]
    assert main([*argv, "--output", str(out)]) == 0
    return out


def test_the_cli_page_opens_offline_with_the_sample_drawn(cli_page, page, page_log, artifacts):
    net = guard_network(page.context, allowed_prefixes=("file:", "data:", "blob:"))
    root = open_view(page, cli_page)
    assert root.get_attribute("data-predictions") == "1"
    canvas = root.locator("canvas")
    label = canvas.get_attribute("aria-label")
    assert label.startswith("3D view of the model saved_cnn: InputLayer, Conv2D, MaxPooling2D")
    assert_drawn(canvas, "the CLI page's canvas", artifacts / "cli-canvas.png")
    page.wait_for_load_state("networkidle")
    assert not net.offending, f"the CLI's page tried to reach the network: {net.offending}"
    assert not page_log.problems(), "\n".join(page_log.problems())
