"""Forty views on one page, as in a long notebook: none loses its picture.

Browsers keep about 16 live WebGL contexts per page and silently drop the oldest
beyond that. Every view draws through one shared WebGL renderer into its own 2D
canvas, shared through the page even when each view runs its own copy of the module
(as under anywidget's hot reload, where each view's _esm is the bundle, or with two
builds on one page; normally the page evaluates one front end: test_one_front_end.py).
Here each view gets its own copy, the harder case: the page makes one WebGL context for
forty views, loses none, every view reaches ``ready`` with a canvas that is not
blank, and the shared renderer lives until the last view is cleaned up (and goes
with it).
"""

from __future__ import annotations

import pytest

from tests.support.page import CANVAS_ONLY_CSS, open_view, settle, wait_for
from tests.support.pixels import DRAWN, assert_drawn, decode_png, rgb_stats

pytestmark = pytest.mark.e2e

VIEWS = 40
COLUMNS = 8

# Before the page's scripts: keep every WebGL context made, to count those lost.
COUNT_CONTEXTS = """
window.glContexts = [];
const getContext = HTMLCanvasElement.prototype.getContext;
HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
  const ctx = getContext.call(this, kind, ...rest);
  if (ctx && /webgl/.test(kind) && !glContexts.includes(ctx)) glContexts.push(ctx);
  return ctx;
};
window.glStats = () =>
  ({ made: glContexts.length, lost: glContexts.filter((c) => c.isContextLost()).length });
"""

# Renders `n` views of the page's model into a grid, each with its own model and its
# own copy of the bundle (a new module instance, as anywidget makes for each widget
# whose _esm is the bundle: under hot reload). Resolves when no view is loading.
MANY_JS = """async ([n, columns]) => {
  const base = layerscapePage.model;
  const keys = ['_graph', '_payload', '_open', 'theme', 'color_scope'];
  const standIn = () => {
    const state = { height: 110 }, listeners = {};
    for (const k of keys) state[k] = base.get(k);
    return {
      get: (k) => state[k],
      set: (k, v) => { state[k] = v; (listeners['change:' + k] || []).forEach((f) => f()); },
      on: (e, f) => { (listeners[e] = listeners[e] || []).push(f); },
      off: (e, f) => { listeners[e] = (listeners[e] || []).filter((g) => g !== f); },
      save_changes() {}, send() {},
    };
  };
  layerscapePage.cleanup();  // the page's own full-window view
  const bundle = [...document.scripts].find((s) => s.text.includes('LayerscapeWidget=')).text;
  const freshWidget = () => {
    const script = document.createElement('script');
    script.text = bundle;
    document.body.appendChild(script);
    script.remove();
    return window.LayerscapeWidget.default;
  };
  const grid = document.getElementById('layerscape-root');
  grid.style.cssText = `display:grid;grid-template-columns:repeat(${columns},150px);gap:4px`;
  window.views = [];
  for (let i = 0; i < n; i++) {
    const el = document.createElement('div');
    grid.appendChild(el);
    const model = standIn();
    views.push({ model, cleanup: freshWidget().render({ model, el }) });
  }
  const roots = () => [...document.querySelectorAll('.layerscape')];
  const loading = () => roots().some((r) => r.dataset.state === 'loading');
  while (loading()) await new Promise((r) => setTimeout(r, 20));
  return roots().map((r) => r.dataset.state);
}"""


def test_forty_views_share_one_webgl_context(page, page_log, lenet, digits, tmp_path, artifacts):
    from layerscape import ModelView

    view = ModelView(lenet, labels=[str(d) for d in range(10)])
    view.predict(digits[0][0])
    html = view.save_html(tmp_path / "many.html")
    page.add_init_script(COUNT_CONTEXTS)
    open_view(page, html)

    states = page.evaluate(MANY_JS, [VIEWS, COLUMNS])
    assert states == ["ready"] * VIEWS, states
    settle(page, timeout=60)
    stats = page.evaluate("glStats()")
    # One context for the page's own view (cleaned up: lost on purpose), one for the 40.
    assert stats == {"made": 2, "lost": 1}, f"WebGL contexts: {stats}"
    lost = page.evaluate(
        "[...document.querySelectorAll('.layerscape')].map((r) => r.__layerscape.contextLost())"
    )
    assert lost == [False] * VIEWS

    # Every canvas shows its model: one screenshot of the page, cut per canvas.
    canvases = page.locator(".layerscape canvas")
    assert canvases.count() == VIEWS
    boxes = [canvases.nth(i).bounding_box() for i in range(VIEWS)]
    assert all(b["y"] + b["height"] <= page.viewport_size["height"] for b in boxes), boxes[-1]
    png = page.screenshot(style=CANVAS_ONLY_CSS, path=str(artifacts / "forty-views.png"))
    shot = decode_png(png)
    blank = []
    for i, b in enumerate(boxes):
        x, y, w, h = (round(b[k]) for k in ("x", "y", "width", "height"))
        s = rgb_stats(shot[y : y + h, x : x + w])
        if problems := DRAWN.problems(s):
            blank.append(f"view {i}: {'; '.join(problems)}: {s.describe()}")
    assert not blank, "blank canvases:\n" + "\n".join(blank)

    # The shared renderer outlives all but the last view; that one still draws.
    page.evaluate("views.slice(0, -1).forEach((v) => v.cleanup())")
    settle(page)
    assert page.evaluate("glStats()") == {"made": 2, "lost": 1}
    last = page.locator(".layerscape")
    assert last.count() == 1
    api = "document.querySelector('.layerscape').__layerscape"
    frames = page.evaluate(f"{api}.frames()")
    page.evaluate(f"{api}.toggle('conv2d')")
    wait_for(page, f"(n) => {api}.frames() > n", frames, what="the last view to draw")
    assert_drawn(last.locator("canvas"), "the last view")
    # ... and goes with the last view.
    page.evaluate("views.at(-1).cleanup()")
    wait_for(page, "() => glStats().lost === 2", what="the shared context to go")
    assert page.evaluate("glStats()") == {"made": 2, "lost": 2}
    assert not page_log.problems(), "\n".join(page_log.problems())
