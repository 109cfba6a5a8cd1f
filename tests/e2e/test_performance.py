"""Regression guards for what a view costs the browser, read from the view itself.

An exported LeNet page, and figures from its test API (``root.__layerscape``): draw
calls per frame follow layers, not channels (closed and open); an idle view draws no
frames, also after an animation and a hover; hover picks are coalesced to one per
animation frame; updates write textures in place (no reallocation); GPU textures and
geometries stay flat over open/close cycles and payload updates; the JS heap stays flat
over 200 payload updates; the first frame links few shader programs.
"""

from __future__ import annotations

import base64

import pytest

from tests.support.blocks import OPENABLE
from tests.support.page import API, open_view, settle

pytestmark = pytest.mark.e2e

LOAD_JS = """(list) => {
  window.payloads = list.map((b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer);
}"""

# Feeds `count` payloads, each after the previous one has been drawn.
CHURN_JS = """async (count) => {
  const api = document.querySelector('.layerscape').__layerscape;
  for (let i = 0; i < count; i++) {
    const frames = api.frames();
    layerscapePage.model.set('_payload', new DataView(payloads[i % payloads.length]));
    while (api.frames() === frames) await new Promise((r) => setTimeout(r, 1));
  }
}"""

# Installed before the page's scripts: notes each program linked, with its material
# (three.js names it in the vertex shader) and when (ms from navigation start).
RECORD_LINKS_JS = """(() => {
  window.__lsLinks = [];
  const proto = WebGL2RenderingContext.prototype;
  const link = proto.linkProgram;
  proto.linkProgram = function (program) {
    const shaders = this.getAttachedShaders(program) || [];
    const source = shaders.map((s) => this.getShaderSource(s) || '').join('\\n');
    const type = (source.match(/#define SHADER_TYPE (\\w+)/) || [])[1] || '?';
    const defines = (source.match(/#define (USE_\\w+|DOUBLE_SIDED|OPAQUE|ALPHATEST)/g) || [])
      .map((d) => d.slice(8));
    const name = [type, ...new Set(defines)].join(' ');
    window.__lsLinks.push({ at: performance.now(), program: name });
    return link.call(this, program);
  };
})();"""

FIRST_FRAME_PROGRAMS = 3
"""Shader programs LeNet's first frame may link: one for the textured planes, one for the
solids (boxes, units, plates: unlit, their shading in their vertex colours) and one for
every line (vertex colours, white where a line has one colour). On a software GPU each
costs tens of milliseconds before the first frame, more when the GPU process is busy;
before the solids and the lines were made to share them, LeNet's and VGG16's linked 8."""

HEAP_GROWTH_LIMIT_MB = 1.0
"""Growth allowed over 200 updates of the JS heap plus typed arrays' backing stores: a
LeNet prediction decodes ~170 KB of float32 arrays; keeping one 4.7 KB array per update
(max_pooling2d's channels) grows it by 1.2 MB; without a leak it grows ~0.3 MB."""


@pytest.fixture(scope="module")
def lenet_page(lenet, digits, tmp_path_factory: pytest.TempPathFactory):
    """An exported LeNet page after one predict, and the payloads of four more."""
    from layerscape import ModelView

    view = ModelView(lenet, labels=[str(d) for d in range(10)])
    view.predict(digits[0][0])
    html = view.save_html(tmp_path_factory.mktemp("perf") / "lenet.html")
    payloads = []
    for i in range(1, 5):
        view.predict(digits[0][i])
        payloads.append(base64.b64encode(bytes(view._payload)).decode())
    return html, payloads, view.graph["nodes"]


