"""Write a view as one self-contained HTML page.

The page inlines the IIFE bundle, the graph spec and the last payload, and drives the
same ``render()`` the notebook uses through a stand-in for the anywidget model
(``js/src/host/standalone.ts``, called as ``LayerscapeWidget.mountPage()``). Nothing is
fetched: it opens from ``file://`` offline. Scripts on the page reach the view through
``window.layerscapePage``: ``model`` (``get``/``set`` traits, e.g.
``model.set("color_scope", "channel")``) and ``cleanup`` (the function ``render``
returned). A recorded training run travels as ``#layerscape-frames``: a JSON list of
base64 ``LSP1`` payloads, oldest first (``[]`` without one), which the stand-in model
gives the view as ``_frames``. The samples of a kept batch travel as
``#layerscape-samples`` (the same form, one payload per sample, sample 0 first; ``[]``
without them), given to the view as ``_samples``: its picker then works offline.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .bundle import IIFE, bundle_path

EXPORT_MAX_BYTES = 10_000_000
"""Default size budget of a page written by :func:`save_view` (``ModelView.save_html``)."""

# The page's script is one call: js/src/host/standalone.ts reads the state and payload
# elements below, stands in for the anywidget model and renders into the root element.
TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  html, body {{ margin: 0; padding: 0; height: 100%; }}
  body {{ font-family: system-ui, sans-serif; }}
  #layerscape-root {{ width: 100%; }}
</style>
</head>
<body>
<div id="layerscape-root"></div>
<script id="layerscape-state" type="application/json">{state}</script>
<script id="layerscape-payload" type="application/octet-stream">{payload}</script>
<script id="layerscape-frames" type="application/json">{frames}</script>
<script id="layerscape-samples" type="application/json">{samples}</script>
<script>{bundle}</script>
<script>LayerscapeWidget.mountPage();</script>
</body>
</html>
"""


def save_view(
    path: Path,
    state: dict[str, Any],
    encode: Callable[[int], bytes],
    title: str,
    max_bytes: int = EXPORT_MAX_BYTES,
    frames: Callable[[int], list[bytes]] | None = None,
    samples: Callable[[int], list[bytes]] | None = None,
) -> Path:
    """Write a view as a page of at most ``max_bytes``; the body of ``save_html``.

    Parameters
    ----------
    path
        Where to write the page (its folder must exist).
    state
        The view's trait values (see :func:`render_page`).
    encode
        The view's last prediction as a payload that may grow, with the channels of
        closed layers, to the bytes it is given.
    title
        The page title.
    max_bytes
        Size budget of the whole page.
    frames
        A recorded training run: ``frames(room)`` returns the frames (``LSP1`` payloads,
        oldest first) whose lengths, plus :data:`FRAME_QUOTING` each, fit in ``room``
        bytes of raw payload (thinned evenly, both ends kept); the page then stays
        within ``max_bytes``. The shown payload comes first; the frames share what it
        leaves. None: no frames (an empty ``#layerscape-frames``).
    samples
        The kept batch's samples: ``samples(room)`` returns one payload per sample
        (all of them, or none) whose lengths, plus :data:`FRAME_QUOTING` each, fit in
        ``room``: what the payload and the frames leave. None: no samples.

    Raises
    ------
    ValueError
        If what the page must hold does not fit in ``max_bytes``; the message gives the
        size needed.
    """
    bundle = bundle_path(IIFE)
    room = payload_room(render_page(bundle, state, b"", title), max_bytes)
    payload = encode(room)
    if len(payload) > room:
        needed = max_bytes + (len(payload) - room) * 4 // 3 + 1
        raise ValueError(
            f"the page needs about {needed:,} bytes for its summaries and open layers; "
            f"got max_bytes={max_bytes:,}. Pass a larger max_bytes or collapse layers."
        )
    recorded = frames(room - len(payload) - FRAME_OVERHEAD) if frames is not None else []
    left = room - len(payload) - FRAME_OVERHEAD - sum(len(f) + FRAME_QUOTING for f in recorded)
    kept = samples(left) if samples is not None else []
    return write_html(path, render_page(bundle, state, payload, title, recorded, kept))


def write_html(path: Path, page: str) -> Path:
    """Write a page from :func:`render_page` to ``path`` (its folder must exist)."""
    if not path.parent.exists():
        raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist")
    path.write_text(page, encoding="utf-8")
    return path


FRAME_QUOTING = 5
"""Raw-payload bytes one frame costs in ``#layerscape-frames`` beyond its own length: up
to 2 bytes of base64 padding (a frame of ``n`` bytes takes ``4 * ceil(n / 3)`` characters)
and its two quotes and the ``", "`` between frames (4 characters, 3 raw bytes at 4 per 3).
A ``frames`` callable given to :func:`save_view` counts it per frame in the room it gets."""

FRAME_OVERHEAD = 64
"""Raw-payload bytes a page keeps free beside the frames: the shown payload's base64
padding and the rounding of :func:`payload_room`."""


def render_page(
    bundle: Path,
    state: dict[str, Any],
    payload: bytes,
    title: str,
    frames: Sequence[bytes] = (),
    samples: Sequence[bytes] = (),
) -> str:
    """The HTML text of a page showing ``state`` (graph, options) and ``payload``.

    Parameters
    ----------
    bundle
        The IIFE build of the front end (``static/widget.iife.js``).
    state
        Trait values: ``_graph``, ``_open``, ``_folded``, ``_focus``, ``_history`` (the readout's
        curves), ``_weights``, ``theme``, ``height``, ``color_scope``.
    payload
        The activation payload (``LSP1`` bytes), or ``b""`` before any prediction.
    title
        The page title (escaped).
    frames
        Recorded training frames (``LSP1`` payloads, oldest first): a JSON list of
        base64 strings in ``#layerscape-frames``, which the page's scrubber replays.
    samples
        One payload per kept sample, in ``#layerscape-samples`` (the same form), which
        the page's sample picker shows.
    """
    if not bundle.exists():
        raise RuntimeError(f"the front-end bundle {bundle} is missing; build js/ first")
    page_state = {k: v for k, v in state.items() if k != "_payload"}
    page_state["fill_window"] = True
    return TEMPLATE.format(
        title=html.escape(title),
        state=json.dumps(page_state).replace("<", "\\u003c"),
        payload=base64.b64encode(payload).decode("ascii"),
        frames=json.dumps([base64.b64encode(f).decode("ascii") for f in frames]),
        samples=json.dumps([base64.b64encode(f).decode("ascii") for f in samples]),
        bundle=script_safe(bundle.read_text(encoding="utf-8")),
    )


def payload_room(page_without_payload: str, max_bytes: int) -> int:
    """Bytes of payload that fit in a page of ``max_bytes`` (it is base64: 4 per 3)."""
    return max(0, (max_bytes - len(page_without_payload.encode("utf-8"))) * 3 // 4)


def script_safe(text: str) -> str:
    """``text`` (JavaScript or JSON) made safe to inline in a ``<script>`` element."""
    # "</script" (any case) would end the inline element early and "<!--" would switch
    # the HTML parser into its escaped mode; "<\/" and "<\!" mean the same inside JS
    # strings and regexes, the only places a minified bundle holds them.
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    return text.replace("<!--", "<\\!--")
