"""Layers drawn as pictures: the ``images`` option of ``ModelView``.

A model input of shape (H, W, 1) or (H, W, 3) is always an image (``families.py``).
``images`` makes layers' *outputs* images too: ``"auto"`` (the default) every model
output of that shape (a generator's, an autoencoder's, a segmentation's RGB), a list
names layers, None draws none (they stay feature maps, a heat map). Such a node's
``family`` becomes ``"image"`` and its ``image_range`` says which values are black and
white (:func:`image_range`), read from what the layer says about itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .families import can_open
from .spec import GraphSpec, ImageRange, NodeSpec

IMAGE_CHANNELS = (1, 3)
"""Channel counts a picture can have: greyscale and true colour."""

# Activations whose output range is fixed: the picture is shown on it.
_RANGES: dict[str, tuple[float, float]] = {
    "tanh": (-1.0, 1.0),
    "sigmoid": (0.0, 1.0),
    "hard_sigmoid": (0.0, 1.0),
    "softmax": (0.0, 1.0),
}


def is_picture_shape(shape: Sequence[int | None]) -> bool:
    """Whether an output of ``shape`` (no batch) can be drawn as a picture: (H, W, 1|3)."""
    return len(shape) == 3 and shape[-1] in IMAGE_CHANNELS


def check_images(images: object) -> str | list[str] | None:
    """The ``images`` option if it is well formed: ``"auto"``, None or a list of ids.

    Raises
    ------
    TypeError
        For anything else (a bare string other than ``"auto"`` included), naming what
        was given.
    """
    if images is None or images == "auto":
        return images
    if isinstance(images, (list, tuple)) and all(isinstance(i, str) for i in images):
        return list(images)
    raise TypeError(
        'ModelView: images must be "auto", None or a list of layer ids (str), '
        f"got {images!r} ({type(images).__name__})"
    )


def image_ids(graph: GraphSpec, images: str | list[str] | None) -> list[str]:
    """The ids of the non-input nodes ``images`` draws as pictures.

    Raises
    ------
    ValueError
        For ids in the list that are not layers of the model, or layers whose output
        is not (H, W, 1) or (H, W, 3); the message names them.
    """
    if images is None:
        return []
    nodes = [n for n in graph["nodes"] if not n["is_input"]]
    if images == "auto":
        return [
            n["id"]
            for n in nodes
            if n["is_output"] and is_picture_shape(n["output_shape"]) and not n["passthrough"]
        ]
    known = {n["id"]: n for n in graph["nodes"]}
    unknown = [i for i in images if i not in known]
    if unknown:
        some = list(known)[:12]
        raise ValueError(
            f"images: {unknown} are not layers of this model; its layers are {some}"
            f"{' ...' if len(known) > 12 else ''}"
        )
    wrong = [
        f"{i!r} {tuple(known[i]['output_shape'])}"
        for i in images
        if not is_picture_shape(known[i]["output_shape"])
    ]
    if wrong:
        raise ValueError(
            "images: a picture is an output of shape (H, W, 1) or (H, W, 3); "
            f"these layers are not: {', '.join(wrong)}"
        )
    return [i for i in dict.fromkeys(images) if not known[i]["is_input"]]


def image_range(node: Mapping[str, Any], graph: GraphSpec) -> ImageRange | None:
    """The values shown black and white for a node drawn as a picture, or None for the
    data's own range.

    ``tanh`` gives [-1, 1], ``sigmoid`` (and ``hard_sigmoid``, ``softmax``) [0, 1]: the
    node's own ``activation``, or for a node that only rearranges or passes on its one
    input (Reshape, Flatten, Dropout) that of the layer before it.
    """
    by_id = {n["id"]: n for n in graph["nodes"]}
    sources: dict[str, list[str]] = {}
    for edge in graph["edges"]:
        sources.setdefault(edge["target"], []).append(edge["source"])
    current: Mapping[str, Any] | None = node
    seen: set[str] = set()
    while current is not None and current["id"] not in seen:
        seen.add(current["id"])
        activation = _activation_of(current)
        if activation in _RANGES:
            lo, hi = _RANGES[activation]
            return {"lo": lo, "hi": hi, "source": activation}
        if activation is not None:
            return None
        inbound = sources.get(current["id"], [])
        if not (current.get("reshape") or current.get("passthrough")) or len(inbound) != 1:
            return None
        current = by_id.get(inbound[0])
    return None


def _activation_of(node: Mapping[str, Any]) -> str | None:
    """The node's activation by name, or None when it names none (or "linear")."""
    activation = node.get("config", {}).get("activation")
    if not isinstance(activation, str) or activation in ("linear", ""):
        return None
    return activation


def with_images(graph: GraphSpec, images: str | list[str] | None) -> GraphSpec:
    """``graph`` with the nodes ``images`` names drawn as pictures (a new spec; ``graph``
    is left as it was). Their ``family`` is ``"image"``, ``image_range`` is set (see
    :func:`image_range`) and ``opens`` follows the image rule (RGB opens into its colour
    planes).

    Raises
    ------
    ValueError
        See :func:`image_ids`.
    """
    ids = set(image_ids(graph, images))
    if not ids:
        return graph
    nodes: list[NodeSpec] = []
    for node in graph["nodes"]:
        if node["id"] not in ids:
            nodes.append(node)
            continue
        picture: NodeSpec = {**node, "family": "image"}
        picture["image_range"] = image_range(node, graph)
        picture["opens"] = can_open(picture)
        nodes.append(picture)
    return {**graph, "nodes": nodes}
