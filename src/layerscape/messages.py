"""Check what the page sends back to the kernel before it reaches the traits.

The page legitimately writes three lists of ids: the open layers (``_open``), the
layers showing their weights (``_weights``) and the folded blocks (``_folded``: a click
unfolds one, a fly-to into one unfolds it), each from the page, and the sample
its picker shows (``sample``: an int index into the kept batch). Anything
else it sends for a trait that ``ModelView`` owns, and any malformed value, comes from
a stale or foreign front end: it is dropped with a warning, never raised inside the
comm handler (where it would log a traceback and leave the two halves out of step).
Traits ``ModelView`` inherits from ipywidgets pass through untouched (a value their
own deserialisers refuse is dropped with a warning too: ``ModelView.set_state``).

Before any of that, :func:`check_page_message` checks the comm message's envelope
(what ipywidgets reads without checking: a method it knows, a state that is a dict of
names, buffer paths that match the buffers), and says whether a custom message has
anyone to take it (``ModelView`` itself handles none).
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping
from typing import Any

PAGE_WRITABLE = frozenset({"_open", "_weights", "_folded", "sample"})
"""The traits of ``ModelView``'s own the page may set."""


class PageMessageWarning(UserWarning):
    """A value the page sent was malformed or not the page's to set, and was ignored."""


def clean_page_state(
    sync_data: Mapping[str, Any],
    owned: Collection[str],
    choices: Mapping[str, Collection[str]],
    samples: int = 1,
) -> dict[str, Any]:
    """``sync_data`` with what the page may not send removed (each removal warned).

    Parameters
    ----------
    sync_data
        The state update the page sent, trait name -> JSON value.
    owned
        The trait names ``ModelView`` itself declares.
    choices
        For each list the page may write (``_open``, ``_weights``, ``_folded``), the ids
        it may hold.
    samples
        How many samples the view keeps: ``sample`` must be an int in ``0..samples-1``.
    """
    clean: dict[str, Any] = {}
    for name, value in sync_data.items():
        if name not in owned:
            clean[name] = value
        elif name not in PAGE_WRITABLE:
            _warn(f"the page sent {name!r}, which only Python sets; ignored")
        elif name == "sample":
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < samples:
                clean[name] = value
            else:
                _warn(f"the page sent sample={value!r:.40}, not an index below {samples}; ignored")
        else:
            ids = _layer_ids(name, value, choices.get(name, ()))
            if ids is not None:
                clean[name] = ids
    return clean


PAGE_METHODS = frozenset({"update", "request_state", "custom"})
"""The comm methods an ipywidgets page sends to the kernel."""


def check_page_message(msg: Any, custom_handlers: int = 0) -> bool:
    """Whether the comm message ``msg`` from the page is one ipywidgets can handle.

    A malformed one (no ``content.data``, an unknown ``method``, a ``state`` that is not a
    dict of trait names, ``buffer_paths`` that do not match the buffers) is warned about
    and refused, so it never raises inside the comm handler. A custom message with no
    handler (``custom_handlers``: how many ``on_msg`` callbacks the widget has) is refused
    with a warning too, instead of vanishing.
    """
    content = msg.get("content") if isinstance(msg, Mapping) else None
    data = content.get("data") if isinstance(content, Mapping) else None
    if not isinstance(data, Mapping):
        _warn(f"the page sent a comm message without data: {msg!r:.120}; ignored")
        return False
    method = data.get("method")
    if method not in PAGE_METHODS:
        _warn(f"the page sent a message with method {method!r:.40}, expected one of "
              f"{sorted(PAGE_METHODS)}; ignored")  # fmt: skip
        return False
    if method == "update":
        state = data.get("state")
        if not isinstance(state, Mapping) or not all(isinstance(k, str) for k in state):
            _warn(f"the page sent a state update of {state!r:.80}, expected a dict of trait "
                  "names; ignored")  # fmt: skip
            return False
        if "buffer_paths" in data and not _buffer_paths_fit(
            state, data["buffer_paths"], msg.get("buffers")
        ):
            _warn("the page sent buffer_paths that do not match its state and buffers; ignored")
            return False
    if method == "custom" and custom_handlers == 0:
        _warn(f"the page sent a custom message {data.get('content')!r:.80}, which layerscape "
              "does not take; ignored")  # fmt: skip
        return False
    return True


def _buffer_paths_fit(state: Mapping[str, Any], paths: Any, buffers: Any) -> bool:
    """Whether there is one path per buffer and each leads into ``state``: every step but
    the last an existing dict key or list index, the last a key or index of where it ends."""
    if not isinstance(paths, list) or not isinstance(buffers, list | tuple):
        return False
    if len(paths) != len(buffers):
        return False
    for path in paths:
        if not isinstance(path, list) or not path:
            return False
        node: Any = state
        for key in path[:-1]:
            if not _indexes(node, key, existing=True):
                return False
            node = node[key]
        if not _indexes(node, path[-1], existing=isinstance(node, list)):
            return False
    return True


def _indexes(node: Any, key: Any, existing: bool) -> bool:
    """Whether ``key`` is a key of the dict ``node`` (one it has, if ``existing``) or an
    index within the list ``node``."""
    if isinstance(node, Mapping):
        return isinstance(key, str) and (not existing or key in node)
    if isinstance(node, list):
        return isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(node)
    return False


def _layer_ids(name: str, value: Any, valid: Collection[str]) -> list[str] | None:
    if not isinstance(value, list):
        what = "block ids" if name == "_folded" else "layer ids"
        _warn(f"the page sent {name}={value!r:.80}, expected a list of {what}; ignored")
        return None
    known = [v for v in value if isinstance(v, str) and v in valid]
    if len(known) != len(value):
        dropped = [v for v in value if v not in known]
        what = {"_open": "layers that open", "_folded": "blocks of this model"}.get(
            name, "layers with weights"
        )
        _warn(f"the page sent {name} with ids that are not {what}: {dropped!r:.120}")
    return list(dict.fromkeys(known))


def _warn(message: str) -> None:
    warnings.warn(f"layerscape: {message}", PageMessageWarning, stacklevel=3)
