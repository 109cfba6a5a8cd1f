"""Keras' automatic layer names (``conv2d``, ``conv2d_1``, ...), kept or started afresh.

Keras numbers unnamed layers from session-wide counters, so which names a model gets
depends on what was built before it. Tests that check names build their models inside
one of these.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from keras.src.backend.common import global_state


def _counters() -> dict | None:
    return global_state.get_global_attribute("object_name_uids")


def _restore(saved: dict | None) -> None:
    counters = _counters()
    if counters is not None:
        counters.clear()
        counters.update(saved or {})


@contextlib.contextmanager
def automatic_names_kept() -> Iterator[None]:
    """Leave Keras' automatic-name counters as they were.

    The applications create hundreds of unnamed layers (and tracing a subclassed model
    names its raw ops); without this, a model built later in the session (the LeNet
    fixture) would get ``dense_57`` where other tests expect ``dense_2``, depending on
    which test ran first.
    """
    counters = _counters()
    saved = dict(counters) if counters is not None else None
    try:
        yield
    finally:
        _restore(saved)


@contextlib.contextmanager
def fresh_names() -> Iterator[None]:
    """Name models built inside as a fresh process would (``conv2d``, not ``conv2d_7``),
    then leave the counters as they were."""
    with automatic_names_kept():
        _restore({})
        yield