def test_draw_calls_follow_layers_not_channels(page, page_log, lenet_page):
    html, _, nodes = lenet_page
    layers = len(nodes)
    maps = sum(n["family"] == "feature_map" for n in nodes)
    open_view(page, html)
    settle(page)
    budget = 3 * layers + 20
    closed = page.evaluate(f"{API}.drawCalls()")
    assert 0 < closed <= budget, f"{closed} draw calls with every layer closed ({layers} layers)"
    page.locator(".ls-open-all").click()
    settle(page)
    assert page.evaluate(f"{API}.openIds().length") == maps
    opened = page.evaluate(f"{API}.drawCalls()")
    assert 0 < opened <= budget, f"{opened} draw calls with every layer open ({layers} layers)"
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_idle_view_draws_no_frames_after_animation_and_hover(page, page_log, lenet_page):
    html, _, _ = lenet_page
    open_view(page, html)
    page.evaluate(f"{API}.toggle('conv2d')")  # an animation
    # Hover once it has ended: dense moves while conv2d opens, and a point projected
    # mid-animation may no longer be on it when the pick runs (on a loaded machine).
    settle(page)
    point = page.evaluate(f"{API}.project('dense')")
    page.mouse.move(point["x"], point["y"])  # a hover (outline, tooltip)
    page.locator(".layerscape .ls-tooltip").wait_for(state="visible")
    before = settle(page)
    # A fixed time on purpose: it measures that nothing is drawn during it.
    page.wait_for_timeout(2000)
    assert page.evaluate(f"{API}.frames()") == before, "an idle view kept drawing frames"
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_pointer_moves_are_picked_once_per_frame(page, page_log, lenet_page):
    html, _, _ = lenet_page
    open_view(page, html)
    # Fifty moves in one task (a fast mouse between two frames): one pick, for the last.
    picks = page.evaluate(
        """async () => {
          const root = document.querySelector('.layerscape'), api = root.__layerscape;
          const canvas = root.querySelector('canvas'), p = api.project('dense');
          const before = api.picks();
          for (let i = 0; i < 50; i++) {
            canvas.dispatchEvent(new PointerEvent('pointermove',
              { clientX: p.x + (i % 3) - 1, clientY: p.y, bubbles: true }));
          }
          const during = api.picks();
          for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
          return [before, during, api.picks()];
        }"""
    )
    assert picks[1] == picks[0], f"picked during the moves: {picks}"
    assert picks[2] == picks[0] + 1, f"50 moves in one frame should pick once: {picks}"
    tooltip = page.locator(".layerscape .ls-tooltip")
    tooltip.wait_for(state="visible")
    assert "dense" in tooltip.inner_text()
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_gpu_memory_flat_over_open_close_cycles(page, page_log, lenet_page):
    html, _, _ = lenet_page
    open_view(page, html)
    cycle = "document.querySelector('.layerscape .ls-{}-all').click()"
    closed = page.evaluate(f"{API}.memory()")
    page.evaluate(cycle.format("open"))
    settle(page)
    opened = page.evaluate(f"{API}.memory()")
    page.evaluate(cycle.format("close"))
    settle(page)
    first = page.evaluate(f"{API}.memory()")
    assert first["textures"] > 0 and first["geometries"] > 0
    # Open layers draw one atlas texture each; closed, they free it.
    assert opened["textures"] > closed["textures"], (closed, opened)
    assert first == closed, f"closing did not free what opening made: {closed} -> {first}"
    for _ in range(10):
        page.evaluate(cycle.format("open"))
        settle(page)
        page.evaluate(cycle.format("close"))
        settle(page)
    assert page.evaluate(f"{API}.memory()") == first, "open/close cycles pile up GPU objects"
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_every_family_frees_its_open_view_when_it_has_closed(page, page_log, blocks_page):
    """On the every-family page (RGB input, feature map, volumes, sequences): opening a
    layer makes its open view (a texture and a plane); once the close tween has ended,
    the GPU textures and geometries are back at the closed view's count, layer by layer."""
    open_view(page, blocks_page)
    settle(page)
    opens = page.evaluate(
        "layerscapePage.model.get('_graph').nodes.filter((n) => n.opens).map((n) => n.id)"
    )
    assert set(OPENABLE) <= set(opens), opens
    closed = page.evaluate(f"{API}.memory()")
    made_nothing, kept = {}, {}
    for node_id in opens:
        before = page.evaluate(f"{API}.memory()")
        page.evaluate(f"{API}.toggle({node_id!r})")
        settle(page)
        opened = page.evaluate(f"{API}.memory()")
        page.evaluate(f"{API}.toggle({node_id!r})")
        settle(page)
        after = page.evaluate(f"{API}.memory()")
        if opened["textures"] <= before["textures"]:
            made_nothing[node_id] = (before, opened)
        if after != before:
            kept[node_id] = (before, after)
    assert page.evaluate(f"{API}.openIds()") == []
    assert not made_nothing, f"opening drew no open view: {made_nothing}"
    assert not kept, f"closing did not free what opening made (before -> after): {kept}"
    assert page.evaluate(f"{API}.memory()") == closed
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_heap_and_gpu_memory_flat_over_200_updates(page, page_log, lenet_page):
    html, payloads, _ = lenet_page
    open_view(page, html)
    page.evaluate(f"{API}.toggle('conv2d'); {API}.toggle('conv2d_1')")  # atlases update too
    settle(page)
    page.evaluate(LOAD_JS, payloads)
    page.evaluate(CHURN_JS, 20)  # warm-up: code paths compiled, caches filled
    settle(page)
    cdp = page.context.new_cdp_session(page)

    def heap_mb() -> float:
        # Typed arrays keep their values outside the JS heap: count both.
        cdp.send("HeapProfiler.collectGarbage")
        usage = cdp.send("Runtime.getHeapUsage")
        return (usage["usedSize"] + usage.get("backingStorageSize", 0)) / 2**20

    gpu, heap = page.evaluate(f"{API}.memory()"), heap_mb()
    page.evaluate(CHURN_JS, 200)
    settle(page)
    assert page.evaluate(f"{API}.memory()") == gpu, "payload updates pile up GPU objects"
    grown = heap_mb() - heap
    assert grown < HEAP_GROWTH_LIMIT_MB, f"the JS heap grew {grown:.1f} MB over 200 updates"
    # Each update was drawn at once: its frame ended within the same task.
    timings = page.evaluate(f"{API}.timings()")
    assert timings["payloadToFrame"] is not None and timings["payloadToFrame"] < 1000, timings
    assert not page_log.problems(), "\n".join(page_log.problems())
    # Updates faster than the GPU draws queue no frames: the page still answers at once.
    page.screenshot(timeout=5000)


