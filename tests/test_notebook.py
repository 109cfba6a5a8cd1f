"""The notebooks run top to bottom in a real kernel and say what they claim."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _execute(name: str, tmp_path: Path) -> list:
    shutil.copy(NOTEBOOKS / name, tmp_path)
    nb = nbformat.read(tmp_path / name, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return outputs


def _widgets(outputs: list) -> list:
    """The outputs showing a widget. A ModelView is shown as ``display_data`` (it carries a
    display id, for its picture: layerscape.notebook_display), each with a PNG picture a
    renderer without scripts shows; other widgets (an HBox) stay ``execute_result``."""
    shown = [
        o for o in outputs
        if o.output_type in ("execute_result", "display_data")
        and "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]  # fmt: skip
    for o in shown:
        if o.output_type == "display_data":
            assert base64.b64decode(o.data["image/png"]).startswith(b"\x89PNG"), o.data.keys()
    return shown


def _text(outputs: list) -> str:
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream")


def test_quickstart_executes(tmp_path):
    outputs = _execute("quickstart.ipynb", tmp_path)
    assert len(_widgets(outputs)) == 1
    text = _text(outputs)
    assert "held-out accuracy" in text and "predicted:" in text
    assert (tmp_path / "lenet.html").stat().st_size > 100_000


def test_building_blocks_executes_and_says_what_each_block_does(tmp_path):
    outputs = _execute("building_blocks.ipynb", tmp_path)
    assert len(_widgets(outputs)) == 7  # one view per section
    text = _text(outputs)
    assert "softmax sums to 0.99" in text or "softmax sums to 1.0" in text
    assert "valid_5x5 (24, 24, 4)" in text and "stride_2 (12, 12, 8)" in text
    assert "dropout changed nothing at prediction time: True" in text
    assert "same 784 values throughout: True" in text
    assert "    relu: +0.000" in text  # ReLU clips every negative
    assert "conv2d's tooltip shows kernel_regularizer L2(0.01)" in text
    assert "dropout drawn thin (identity at inference): True" in text
    assert "flat is columns, raveled: True" in text


def test_functional_zoo_executes_and_checks_each_graph(tmp_path):
    outputs = _execute("functional_zoo.ipynb", tmp_path)
    assert len(_widgets(outputs)) == 3  # ResNet50, InceptionV3, U-Net
    text = _text(outputs)
    assert "16 residual additions, each joining [2] paths" in text
    assert "conv2_block1_add <- ['conv2_block1_0_bn', 'conv2_block1_3_bn']" in text
    assert "predict equals the model's own output: True" in text
    assert "branches joined by each module: [4, 4, 4, 3, 4, 4, 4, 4, 3, 4, 4]" in text
    assert "into [7, 7, 256]" in text
    assert "bridge2 <- ['up2', 'enc2_b']" in text and "bridge1 <- ['up1', 'enc1_b']" in text
    assert "mask shape: (32, 32, 1) for an input of (32, 32, 1)" in text


def test_training_executes_records_and_exports_the_run(tmp_path):
    outputs = _execute("training.ipynb", tmp_path)
    assert len(_widgets(outputs)) == 1
    text = _text(outputs)
    frames = int(text.split(" frames recorded")[0].rsplit("\n", 1)[-1])
    assert frames >= 2, text
    assert "held-out accuracy after training" in text
    start = float(text.split("loss at the first redraw after training began: ")[1].split()[0])
    end = float(text.split("loss at the end: ")[1].split()[0])
    assert end < start, f"the loss did not fall: {start} -> {end}"
    assert "largest change of one weight" in text
    page = (tmp_path / "training.html").read_text()
    assert page.count('id="layerscape-frames"') == 1


def test_gallery_executes_every_entry_live(tmp_path):
    outputs = _execute("gallery.ipynb", tmp_path)
    # LeNet, five classifiers, the detector, the generator, the dashboard's HBox.
    widgets = _widgets(outputs)
    assert len(widgets) == 9
    assert [o.output_type for o in widgets].count("display_data") == 8  # the views
    text = _text(outputs)
    assert "samples kept: 8" in text and "comparing samples (0, 1)" in text
    for line in ("alexnet: 14 layers", "vgg16: 23 layers", "resnet50: 177 layers"):
        assert line in text, text
    assert "true boxes:" in text and " at cell (" in text
    iou = float(text.split("mean IoU ")[1].split(",")[0])
    assert iou > 0.6, text
    agreement = float(text.split("reads as the class asked: ")[1].split("%")[0])
    assert agreement > 80, text
    assert "LeNet reads it as 7" in text
    assert (tmp_path / "detector.html").stat().st_size > 100_000
    assert (tmp_path / "generator.html").stat().st_size > 100_000
