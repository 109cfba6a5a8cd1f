"""render() returns a cleanup that undoes everything it did.

An exported page gets a script that wraps WebGL, the observers and addEventListener
before the bundle loads, and counts what render() creates (the page's own view is
cleaned up first; a fresh render is measured against what is left). Rebuilding the
scene three times holds the same GPU objects each time (a visual that forgets a
dispose() piles them up; at cleanup, renderer.dispose() would free them and hide it).
After the cleanup every GL texture with data, buffer, vertex array and program is
deleted, every observer disconnected, every window/document listener removed, and no
frame is drawn any more.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import open_view

pytestmark = pytest.mark.e2e

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


def snapshots_after_rebuilds(page, times: int = 3) -> list[dict]:
    """Rebuild the scene (a new graph object) ``times`` times; what the page holds after each.

    ``renderer.dispose()`` would hide a leak at cleanup time, so a rebuild is where a
    missed ``dispose()`` shows: the snapshots stay equal when nothing piles up.
    """
    rebuild = (
        "layerscapePage.model.set('_graph', structuredClone(layerscapePage.model.get('_graph')))"
    )
    alive = []
    for _ in range(times):
        page.evaluate(rebuild)
        page.wait_for_timeout(400)
        alive.append(page.evaluate(SNAPSHOT_JS))
    return alive


def test_cleanup_releases_everything_render_made(page, page_log, lenet, digits, tmp_path: Path):
    from layerscape import ModelView

    view = ModelView(lenet, labels=[str(d) for d in range(10)])
    view.predict(digits[0][0])
    html = view.save_html(tmp_path / "cleanup.html")
    html.write_text(html.read_text().replace("<body>", "<body>\n" + WRAP, 1))
    open_view(page, html)

    # The page drew its view on load: clean that up and take what is left as the
    # baseline (the page's own resize listener; nothing on the GPU, no observers).
    page.evaluate("layerscapePage.cleanup()")
    page.wait_for_timeout(300)
    baseline = page.evaluate(SNAPSHOT_JS)
    busy = {k: v for k, v in baseline.items() if v != 0 and k != "global listeners"}
    assert busy == {}, f"the first view's cleanup left {busy}"

    assert page.evaluate(RENDER_JS) == "ready"
    # Exercise what allocates: opening layers, resetting the view.
    page.evaluate("api.toggle('conv2d'); api.toggle('conv2d_1'); api.resetView()")
    page.wait_for_timeout(600)
    made = page.evaluate(SNAPSHOT_JS)
    assert made["dataTextures"] > 0 and made["createBuffer"] > 0 and made["ResizeObserver"] == 1
    assert made["MutationObserver"] >= 1
    assert made["global listeners"] > baseline["global listeners"]

    # Rebuilding the scene (a new graph) frees what the old one held.
    alive = snapshots_after_rebuilds(page)
    assert page.evaluate("api.builds()") == 4
    assert alive[0] == alive[1] == alive[2], f"rebuilds pile up GPU objects: {alive}"

    page.evaluate("layerscapePage.cleanup()")
    page.wait_for_timeout(300)
    left = page.evaluate(SNAPSHOT_JS)
    assert left == baseline, f"left behind: {left} (before this view: {baseline})"
    assert page.locator(".layerscape").count() == 0
    frames = page.evaluate("api.frames()")
    page.mouse.move(400, 200)
    page.wait_for_timeout(500)
    assert page.evaluate("api.frames()") == frames, "frames drawn after cleanup"
    # The same element can host a new view afterwards.
    assert page.evaluate(RENDER_JS) == "ready"
    assert not page_log.problems(), "\n".join(page_log.problems())
