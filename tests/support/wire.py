"""Count what a widget sends to the front end: comm messages and their bytes.

Used by the transport tests (bytes and messages per predict) and the benchmarks.

Outside a kernel an anywidget's comm is a ``DummyComm`` that drops what it is given;
wrapping its ``send`` sees every state update exactly as a kernel would send it (JSON
state plus binary buffers).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class WireLog:
    """Messages sent while the meter ran: ``(json_bytes, buffer_bytes)`` each."""

    messages: list[tuple[int, int]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.messages)

    @property
    def bytes(self) -> int:
        return sum(j + b for j, b in self.messages)


@contextmanager
def metered(widget: Any) -> Iterator[WireLog]:
    """Record every message ``widget`` sends inside the ``with`` block."""
    log = WireLog()
    comm = widget.comm
    original = comm.send

    def send(data: Any = None, metadata: Any = None, buffers: Any = None) -> Any:
        text = json.dumps(data, separators=(",", ":"), default=str).encode()
        log.messages.append((len(text), sum(memoryview(b).nbytes for b in buffers or ())))
        return original(data=data, metadata=metadata, buffers=buffers)

    comm.send = send
    try:
        yield log
    finally:
        comm.send = original
