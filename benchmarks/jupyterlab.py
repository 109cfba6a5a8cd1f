"""End to end in a real JupyterLab: from ``view.predict(x)`` in a cell to the frame
that shows it.

A token-less JupyterLab on 127.0.0.1 (the same harness as ``tests/e2e``) runs a
notebook that builds the model and shows a view; then each measured cell records
``time.time()`` just before ``view.predict`` and the page records ``Date.now()`` when
the view marks that prediction drawn (``data-predictions``, set after its frame). Both
clocks are this machine's wall clock. ``ping`` measures the same path for the smallest
possible widget (one synced integer written into the page): the floor that Jupyter's
own kernel -> server -> browser path sets for any widget.

    python -m benchmarks.jupyterlab                    # ping, LeNet and VGG16 (~3 min)
    python -m benchmarks.jupyterlab --models lenet --repeats 20
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.lab import Lab, start_lab, stop_lab
from tests.support.paths import REPO_ROOT
from tests.support.poll import wait_until

# The kernel imports benchmarks.models: start_lab puts the clone's root on its PYTHONPATH.
SETUP = """\
import time
from benchmarks.models import build, samples
from layerscape import ModelView
model = build({name!r})
xs = samples({name!r}, {count})
view = ModelView(model)
view"""

# The floor: the smallest anywidget there is, one synced integer written into the page.
# What a cell takes to change it is Jupyter's own kernel -> browser path.
PING_SETUP = """\
import time, anywidget, traitlets
class Ping(anywidget.AnyWidget):
    _esm = '''export default { render({ model, el }) {
      el.className = "ls-ping";
      const show = () => { el.dataset.n = String(model.get("n")); };
      show(); model.on("change:n", show);
    } };'''
    n = traitlets.Int(1).tag(sync=True)
ping = Ping()
ping"""

# Records when the watched attribute takes each value (for a view: after its frame).
WATCH_JS = """([selector, attribute]) => {
  const el = document.querySelector(selector);
  window.__seenAt = {};
  new MutationObserver(() => { window.__seenAt[el.getAttribute(attribute)] = Date.now(); })
    .observe(el, {attributes: true, attributeFilter: [attribute]});
}"""


def measure(name: str, repeats: int, page, server) -> list[float]:
    """Milliseconds from a cell's action to the page showing it, ``repeats`` times.

    ``name`` is a model (the action is ``view.predict``, shown when the view marks that
    prediction drawn) or ``"ping"`` (the action sets the ping widget's integer).
    """
    if name == "ping":
        setup, first = PING_SETUP, "ping.n = 1"
        action, watch = "ping.n = {value}", (".ls-ping", "data-n")
    else:
        setup = SETUP.format(name=name, count=repeats + 1)
        first, action = "_ = view.predict(xs[0])", "_ = view.predict(xs[{index}])"
        watch = (".layerscape", "data-predictions")
    notebook = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": setup},
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": first},
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
    shown = "([s, a]) => document.querySelector(s)?.getAttribute(a)"
    wait_until(lambda: page.evaluate(shown, list(watch)) == "1", 120, f"{name} shown")
    page.evaluate(WATCH_JS, list(watch))
    times = []
    for i in range(1, repeats + 1):
        value = str(i + 1)
        step = action.format(index=i, value=value)
        cell = lab.run_new_cell(
            f"_t0 = time.time() * 1000\n{step}\nprint('T0', repr(_t0))", timeout=120
        )
        started = float(cell["stdout"].split("T0", 1)[1])
        seen = wait_until(
            lambda v=value: page.evaluate("(v) => window.__seenAt[v]", v), 60, f"{name} {value}"
        )
        times.append(seen - started)
    lab.command("notebook:close-and-shutdown")
    return times


def run(models: list[str], repeats: int) -> dict[str, dict[str, float]]:
    """Median and spread of the end-to-end time per model."""
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        server = start_lab(Path(tmp), pythonpath=[REPO_ROOT])
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
    parser.add_argument(
        "--models", nargs="+", default=["ping", "lenet", "vgg16"],
        help="models from benchmarks/models.py, or ping (the floor: one synced integer)",
    )  # fmt: skip
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    results = run(args.models, args.repeats)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
