"""Every performance figure of layerscape, for LeNet, VGG16, ResNet50 and InceptionV3.

    python -m benchmarks.run --json results.json          # everything (~15 min)
    python -m benchmarks.run --models lenet --no-lab      # a quick look

Kernel side, per model (random weights, ``weights=None``):

- predict overhead: median ``view.predict(x)`` / median ``model(x)``, the two timed
  alternately on the same sample in one run (ratios are what to trust on a busy
  machine);
- bytes per predict: every comm message one ``predict`` sends (JSON state + binary
  buffers), for the default (closed) view and with every layer open, and the latter
  per activation value;
- kernel memory: the process's resident memory after 10 predicts and after 200.

Browser side (``benchmarks/browser.py``, headless Chromium, WebGL2 on SwiftShader):
first frame, predict -> frame, draw calls all closed / all open, idle frames, leaks,
bundle size. JupyterLab end to end (``benchmarks/jupyterlab.py``): from
``view.predict(x)`` in a cell to the frame that shows it, LeNet and VGG16, next to the
floor Jupyter itself sets (a cell changing one synced integer of the smallest widget).
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from benchmarks.models import DEFAULT_MODELS, MODELS, build, labels, samples
from tests.support.wire import metered

TARGETS = {
    "predict overhead (ResNet50)": "<= 1.3",
    "bytes per predict, default (ResNet50)": "<= 1 MB",
    "bytes per value, all open": "<= 1.05",
    "first frame (VGG16, ResNet50)": "< 2000 ms",
    "predict -> frame": "LeNet <= 10 ms, VGG16 <= 200 ms",
    "JupyterLab end to end": "LeNet <= 40 ms, VGG16 <= 1000 ms",
    "bundle": "<= 800 kB",
    "draw calls per frame": "<= 3 x layers + 20",
    "idle frames per second": "0",
    "leaks": "flat",
    "kernel memory growth, 10 -> 200 predicts": "<= 50 MB",
}


def rss_mb() -> float:
    """This process's resident memory (Linux /proc; the peak elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


PAGE_PAYLOADS = 20
"""Predictions fed to the exported page for its predict -> frame figure."""


def kernel_figures(
    name: str, repeats: int, predicts: int, html: Path | None
) -> tuple[dict[str, Any], list[bytes]]:
    """Predict overhead, bytes per predict and memory growth for one model; with
    ``html``, also the page of its closed view and the payloads of the next predictions.
    """
    from benchmarks.browser import next_payloads
    from layerscape import ModelView

    model = build(name)
    xs = samples(name, PAGE_PAYLOADS + 2)
    x, batch = xs[0], xs[:1]
    view = ModelView(model, labels=labels(name))
    view.predict(x)  # warm both paths up
    model(batch)
    direct, full = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        model(batch)
        direct.append(time.perf_counter() - t)
        t = time.perf_counter()
        view.predict(x)
        full.append(time.perf_counter() - t)
    with metered(view) as closed:
        view.predict(xs[1])
    values = sum(a.size for a in view.activations.values())
    payloads = []
    if html is not None:  # the closed view, for the browser figures
        view.save_html(html)
        payloads = next_payloads(view, xs[2:])
    view.expand()
    with metered(view) as opened:
        view.predict(x)
    view.collapse()

    gc.collect()
    memory = {}
    for i in range(1, predicts + 1):
        view.predict(xs[i % 2])
        if i in (10, predicts):
            gc.collect()
            memory[i] = rss_mb()
    return {
        "nodes": len(view.graph["nodes"]),
        "activation_values": values,
        "model_ms": statistics.median(direct) * 1e3,
        "predict_ms": statistics.median(full) * 1e3,
        "predict_overhead": statistics.median(full) / statistics.median(direct),
        "messages_per_predict": closed.count,
        "bytes_per_predict_default": closed.bytes,
        "bytes_per_predict_all_open": opened.bytes,
        "bytes_per_value_all_open": opened.bytes / values,
        "float32_bytes": values * 4,
        "rss_mb_after_10": memory[10],
        f"rss_mb_after_{predicts}": memory[predicts],
        "rss_growth_mb": memory[predicts] - memory[10],
    }, payloads


def print_table(rows: list[dict[str, Any]], columns: list[tuple[str, str, str]]) -> None:
    """A markdown table: (key, heading, format) per column."""
    print("| " + " | ".join(h for _, h, _ in columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        cells = [format(row[k], f) if k in row else "-" for k, _, f in columns]
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=DEFAULT_MODELS, choices=list(MODELS))
    parser.add_argument("--repeats", type=int, default=9, help="timings per model")
    parser.add_argument("--predicts", type=int, default=200, help="for the memory figure")
    parser.add_argument("--no-browser", action="store_true", help="skip the page figures")
    parser.add_argument("--no-lab", action="store_true", help="skip JupyterLab end to end")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args()

    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}",
        "targets": TARGETS,
        "models": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        pages = {}
        for name in args.models:
            html = None if args.no_browser else Path(tmp) / f"{name}.html"
            figures, payloads = kernel_figures(name, args.repeats, args.predicts, html)
            figures["model"] = MODELS[name][1]
            results["models"][name] = figures
            pages[name] = (html, payloads)
            print(f"{name}: kernel figures done", file=sys.stderr, flush=True)
        rows = list(results["models"].values())
        print("\n## Kernel\n")
        print_table(rows, [
            ("model", "model", "s"), ("nodes", "nodes", "d"),
            ("model_ms", "model(x) ms", ".1f"), ("predict_ms", "predict ms", ".1f"),
            ("predict_overhead", "overhead", ".2f"),
            ("messages_per_predict", "messages", "d"),
            ("bytes_per_predict_default", "bytes/predict closed", ",d"),
            ("bytes_per_predict_all_open", "bytes/predict all open", ",d"),
            ("bytes_per_value_all_open", "bytes/value open", ".3f"),
            ("float32_bytes", "float32 bytes", ",d"),
            ("rss_growth_mb", f"RSS growth 10->{args.predicts} MB", ".1f"),
        ])  # fmt: skip

        if not args.no_browser:
            from benchmarks import browser

            rows = []
            for name, (html, payloads) in pages.items():
                row = browser.measure_page(html, payloads)
                results["models"][name]["browser"] = row
                rows.append({"model": MODELS[name][1], **row})
                print(f"{name}: browser figures done", file=sys.stderr, flush=True)
            print("\n## Browser (exported page, headless Chromium, SwiftShader)\n")
            print(browser.table(rows))
            results["bundle_bytes"] = browser.bundle_bytes()
            print(f"\nbundle: {results['bundle_bytes']:,} bytes")

    if not args.no_lab:
        from benchmarks import jupyterlab

        lab_models = [m for m in ("lenet", "vgg16") if m in args.models]
        if lab_models:
            print("\n## JupyterLab end to end\n")
            lab = jupyterlab.run(["ping", *lab_models], repeats=10)
            results["jupyterlab_floor"] = lab.pop("ping")
            for name, figures in lab.items():
                results["models"][name]["jupyterlab"] = figures

    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
        print(f"\nwrote {args.json}")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    main()
