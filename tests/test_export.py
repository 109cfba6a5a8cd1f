"""export.py: the page's frames element (a recorded run) and the room it is given."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from layerscape.bundle import IIFE, bundle_path
from layerscape.export import FRAME_QUOTING, render_page, save_view
from layerscape.recording import fit_frames

STATE = {"_graph": {}, "_open": [], "_history": [], "theme": "light", "height": 300}


def page_frames(text: str) -> list[bytes]:
    found = re.search(r'<script id="layerscape-frames"[^>]*>(.*?)</script>', text)
    assert found, "the page has no frames element"
    return [base64.b64decode(f) for f in json.loads(found.group(1))]


def page_payload(text: str) -> bytes:
    found = re.search(r'<script id="layerscape-payload"[^>]*>(.*?)</script>', text)
    assert found, "the page has no payload element"
    return base64.b64decode(found.group(1))


def frames_of(n: int, size: int) -> list[bytes]:
    """Distinct blobs of exactly ``size`` bytes ('<' and quotes among them)."""
    return [(bytes([i % 256, (i // 256) % 256]) + b'<"/>' * size)[:size] for i in range(n)]


def test_a_page_without_frames_has_an_empty_frames_element():
    text = render_page(bundle_path(IIFE), STATE, b"LSP1", "t")
    assert page_frames(text) == []


def test_the_frames_element_decodes_back_to_the_same_payloads_in_order():
    frames = frames_of(7, 301)
    text = render_page(bundle_path(IIFE), STATE, frames[-1], "t", frames)
    assert page_frames(text) == frames
    assert page_payload(text) == frames[-1]


def test_history_travels_in_the_page_state():
    history = [
        {"epoch": 0, "batch": -1, "logs": {}},
        {"epoch": 0, "batch": 0, "logs": {"loss": 1.5}},
    ]
    text = render_page(bundle_path(IIFE), {**STATE, "_history": history}, b"", "t")
    found = re.search(r'<script id="layerscape-state"[^>]*>(.*?)</script>', text)
    assert found and json.loads(found.group(1))["_history"] == history


@pytest.mark.parametrize("size", [10, 11, 12])  # every base64 padding: 2, 1, 0 bytes
def test_frames_that_fill_their_room_keep_the_page_within_max_bytes(tmp_path: Path, size: int):
    # Many small frames make the per-frame cost (base64 padding, quotes, separator) count.
    frames = frames_of(1000, size)
    given: list[int] = []

    def packed(room: int) -> list[bytes]:
        """As many frames as the documented cost lets into ``room``, none spared."""
        given.append(room)
        count = min(len(frames), room // (size + FRAME_QUOTING))
        return frames[:count]

    bare = len(render_page(bundle_path(IIFE), STATE, b"x" * 30, "t").encode("utf-8"))
    max_bytes = bare + 400 * (size + 8)  # room for a few hundred of the 1000 frames
    path = save_view(tmp_path / "run.html", STATE, lambda room: b"x" * 30, "t", max_bytes, packed)
    kept = page_frames(path.read_text(encoding="utf-8"))
    assert kept == frames[: len(kept)] and 200 < len(kept) < 1000
    assert path.stat().st_size <= max_bytes, f"{path.stat().st_size - max_bytes} bytes over"


def test_the_recording_thinned_to_its_room_keeps_both_ends(tmp_path: Path):
    frames = frames_of(1000, 40)
    bare = len(render_page(bundle_path(IIFE), STATE, b"", "t").encode("utf-8"))
    within = lambda room: fit_frames(frames, room, per_frame=FRAME_QUOTING)  # noqa: E731
    path = save_view(tmp_path / "run.html", STATE, lambda room: b"", "t", bare + 20_000, within)
    kept = page_frames(path.read_text(encoding="utf-8"))
    assert 100 < len(kept) < 1000 and kept[0] == frames[0] and kept[-1] == frames[-1]
    assert path.stat().st_size <= bare + 20_000


def test_a_frames_callable_sees_the_room_the_shown_payload_leaves(tmp_path: Path):
    rooms: dict[int, int] = {}

    def within(payload_bytes: int):
        def frames(room: int) -> list[bytes]:
            rooms[payload_bytes] = room
            return []

        return frames

    for size in (0, 3000):
        save_view(
            tmp_path / f"{size}.html",
            STATE,
            lambda room, size=size: b"p" * size,
            "t",
            2_000_000,
            within(size),
        )
    assert rooms[0] - rooms[3000] == 3000
