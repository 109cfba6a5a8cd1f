"""Draw docs/gallery/dashboard.png: the gallery's dashboard as JupyterLab shows it.

The dashboard is a view among other widgets, so only a notebook host can draw it: this
starts a private JupyterLab on 127.0.0.1 (``tests.support.lab``), runs the gallery
notebook's first cell, trains LeNet and the generator, runs the notebook's own
dashboard cell and photographs its output. Run from the clone's root (about two
minutes on two cores)::

    python scripts/dashboard_picture.py [OUT_PNG]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.support: the browser and the Lab the tests drive

from tests.support.chromium import launch, new_page  # noqa: E402
from tests.support.lab import Lab, start_lab, stop_lab, write_notebook  # noqa: E402
from tests.support.page import settle  # noqa: E402

OUT = ROOT / "docs" / "gallery" / "dashboard.png"
TRAIN = """
x, y = load_digits()
lenet = train_lenet(x[:-200], y[:-200], epochs=10)
decoder = train_digit_generator()
"""


def dashboard_notebook(folder: Path) -> str:
    """A notebook of the gallery's imports, the two trainings and its dashboard cell."""
    gallery = nbformat.read(ROOT / "notebooks" / "gallery.ipynb", as_version=4)
    code = [c.source for c in gallery.cells if c.cell_type == "code"]
    dashboard = next(s for s in code if "import ipywidgets as widgets" in s)
    return write_notebook(folder, "dashboard.ipynb", [code[0], TRAIN.strip(), dashboard])


def main(out: Path = OUT) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = start_lab(Path(tmp))
        try:
            name = dashboard_notebook(server.root_dir)
            with sync_playwright() as playwright:
                browser = launch(playwright)
                page, _log = new_page(browser, timeout_ms=300_000)
                page.set_viewport_size({"width": 1400, "height": 900})
                lab = Lab(page, server)
                lab.open_notebook(name)
                lab.run_all(timeout=600)
                page.locator('.layerscape[data-state="ready"]').wait_for(timeout=120_000)
                settle(page, timeout=60)
                hbox = page.locator(".widget-hbox").first
                hbox.scroll_into_view_if_needed()
                settle(page, timeout=60)
                out.parent.mkdir(parents=True, exist_ok=True)
                hbox.screenshot(path=str(out))
                cells = json.dumps(lab.cells()[-1]["stdout"])
                print(f"wrote {out}; the dashboard cell printed {cells}")
                browser.close()
        finally:
            stop_lab(server)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
