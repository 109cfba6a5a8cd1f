"""A YOLO-style single-shot detector for the synthetic shape scenes (:mod:`.scenes`).

A small convolutional backbone brings the 64x64 scene down to an 8x8 grid; every cell
predicts, from one forward pass, whether a shape's centre lies in it (objectness), where
that centre sits within the cell and how wide and tall the shape is (the box), and which
shape it is. The output is one (8, 8, 8) map per scene, channels in :data:`CHANNELS`
order; :func:`decode_boxes` turns one scene's map into boxes in input pixels.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from .scenes import SHAPES, SIZE, Scenes, make_scenes

GRID = 8
"""Cells along each side of the output grid (8 pixels each for a 64-pixel scene)."""
CHANNELS = ("objectness", "x", "y", "w", "h", *SHAPES)
"""What each output channel of a cell holds: objectness, the box centre within the cell
(0..1 of the cell, from its left/top edge), the box size (0..1 of the image), then the
class probabilities (a softmax over :data:`~.scenes.SHAPES`)."""
BOX_WEIGHT = 5.0
"""Weight of the box loss against objectness and class (YOLO's lambda_coord)."""


def build_detector(image_size: int = SIZE, grid: int = GRID):
    """The detector, untrained: ``scene`` (image_size, image_size, 1) in, ``grid`` out."""
    import keras
    from keras import layers

    if image_size % grid or (image_size // grid) & (image_size // grid - 1):
        raise ValueError(f"image_size / grid must be a power of two, got {image_size} / {grid}")
    scene = keras.Input((image_size, image_size, 1), name="scene")
    x = scene
    filters = 8
    # Few filters at full resolution, more as the map shrinks: most of the compute (and
    # of a minute's training) goes to the first layers.
    for i in range(int(np.log2(image_size // grid))):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"conv{i + 1}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{i + 1}")(x)
        filters *= 2
    x = layers.Conv2D(64, 3, padding="same", activation="relu", name="features")(x)
    heads = [
        layers.Conv2D(1, 1, activation="sigmoid", name="objectness")(x),
        layers.Conv2D(4, 1, activation="sigmoid", name="box")(x),
        layers.Conv2D(len(SHAPES), 1, activation="softmax", name="shape")(x),
    ]
    return keras.Model(scene, layers.Concatenate(name="grid")(heads), name="shape_detector")


def encode_targets(scenes: Scenes, grid: int = GRID) -> np.ndarray:
    """The output each scene should produce: float32 (N, grid, grid, 5 + classes)."""
    size = scenes.images.shape[1]
    cell = size / grid
    targets = np.zeros((len(scenes), grid, grid, len(CHANNELS)), dtype=np.float32)
    for i, (boxes, classes) in enumerate(zip(scenes.boxes, scenes.classes)):
        for (x0, y0, x1, y1), kind in zip(boxes, classes):
            cx, cy = (x0 + x1) / 2 / cell, (y0 + y1) / 2 / cell
            col, row = min(int(cx), grid - 1), min(int(cy), grid - 1)
            targets[i, row, col, :5] = 1.0, cx - col, cy - row, (x1 - x0) / size, (y1 - y0) / size
            targets[i, row, col, 5 + kind] = 1.0
    return targets


def detection_loss(y_true, y_pred):
    """YOLO's loss on the packed grid: objectness everywhere, box and class where a
    shape's centre is (square roots of the sizes, so small boxes count as much)."""
    from keras import ops

    eps = 1e-6
    has = y_true[..., 0]
    obj = ops.clip(y_pred[..., 0], eps, 1 - eps)
    obj_loss = -(has * ops.log(obj) + (1 - has) * ops.log(1 - obj))
    centre = ops.sum(ops.square(y_pred[..., 1:3] - y_true[..., 1:3]), -1)
    size = ops.sum(ops.square(ops.sqrt(y_pred[..., 3:5] + eps) - ops.sqrt(y_true[..., 3:5])), -1)
    kind = -ops.sum(y_true[..., 5:] * ops.log(ops.clip(y_pred[..., 5:], eps, 1.0)), -1)
    per_cell = obj_loss + has * (BOX_WEIGHT * (centre + size) + kind)
    return ops.sum(per_cell, axis=(1, 2))


def train_shape_detector(
    seed: int = 0,
    epochs: int = 10,
    scenes: int = 2000,
    batch_size: int = 32,
    verbose: int = 0,
):
    """Train :func:`build_detector` on freshly drawn scenes.

    Parameters
    ----------
    seed
        Seeds Keras and the training scenes (held-out scenes use
        :data:`.quality.HELD_OUT_SEED`), so runs repeat.
    epochs
        Passes over the training scenes (10 over 2,000: about a minute on two idle
        cores).
    scenes
        How many training scenes to draw.
    batch_size
        Scenes per step.
    verbose
        Passed to ``fit``; ``1`` or more also prints the training time.

    Returns
    -------
    keras.Model
        ``shape_detector``: a (64, 64, 1) scene in [0, 1] in, an (8, 8, 8) grid out;
        read one scene's output with :func:`decode_boxes`.
    """
    import keras

    if epochs < 1 or scenes < 1:
        raise ValueError(f"epochs and scenes must be >= 1, got {epochs} and {scenes}")
    data = make_scenes(scenes, seed=seed)
    keras.utils.set_random_seed(seed)
    model = build_detector()
    model.compile(optimizer=keras.optimizers.Adam(2e-3), loss=detection_loss)
    began = time.perf_counter()
    model.fit(
        data.images,
        encode_targets(data),
        epochs=epochs,
        batch_size=batch_size,
        verbose=verbose,
    )
    if verbose:
        print(f"detector: {epochs} epochs in {time.perf_counter() - began:.1f} s")
    return model


def decode_boxes(
    outputs: np.ndarray | Sequence[np.ndarray],
    threshold: float = 0.5,
    iou_threshold: float = 0.45,
    image_size: int = SIZE,
    labels: Sequence[str] = SHAPES,
) -> list[dict]:
    """The boxes in ONE scene's output, after non-max suppression, best first.

    Parameters
    ----------
    outputs
        The detector's output for one sample, without the batch dimension:
        (grid, grid, 5 + len(labels)), channels as :data:`CHANNELS`; a list holding
        that one array (a model's outputs) is accepted too.
    threshold
        Cells whose objectness is below it report nothing.
    iou_threshold
        Of two boxes overlapping more than this, only the higher scored is kept.
    image_size
        Side of the input image, in pixels: boxes come back in its pixels.
    labels
        Class names, in the order of the class channels.

    Returns
    -------
    list of dict
        One dict a box: ``x0``, ``y0``, ``x1``, ``y1`` (float, pixel edges, clipped to the
        image), ``label`` (str), ``score`` (float: the cell's objectness) and ``cell``
        (``(row, col)``, ints, of the grid cell that produced it).
    """
    grid_map = _one_output(outputs, len(labels))
    grid = grid_map.shape[0]
    cell = image_size / grid
    rows, cols = np.nonzero(grid_map[..., 0] >= threshold)
    found = []
    for r, c in zip(rows.tolist(), cols.tolist()):
        obj, dx, dy, w, h = (float(v) for v in grid_map[r, c, :5])
        cx, cy = (c + dx) * cell, (r + dy) * cell
        half_w, half_h = w * image_size / 2, h * image_size / 2
        found.append(
            {
                "x0": float(np.clip(cx - half_w, 0, image_size)),
                "y0": float(np.clip(cy - half_h, 0, image_size)),
                "x1": float(np.clip(cx + half_w, 0, image_size)),
                "y1": float(np.clip(cy + half_h, 0, image_size)),
                "label": str(labels[int(np.argmax(grid_map[r, c, 5:]))]),
                "score": obj,
                "cell": (r, c),
            }
        )
    return _suppress(found, iou_threshold)


def _one_output(outputs, classes: int) -> np.ndarray:
    if isinstance(outputs, (list, tuple)):
        if len(outputs) != 1:
            raise ValueError(f"expected the detector's one output, got {len(outputs)} outputs")
        outputs = outputs[0]
    grid_map = np.asarray(outputs, dtype=np.float32)
    expected = 5 + classes
    if (
        grid_map.ndim != 3
        or grid_map.shape[0] != grid_map.shape[1]
        or grid_map.shape[2] != expected
    ):
        raise ValueError(
            f"expected one sample's output of shape (grid, grid, {expected}) without the "
            f"batch dimension, got shape {grid_map.shape}"
        )
    return grid_map


def _suppress(found: list[dict], iou_threshold: float) -> list[dict]:
    # Class-agnostic: shapes in a scene never overlap, so two overlapping boxes are one shape.
    kept: list[dict] = []
    for box in sorted(found, key=lambda b: -b["score"]):
        xyxy = box_corners(box)
        if all(box_iou(xyxy, box_corners(k)) <= iou_threshold for k in kept):
            kept.append(box)
    return kept


def box_corners(box: dict) -> np.ndarray:
    """A box dict's ``x0, y0, x1, y1`` as a float32 array."""
    return np.array([box["x0"], box["y0"], box["x1"], box["y1"]], dtype=np.float32)


def box_iou(a: np.ndarray | Sequence[float], b: np.ndarray | Sequence[float]) -> float:
    """Intersection over union of two ``(x0, y0, x1, y1)`` boxes (0 when both are empty)."""
    ax0, ay0, ax1, ay1 = (float(v) for v in a)
    bx0, by0, bx1, by1 = (float(v) for v in b)
    inter = max(0.0, min(ax1, bx1) - max(ax0, bx0)) * max(0.0, min(ay1, by1) - max(ay0, by0))
    union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter
    return inter / union if union > 0 else 0.0
