"""Write a view as one self-contained HTML page.

The page inlines the IIFE bundle, the graph spec and the last payload, and drives the
same ``render()`` the notebook uses through a minimal stand-in for the anywidget model.
Nothing is fetched: it opens from ``file://`` offline. Scripts on the page reach the
view through ``window.layerscapePage``: ``model`` (``get``/``set`` traits, e.g.
``model.set("color_scope", "channel")``) and ``cleanup`` (the function ``render``
returned).
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from typing import Any

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
<script>{bundle}</script>
<script>
(function () {{
  var state = JSON.parse(document.getElementById("layerscape-state").textContent);
  var b64 = document.getElementById("layerscape-payload").textContent.trim();
  var raw = atob(b64);
  var bytes = new Uint8Array(raw.length);
  for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  state._payload = new DataView(bytes.buffer);
  if (state.fill_window) state.height = Math.max(400, window.innerHeight - 4);
  var listeners = {{}};
  var model = {{
    get: function (key) {{ return state[key]; }},
    set: function (key, value) {{
      state[key] = value;
      (listeners["change:" + key] || []).slice().forEach(function (cb) {{ cb(); }});
    }},
    on: function (event, cb) {{ (listeners[event] = listeners[event] || []).push(cb); }},
    off: function (event, cb) {{
      if (!event) {{ listeners = {{}}; return; }}
      listeners[event] = (listeners[event] || []).filter(function (f) {{ return cb && f !== cb; }});
    }},
    save_changes: function () {{}},
    send: function () {{}}
  }};
  if (state.fill_window) {{
    window.addEventListener("resize", function () {{
      model.set("height", Math.max(400, window.innerHeight - 4));
    }});
  }}
  var widget = LayerscapeWidget.default;
  var el = document.getElementById("layerscape-root");
  // For scripts on the page (and tests): the model to set traits on, and the cleanup.
  var handle = window.layerscapePage = {{ model: model, cleanup: null }};
  Promise.resolve(widget.initialize && widget.initialize({{ model: model }}))
    .then(function () {{ handle.cleanup = widget.render({{ model: model, el: el }}); }})
    .catch(function (err) {{ console.error("layerscape failed to render", err); }});
}})();
</script>
</body>
</html>
"""


def write_html(path: Path, page: str) -> Path:
    """Write a page from :func:`render_page` to ``path`` (its folder must exist)."""
    if not path.parent.exists():
        raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist")
    path.write_text(page, encoding="utf-8")
    return path


def render_page(bundle: Path, state: dict[str, Any], payload: bytes, title: str) -> str:
    """The HTML text of a page showing ``state`` (graph, options) and ``payload``.

    Parameters
    ----------
    bundle
        The IIFE build of the front end (``static/widget.iife.js``).
    state
        Trait values: ``_graph``, ``_open``, ``theme``, ``height``, ``color_scope``.
    payload
        The activation payload (``LSP1`` bytes), or ``b""`` before any prediction.
    title
        The page title (escaped).
    """
    if not bundle.exists():
        raise RuntimeError(f"the front-end bundle {bundle} is missing; build js/ first")
    page_state = {k: v for k, v in state.items() if k != "_payload"}
    page_state["fill_window"] = True
    return TEMPLATE.format(
        title=html.escape(title),
        state=json.dumps(page_state).replace("<", "\\u003c"),
        payload=base64.b64encode(payload).decode("ascii"),
        bundle=_script_safe(bundle.read_text(encoding="utf-8")),
    )


def payload_room(page_without_payload: str, max_bytes: int) -> int:
    """Bytes of payload that fit in a page of ``max_bytes`` (it is base64: 4 per 3)."""
    return max(0, (max_bytes - len(page_without_payload.encode("utf-8"))) * 3 // 4)


def _script_safe(text: str) -> str:
    # "</script" (any case) would end the inline element early and "<!--" would switch
    # the HTML parser into its escaped mode; "<\/" and "<\!" mean the same inside JS
    # strings and regexes, the only places a minified bundle holds them.
    text = re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)
    return text.replace("<!--", "<\\!--")
