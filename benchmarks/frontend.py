"""What the browser spends on a view: first draw, each prediction's redraw, idle frames.

For each model, a page in headless Chromium (WebGL2 through SwiftShader, on the CPU: a
slow GPU, so the figures are upper bounds) runs the real bundle with a minimal model
stand-in, then measures:

- ``ready ms``: from ``render()`` to ``data-state="ready"`` (scene built, first frame);
- ``update ms``: median, from a new payload to its frame drawn (``data-predictions``),
  over 10 predictions of different inputs;
- ``idle frames``: frames drawn in the second after the last update (render on demand:
  should be 0);
- ``builds``: scene builds over the whole run (predict must not rebuild: should be 1).

Run: ``python benchmarks/frontend.py`` (needs ``/usr/bin/chromium`` and a built bundle).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
from playwright.sync_api import sync_playwright

from layerscape.capture import run_with_activations
from layerscape.demo import build_lenet
from layerscape.encode import encode_activations
from layerscape.graph import graph_from_plan, plan_model
from layerscape.widget import BUNDLE

CHROMIUM_ARGS = [
    "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    "--disable-gpu-sandbox", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

PAGE = """<!doctype html><meta charset="utf-8"><body style="margin:0">
<div id="root"></div><script>{bundle}</script><script>
const listeners = {{}};
const state = {{ _graph: null, _payload: null, _open: [], theme: "light", height: 600 }};
window.model = {{
  get: (k) => state[k],
  set: (k, v) => {{ state[k] = v; (listeners["change:" + k] || []).forEach((f) => f()); }},
  on: (e, f) => {{ (listeners[e] = listeners[e] || []).push(f); }},
  off: (e, f) => {{ listeners[e] = (listeners[e] || []).filter((g) => g !== f); }},
  save_changes() {{}}, send() {{}},
}};
window.bytes = (b64) => {{
  const raw = atob(b64); const a = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) a[i] = raw.charCodeAt(i);
  return new DataView(a.buffer);
}};
</script>"""

READY_JS = """async (graph) => {
  model.set("_graph", graph);
  const el = document.getElementById("root");
  const start = performance.now();
  LayerscapeWidget.default.render({ model, el });
  const root = el.querySelector(".layerscape");
  while (root.dataset.state !== "ready") {
    if (root.dataset.state === "error") throw new Error(root.innerText);
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - start;
}"""

UPDATE_JS = """async ([b64, seq]) => {
  const root = document.querySelector(".layerscape");
  const payload = bytes(b64);
  const start = performance.now();
  model.set("_payload", payload);
  while (root.dataset.predictions !== String(seq)) await new Promise((r) => setTimeout(r, 1));
  return performance.now() - start;
}"""


def payloads(model: keras.Model, count: int) -> tuple[dict, list[str]]:
    import base64

    plan = plan_model(model)
    graph = graph_from_plan(model, plan)
    shape = tuple(int(d) for d in model.inputs[0].shape[1:])
    rng = np.random.default_rng(0)
    out = []
    for seq in range(1, count + 1):
        _, acts = run_with_activations(plan, [rng.random((1, *shape), dtype=np.float32)])
        out.append(base64.b64encode(encode_activations(graph, acts, seq)).decode())
    return json.loads(json.dumps(graph)), out


def bench(browser, name: str, model: keras.Model, page_file: Path) -> dict[str, object]:
    graph, encoded = payloads(model, 11)
    page = browser.new_page(viewport={"width": 1100, "height": 640})
    page.goto(page_file.as_uri())
    ready = page.evaluate(READY_JS, graph)
    page.evaluate(UPDATE_JS, [encoded[0], 1])  # first payload: textures sized once
    updates = [page.evaluate(UPDATE_JS, [b64, seq]) for seq, b64 in enumerate(encoded, 1)][1:]
    api = "document.querySelector('.layerscape').__layerscape"
    frames = page.evaluate(f"{api}.frames()")
    page.wait_for_timeout(1000)
    idle = page.evaluate(f"{api}.frames()") - frames
    builds = page.evaluate(f"{api}.builds()")
    page.close()
    return {
        "model": name,
        "nodes": len(graph["nodes"]),
        "payload KiB": round(len(encoded[-1]) * 3 / 4 / 1024, 1),
        "ready ms": round(ready),
        "update ms": round(statistics.median(updates)),
        "idle frames": idle,
        "builds": builds,
    }


def main() -> None:
    keras.utils.set_random_seed(0)
    models = [
        ("LeNet-5", build_lenet()),
        ("MobileNetV3Small 96", keras.applications.MobileNetV3Small(
            weights=None, input_shape=(96, 96, 3))),
    ]  # fmt: skip
    bundle = BUNDLE.with_name("widget.iife.js").read_text().replace("</script", "<\\/script")
    print(f"bundle: {BUNDLE.stat().st_size / 1024:.0f} KiB minified (ESM)")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_file = Path(tmp) / "bench.html"
        page_file.write_text(PAGE.format(bundle=bundle))
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        bench(browser, *models[0], page_file)  # warm-up: shaders compiled, caches filled
        rows = [bench(browser, name, model, page_file) for name, model in models]
        browser.close()
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for row in rows:
        print("| " + " | ".join(str(v) for v in row.values()) + " |")


if __name__ == "__main__":
    main()
