"""The widget in a page: its test API, waits on its own state, and screenshots of it.

Every view's root element (``.layerscape``) reports its state: ``data-state`` (loading ->
ready | error), ``data-predictions``, ``data-open``, ``data-focus``, ... and a test handle,
``root.__layerscape`` (``frames()``, ``pending()``, ``builds()``, ``memory()``, ``project(id)``,
``toggle(id)``, ...; see ``js/src/host/widget.ts``). The helpers here wait on that state,
never for a fixed time.

Waits run as one ``page.evaluate`` of a small polling loop in the page, not with
``page.wait_for_function``: that one installs Playwright's injected script in the page's
own world, with a MutationObserver and window listeners that are never removed, and the
leak checks (``test_cleanup``) count exactly those.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

API = "document.querySelector('.layerscape').__layerscape"
"""JS expression: the first view's test handle (project, openIds, frames, toggle, ...)."""

# Screenshot style that leaves only WebGL pixels: every element of the widget is made
# invisible (labels, tooltips, legends, buttons are HTML over the canvas) except the
# <canvas>. `visibility` is inherited but a child may set it back to visible, and it
# does not change layout, so the canvas is neither moved nor redrawn.
CANVAS_ONLY_CSS = """
.layerscape, .layerscape * { visibility: hidden !important; }
.layerscape canvas { visibility: visible !important; }
"""


def wait_for(
    page: Any,
    predicate: str,
    arg: Any = None,
    timeout: float = 30.0,
    what: str | None = None,
    interval_ms: int = 20,
) -> Any:
    """Poll the JS function ``predicate`` (called with ``arg``) in the page until it is truthy.

    Returns what it returned. On timeout raises ``AssertionError`` naming ``what`` (or
    the predicate) with its last value or the error it last threw; a predicate that throws
    (the view is not there yet) counts as not yet true.
    """
    source = f"""async (arg) => {{
      const check = {predicate};
      const end = performance.now() + {timeout * 1000:.0f};
      let last = null, error = null;
      for (;;) {{
        try {{ last = await check(arg); error = null; }}
        catch (e) {{ last = null; error = String(e); }}
        if (last) return {{ ok: true, last }};
        if (performance.now() > end) return {{ ok: false, last, error }};
        await new Promise((r) => setTimeout(r, {interval_ms}));
      }}
    }}"""
    out = page.evaluate(source, arg)
    if not out["ok"]:
        detail = f"threw {out['error']}" if out["error"] else f"last: {out['last']!r}"
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate} "
                             f"({detail})")  # fmt: skip
    return out["last"]


# Resolves once every view on the page has finished loading, has no frame scheduled and
# has drawn nothing for `quiet` animation frames in a row (an open/close animation or a
# fly_to has ended, and what a pointer move triggers has been drawn). Animation frames,
# not milliseconds: a loaded machine draws slowly but still in frames. A page without
# views settles at once.
_SETTLE_JS = """async ([quiet, timeoutMs]) => {
  const roots = () => [...document.querySelectorAll('.layerscape')];
  const apis = () => roots().map((r) => r.__layerscape).filter(Boolean);
  const frames = () => apis().map((a) => a.frames()).join(',');
  const busy = () => roots().some((r) => r.dataset.state === 'loading')
    || apis().some((a) => a.pending());
  const tick = () => new Promise((resolve) => {
    const t = setTimeout(resolve, 100);  // no animation frames (a hidden page): still poll
    requestAnimationFrame(() => { clearTimeout(t); resolve(); });
  });
  const end = performance.now() + timeoutMs;
  let seen = frames(), still = 0;
  while (still < quiet) {
    if (performance.now() > end) return { ok: false, frames: seen, busy: busy() };
    await tick();
    const now = frames();
    if (busy() || now !== seen) { still = 0; seen = now; } else still += 1;
  }
  const first = apis()[0];
  return { ok: true, frames: first ? first.frames() : 0 };
}"""


