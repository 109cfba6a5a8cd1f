"""A flat picture of a view, drawn in Python: what a saved notebook shows where scripts
cannot run (GitHub, nbviewer, an nbconvert page opened without JavaScript).

The 3D view needs a browser; this picture does not. Each node of the graph spec is one
panel, left to right in the graph's (topological) order, centred on one line, joined by
the graph's edges: a picture (an image input, a layer drawn as an image) as itself, a
feature map or a volume as the mean over its channels (the view's default summary), a
vector as a column of cells, a sequence as a time x channel heat map. Panels shrink with
their layer's spatial size, as the layers do in the view. Signed values use a diverging
map centred at zero, non-negative ones a sequential map (the view's rule, not its exact
colours). Before any prediction every panel is a neutral tile: the model's structure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .png import encode_png
from .spec import GraphSpec, NodeSpec

PICTURE_HEIGHT = 200
"""Height of the picture in pixels."""

PICTURE_MAX_WIDTH = 1200
"""The picture's widest; a long model's panels and gaps are narrowed to fit."""

_PANEL_MAX = 150  # tallest panel: the largest spatial layer
_PANEL_MIN = 24
_GAP = 14
_MARGIN = 16
_VECTOR_WIDTH = 12

# Background, tile, edge and outline colours per theme.
_THEMES = {
    "light": {"bg": (255, 255, 255), "tile": (214, 219, 226), "edge": (170, 176, 186)},
    "dark": {"bg": (24, 26, 31), "tile": (70, 76, 88), "edge": (96, 102, 114)},
}

# Colour stops: a sequential ramp (dark blue to yellow) and a diverging one (blue, white,
# red), as (position, r, g, b).
_SEQUENTIAL = np.array(
    [
        [0.0, 48, 18, 84],
        [0.25, 59, 82, 139],
        [0.5, 33, 145, 140],
        [0.75, 94, 201, 98],
        [1.0, 253, 231, 37],
    ]
)
_DIVERGING = np.array([[0.0, 33, 102, 172], [0.5, 247, 247, 247], [1.0, 178, 24, 43]])


def model_picture(
    graph: GraphSpec, activations: Mapping[str, np.ndarray], theme: str = "light"
) -> np.ndarray:
    """The picture of ``graph`` with the shown sample's ``activations``.

    Parameters
    ----------
    graph
        The view's graph spec.
    activations
        Node id -> that node's output for one sample (no batch dimension); empty before
        any prediction (every panel is then a neutral tile).
    theme : {"light", "dark", "auto"}
        The background; ``"auto"`` is light (no page to follow).

    Returns
    -------
    numpy.ndarray
        (PICTURE_HEIGHT, width, 3) uint8, width at most :data:`PICTURE_MAX_WIDTH`.
    """
    colours = _THEMES["dark" if theme == "dark" else "light"]
    nodes = graph["nodes"]
    sizes = [_panel_size(n) for n in nodes]
    natural = sum(w for w, _ in sizes) + _GAP * max(0, len(nodes) - 1)
    squeeze = min(1.0, (PICTURE_MAX_WIDTH - 2 * _MARGIN) / max(natural, 1))
    widths = [max(2, round(w * squeeze)) for w, _ in sizes]
    gap = max(1, round(_GAP * squeeze))
    width = min(PICTURE_MAX_WIDTH, sum(widths) + gap * max(0, len(nodes) - 1) + 2 * _MARGIN)
    canvas = np.empty((PICTURE_HEIGHT, width, 3), np.uint8)
    canvas[:] = colours["bg"]

    boxes: dict[str, tuple[int, int, int, int]] = {}  # id -> x0, y0, x1, y1
    x = _MARGIN
    middle = PICTURE_HEIGHT // 2
    for node, w, (_, h) in zip(nodes, widths, sizes):
        y0 = middle - h // 2
        boxes[node["id"]] = (x, y0, min(x + w, width - 1), y0 + h)
        x += w + gap
    order = {n["id"]: i for i, n in enumerate(nodes)}
    lane = 0
    for edge in graph["edges"]:
        if edge["source"] not in boxes or edge["target"] not in boxes:
            continue
        a, b = boxes[edge["source"]], boxes[edge["target"]]
        if order[edge["target"]] == order[edge["source"]] + 1:
            _line(canvas, (a[2], middle), (b[0], middle), colours["edge"])
            continue
        # A skip or a branch: a bracket over the panels between, on one of three lanes.
        top = middle - _PANEL_MAX // 2 - 4 - 5 * (lane % 3)
        lane += 1
        ax, bx = (a[0] + a[2]) // 2, (b[0] + b[2]) // 2
        _line(canvas, (ax, a[1]), (ax, top), colours["edge"])
        _line(canvas, (ax, top), (bx, top), colours["edge"])
        _line(canvas, (bx, top), (bx, b[1]), colours["edge"])
    for node in nodes:
        x0, y0, x1, y1 = boxes[node["id"]]
        if x1 <= x0 or y1 <= y0:
            continue
        values = activations.get(node["id"])
        panel = _panel(node, values, (y1 - y0, x1 - x0)) if values is not None else None
        if panel is None:
            canvas[y0:y1, x0:x1] = colours["tile"]
        else:
            canvas[y0:y1, x0:x1] = panel
    return canvas


def model_picture_png(
    graph: GraphSpec, activations: Mapping[str, np.ndarray], theme: str = "light"
) -> bytes:
    """:func:`model_picture` as a PNG file."""
    return encode_png(model_picture(graph, activations, theme))


def _spatial(node: NodeSpec) -> tuple[int, int] | None:
    """(height, width) of a node with a spatial output, None for any other."""
    shape = node["output_shape"]
    if len(shape) in (3, 4) and all(isinstance(d, int) and d > 0 for d in shape[-3:-1]):
        return int(shape[-3]), int(shape[-2])  # type: ignore[arg-type]
    return None


def _panel_size(node: NodeSpec) -> tuple[int, int]:
    """Natural (width, height) of a node's panel."""
    shape = node["output_shape"]
    spatial = _spatial(node)
    if spatial is not None:
        h, w = spatial
        # Shrinks with the layer like the view's planes do, but never to a speck.
        side = int(np.clip(_PANEL_MIN + 4 * np.sqrt(h * w) ** 0.85, _PANEL_MIN, _PANEL_MAX))
        scale = side / max(h, w)
        return max(_PANEL_MIN // 2, round(w * scale)), max(_PANEL_MIN // 2, round(h * scale))
    if len(shape) == 2 and all(isinstance(d, int) for d in shape):
        steps = int(shape[0])  # type: ignore[arg-type]
        return _PANEL_MIN * 2, int(np.clip(steps * 4, _PANEL_MIN, _PANEL_MAX))
    units = int(np.prod([d for d in shape if isinstance(d, int)] or [1]))
    return _VECTOR_WIDTH, int(np.clip(units * 3, _PANEL_MIN, _PANEL_MAX))


def _panel(node: NodeSpec, values: np.ndarray, size: tuple[int, int]) -> np.ndarray | None:
    """The node's activation as RGB pixels of ``size`` (height, width), or None when it
    has no values to draw."""
    data = np.asarray(values, dtype=np.float32)
    if data.size == 0:
        return None
    if node["family"] == "image" or (node["is_input"] and _is_picture(data)):
        return _resample(_picture_rgb(node, data), size)
    if data.ndim >= 3:  # feature map (H, W, C) or volume (D, H, W, C): mean over channels
        plane = data.reshape(-1, *data.shape[-3:]).mean(axis=(0, 3))
        return _resample(_colour(plane), size)
    if data.ndim == 2:  # sequence: time down, channels across
        return _resample(_colour(data), size)
    return _resample(_colour(data.reshape(-1, 1)), size)


def _is_picture(data: np.ndarray) -> bool:
    return data.ndim == 3 and data.shape[-1] in (1, 3)


def _picture_rgb(node: NodeSpec, data: np.ndarray) -> np.ndarray:
    """An (H, W, 1|3) output as RGB on its image range (the data's own when none)."""
    limits: Any = node.get("image_range")
    finite = data[np.isfinite(data)]
    if limits:
        lo, hi = float(limits["lo"]), float(limits["hi"])
    elif finite.size:
        lo, hi = float(finite.min()), float(finite.max())
        # A model input that fits [0, 1] or [0, 255] is shown on that range (the view's rule).
        if lo >= 0 and hi <= 1:
            lo, hi = 0.0, 1.0
        elif lo >= 0 and hi <= 255:
            lo, hi = 0.0, 255.0
    else:
        lo, hi = 0.0, 1.0
    scaled = np.clip((np.nan_to_num(data, nan=lo) - lo) / ((hi - lo) or 1.0), 0, 1)
    grey = np.repeat(scaled, 3, axis=-1) if scaled.shape[-1] == 1 else scaled
    return (grey[..., :3] * 255).round().astype(np.uint8)


def _colour(plane: np.ndarray) -> np.ndarray:
    """A 2D array coloured: diverging around zero when it has negative values, else
    sequential from zero to its maximum. NaN and infinities are drawn mid-grey."""
    finite = np.isfinite(plane)
    safe = np.where(finite, plane, 0.0)
    if safe.min() < 0:
        reach = float(np.abs(safe).max()) or 1.0
        rgb = _ramp(_DIVERGING, 0.5 + 0.5 * safe / reach)
    else:
        top = float(safe.max()) or 1.0
        rgb = _ramp(_SEQUENTIAL, safe / top)
    rgb[~finite] = 128
    return rgb


def _ramp(stops: np.ndarray, t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    channels = [np.interp(t, stops[:, 0], stops[:, i]) for i in (1, 2, 3)]
    return np.stack(channels, axis=-1).round().astype(np.uint8)


def _resample(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Nearest-neighbour resize of (h, w, 3) pixels to ``size`` (height, width)."""
    rows = np.minimum((np.arange(size[0]) * rgb.shape[0]) // size[0], rgb.shape[0] - 1)
    cols = np.minimum((np.arange(size[1]) * rgb.shape[1]) // size[1], rgb.shape[1] - 1)
    return rgb[rows][:, cols]


def _line(
    canvas: np.ndarray, a: tuple[int, int], b: tuple[int, int], colour: tuple[int, int, int]
) -> None:
    """A one-pixel line from ``a`` to ``b`` ((x, y) each), clipped to the canvas."""
    steps = max(abs(b[0] - a[0]), abs(b[1] - a[1]), 1)
    xs = np.linspace(a[0], b[0], steps + 1).round().astype(int)
    ys = np.linspace(a[1], b[1], steps + 1).round().astype(int)
    keep = (xs >= 0) & (xs < canvas.shape[1]) & (ys >= 0) & (ys < canvas.shape[0])
    canvas[ys[keep], xs[keep]] = colour
