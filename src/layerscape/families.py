"""The drawing rules of the contract: which visual a node gets, which layers are drawn
thin or as a rearrangement, and which nodes open when clicked.

These rules are part of the graph spec (``spec.py``): Python decides them once and
writes the answers into every node (``family``, ``passthrough``, ``reshape``,
``opens``), so the front end never re-derives a Keras fact.

- ``family`` comes from the output shape alone (:func:`family_of`), never from the
  layer's class, so custom layers land in a family too.
- ``passthrough`` marks layers that are the identity at inference (:func:`is_passthrough`).
- ``reshape`` marks layers that only rearrange their input's elements in row-major order
  (:func:`is_reshape`).
- ``opens`` says whether clicking the node opens it into its parts (:func:`can_open`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import keras

from .spec import Family

# Layers that return their input unchanged at inference (training=False), whatever
# they do in training: drawn as a thin slab, with their rate.
_PASSTHROUGH_CLASSES = tuple(
    getattr(keras.layers, name)
    for name in (
        "Dropout",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "GaussianNoise",
        "GaussianDropout",
        "AlphaDropout",
        "ActivityRegularization",
    )
    if hasattr(keras.layers, name)
)

# Layers that only rearrange their input's elements, keeping row-major order.
_RESHAPE_CLASSES = (keras.layers.Flatten, keras.layers.Reshape)


def family_of(shape: Sequence[int | None], is_input: bool) -> Family:
    """Pick the visual for an output of ``shape`` (no batch dimension).

    Only the shape decides, never the layer's class, so custom layers land in a family
    too: (H, W, C) feature maps (a model input with 1 or 3 channels is an image),
    (D, H, W, C) volumes, (T, C) sequences, (N,) vectors; any other rank is generic.
    """
    rank = len(shape)
    if rank == 3:
        if is_input and shape[-1] in (1, 3):
            return "image"
        return "feature_map"
    if rank == 4:
        return "volume"
    if rank == 1:
        return "vector"
    if rank == 2:
        return "sequence"
    return "generic"


def is_passthrough(operation: Any) -> bool:
    """Whether the layer is the identity at inference (Dropout, GaussianNoise,
    SpatialDropout..., ActivityRegularization): drawn thin, with its rate, sending no
    values (they would repeat its input's)."""
    return isinstance(operation, _PASSTHROUGH_CLASSES)


def is_reshape(operation: Any) -> bool:
    """Whether the layer only rearranges its input's elements in row-major order
    (Flatten, Reshape): drawn with the way elements move from input to output."""
    return isinstance(operation, _RESHAPE_CLASSES)


def can_open(node: Mapping[str, Any]) -> bool:
    """Whether the view can open ``node`` into its parts: a feature map or volume into
    its channels, a sequence into one strip per channel, an RGB image into its three
    colour planes. Layers drawn thin (identity at inference) do not open.

    This is the rule behind the spec's ``opens`` field; it reads ``family``,
    ``output_shape`` and ``passthrough`` of a node (``opens`` itself is not consulted).
    """
    if node.get("passthrough"):
        return False
    family = node["family"]
    if family in ("feature_map", "volume", "sequence"):
        return True
    shape = node["output_shape"]
    return family == "image" and len(shape) == 3 and shape[-1] == 3