def settle(page: Any, quiet_frames: int = 3, timeout: float = 30.0) -> int:
    """Wait until every view on ``page`` is loaded and idle; return the first view's frames.

    Idle: no frame scheduled (``pending()``) and no frame drawn for ``quiet_frames``
    animation frames in a row.
    """
    out = page.evaluate(_SETTLE_JS, [quiet_frames, timeout * 1000])
    if not out["ok"]:
        raise AssertionError(
            f"the view did not settle in {timeout:.0f} s (frames {out['frames']}, "
            f"busy {out['busy']})"
        )
    return int(out["frames"])


def drag_across(page: Any, locator: Any, dx: float, dy: float) -> None:
    """Drag from the middle of ``locator`` by (``dx``, ``dy``) pixels in 8 steps, as a user
    orbits the view, then wait for the view to settle."""
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=8)
    page.mouse.up()
    settle(page)


def shoot(
    locator: Any,
    path: Path | None = None,
    canvas_only: bool = True,
    timeout: float = 30.0,
) -> bytes:
    """PNG of ``locator`` once the page's views have settled (:func:`settle`).

    With ``canvas_only`` the widget's HTML overlays are hidden (``CANVAS_ONLY_CSS``), so the
    pixels are what WebGL drew, not label text. ``path``: also write the PNG there.
    """
    settle(locator.page, timeout=timeout)
    shot = locator.screenshot(
        animations="disabled",
        timeout=timeout * 1000,
        style=CANVAS_ONLY_CSS if canvas_only else None,
    )
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(shot)
    return shot


def open_view(page: Any, path: Path, timeout: float = 60.0) -> Any:
    """Open a saved view from file:// and return its root once it is ready and settled.

    Fails with the view's own text when it ends in ``data-state="error"`` instead.
    """
    page.goto(path.as_uri(), wait_until="load")
    # A locator waits from Playwright's own isolated world, which the leak checks never see.
    done = '.layerscape[data-state="ready"], .layerscape[data-state="error"]'
    page.locator(done).wait_for(timeout=timeout * 1000)
    root = page.locator(".layerscape")
    state = root.get_attribute("data-state")
    assert state == "ready", f"data-state={state!r}: {root.inner_text()[:500]!r}"
    settle(page, timeout=timeout)
    return root


