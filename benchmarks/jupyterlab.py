"""End to end in a real JupyterLab: from ``view.predict(x)`` in a cell to the frame
that shows it.

A token-less JupyterLab on 127.0.0.1 (the same harness as ``tests/e2e``) runs a
notebook that builds the model and shows a view; then each measured cell records
``time.time()`` just before ``view.predict`` and the page records ``Date.now()`` when
the view marks that prediction drawn (``data-predictions``, set after its frame). Both
clocks are this machine's wall clock.

    python benchmarks/jupyterlab.py                    # LeNet and VGG16 (~2 min)
    python benchmarks/jupyterlab.py --models lenet --repeats 20
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "e2e"))

from e2e_support import CHROMIUM, CHROMIUM_ARGS, start_lab, stop_lab  # noqa: E402
from lab_driver import Lab, wait_until  # noqa: E402

SETUP = """\
import sys, time
sys.path.insert(0, {here!r})
from models import build, samples
from layerscape import ModelView
model = build({name!r})
xs = samples({name!r}, {count})
view = ModelView(model)
view"""

# Records when each prediction is marked drawn (the attribute changes after its frame).
WATCH_JS = """() => {
  const root = document.querySelector('.layerscape');
  window.__drawnAt = {};
  new MutationObserver(() => { window.__drawnAt[root.dataset.predictions] = Date.now(); })
    .observe(root, {attributes: true, attributeFilter: ['data-predictions']});
}"""


def measure(name: str, repeats: int, page, server) -> list[float]:
    """Milliseconds from ``view.predict`` in a cell to its frame, ``repeats`` times."""
    notebook = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": SETUP.format(here=str(HERE), name=name, count=repeats + 1)},
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": "_ = view.predict(xs[0])"},
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    path = f"bench-{name}.ipynb"
    (server.root_dir / path).write_text(json.dumps(notebook))
    lab = Lab(page, server)
    lab.open_notebook(path)
    lab.run_all(timeout=600)
    predictions = "() => document.querySelector('.layerscape')?.dataset.predictions"
    wait_until(lambda: page.evaluate(predictions) == "1", 120, "the first prediction drawn")
    page.evaluate(WATCH_JS)
    times = []
    for i in range(1, repeats + 1):
        cell = lab.run_new_cell(
            f"_t0 = time.time() * 1000\n_ = view.predict(xs[{i}])\nprint('T0', repr(_t0))",
            timeout=120,
        )
        started = float(cell["stdout"].split("T0", 1)[1])
        seq = str(i + 1)
        drawn = wait_until(
            lambda s=seq: page.evaluate("(s) => window.__drawnAt[s]", s), 60, f"frame {seq}"
        )
        times.append(drawn - started)
    lab.command("notebook:close-and-shutdown")
    return times


def run(models: list[str], repeats: int) -> dict[str, dict[str, float]]:
    """Median and spread of the end-to-end time per model."""
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        server = start_lab(Path(tmp))
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            for name in models:
                times = measure(name, repeats, page, server)
                results[name] = {
                    "median_ms": statistics.median(times),
                    "min_ms": min(times),
                    "max_ms": max(times),
                    "repeats": len(times),
                }
                print(f"{name}: median {results[name]['median_ms']:.0f} ms "
                      f"(min {min(times):.0f}, max {max(times):.0f}, n={len(times)})",
                      flush=True)  # fmt: skip
        finally:
            browser.close()
            stop_lab(server)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=["lenet", "vgg16"])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    results = run(args.models, args.repeats)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
