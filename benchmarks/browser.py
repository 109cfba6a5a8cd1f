"""What an exported page costs the browser, read from the page itself.

For a page written by ``ModelView.save_html`` after a predict, headless Chromium (WebGL2
through SwiftShader on the CPU: a slow GPU, so the times are upper bounds) opens the
file and the figures come from the view's own test API (``root.__layerscape``: frames,
draw calls, GPU memory, timestamps), not from screenshots:

- ``first frame ms``: page start (navigation) to the end of the first frame that shows a
  prediction;
- ``predict→frame ms``: median over the given payloads, each fed through
  ``window.layerscapePage.model.set("_payload", ...)``, from its arrival in the view to
  the end of the frame that shows it (decode, textures written in place, draw calls
  issued, the copy to the view's canvas queued), as the view itself reports it;
- ``predict→pixels ms``: the same start, until the GPU has finished that frame (one
  pixel of the view's canvas read back). On SwiftShader this is mostly rasterizing on
  the CPU, and the difference from ``predict→frame`` is the GPU's share;
- ``calls closed`` / ``calls open``: draw calls of one frame with every layer closed /
  open (``Open all``), against the budget ``3 x layers + 20``;
- ``idle fps``: frames drawn per second over 3 s with no input (render on demand: 0);
- ``tex`` / ``geo``: GPU textures and geometries after the page settles, and after 10
  open/close cycles (flat means nothing leaks);
- ``heap MB``: JS heap after a forced GC, before and after 200 payload updates;
- bundle: bytes of the IIFE bundle the page inlines.

Importable: ``export_model_page(name, folder)`` writes a model's page and its payloads,
``measure_page(html, payloads)`` measures any exported page, ``measure_model(name)`` does
both; ``python -m benchmarks.browser [--models lenet vgg16 ...]`` prints the table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from benchmarks.models import MODELS, build, labels, samples
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS

VIEWPORT = {"width": 1100, "height": 640}

TARGETS = {
    "first frame ms": "< 2000 (VGG16, ResNet50)",
    "predict→frame ms": "<= 10 (LeNet), <= 200 (VGG16)",
    "calls": "<= 3 x layers + 20",
    "idle fps": "0",
    "bundle bytes": "<= 800 kB",
}

API = "document.querySelector('.layerscape').__layerscape"

# Waits in the page until the view has no frame scheduled and has drawn none for
# `quiet` ms (an open/close animation has finished, however slow its frames); returns
# the frame count.
SETTLE_JS = """async ([quiet, limit]) => {
  const api = document.querySelector('.layerscape').__layerscape;
  const start = performance.now();
  let frames = api.frames(), since = performance.now();
  while (performance.now() - start < limit) {
    await new Promise((r) => setTimeout(r, 20));
    const now = api.frames();
    if (now !== frames || api.pending()) { frames = now; since = performance.now(); }
    else if (performance.now() - since >= quiet) break;
  }
  return frames;
}"""

# Where the page's start-up went, in ms from navigation start: when the page's script
# starts (HTML parsed and the inlined bundle evaluated before it), when the HTML is parsed,
# and how long each stage took: the JSON state and base64 payload unpacked
# (js/src/host/standalone.ts), the payload decoded, the layout and the scene built, the
# first frame (the layerscape:* performance entries the page records).
STARTUP_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const out = { 'html parsed': nav ? nav.domInteractive : null };
  for (const e of performance.getEntriesByType('measure')) {
    if (e.name.startsWith('layerscape:')) out[e.name.slice(11)] = e.duration;
    if (e.name === 'layerscape:state-json') out['mount starts'] = e.startTime;
  }
  return out;
}"""

# Payloads reach the page as binary responses to fetches that Playwright answers (a
# base64 string through page.evaluate is far slower for VGG16's 4 MB payloads).
PAYLOAD_URL = "http://layerscape-bench.invalid/payload/"
LOAD_PAYLOADS_JS = """async ([url, n]) => {
  const get = (i) => fetch(url + i).then((r) => r.arrayBuffer());
  window.benchPayloads = await Promise.all(Array.from({ length: n }, (_, i) => get(i)));
  return window.benchPayloads.length;
}"""


def _serve_payloads(context, payloads: Sequence[bytes]) -> None:
    def answer(route) -> None:
        i = int(route.request.url.rsplit("/", 1)[1])
        route.fulfill(
            status=200,
            body=payloads[i],
            headers={"Access-Control-Allow-Origin": "*", "Content-Type": "application/x-lsp1"},
        )

    context.route(PAYLOAD_URL + "*", answer)