def hover_tooltip(page: Any, node_id: str) -> Any:
    """Point at a layer (where the view projects it) and return its visible tooltip."""
    point = page.evaluate(f"{API}.project({node_id!r})")
    assert point is not None, f"{node_id} has no position on screen"
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator(".layerscape .ls-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    return tooltip


def leave_tooltip(page: Any, tooltip: Any) -> None:
    """Move the pointer to an empty corner and wait for the tooltip to go."""
    page.mouse.move(2, 2)
    tooltip.wait_for(state="hidden", timeout=10_000)


_LABEL_RECTS_JS = """() => [...document.querySelectorAll('.layerscape .ls-label')]
    .filter((el) => el.style.display !== 'none' && el.offsetWidth > 0)
    .map((el) => { const r = el.getBoundingClientRect();
                   return {text: el.textContent,
                           x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; })"""


def visible_labels(page: Any) -> list[dict]:
    """Client rectangles (``x0, y0, x1, y1``) and text of every label shown on ``page``."""
    return page.evaluate(_LABEL_RECTS_JS)


def label_problems(page: Any, slack: float = 2.5) -> dict[str, list[str]]:
    """Labels shown off the first view's canvas, and pairs of shown labels that overlap
    (by more than ``slack`` pixels), by their text."""
    canvas = page.locator(".layerscape canvas").bounding_box()
    cx0, cy0 = canvas["x"] - 1, canvas["y"] - 1
    cx1, cy1 = canvas["x"] + canvas["width"] + 1, canvas["y"] + canvas["height"] + 1
    rects = visible_labels(page)
    off = [
        r["text"] for r in rects if r["x0"] < cx0 or r["y0"] < cy0 or r["x1"] > cx1 or r["y1"] > cy1
    ]
    overlapping = [
        f"{a['text']!r} / {b['text']!r}"
        for i, a in enumerate(rects)
        for b in rects[i + 1 :]
        if a["x0"] < b["x1"] - slack
        and b["x0"] < a["x1"] - slack
        and a["y0"] < b["y1"] - slack
        and b["y0"] < a["y1"] - slack
    ]
    return {"off": off, "overlapping": overlapping}


def rects_overlap(a: dict, b: dict, slack: float = 2.5) -> bool:
    """Whether screen rectangles ``a`` and ``b`` (x0, y0, x1, y1) overlap by more than
    ``slack`` pixels each way (touching edges, rounded, do not count)."""
    return (
        a["x0"] < b["x1"] - slack
        and b["x0"] < a["x1"] - slack
        and a["y0"] < b["y1"] - slack
        and b["y0"] < a["y1"] - slack
    )


_MINIMAP_RECT_JS = """() => { const el = document.querySelector('.layerscape .ls-minimap');
    if (!el || getComputedStyle(el).display === 'none') return null;
    const r = el.getBoundingClientRect();
    return r.width > 0 ? {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom} : null; }"""


def labels_under_minimap(page: Any, slack: float = 1.0) -> list[str]:
    """Text of the labels shown that the overview (mini-map) covers, by more than ``slack``
    pixels. Such a caption is drawn but cannot be read. Fails when no overview is shown
    (nothing to check: the caller expected one)."""
    box = page.evaluate(_MINIMAP_RECT_JS)
    assert box is not None, "the view shows no overview (mini-map)"
    return [r["text"] for r in visible_labels(page) if rects_overlap(r, box, slack)]


# Captions that name a layer or a block (merge badges and unit labels are drawn on their
# own layer and not checked here).
_OWNED_LABELS_JS = """() => [...document.querySelectorAll(
        '.layerscape .ls-label[data-owner]:is(.ls-caption, .ls-group-caption)')]
    .filter((el) => el.style.display !== 'none' && el.offsetWidth > 0)
    .map((el) => { const r = el.getBoundingClientRect();
                   return {owner: el.dataset.owner, text: el.textContent,
                           x0: r.left, y0: r.top, x1: r.right, y1: r.bottom}; })"""


def caption_box_problems(page: Any, slack: float = 2.5, hang: float = 24.0) -> dict[str, list[str]]:
    """Captions shown that run into another drawn layer's box on screen (``into``: any
    layer or folded block drawn, captioned or not), and captions whose nearest edge lies
    more than ``hang`` pixels from their own box (``away``)."""
    labels = page.evaluate(_OWNED_LABELS_JS)
    # No caption names its layer: a bundle older than labels.ts's data-owner, not a pass.
    assert labels, "no caption shown carries data-owner (is the bundle built from js/src?)"
    boxes = page.evaluate(
        f"() => Object.fromEntries({API}.drawnIds().map((id) => [id, {API}.screenBox(id)]))"
    )
    assert boxes, "the view reports nothing drawn (drawnIds)"
    into, away = [], []
    for r in labels:
        for other, b in boxes.items():
            if other == r["owner"] or b is None:
                continue
            if rects_overlap(r, b, slack):
                into.append(f"{r['text']!r} into {other}")
        own = boxes.get(r["owner"])
        if own is not None:
            dx = max(own["x0"] - r["x1"], r["x0"] - own["x1"], 0.0)
            dy = max(own["y0"] - r["y1"], r["y0"] - own["y1"], 0.0)
            if max(dx, dy) > hang:
                away.append(f"{r['text']!r} {max(dx, dy):.0f} px from {r['owner']}")
    return {"into": into, "away": away}


def uncaptioned_blocks(page: Any) -> list[str]:
    """Folded blocks drawn on screen whose caption is not shown (ids)."""
    shown = {r["owner"] for r in page.evaluate(_OWNED_LABELS_JS)}
    drawn = page.evaluate(
        f"""() => {{
          const api = {API};
          const folded = new Set(api.folded());
          const w = innerWidth, h = innerHeight;
          return api.drawnIds().filter((id) => {{
            const b = folded.has(id) ? api.screenBox(id) : null;
            return b !== null && b.x1 > 0 && b.y1 > 0 && b.x0 < w && b.y0 < h;
          }});
        }}"""
    )
    return [gid for gid in drawn if gid not in shown]
