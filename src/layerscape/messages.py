"""Check what the page sends back to the kernel before it reaches the traits.

The page legitimately writes only the open layers (``_open``: ids it clicked). Anything
else it sends for a trait that ``ModelView`` owns, and any malformed value, comes from
a stale or foreign front end: it is dropped with a warning, never raised inside the
comm handler (where it would log a traceback and leave the two halves out of step).
Traits ``ModelView`` inherits from ipywidgets pass through untouched.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping
from typing import Any

PAGE_WRITABLE = frozenset({"_open"})
"""The traits of ``ModelView``'s own the page may set."""


class PageMessageWarning(UserWarning):
    """A value the page sent was malformed or not the page's to set, and was ignored."""


def clean_page_state(
    sync_data: Mapping[str, Any], owned: Collection[str], openable: Collection[str]
) -> dict[str, Any]:
    """``sync_data`` with what the page may not send removed (each removal warned).

    Parameters
    ----------
    sync_data
        The state update the page sent, trait name -> JSON value.
    owned
        The trait names ``ModelView`` itself declares.
    openable
        The ids of the layers that open (the only valid members of ``_open``).
    """
    clean: dict[str, Any] = {}
    for name, value in sync_data.items():
        if name not in owned:
            clean[name] = value
        elif name not in PAGE_WRITABLE:
            _warn(f"the page sent {name!r}, which only Python sets; ignored")
        elif name == "_open":
            ids = _open_ids(value, openable)
            if ids is not None:
                clean[name] = ids
    return clean


def _open_ids(value: Any, openable: Collection[str]) -> list[str] | None:
    if not isinstance(value, list):
        _warn(f"the page sent _open={value!r:.80}, expected a list of layer ids; ignored")
        return None
    known = [v for v in value if isinstance(v, str) and v in openable]
    if len(known) != len(value):
        dropped = [v for v in value if v not in known]
        _warn(f"the page sent _open with ids that are not layers that open: {dropped!r:.120}")
    return list(dict.fromkeys(known))


def _warn(message: str) -> None:
    warnings.warn(f"layerscape: {message}", PageMessageWarning, stacklevel=3)
