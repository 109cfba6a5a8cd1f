"""Check what the page sends back to the kernel before it reaches the traits.

The page legitimately writes three lists of ids: the open layers (``_open``), the
layers showing their weights (``_weights``) and the folded blocks (``_folded``: a click
unfolds one, a fly-to into one unfolds it), each from the page, and the sample
its picker shows (``sample``: an int index into the kept batch). Anything
else it sends for a trait that ``ModelView`` owns, and any malformed value, comes from
a stale or foreign front end: it is dropped with a warning, never raised inside the
comm handler (where it would log a traceback and leave the two halves out of step).
Traits ``ModelView`` inherits from ipywidgets pass through untouched.
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
