"""A PNG writer in numpy and zlib: the picture a saved notebook carries needs no imaging
library (Pillow is not a dependency of layerscape)."""

from __future__ import annotations

import struct
import zlib

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def encode_png(rgb: np.ndarray) -> bytes:
    """The PNG file of an 8-bit RGB picture.

    Parameters
    ----------
    rgb
        An array of shape (height, width, 3), dtype uint8.

    Returns
    -------
    bytes
        A truecolour, non-interlaced PNG (each row filtered "Sub", which suits the flat
        areas and ramps of a model picture).

    Raises
    ------
    ValueError
        For another shape or dtype, or an empty picture.
    """
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3 or 0 in rgb.shape:
        raise ValueError(
            f"encode_png expects a non-empty (height, width, 3) uint8 array; "
            f"got shape {rgb.shape}, dtype {rgb.dtype}"
        )
    height, width, _ = rgb.shape
    # Filter type 1 (Sub): each byte minus the byte one pixel to its left, modulo 256.
    pixels = rgb.reshape(height, width * 3)
    sub = pixels.copy()
    sub[:, 3:] = pixels[:, 3:] - pixels[:, :-3]
    rows = np.concatenate([np.ones((height, 1), np.uint8), sub], axis=1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