# Before the page's scripts: count texture allocations and in-place writes.
COUNT_TEXTURE_CALLS = """
window.texCalls = { alloc: 0, write: 0 };
const p = WebGL2RenderingContext.prototype;
for (const [name, kind] of [['texImage2D', 'alloc'], ['texStorage2D', 'alloc'],
                            ['texSubImage2D', 'write']]) {
  const f = p[name];
  p[name] = function (...a) { texCalls[kind] += 1; return f.apply(this, a); };
}
"""


def test_updates_write_textures_in_place(page, page_log, lenet_page):
    html, payloads, _ = lenet_page
    page.add_init_script(COUNT_TEXTURE_CALLS)
    open_view(page, html)
    page.evaluate(f"{API}.toggle('conv2d')")  # an open atlas too
    settle(page)
    page.evaluate(LOAD_JS, payloads)
    before = page.evaluate("({...texCalls})")
    page.evaluate(CHURN_JS, 20)
    after = page.evaluate("({...texCalls})")
    assert after["alloc"] == before["alloc"], f"updates reallocated textures: {before} -> {after}"
    assert after["write"] >= before["write"] + 20, f"no in-place writes: {before} -> {after}"
    assert not page_log.problems(), "\n".join(page_log.problems())


def test_first_frame_and_payload_timings_are_reported(page, lenet_page):
    html, _, _ = lenet_page
    open_view(page, html)
    t = page.evaluate(f"{API}.timings()")
    assert t["firstDataFrame"] is not None and 0 < t["firstDataFrame"] <= t["lastFrame"], t
    assert t["payloadToFrame"] is not None and t["payloadToFrame"] > 0, t
    assert t["frameMs"] is not None and t["frameMs"] > 0, t
    assert page.evaluate(f"{API}.contextLost()") is False


def test_first_frame_links_few_programs(page, page_log, lenet_page):
    html, _, _ = lenet_page
    page.add_init_script(RECORD_LINKS_JS)
    open_view(page, html)
    first = page.evaluate(f"{API}.timings().firstDataFrame")
    links = page.evaluate("window.__lsLinks")
    before = [link["program"] for link in links if link["at"] <= first]
    assert before, "no program linked before the first frame: the recording missed them"
    assert len(before) <= FIRST_FRAME_PROGRAMS, f"{len(before)} programs linked: {before}"
    assert len(set(before)) == len(before), f"a program linked twice: {before}"
    assert not page_log.problems(), "\n".join(page_log.problems())
