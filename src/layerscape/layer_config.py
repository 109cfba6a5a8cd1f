"""What a node's tooltip says about its layer: the key config options, as short text.

``key_config`` picks the options worth a line (sizes, windows, strides, activations,
rates, regularizers, ...) from ``get_config()`` and turns serialized Keras objects into
short text; ``param_count`` counts the weights a layer owns. Both feed a node's
``config`` and ``params`` in the graph spec.
"""

from __future__ import annotations

from typing import Any

import keras

# Config keys worth a line in the tooltip, in the order they are shown: what the layer
# computes (size, window, stride, activation), then what only acts in training
# (dropout, noise, regularizers), then shape and misc options.
CONFIG_KEYS = (
    "filters",
    "units",
    "kernel_size",
    "strides",
    "padding",
    "dilation_rate",
    "depth_multiplier",
    "pool_size",
    "size",
    "cropping",
    "activation",
    "recurrent_activation",
    "return_sequences",
    "go_backwards",
    "merge_mode",
    "rate",
    "stddev",
    "dropout",
    "recurrent_dropout",
    "kernel_regularizer",
    "depthwise_regularizer",
    "pointwise_regularizer",
    "recurrent_regularizer",
    "embeddings_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "l1",
    "l2",
    "target_shape",
    "dims",
    "axis",
    "max_value",
    "negative_slope",
    "input_dim",
    "output_dim",
    "num_heads",
    "key_dim",
)

# Options that are "off" at these values; a line saying so would only push others out.
_QUIET_DEFAULTS = {"dropout": 0.0, "recurrent_dropout": 0.0, "go_backwards": False}


def param_count(operation: Any) -> int:
    """Weights the layer owns (0 for inputs, raw ops and layers not built yet)."""
    if not isinstance(operation, keras.layers.Layer) or isinstance(
        operation, keras.layers.InputLayer
    ):
        return 0
    try:
        return int(operation.count_params())
    except ValueError:  # an unbuilt layer owns no weights yet
        return 0


def key_config(operation: Any) -> dict[str, object]:
    """The layer's options worth a tooltip line, in ``CONFIG_KEYS`` order, as JSON values.

    Options at their "off" value are left out; serialized objects (regularizers, custom
    activations) become short text; a wrapper (``Bidirectional``, ``TimeDistributed``)
    adds ``wraps``: the wrapped layer's class. A layer without a usable ``get_config``
    gives ``{}``.
    """
    try:
        config = operation.get_config()
    except (NotImplementedError, TypeError, AttributeError):
        return {}
    out: dict[str, object] = {}
    for key in CONFIG_KEYS:
        value = config.get(key)
        if value is None or (key in _QUIET_DEFAULTS and value == _QUIET_DEFAULTS[key]):
            continue
        if isinstance(value, dict):
            text = _serialized_text(value)
            if text is not None:
                out[key] = text
            continue
        out[key] = _jsonable(value)
    if "layer" in config and isinstance(config["layer"], dict):
        out["wraps"] = str(config["layer"].get("class_name", ""))
    return out


def _serialized_text(value: dict[str, Any]) -> str | None:
    """A serialized Keras object (regularizer, custom activation) as short text.

    ``{"class_name": "L2", "config": {"l2": 0.01}}`` -> ``"L2(0.01)"``;
    ``L1L2`` -> ``"L1L2(l1=1e-05, l2=0.0001)"``.
    """
    name = value.get("class_name")
    if not isinstance(name, str):
        return None
    inner = value.get("config")
    if not isinstance(inner, dict):
        return name if inner is None else f"{name}({_short(inner)})"
    numbers = {k: v for k, v in inner.items() if isinstance(v, (int, float)) and k != "seed"}
    if not numbers:
        named = inner.get("name")
        return f"{name}({named})" if isinstance(named, str) and named != name else name
    if len(numbers) == 1:
        return f"{name}({_short(next(iter(numbers.values())))})"
    return f"{name}({', '.join(f'{k}={_short(v)}' for k, v in numbers.items())})"


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
