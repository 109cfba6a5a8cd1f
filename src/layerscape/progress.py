"""A one-line progress report for steps that may be slow (loading a big model file)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


@contextmanager
def reported_if_slow(what: str, after: float = 1.0, stream: TextIO | None = None) -> Iterator[None]:
    """Say ``"<what>… done in 4.2 s"`` on ``stream`` (stderr) if the block takes over
    ``after`` seconds; say nothing for a fast one.

    The start of the line is written from a timer thread once ``after`` has passed, so
    the user sees it while the block still runs; the end follows when it returns, or
    ``"failed after …"`` when it raises.
    """
    out = stream if stream is not None else sys.stderr
    started = time.perf_counter()
    shown = threading.Event()
    lock = threading.Lock()

    def announce() -> None:
        with lock:
            out.write(f"{what}… ")
            out.flush()
            shown.set()

    timer = threading.Timer(after, announce)
    timer.daemon = True
    timer.start()
    ok = False
    try:
        yield
        ok = True
    finally:
        timer.cancel()
        with lock:  # the timer may be writing the start of the line right now
            if shown.is_set():
                seconds = time.perf_counter() - started
                out.write(f"done in {seconds:.1f} s\n" if ok else f"failed after {seconds:.1f} s\n")
                out.flush()


def size_text(n: int) -> str:
    """``n`` bytes for people: ``"812 B"``, ``"14 kB"``, ``"123 MB"``, ``"1.4 GB"``."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            value = n / size
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{n} B"
