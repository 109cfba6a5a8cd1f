"""A view's notebook outputs: the widget view with a picture of it beside it, and that
picture kept current.

A ``ModelView`` shown by IPython (``view`` as a cell's last line, ``display(view)``)
becomes one ``display_data`` output carrying a display id and three types: the widget
view (``application/vnd.jupyter.widget-view+json``), which JupyterLab, Notebook 7,
Voilà, VS Code and Colab render live; ``image/png``, a picture of the view drawn in
Python (:mod:`layerscape.picture`), which renderers that strip scripts (GitHub,
nbviewer without widgets) show; and ``text/plain``.

The picture is drawn when the view is displayed. After each cell (IPython's
``post_run_cell``) a displayed view whose shown activations or theme changed since its
picture gets a new one through ``update_display``, so a notebook saved after a predict
holds that prediction's picture. ``predict`` itself never draws one: a loop of predicts
in a cell costs one picture, after the cell.

An updated output makes the front end render its widget view again. JupyterLab,
Notebook 7 and Voilà drop the old view's element without cleaning it up, other hosts
clean it up first; either way the new render takes over the view it replaces
(``js/src/host/adopt.ts``): no scene is built, the camera stays. Colab is the
exception: each output is a page of its own there, and an updated output is a new
page, so the view would be built again on every such cell. In Colab the picture stays
the one drawn at display time until ``ModelView.refresh_picture()`` is called.
"""

from __future__ import annotations

import base64
import sys
import uuid
import weakref
from collections.abc import Callable
from typing import Any, Protocol

PICTURE_MIME = "image/png"
"""The type of the picture in a view's output."""

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
"""The type of the widget view in a view's output."""


class Displayable(Protocol):
    """What a view gives this module: its widget bundle, its picture and what it shows."""

    def widget_bundle(self) -> dict[str, Any] | None:
        """ipywidgets' bundle (widget view, text); None once the widget is closed."""

    def picture(self) -> bytes:
        """The view's picture as a PNG file."""

    def picture_key(self) -> tuple[Any, ...]:
        """What the picture depends on; a new key means the picture is behind."""


def new_display_id() -> str:
    """A display id for the outputs of one view."""
    return f"layerscape-{uuid.uuid4().hex}"


def bundle_with_picture(widget: dict[str, Any], png: bytes) -> dict[str, Any]:
    """``widget`` (a mime bundle) with the PNG ``png`` added as :data:`PICTURE_MIME`."""
    return {**widget, PICTURE_MIME: base64.b64encode(png).decode("ascii")}


def updates_rebuild_views() -> bool:
    """Whether an updated output makes this kernel's front end build its view again:
    true in Colab (``google.colab`` imported), where each output is a page of its own."""
    return "google.colab" in sys.modules


class PictureOutputs:
    """The outputs showing one view: their display id and the key of their picture.

    Parameters
    ----------
    view
        The view (held weakly: a view nobody else holds is not kept alive by its
        outputs).
    rebuilds
        Whether an updated output builds the live view again
        (:func:`updates_rebuild_views`; the tests pass another).
    """

    def __init__(
        self, view: Displayable, rebuilds: Callable[[], bool] = updates_rebuild_views
    ) -> None:
        self.display_id = new_display_id()
        self._view = weakref.ref(view)
        self._rebuilds = rebuilds
        self._key: tuple[Any, ...] | None = None
        self._registered = False

    @property
    def shown(self) -> bool:
        """Whether the view has been displayed (some output carries its picture)."""
        return self._key is not None

    def bundle(self) -> dict[str, Any] | None:
        """The view's output: its widget bundle with a fresh picture; None when closed."""
        view = self._view()
        widget = view.widget_bundle() if view is not None else None
        if view is None or widget is None:
            return None
        self._key = view.picture_key()
        return bundle_with_picture(widget, view.picture())

    def display(self) -> None:
        """Display the view as one output with this display id (``_ipython_display_``),
        and from then on refresh its picture after each cell that changed the view."""
        from IPython.display import display

        view = self._view()
        data = self.bundle()
        if data is None:  # closed: ipywidgets took the widget's bundle away
            display({"text/plain": repr(view)}, raw=True)
            return
        display(data, raw=True, display_id=self.display_id)
        self._watch_cells()

    def refresh(self) -> bool:
        """Replace the picture in every output of this view with a new one; return
        whether there was an output to update (the view was displayed and is open)."""
        from IPython.display import update_display

        if not self.shown:
            return False
        data = self.bundle()
        if data is None:
            return False
        update_display(data, raw=True, display_id=self.display_id)
        return True

    def after_cell(self, *_: Any) -> None:
        """IPython's ``post_run_cell``: a new picture when the old one is behind (except
        where an updated output rebuilds the live view: :func:`updates_rebuild_views`)."""
        view = self._view()
        if view is None:
            self._unwatch_cells()
            return
        if not self.shown or view.picture_key() == self._key or self._rebuilds():
            return
        self.refresh()

    def _watch_cells(self) -> None:
        shell = _shell()
        if shell is not None and not self._registered:
            shell.events.register("post_run_cell", self.after_cell)
            self._registered = True

    def _unwatch_cells(self) -> None:
        shell = _shell()
        if shell is not None and self._registered:
            shell.events.unregister("post_run_cell", self.after_cell)
            self._registered = False


def _shell() -> Any:
    """The running IPython shell, or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipywidgets depends on IPython
        return None
    return get_ipython()
