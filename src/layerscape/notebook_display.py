"""A view's notebook outputs: the widget view with a picture of it beside it, and that
picture kept current where no live page shows the view.

A ``ModelView`` shown by IPython (``view`` as a cell's last line, ``display(view)``)
becomes one ``display_data`` output carrying a display id and three types: the widget
view (``application/vnd.jupyter.widget-view+json``), which JupyterLab, Notebook 7,
Voilà and VS Code render live; ``image/png``, a picture of the view drawn in Python
(:mod:`layerscape.picture`), which renderers that strip scripts (GitHub, nbviewer
without widgets) show; and ``text/plain``.

The picture is drawn when the view is displayed. After each cell (IPython's
``post_run_cell``) a displayed view whose shown activations or theme changed since its
picture gets a new one through ``update_display``, but only when the cell was run by a
batch client (``nbconvert --execute``, nbclient, papermill, Voilà: no ``allow_stdin``),
never by an interactive one (JupyterLab, Notebook 7, VS Code, Colab): a live
JupyterLab or Notebook 7 answers ``update_display`` by building a second widget view of
the same model (its renderer calls ``create_view`` again and drops the old view's DOM
without disposing it; see ``docs/internals.md``), which would cost a scene build and
lose the camera on every predict. There the picture stays the one drawn at display
time until ``ModelView.refresh_picture()`` is called (once, before saving). So
``predict`` itself never draws a picture.
"""

from __future__ import annotations

import base64
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


def interactive_client() -> bool:
    """Whether the cell running now was sent by an interactive client, one where a person
    may be looking at the live view: JupyterLab, Notebook 7, VS Code, Colab.

    Those clients let the kernel ask for input (``allow_stdin`` in the execute request);
    batch runners do not: nbclient (``nbconvert --execute``), papermill and Voilà run
    cells with ``allow_stdin`` false. The request is the one being run, so this holds from
    the first cell of a "Run All", before any view has rendered. Outside a kernel (no
    request): False.
    """
    shell = _shell()
    kernel = getattr(shell, "kernel", None)
    get_parent = getattr(kernel, "get_parent", None)  # ipykernel >= 6
    if get_parent is None:
        return False
    content = (get_parent("shell") or {}).get("content") or {}
    return bool(content.get("allow_stdin", False))


class PictureOutputs:
    """The outputs showing one view: their display id and the key of their picture.

    Parameters
    ----------
    view
        The view (held weakly: a view nobody else holds is not kept alive by its
        outputs).
    interactive
        Whether the running cell came from an interactive client
        (:func:`interactive_client`; the tests pass another).
    """

    def __init__(
        self, view: Displayable, interactive: Callable[[], bool] = interactive_client
    ) -> None:
        self.display_id = new_display_id()
        self._view = weakref.ref(view)
        self._interactive = interactive
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
        and from then on refresh its picture after each cell where that is harmless."""
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
        """IPython's ``post_run_cell``: a new picture when the old one is behind and the
        cell came from a batch client (no live page would rebuild its view for it)."""
        view = self._view()
        if view is None:
            self._unwatch_cells()
            return
        if not self.shown or view.picture_key() == self._key or self._interactive():
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
