"""Counting what a view's ``render()`` creates in a page, and what its cleanup leaves.

``WRAP`` goes at the top of an exported page's ``<body>`` (before the bundle and its
model, see :func:`instrument`): it wraps WebGL, the observers and ``addEventListener``
and counts what is alive. ``SNAPSHOT_JS`` reads the counts; ``RENDER_JS`` renders the
page's model again into its root; :func:`snapshots_after_rebuilds` rebuilds the scene and
snapshots after each rebuild. Used by ``test_cleanup`` and ``test_blocks_browser``.

Waits on these pages use :mod:`tests.support.page` (in-page polling), never
``page.wait_for_function``, whose injected script would add to the counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .page import settle, wait_for

# Injected at the top of the exported page's <body>, before the bundle and its model.
WRAP = """<script>
window.counts = {};
const bump = (k, d) => { counts[k] = (counts[k] || 0) + d; };
for (const [make, drop] of [["createBuffer", "deleteBuffer"],
    ["createVertexArray", "deleteVertexArray"], ["createProgram", "deleteProgram"]]) {
  const p = WebGL2RenderingContext.prototype, m = p[make], d = p[drop];
  p[make] = function (...a) { bump(make, 1); return m.apply(this, a); };
  p[drop] = function (x) { if (x) bump(make, -1); return d.call(this, x); };
}
// Textures: three.js's renderer keeps four 1x1 placeholder textures for its whole life
// (freed by the context loss on dispose); every texture holding data must be deleted.
window.textures = new Map();  // live texture -> pixels uploaded
{
  const p = WebGL2RenderingContext.prototype;
  const bound = new Map();
  const face = (t) => (t >= 0x8515 && t <= 0x851a ? 0x8513 : t);  // cube faces
  const wrap = (name, before) => {
    const f = p[name];
    p[name] = function (...a) { before(...a); return f.apply(this, a); };
  };
  const made = p.createTexture;
  p.createTexture = function () { const t = made.call(this); textures.set(t, 0); return t; };
  wrap("deleteTexture", (t) => textures.delete(t));
  wrap("bindTexture", (target, t) => bound.set(target, t));
  const size = (target, n) => {
    const t = bound.get(face(target));
    if (textures.has(t)) textures.set(t, Math.max(textures.get(t), n));
  };
  // texImage2D(target, level, fmt, w, h, border, format, type, data) or (..., source)
  wrap("texImage2D", (...a) =>
    size(a[0], a.length >= 9 ? a[3] * a[4] : (a[5].width || 0) * (a[5].height || 0)));
  wrap("texImage3D", (target, level, fmt, w, h, depth) => size(target, w * h * depth));
  wrap("texStorage2D", (target, levels, fmt, w, h) => size(target, w * h));
  wrap("texStorage3D", (target, levels, fmt, w, h, depth) => size(target, w * h * depth));
  window.dataTextures = () => [...textures.values()].filter((n) => n > 1).length;
}
for (const name of ["ResizeObserver", "MutationObserver"]) {
  const Base = window[name];
  window[name] = class extends Base {
    observe(...a) { if (!this._on) { this._on = true; bump(name, 1); } return super.observe(...a); }
    disconnect() { if (this._on) { this._on = false; bump(name, -1); } return super.disconnect(); }
  };
}
const add = EventTarget.prototype.addEventListener;
const remove = EventTarget.prototype.removeEventListener;
const global = (t) => t === window || t === document || t === document.body;
// Live listeners, keyed as the browser keys them (target, type, callback, capture).
const live = new Map([[window, new Set()], [document, new Set()]]);
const key = (type, fn, opts) => [type, fn, !!(opts === true || (opts && opts.capture))];
const find = (set, k) => [...set].find((e) => e[0] === k[0] && e[1] === k[1] && e[2] === k[2]);
EventTarget.prototype.addEventListener = function (type, fn, opts) {
  if (global(this)) {
    const set = live.get(this === document.body ? document : this), k = key(type, fn, opts);
    if (!find(set, k)) { set.add(k); bump("global listeners", 1); }
  }
  return add.call(this, type, fn, opts);
};
EventTarget.prototype.removeEventListener = function (type, fn, opts) {
  if (global(this)) {
    const set = live.get(this === document.body ? document : this);
    const found = find(set, key(type, fn, opts));
    if (found) { set.delete(found); bump("global listeners", -1); }
  }
  return remove.call(this, type, fn, opts);
};
</script>
"""

RENDER_JS = """async () => {
  const el = document.getElementById("layerscape-root");
  layerscapePage.cleanup = LayerscapeWidget.default.render({ model: layerscapePage.model, el });
  const root = document.querySelector(".layerscape");
  while (root.dataset.state === "loading") await new Promise((r) => setTimeout(r, 10));
  window.api = root.__layerscape;
  return root.dataset.state;
}"""

# What the page holds now: the wrapped counters and the live data textures.
SNAPSHOT_JS = "({...counts, dataTextures: dataTextures()})"


def snapshots_after_rebuilds(page: Any, times: int = 3) -> list[dict]:
    """Rebuild the scene (a new graph object) ``times`` times; what the page holds after each.

    ``renderer.dispose()`` would hide a leak at cleanup time, so a rebuild is where a
    missed ``dispose()`` shows: the snapshots stay equal when nothing piles up.
    """
    rebuild = (
        "layerscapePage.model.set('_graph', structuredClone(layerscapePage.model.get('_graph')))"
    )
    builds = "() => document.querySelector('.layerscape').__layerscape.builds()"
    alive = []
    for _ in range(times):
        before = page.evaluate(builds)
        page.evaluate(rebuild)
        wait_for(page, f"(n) => ({builds})() > n", before, what="the scene to rebuild")
        settle(page)
        alive.append(page.evaluate(SNAPSHOT_JS))
    return alive


def instrument(html: Path, out: Path) -> Path:
    """Copy the exported page ``html`` to ``out`` with ``WRAP`` before its bundle."""
    out.write_text(html.read_text().replace("<body>", "<body>\n" + WRAP, 1))
    return out


def clean_up(page: Any) -> None:
    """Run the page's view cleanup; return once its root has left the page and the view
    is disposed."""
    # A host render's cleanup parks the view for a moment (a re-render may take it over:
    # js/src/host/adopt.ts) before disposing it; wait for the dispose, which drops the
    # root's test handle.
    page.evaluate("window.lsGoing = document.querySelector('.layerscape')")
    page.evaluate("layerscapePage.cleanup()")
    gone = "() => !document.querySelector('.layerscape') && !('__layerscape' in window.lsGoing)"
    wait_for(page, gone, what="the view to be disposed")
