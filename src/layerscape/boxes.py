"""Detections drawn on the picture: the ``boxes`` option of ``ModelView``.

``ModelView(model, boxes=fn)`` calls ``fn(outputs)`` after every prediction, where
``outputs`` is what the model returned for the *shown* sample, as numpy without the
batch dimension, in the model's own structure (an array for one output, a list or dict
for several: what ``predict`` returns for one sample). ``fn`` returns a list of dicts,
one per box:

- ``x0``, ``y0``, ``x1``, ``y1``: the box in pixels of the model's (first) image input,
  (0, 0) at its top left corner, x to the right, y down; finite, ``x0 < x1``,
  ``y0 < y1``;
- ``label``: a ``str``; ``score``: a finite number (drawn as "label 0.93");
- ``cell`` (optional): which cell of the grid output (the first model output of rank 3,
  (rows, cols, ...)) produced the box, as ``(row, col)`` or as a flat index
  ``row * cols + col``; None or missing for none.

Other keys are ignored. The view draws the boxes on the input picture and outlines their
cells on the grid output; the ``_boxes`` trait carries them (``spec.BoxesState``). A
failing ``fn`` or a malformed return is shown as a notice in the view *and* raised from
``predict``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import keras
import numpy as np

from .spec import BoxesState, BoxSpec, GraphSpec

BoxesFn = Callable[[Any], Any]
"""``fn(outputs) -> list of dicts`` (see the module docstring)."""

MAX_BOXES = 1000
"""The most boxes one prediction may draw."""

_EDGES = ("x0", "y0", "x1", "y1")


def check_boxes_fn(fn: object) -> BoxesFn | None:
    """``fn`` if it is callable or None.

    Raises
    ------
    TypeError
        For anything else, naming what was given.
    """
    if fn is not None and not callable(fn):
        raise TypeError(
            "ModelView: boxes must be a function outputs -> list of dicts (or None), "
            f"got {type(fn).__name__}"
        )
    return fn


def image_node(graph: GraphSpec) -> str | None:
    """The node the boxes are drawn on: the model's first input drawn as a picture."""
    by_id = {n["id"]: n for n in graph["nodes"]}
    for node_id in graph["inputs"]:
        node = by_id.get(node_id)
        if node is not None and node["family"] == "image":
            return node_id
    return None


def grid_node(graph: GraphSpec) -> str | None:
    """The node whose cells a box's ``cell`` indexes: the first model output of rank 3."""
    by_id = {n["id"]: n for n in graph["nodes"]}
    for node_id in graph["outputs"]:
        node = by_id.get(node_id)
        if node is not None and len(node["output_shape"]) == 3:
            return node_id
    return None


def sample_outputs(
    outputs: Any, activations: Mapping[str, np.ndarray], graph: GraphSpec, index: int = 0
) -> Any:
    """``outputs`` (what ``predict`` returned) for the shown sample only: a batch loses
    its batch dimension (sample ``index`` is the one shown); one sample is as it is."""
    leaves = keras.tree.flatten(outputs)
    first = activations.get(graph["outputs"][0]) if graph["outputs"] else None
    if not leaves or first is None:
        return outputs
    if np.ndim(leaves[0]) == np.ndim(first) + 1:
        return keras.tree.map_structure(lambda y: np.asarray(y)[index], outputs)
    return outputs


def check_boxes(result: object, grid_shape: Sequence[int | None] | None) -> list[BoxSpec]:
    """The boxes ``fn`` returned, checked and in the spec's form (floats, ``cell`` as
    ``[row, col]``).

    Parameters
    ----------
    result
        What the boxes function returned.
    grid_shape
        The grid output's shape (no batch), to check and convert ``cell``; None when the
        model has none (then a box may not name a cell).

    Raises
    ------
    TypeError
        When ``result`` is not a list of dicts, or a value has the wrong type; the
        message names the box and the key.
    ValueError
        For a missing key, a number that is not finite, ``x0 >= x1`` or ``y0 >= y1``, a
        cell outside the grid, or more than ``MAX_BOXES`` boxes.
    """
    if isinstance(result, (str, bytes, Mapping)) or not isinstance(result, (list, tuple)):
        raise TypeError(
            f"boxes: the function must return a list of dicts, got {type(result).__name__}"
        )
    if len(result) > MAX_BOXES:
        raise ValueError(f"boxes: the function returned {len(result)} boxes; at most {MAX_BOXES}")
    return [_check_box(i, box, grid_shape) for i, box in enumerate(result)]


