"""Pixels: PNG decoding, pixel statistics and differences, and what "drawn" means.

``assert_drawn`` is the one test of "the canvas shows a model" every browser test uses,
with one set of thresholds (``DRAWN``); ``pixel_diff`` says how much a picture changed.
Screenshots come from :func:`tests.support.page.shoot` (after the view has settled).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .page import shoot


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_png_pure(data: bytes):
    """Minimal decoder for what Chromium writes: 8-bit RGB(A)/grey, not interlaced."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, ctype, _, _, interlace = hdr
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace:
        raise ValueError(
            f"unsupported PNG (depth={depth}, colour type={ctype}, interlace={interlace})"
        )
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    out = bytearray(height * stride)
    prev = bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif ftype == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                upleft = prev[i - channels] if i >= channels else 0
                line[i] = (line[i] + _paeth(left, prev[i], upleft)) & 0xFF
        out[y * stride : (y + 1) * stride] = line
        prev = line
    arr = np.frombuffer(bytes(out), dtype=np.uint8).reshape(height, width, channels)
    if channels == 1:
        arr = np.repeat(arr, 3, axis=2)
    elif channels == 2:
        arr = np.concatenate([np.repeat(arr[..., :1], 3, axis=2), arr[..., 1:]], axis=2)
    return arr


def decode_png(data: bytes):
    """PNG bytes -> uint8 array (H, W, 3 or 4). Pillow when present, else pure Python."""
    try:
        from io import BytesIO

        from PIL import Image
    except ImportError:
        return decode_png_pure(data)
    with Image.open(BytesIO(data)) as im:
        return np.asarray(im.convert("RGBA" if "A" in im.getbands() else "RGB"))


@dataclass
class PixelStats:
    width: int
    height: int
    variance: float
    """Variance of luminance (0..255 scale) over all pixels."""
    distinct_colors: int
    """Number of distinct RGB triples."""
    dominant_fraction: float
    """Share of pixels that have the single most common colour (background)."""

    def describe(self) -> str:
        return (
            f"{self.width}x{self.height}px, luminance variance {self.variance:.1f}, "
            f"{self.distinct_colors} distinct colours, "
            f"{self.dominant_fraction:.1%} of pixels in the most common colour"
        )


def pixel_stats(png: bytes) -> PixelStats:
    return rgb_stats(decode_png(png))


def rgb_stats(image) -> PixelStats:
    """``pixel_stats`` of a decoded image (H, W, 3 or 4), e.g. a crop of a page shot."""
    rgb = np.asarray(image)[..., :3].astype(np.int64)
    h, w = rgb.shape[:2]
    lum = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    packed = (rgb[..., 0] << 16 | rgb[..., 1] << 8 | rgb[..., 2]).ravel()
    _, counts = np.unique(packed, return_counts=True)
    return PixelStats(
        width=w,
        height=h,
        variance=float(lum.var()),
        distinct_colors=int(counts.size),
        dominant_fraction=float(counts.max() / packed.size) if packed.size else 1.0,
    )


def drawn_fraction(png: bytes, tolerance: int = 8) -> float:
    """Share of a picture's pixels that are drawn: further than ``tolerance`` (any
    channel) from the background, its most common colour. How much of the view a model
    fills (``benchmarks/layout.py``, the fill tests)."""
    rgb = decode_png(png)[..., :3].astype(np.int16)
    packed = (rgb[..., 0].astype(np.int64) << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    values, counts = np.unique(packed.ravel(), return_counts=True)
    bg = int(values[counts.argmax()])
    background = np.array([(bg >> 16) & 255, (bg >> 8) & 255, bg & 255], dtype=np.int16)
    return float((np.abs(rgb - background).max(axis=2) > tolerance).mean())


@dataclass
class PixelDiff:
    changed: int
    """Pixels whose largest channel difference exceeds the tolerance."""
    total: int
    max_delta: int

    @property
    def fraction(self) -> float:
        return self.changed / self.total if self.total else 0.0

    def describe(self) -> str:
        return (
            f"{self.changed} of {self.total} pixels changed ({self.fraction:.2%}), "
            f"largest channel change {self.max_delta}"
        )


def pixel_diff(png_a: bytes, png_b: bytes, tolerance: int = 24) -> PixelDiff:
    """How many pixels differ between two same-sized screenshots."""
    a = decode_png(png_a)[..., :3].astype(np.int16)
    b = decode_png(png_b)[..., :3].astype(np.int16)
    if a.shape != b.shape:
        # A resized canvas counts as entirely changed.
        n = max(a.shape[0] * a.shape[1], b.shape[0] * b.shape[1])
        return PixelDiff(changed=n, total=n, max_delta=255)
    delta = np.abs(a - b).max(axis=2)
    return PixelDiff(
        changed=int((delta > tolerance).sum()), total=int(delta.size), max_delta=int(delta.max())
    )


@dataclass(frozen=True)
class Drawn:
    """What a canvas that shows a model has, and a cleared one (1 colour, variance 0) lacks."""

    min_colors: int
    min_variance: float
    max_background: float
    """Largest share of pixels allowed in the single most common colour."""

    def problems(self, stats: PixelStats) -> list[str]:
        out = []
        if stats.distinct_colors < self.min_colors:
            out.append(f"{stats.distinct_colors} < {self.min_colors} colours")
        if stats.variance < self.min_variance:
            out.append(f"luminance variance {stats.variance:.1f} < {self.min_variance}")
        if stats.dominant_fraction > self.max_background:
            out.append(f"{stats.dominant_fraction:.1%} background > {self.max_background:.1%}")
        return out


DRAWN = Drawn(min_colors=64, min_variance=25.0, max_background=0.995)
"""The thresholds, met with room by every canvas the tests draw (measured on SwiftShader):
a 150x110 LeNet among forty on one page has ~430 colours, variance ~1100, 95% background;
the emptiest, ResNet50's whole-model view (a long thin chain of small layers), ~3000
colours, variance ~72 and 99.4% background. A cleared canvas has 1 colour and variance 0."""


def assert_drawn(image_or_locator: Any, what: str = "the canvas", path: Path | None = None):
    """Fail unless the picture shows something drawn (``DRAWN``); return its ``PixelStats``.

    ``image_or_locator``: PNG bytes, a decoded image (H, W, 3 or 4; e.g. a crop of a page
    shot), or a Playwright locator (shot with :func:`~tests.support.page.shoot`, canvas
    only, into ``path`` when given).
    """
    if isinstance(image_or_locator, bytes | bytearray):
        stats = pixel_stats(bytes(image_or_locator))
    elif isinstance(image_or_locator, np.ndarray):
        stats = rgb_stats(image_or_locator)
    else:
        stats = pixel_stats(shoot(image_or_locator, path))
    problems = DRAWN.problems(stats)
    assert not problems, f"{what} looks blank ({'; '.join(problems)}): {stats.describe()}"
    return stats
