"""Polling a condition that lives outside the page (a kernel, a server, Python state)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_until(
    check: Callable[[], Any],
    timeout: float,
    what: str,
    diagnose: Callable[[], str] = lambda: "",
    interval: float = 0.5,
) -> Any:
    """Call ``check`` until it returns something truthy; fail with ``diagnose()`` on timeout.

    ``check`` may raise to stop at once (e.g. a cell raised).
    """
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        # A poll, not a wait for rendering: what is checked (a kernel's cells, a server,
        # what Playwright logged) is read anew each round. A ``check`` that reads the
        # page also lets Playwright's sync API deliver the page's events meanwhile.
        time.sleep(interval)
    raise AssertionError(
        f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})\n{diagnose()}"
    )
