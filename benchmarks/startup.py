"""How fast an exported page starts: navigation to the first frame and to ``ready``.

For each model, ``ModelView(model).predict(sample)`` then ``save_html`` writes a page
(``--export DIR``); the pages are then opened again and again in headless Chromium
(SwiftShader WebGL2), each run in a fresh browser context, and the figures come from
the page itself, in ms from navigation start:

- ``ready``: when the view's root turned ``data-state="ready"`` (a MutationObserver the
  benchmark adds before the page's own scripts run);
- ``first frame``: the end of the first frame that shows a prediction (the view's
  ``timings().firstDataFrame``);
- ``script``: when the page's mount call started (HTML parsed, inlined bundle evaluated);
- the ``layerscap:*`` measures the page records: ``state-json``, ``payload-base64``,
  ``decode``, ``build`` (``layout`` inside it), ``first-frame`` (build start to the
  first frame's end), and ``channels`` where the page decodes closed layers' channels
  after its first frame;
- ``cpu``: CPU time (user + system) every Chromium process spent from navigation to ready
  (renderer, GPU process with SwiftShader, browser): the work, which on a machine that
  other jobs load varies far less than the wall-clock figures;
- ``page kB``: the exported file's size.

To compare two trees side by side (other jobs load a shared machine: interleaved runs in
one process are the fair comparison), export each tree's pages with that tree's code,
then measure the folders together::

    PYTHONPATH=/tmp/before/src python -m benchmarks.startup --export /tmp/pages/before
    PYTHONPATH=src python -m benchmarks.startup --export /tmp/pages/after
    python -m benchmarks.startup --measure /tmp/pages/before /tmp/pages/after --runs 5

With neither option it exports into a temporary folder and measures it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS

DEFAULT_MODELS = ["vgg16", "resnet50", "nasnetlarge"]
VIEWPORT = {"width": 1280, "height": 640}

# Added before the page's scripts: notes when the view's root first says ready.
WATCH_READY_JS = """(() => {
  window.__lsReadyAt = null;
  new MutationObserver(() => {
    if (window.__lsReadyAt !== null) return;
    const root = document.querySelector('.layerscape');
    if (root && root.dataset.state === 'ready') window.__lsReadyAt = performance.now();
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'],
    childList: true });
})();"""

READ_JS = """() => {
  const root = document.querySelector('.layerscape');
  const out = { ready: window.__lsReadyAt,
    'first frame': root.__layerscape.timings().firstDataFrame };
  for (const e of performance.getEntriesByType('measure')) {
    if (!e.name.startsWith('layerscape:')) continue;
    out[e.name.slice(11)] = e.duration;
    if (e.name === 'layerscape:state-json') out.script = e.startTime;
  }
  return out;
}"""

COLUMNS = [
    "ready", "first frame", "cpu", "script", "state-json", "payload-base64", "decode", "build",
    "layout", "first-frame", "channels",
]  # fmt: skip


def export(folder: Path, models: Sequence[str]) -> list[Path]:
    """Write each model's page after one predict into ``folder`` (with this tree's code)."""
    from benchmarks.models import build, labels, samples
    from layerscape import ModelView

    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for name in models:
        view = ModelView(build(name), labels=labels(name))
        view.predict(samples(name, 1)[0])
        pages.append(view.save_html(folder / f"{name}.html"))
        print(f"exported {pages[-1]} ({pages[-1].stat().st_size / 1000:.0f} kB)", flush=True)
    return pages


def _cpu_ms() -> dict[int, float]:
    """CPU time so far (user + system, ms) of each process this one started (the browser's)."""
    import psutil

    out = {}
    for proc in psutil.Process().children(recursive=True):
        try:
            t = proc.cpu_times()
            out[proc.pid] = (t.user + t.system) * 1000
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return out


def measure_once(browser, html: Path) -> dict[str, float]:
    """Open ``html`` in a fresh context, wait for ready, return the page's figures."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    context.add_init_script(WATCH_READY_JS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.wait_for_timeout(300)  # the new tab's own start-up is not the page's
        before = _cpu_ms()
        page.goto(html.resolve().as_uri(), wait_until="load")
        page.locator('.layerscape[data-state="ready"], .layerscape[data-state="error"]').wait_for(
            timeout=120_000
        )
        cpu = sum(ms - before.get(pid, 0.0) for pid, ms in _cpu_ms().items())
        if page.locator(".layerscape").get_attribute("data-state") != "ready":
            raise RuntimeError(f"{html} ended in error: {page.inner_text('.layerscape')[:300]}")
        # Lazy work after the first frame (channels) is measured too: give it time.
        page.wait_for_timeout(1500)
        if errors:
            raise RuntimeError(f"{html}: page errors {errors}")
        return {**page.evaluate(READ_JS), "cpu": cpu}
    finally:
        context.close()


def measure(folders: Sequence[Path], models: Sequence[str], runs: int) -> dict:
    """Each run opens every model in every folder, interleaved.

    Returns {(folder, model): [figures of each run]}.
    """
    from playwright.sync_api import sync_playwright

    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # One warm-up open so the first measured run does not pay the browser's start.
            measure_once(browser, Path(folders[0]) / f"{models[0]}.html")
            for _ in range(runs):
                for name in models:
                    for folder in folders:
                        row = measure_once(browser, Path(folder) / f"{name}.html")
                        results.setdefault((str(folder), name), []).append(row)
        finally:
            browser.close()
    return results


def table(results: dict, folders: Sequence[Path], models: Sequence[str]) -> str:
    """Medians per (model, folder) as a Markdown table (ms from navigation; stage ms)."""
    header = ["model", "pages", "page kB", *COLUMNS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name in models:
        for folder in folders:
            runs = results[(str(folder), name)]
            size = (Path(folder) / f"{name}.html").stat().st_size / 1000
            cells: list[Any] = [name, Path(folder).name, f"{size:,.0f}"]
            for col in COLUMNS:
                values = [r[col] for r in runs if r.get(col) is not None]
                cells.append(f"{statistics.median(values):.0f}" if values else "-")
            lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=DEFAULT_MODELS)
    parser.add_argument("--export", type=Path, help="write the pages here and stop")
    parser.add_argument("--measure", nargs="+", type=Path, help="folders of pages to compare")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    if args.export:
        export(args.export, args.models)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folders = args.measure or [Path(tmp)]
        if not args.measure:
            export(Path(tmp), args.models)
        results = measure(folders, args.models, args.runs)
        print(table(results, folders, args.models))
        for (folder, name), runs in results.items():
            ready = ", ".join(f"{r['ready']:.0f}" for r in runs)
            print(f"ready ms per run, {name} ({Path(folder).name}): {ready}")


if __name__ == "__main__":
    main()