def _check_box(i: int, box: object, grid_shape: Sequence[int | None] | None) -> BoxSpec:
    if not isinstance(box, Mapping):
        raise TypeError(f"boxes: box {i} must be a dict, got {type(box).__name__}")
    missing = [k for k in (*_EDGES, "label", "score") if k not in box]
    if missing:
        raise ValueError(f"boxes: box {i} lacks {missing} (has {sorted(map(str, box))})")
    x0, y0, x1, y1, score = (_number(i, box, k) for k in (*_EDGES, "score"))
    if not x0 < x1:
        raise ValueError(f"boxes: box {i} needs x0 < x1, got x0={x0}, x1={x1}")
    if not y0 < y1:
        raise ValueError(f"boxes: box {i} needs y0 < y1, got y0={y0}, y1={y1}")
    label = box["label"]
    if not isinstance(label, str):
        raise TypeError(f"boxes: box {i}: 'label' must be a str, got {type(label).__name__}")
    return {
        "x0": x0,
        "y0": y0,
        "x1": x1,
        "y1": y1,
        "label": label,
        "score": score,
        "cell": _cell(i, box.get("cell"), grid_shape),
    }


def _number(i: int, box: Mapping[str, Any], key: str) -> float:
    value = box[key]
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"boxes: box {i}: {key!r} must be a number, got {value!r} ({type(value).__name__})"
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"boxes: box {i}: {key!r} must be finite, got {number}")
    return number


def _integer(value: object) -> int | None:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return None
    return int(value)


def _cell(i: int, cell: object, grid_shape: Sequence[int | None] | None) -> list[int] | None:
    if cell is None:
        return None
    if grid_shape is None:
        raise ValueError(
            f"boxes: box {i} names cell {cell!r}, but the model has no grid output (an "
            "output of rank 3) whose cells it could be"
        )
    rows, cols = (int(d) if d is not None else 0 for d in grid_shape[:2])
    flat = _integer(cell)
    if flat is not None:
        if not 0 <= flat < rows * cols:
            raise ValueError(
                f"boxes: box {i}: 'cell' {flat} is outside the {rows} x {cols} grid "
                f"(a flat index runs 0..{rows * cols - 1})"
            )
        return [flat // cols, flat % cols]
    if isinstance(cell, (list, tuple, np.ndarray)) and len(cell) == 2:
        row, col = (_integer(c) for c in cell)
        if row is not None and col is not None:
            if not (0 <= row < rows and 0 <= col < cols):
                raise ValueError(
                    f"boxes: box {i}: 'cell' ({row}, {col}) is outside the {rows} x {cols} grid"
                )
            return [row, col]
    raise TypeError(
        f"boxes: box {i}: 'cell' must be (row, col) ints or a flat int index, got {cell!r}"
    )


def detect(
    fn: BoxesFn, outputs: Any, graph: GraphSpec, seq: int
) -> tuple[BoxesState, BaseException | None]:
    """Run the boxes function on one sample's ``outputs`` and check what it returns.

    Returns
    -------
    state, error
        What the ``_boxes`` trait shows, and the exception to raise (None when the
        boxes are fine). On failure ``state`` holds no boxes and the error's message.
    """
    image = image_node(graph)
    grid = grid_node(graph)
    grid_shape = next((n["output_shape"] for n in graph["nodes"] if n["id"] == grid), None)
    state: BoxesState = {"boxes": [], "error": None, "seq": seq, "image": image, "grid": grid}
    try:
        result = fn(outputs)
    except Exception as err:  # the user's function: shown in the view, then raised
        state["error"] = f"the boxes function failed: {type(err).__name__}: {err}"
        return state, err
    try:
        state["boxes"] = check_boxes(result, grid_shape)
    except (TypeError, ValueError) as err:
        state["error"] = str(err)
        return state, err
    return state, None
