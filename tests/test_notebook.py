"""The quickstart notebook runs top to bottom in a real kernel."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_quickstart_executes(tmp_path):
    shutil.copy(NOTEBOOKS / "quickstart.ipynb", tmp_path)
    nb = nbformat.read(tmp_path / "quickstart.ipynb", as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    widget_outputs = [
        o
        for o in outputs
        if o.output_type == "execute_result"
        and "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert len(widget_outputs) == 1
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "held-out accuracy" in text and "predicted:" in text
    assert (tmp_path / "lenet.html").stat().st_size > 100_000
