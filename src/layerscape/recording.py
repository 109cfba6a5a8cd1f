"""The frames a training run drew, kept for replay within a byte budget.

Each frame is one ``LSP1`` payload exactly as the view was sent it (its header carries
the training step). When the frames outgrow the budget the *interior* is thinned —
every other frame between the first and the last is dropped — so a long run keeps its
start, its end and an even spread in between, never a hole at either end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RECORDING_MAX_BYTES = 64_000_000
"""Default budget of a view's recording (``TrainingCallback(max_record_bytes=...)``)."""


def thin(frames: list[bytes]) -> list[bytes]:
    """Every other interior frame dropped; the first and the last always kept."""
    if len(frames) <= 2:
        return list(frames)
    interior = frames[1:-1]
    # Keep interior frames 1, 3, 5, ... (counting the first frame as 0): with the
    # ends that leaves frames 0, 2, 4, ... spaced evenly, plus the last.
    return [frames[0], *interior[1::2], frames[-1]]


def fit_frames(frames: list[bytes], room: int, per_frame: int = 0) -> list[bytes]:
    """The frames thinned until their bytes (plus ``per_frame`` each) fit in ``room``.

    Returns what fits: all frames when they do; an evenly thinned subset with both ends
    otherwise; only the last frame when the two ends do not fit together; nothing
    when not even that fits.
    """

    def size(chosen: list[bytes]) -> int:
        return sum(map(len, chosen)) + per_frame * len(chosen)

    kept = list(frames)
    while len(kept) > 2 and size(kept) > room:
        kept = thin(kept)
    while kept and size(kept) > room:
        kept = kept[1:]
    return kept


@dataclass
class Recording:
    """The frames of the training runs a view has shown, oldest first."""

    max_bytes: int = RECORDING_MAX_BYTES
    frames: list[bytes] = field(default_factory=list)

    @property
    def nbytes(self) -> int:
        """Bytes the frames hold."""
        return sum(map(len, self.frames))

    def add(self, payload: bytes) -> None:
        """Keep one more frame, thinning the older ones while over budget."""
        self.frames.append(payload)
        while len(self.frames) > 2 and self.nbytes > self.max_bytes:
            self.frames = thin(self.frames)

    def clear(self) -> None:
        self.frames = []
