"""Synthetic scenes for the detector: bright shapes on a noisy background, made by numpy.

Each scene is a greyscale ``size`` x ``size`` image holding one to three shapes (a
square, a disc or an upward triangle) of random size, position and brightness, none
touching another, on a background of random level, a gentle gradient and pixel noise.
A box is the tight rectangle around a shape's pixels in pixel-edge coordinates:
``(x0, y0, x1, y1)`` with ``x0 <= col < x1`` and ``y0 <= row < y1`` for its pixels, so
it lies within ``[0, size]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SHAPES = ("square", "disc", "triangle")
"""Class names, in the order of the class indices."""

SIZE = 64
MIN_SIDE, MAX_SIDE = 12, 26
NOISE = 0.06
"""Standard deviation of the pixel noise over the whole scene."""
GAP = 2
"""Pixels kept free between two shapes' boxes, so each shape is seen whole."""


@dataclass(frozen=True)
class Scenes:
    """A batch of scenes.

    Attributes
    ----------
    images
        float32 (N, size, size, 1) in [0, 1].
    boxes
        One float32 (k, 4) array per image: ``x0, y0, x1, y1`` in pixels.
    classes
        One int64 (k,) array per image: indices into :data:`SHAPES`.
    """

    images: np.ndarray
    boxes: list[np.ndarray]
    classes: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.images)


def make_scenes(n: int, seed: int = 0, size: int = SIZE, max_shapes: int = 3) -> Scenes:
    """Draw ``n`` scenes; the same ``seed`` gives the same scenes.

    Parameters
    ----------
    n
        How many scenes.
    seed
        Seeds numpy's generator.
    size
        Side of the square images, in pixels (at least 32).
    max_shapes
        Each scene holds between one and this many shapes.

    Returns
    -------
    Scenes
        The images with their boxes and classes.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if size < 2 * MAX_SIDE:
        raise ValueError(f"size must be at least {2 * MAX_SIDE} pixels, got {size}")
    if max_shapes < 1:
        raise ValueError(f"max_shapes must be >= 1, got {max_shapes}")
    rng = np.random.default_rng(seed)
    images = np.empty((n, size, size, 1), dtype=np.float32)
    all_boxes, all_classes = [], []
    for i in range(n):
        images[i, :, :, 0], boxes, classes = _scene(rng, size, max_shapes)
        all_boxes.append(boxes)
        all_classes.append(classes)
    images += rng.normal(0.0, NOISE, images.shape).astype(np.float32)
    np.clip(images, 0.0, 1.0, out=images)
    return Scenes(images, all_boxes, all_classes)


def _scene(
    rng: np.random.Generator, size: int, max_shapes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    image = _background(rng, size)
    boxes: list[tuple[int, ...]] = []
    classes: list[int] = []
    wanted = int(rng.integers(1, max_shapes + 1))
    # Rejection sampling: scenes are sparse, so a free spot turns up within a few tries.
    for _ in range(50 * wanted):
        if len(boxes) == wanted:
            break
        kind = int(rng.integers(len(SHAPES)))
        side = int(rng.integers(MIN_SIDE, MAX_SIDE + 1))
        x0, y0 = (int(v) for v in rng.integers(0, size - side + 1, size=2))
        if any(_near(b, (x0, y0, x0 + side, y0 + side)) for b in boxes):
            continue
        mask = _mask(SHAPES[kind], side)
        image[y0 : y0 + side, x0 : x0 + side][mask] = rng.uniform(0.65, 1.0)
        rows, cols = np.nonzero(mask)
        box = (x0 + cols.min(), y0 + rows.min(), x0 + cols.max() + 1, y0 + rows.max() + 1)
        boxes.append(tuple(int(v) for v in box))
        classes.append(kind)
    return (
        image,
        np.asarray(boxes, dtype=np.float32).reshape(-1, 4),
        np.asarray(classes, dtype=np.int64),
    )


def _background(rng: np.random.Generator, size: int) -> np.ndarray:
    level = rng.uniform(0.05, 0.35)
    slope = rng.uniform(-0.1, 0.1, size=2)
    ramp = np.linspace(-0.5, 0.5, size)
    return level + slope[0] * ramp[None, :] + slope[1] * ramp[:, None]


def _near(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return not (
        a[2] + GAP <= b[0] or b[2] + GAP <= a[0] or a[3] + GAP <= b[1] or b[3] + GAP <= a[1]
    )


def _mask(kind: str, side: int) -> np.ndarray:
    """The pixels a shape fills within its ``side`` x ``side`` square."""
    centres = np.arange(side) + 0.5
    y, x = np.meshgrid(centres, centres, indexing="ij")
    if kind == "square":
        return np.ones((side, side), dtype=bool)
    if kind == "disc":
        r = side / 2
        return (x - r) ** 2 + (y - r) ** 2 <= r * r
    if kind == "triangle":
        # Apex at the top middle, base along the bottom row.
        return np.abs(x - side / 2) <= y / 2
    raise ValueError(f"expected one of {SHAPES}, got {kind!r}")
