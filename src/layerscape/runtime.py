"""The page's one front end: a widget per kernel that carries the bundle, and how each
view's module finds it.

anywidget imports a widget's ``_esm`` afresh for every model, so a view whose ``_esm``
were the 0.7 MB bundle would evaluate three.js once per view (the page warns "Multiple
instances of Three.js being imported") and a saved notebook would hold the bundle once
per view. Instead:

- :class:`Runtime` (one per kernel, :func:`shared_runtime`) is a plain ipywidgets model,
  never displayed, whose ``_bundle`` trait is the ES module of the front end
  (``static/widget.js``) and ``_key`` names that build (``"<version>+<hash>"``);
- each ``ModelView``'s ``_esm`` is the loader ``static/view.js`` (about 1.5 KB) and its
  ``_runtime`` trait a reference to the runtime (``"IPY_MODEL_<id>"`` on the page). The
  loader (``js/src/host/loader.ts``) resolves it through the widget manager and imports
  the bundle once per page for each ``_key``.

Two hosts take another road (:func:`carries_bundle`), the view's ``_esm`` then being the
bundle itself and ``_runtime`` None:

- marimo, whose front end loads each distinct ``_esm`` once per page already (its module
  cache is keyed by the code's hash) and which keeps no widget state in its notebooks;
  its runtime comm would also close whenever the cell that made it re-runs;
- ``ANYWIDGET_HMR=1`` (development, CONTRIBUTING.md): anywidget watches a widget's
  ``_esm`` file and re-sends it when it changes, which only works if that file is the
  bundle.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import ipywidgets
import traitlets

from .bundle import ESM, LOADER, bundle_path

HMR = os.environ.get("ANYWIDGET_HMR") == "1"
"""Whether anywidget's hot reload is on (read when layerscape is imported, as anywidget
reads it when the widget class is defined)."""


def build_key(source: str) -> str:
    """The name of one build of the front end: the package version and the bundle's hash.

    Views of two kernels whose bundles have the same key share one front end on the page;
    a rebuilt bundle (another hash) is imported anew.
    """
    from . import __version__

    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    return f"{__version__}+{digest}"


class Runtime(ipywidgets.Widget):
    """The front end, sent to the page once per kernel for every ``ModelView`` to share.

    A model without a view (ipywidgets' base ``WidgetModel``): it only holds the bundle.
    Use :func:`shared_runtime` rather than making one.

    Parameters
    ----------
    source
        The ES module of the front end (the contents of ``static/widget.js``).
    """

    _bundle = traitlets.Unicode("").tag(sync=True)
    _key = traitlets.Unicode("").tag(sync=True)

    def __init__(self, source: str) -> None:
        if not source:
            raise ValueError("Runtime needs the front end's ES module source, got an empty string")
        super().__init__(_bundle=source, _key=build_key(source))

    def set_state(self, sync_data: dict[str, object]) -> None:
        """Ignore the page: only Python sets the bundle."""
        del sync_data


_SHARED: Runtime | None = None


def in_marimo() -> bool:
    """Whether this kernel is a marimo notebook's (marimo imported and running one)."""
    marimo = sys.modules.get("marimo")
    if marimo is None:
        return False
    try:
        return bool(marimo.running_in_notebook())
    except Exception:  # an unexpected marimo: treat it as not running one
        return False


def view_module() -> Path:
    """The file a view's ``_esm`` is made from: the bundle under hot reload (anywidget
    watches that file), else the loader."""
    return bundle_path(ESM if HMR else LOADER)


def front_end_traits() -> dict[str, object]:
    """The traits that bring the front end to a new view.

    Returns
    -------
    dict
        ``{"_runtime": shared_runtime()}`` (the view's ``_esm`` stays the loader);
        under hot reload ``{"_runtime": None}`` (the class's ``_esm`` is the watched
        bundle already); in marimo ``{"_runtime": None, "_esm": <the bundle>}``.
    """
    if HMR:
        return {"_runtime": None}
    if in_marimo():
        return {"_runtime": None, "_esm": bundle_path(ESM).read_text(encoding="utf-8")}
    return {"_runtime": shared_runtime()}


def shared_runtime() -> Runtime:
    """This kernel's runtime, made on first use and again once it has been closed
    (``Widget.close_all()``, a closed comm)."""
    global _SHARED
    if _SHARED is None or _SHARED.comm is None:
        _SHARED = Runtime(bundle_path(ESM).read_text(encoding="utf-8"))
    return _SHARED