# Feeds payload i and waits for the frame showing it (data-predictions = its seq).
# Returns the view's own payload→frame figure (arrival to the end of the frame's
# JavaScript: decode, textures written, draw calls issued, copy to the view's canvas
# queued) and payload→pixels: until one pixel of the view's canvas, copied into a 1x1
# canvas and read back, is available, which waits for the GPU to finish the frame.
FEED_JS = """async ([i, seq]) => {
  const root = document.querySelector('.layerscape');
  window.benchTiny ??= Object.assign(document.createElement('canvas'), { width: 1, height: 1 })
    .getContext('2d', { willReadFrequently: true });
  const start = performance.now();
  layerscapePage.model.set('_payload', new DataView(benchPayloads[i]));
  while (root.dataset.predictions !== String(seq)) {
    if (root.dataset.state === 'error') throw new Error(root.innerText);
    await new Promise((r) => setTimeout(r, 0));
  }
  const canvas = root.querySelector('canvas');
  benchTiny.drawImage(canvas, canvas.width >> 1, canvas.height >> 1, 1, 1, 0, 0, 1, 1);
  benchTiny.getImageData(0, 0, 1, 1);
  const pixels = performance.now() - start;
  // Let the browser draw the page before the next payload.
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return [root.__layerscape.timings().payloadToFrame, pixels];
}"""

# Feeds `count` payloads in a row, each after the previous one has been drawn.
CHURN_JS = """async (count) => {
  const root = document.querySelector('.layerscape');
  const api = root.__layerscape;
  for (let i = 0; i < count; i++) {
    const frames = api.frames();
    layerscapePage.model.set('_payload', new DataView(benchPayloads[i % benchPayloads.length]));
    while (api.frames() === frames) await new Promise((r) => setTimeout(r, 1));
  }
  return api.frames();
}"""


# ------------------------------------------------------------------ models and pages


def export_model_page(name: str, folder: Path, predicts: int = 20) -> tuple[Path, list[bytes]]:
    """Write ``name``'s page after one predict, and the payloads of ``predicts`` more.

    The payloads are what ``view.predict`` sends for ``predicts`` other inputs (seq 2,
    3, ...), for :func:`measure_page` to feed to the page in that order.
    """
    from layerscape import ModelView

    xs = samples(name, predicts + 1)
    view = ModelView(build(name), labels=labels(name))
    view.predict(xs[0])
    html = view.save_html(Path(folder) / f"{name}.html")
    return html, next_payloads(view, xs[1:])


def next_payloads(view: Any, xs: Sequence[Any]) -> list[bytes]:
    """What ``view.predict`` sends for each of ``xs``, in order (seq numbers running on)."""
    payloads = []
    for x in xs:
        view.predict(x)
        payloads.append(bytes(view._payload))
    return payloads


def bundle_bytes() -> int:
    """Bytes of the IIFE bundle an exported page inlines."""
    from layerscape.widget import BUNDLE

    return BUNDLE.with_name("widget.iife.js").stat().st_size


# ------------------------------------------------------------------------ measuring


def _launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def _settle(page, quiet: int = 150, limit: int = 20_000) -> int:
    return page.evaluate(SETTLE_JS, [quiet, limit])


def _heap_mb(cdp) -> float:
    """JS heap plus typed arrays' backing stores (kept outside it), after a full GC."""
    cdp.send("HeapProfiler.collectGarbage")
    usage = cdp.send("Runtime.getHeapUsage")
    return (usage["usedSize"] + usage.get("backingStorageSize", 0)) / 2**20


def _click(page, selector: str) -> None:
    page.locator(selector).click()
    _settle(page)


