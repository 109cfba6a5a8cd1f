"""Where the built front end lives, and the error that says how to build it.

``static/`` is generated (``node build.mjs`` in ``js/``, run by ``pip install``) and
git-ignored: a source checkout that skipped the build has none. anywidget reads the
ESM bundle when the widget class is defined, so the check runs then, before anywidget's
own "file not found" can.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"
"""The folder the front-end build writes into (read when a bundle is looked up)."""

ESM = "widget.js"
"""The front end as an ES module: the kernel's runtime widget carries it to the page."""

LOADER = "view.js"
"""Each view's own small ES module: it finds the page's one front end (``runtime.py``)."""

IIFE = "widget.iife.js"
"""The same front end as a classic script (global ``LayerscapeWidget``), for pages."""


def bundle_path(name: str = ESM) -> Path:
    """The path of a built bundle in :data:`STATIC`.

    Raises
    ------
    RuntimeError
        If it is missing; the message says how to build it.
    """
    path = STATIC / name
    if not path.is_file():
        raise RuntimeError(
            f"the front-end bundle {path} is missing. Install layerscape with "
            "`pip install .` (which builds it), or run `npm ci && npm run build` in js/."
        )
    return path