def measure_page(
    html: Path,
    payloads: Sequence[bytes] = (),
    *,
    browser=None,
    viewport: dict[str, int] | None = None,
    cycles: int = 10,
    updates: int = 200,
    idle_seconds: float = 3.0,
) -> dict[str, Any]:
    """Open an exported page in headless Chromium and read its figures from the view.

    Parameters
    ----------
    html
        A page written by ``ModelView.save_html``.
    payloads
        LSP1 payloads for the same graph, in the order their seq numbers run (as
        :func:`export_model_page` returns them); without them there is no
        predict→frame figure and no heap churn.
    browser
        A Playwright browser to use; one is launched (and closed) when omitted.
    viewport
        Page size in CSS pixels (device scale factor 1); 1100x640 by default.
    cycles, updates, idle_seconds
        Open/close cycles, payload updates for the heap figure, idle time measured.

    Returns
    -------
    dict
        ``layers``, ``first_frame_ms``, ``predict_frame_ms`` and ``predict_pixels_ms``
        (medians) and ``predict_frame_all``/``predict_pixels_all`` (each),
        ``calls_closed``, ``calls_open``, ``calls_budget``,
        ``idle_fps``, ``memory_before``/``memory_after`` ({geometries, textures}),
        ``heap_before_mb``/``heap_after_mb``, ``context_lost``, ``bundle_bytes``, and
        ``startup_ms``: the start-up stages the page recorded (:data:`STARTUP_JS`).
    """
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            b = _launch(p)
            try:
                return measure_page(
                    html, payloads, browser=b, viewport=viewport, cycles=cycles,
                    updates=updates, idle_seconds=idle_seconds,
                )  # fmt: skip
            finally:
                b.close()

    context = browser.new_context(viewport=viewport or VIEWPORT, device_scale_factor=1)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(Path(html).resolve().as_uri(), wait_until="load")
        page.locator('.layerscape[data-state="ready"], .layerscape[data-state="error"]').wait_for(
            timeout=120_000
        )
        if page.locator(".layerscape").get_attribute("data-state") != "ready":
            raise RuntimeError(f"{html} ended in error: {page.inner_text('.layerscape')[:500]}")
        _settle(page)
        out: dict[str, Any] = {}
        out["layers"] = page.evaluate("layerscapePage.model.get('_graph').nodes.length")
        out["calls_budget"] = 3 * out["layers"] + 20
        timings = page.evaluate(f"{API}.timings()")
        out["first_frame_ms"] = timings["firstDataFrame"]
        out["startup_ms"] = page.evaluate(STARTUP_JS)
        out["calls_closed"] = page.evaluate(f"{API}.drawCalls()")

        # Idle: nothing moves, nothing arrives.
        before = page.evaluate(f"{API}.frames()")
        time.sleep(idle_seconds)
        out["idle_fps"] = (page.evaluate(f"{API}.frames()") - before) / idle_seconds

        _click(page, ".ls-open-all")
        out["calls_open"] = page.evaluate(f"{API}.drawCalls()")
        _click(page, ".ls-close-all")
        out["memory_before"] = page.evaluate(f"{API}.memory()")
        for _ in range(cycles):
            _click(page, ".ls-open-all")
            _click(page, ".ls-close-all")
        out["memory_after"] = page.evaluate(f"{API}.memory()")

        cdp = context.new_cdp_session(page)
        if payloads:
            _serve_payloads(context, payloads)
            assert page.evaluate(LOAD_PAYLOADS_JS, [PAYLOAD_URL, len(payloads)]) == len(payloads)
            seq0 = int(page.locator(".layerscape").get_attribute("data-predictions") or 0)
            each = [page.evaluate(FEED_JS, [i, seq0 + 1 + i]) for i in range(len(payloads))]
            out["predict_frame_all"] = [frame for frame, _ in each]
            out["predict_frame_ms"] = statistics.median(out["predict_frame_all"])
            out["predict_pixels_all"] = [pixels for _, pixels in each]
            out["predict_pixels_ms"] = statistics.median(out["predict_pixels_all"])
            out["heap_before_mb"] = _heap_mb(cdp)
            page.evaluate(CHURN_JS, updates)
            _settle(page)
            out["heap_after_mb"] = _heap_mb(cdp)
        out["context_lost"] = page.evaluate(f"{API}.contextLost()")
        out["bundle_bytes"] = bundle_bytes()
        if errors:
            raise RuntimeError(f"{html}: page errors {errors}")
        return out
    finally:
        context.close()


def measure_model(name: str, folder: Path | None = None, browser=None, predicts: int = 20):
    """Export ``name`` (a key of :data:`MODELS`) and measure its page."""
    with tempfile.TemporaryDirectory() as tmp:
        html, payloads = export_model_page(name, Path(folder or tmp), predicts)
        row = measure_page(html, payloads, browser=browser)
    return {"model": MODELS[name][1], **row}


# ---------------------------------------------------------------------------- table


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1f}" if v < 100 else f"{v:.0f}"
    return str(v)


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as a Markdown table."""
    header = [
        "model", "layers", "first frame ms", "predict→frame ms", "predict→pixels ms",
        "calls closed", "calls open",
        "budget", "idle fps", "tex/geo", "tex/geo after 10 cycles", "heap MB (200 updates)",
    ]  # fmt: skip
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        mb, ma = r["memory_before"], r["memory_after"]
        heap = (
            f"{r['heap_before_mb']:.1f} → {r['heap_after_mb']:.1f}" if "heap_after_mb" in r else "-"
        )
        cells = [
            r["model"], r["layers"], r["first_frame_ms"], r.get("predict_frame_ms"),
            r.get("predict_pixels_ms"),
            r["calls_closed"], r["calls_open"], r["calls_budget"], r["idle_fps"],
            f"{mb['textures']}/{mb['geometries']}", f"{ma['textures']}/{ma['geometries']}", heap,
        ]  # fmt: skip
        lines.append("| " + " | ".join(_fmt(c) for c in cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["lenet"], choices=sorted(MODELS))
    parser.add_argument("--predicts", type=int, default=20)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = _launch(p)
        try:
            for name in args.models:
                rows.append(measure_model(name, browser=browser, predicts=args.predicts))
                print(f"measured {rows[-1]['model']}", flush=True)
        finally:
            browser.close()
    print(table(rows))
    for r in rows:
        parts = ", ".join(f"{k} {v:.0f}" for k, v in r["startup_ms"].items() if v is not None)
        print(f"start-up ms, {r['model']}: {parts}")
    size = bundle_bytes()
    print(f"\nbundle: {size} bytes ({size / 1000:.0f} kB) inlined in every exported page")
    print("targets: " + "; ".join(f"{k} {v}" for k, v in TARGETS.items()))


if __name__ == "__main__":
    main()
