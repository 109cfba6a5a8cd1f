"""Check what the user passes to ``predict`` against the model's inputs.

Every failure names the shape the model expects, so the message alone tells the user
what to pass instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def describe_expected(shapes: list[list[int | None]]) -> str:
    """Human form of the per-sample input shapes, e.g. ``(28, 28, 1)``."""
    parts = [_shape_text(s) for s in shapes]
    return parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"


def _shape_text(shape: list[int | None]) -> str:
    dims = ", ".join("?" if d is None else str(d) for d in shape)
    return f"({dims},)" if len(shape) == 1 else f"({dims})"


def prepare_inputs(
    x: Any,
    names: list[str],
    shapes: list[list[int | None]],
    dtypes: list[str],
) -> tuple[list[np.ndarray], bool]:
    """Turn ``x`` into one batched array per model input.

    Parameters
    ----------
    x
        One sample without the batch dimension, or a batch. For several inputs: a
        list/tuple in input order, or a dict keyed by input name.
    names, shapes, dtypes
        Per model input: its name, its shape without the batch dimension and its dtype.

    Returns
    -------
    arrays, batched
        The batched arrays, and whether ``x`` already had a batch dimension.

    Raises
    ------
    TypeError
        For non-numeric data, floats fed to an integer input, or a wrong container.
    ValueError
        For a wrong rank or shape, an empty batch, or NaN / infinite values.
    """
    expected = describe_expected(shapes)
    parts = _split(x, names, expected)
    arrays: list[np.ndarray] = []
    batched_flags: list[bool] = []
    for part, name, shape, dtype in zip(parts, names, shapes, dtypes):
        shown = name if len(names) > 1 else ""
        array, batched = _one_input(part, shown, shape, dtype, expected)
        arrays.append(array)
        batched_flags.append(batched)
    if len(set(batched_flags)) > 1 or len({a.shape[0] for a in arrays}) > 1:
        raise ValueError(
            f"inputs disagree on the batch: pass every input as one sample or every "
            f"input as a batch of the same size; expected {expected}"
        )
    return arrays, batched_flags[0]


def _split(x: Any, names: list[str], expected: str) -> list[Any]:
    if len(names) == 1:
        if isinstance(x, Mapping):
            if set(x) != set(names):
                raise TypeError(f"expected a dict with key {names[0]!r}; got keys {sorted(x)}")
            return [x[names[0]]]
        return [x]
    if isinstance(x, Mapping):
        missing = [n for n in names if n not in x]
        if missing:
            raise TypeError(
                f"the model has inputs {names}; the dict lacks {missing} (expected {expected})"
            )
        return [x[n] for n in names]
    if isinstance(x, Sequence) and not isinstance(x, (str, bytes)) and len(x) == len(names):
        return list(x)
    raise TypeError(
        f"the model has {len(names)} inputs {names}: pass a list of {len(names)} arrays "
        f"or a dict keyed by input name, shaped {expected}; got {type(x).__name__}"
    )


def _one_input(
    x: Any, name: str, shape: list[int | None], dtype: str, expected: str
) -> tuple[np.ndarray, bool]:
    # With one input its name adds nothing; with several it says which one is wrong.
    who = f"input {name!r}" if name else "the input"
    try:
        array = np.asarray(x)
    except (ValueError, TypeError) as err:
        raise TypeError(f"{who}: expected a numeric array shaped {expected}; {err}") from err
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{who}: expected numbers (shape {expected}); got dtype {array.dtype}")
    wants_int = np.dtype(dtype).kind in "iu"
    fractional = array.dtype.kind == "f" and (
        not np.all(np.isfinite(array)) or np.any(array != np.round(array))
    )
    if wants_int and fractional:
        raise TypeError(
            f"{who} takes integers ({dtype}, e.g. token ids); got "
            f"non-integer values of dtype {array.dtype}"
        )
    if array.ndim == len(shape):
        batched = False
        array = array[np.newaxis]
    elif array.ndim == len(shape) + 1:
        batched = True
    else:
        raise ValueError(
            f"{who}: expected one sample of shape {expected} or a batch of "
            f"them; got an array of shape {tuple(array.shape)}"
        )
    if array.shape[0] == 0:
        raise ValueError(f"{who}: the batch is empty; expected samples shaped {expected}")
    for got, want in zip(array.shape[1:], shape):
        if want is not None and got != want:
            raise ValueError(
                f"{who}: expected samples of shape {expected}; got {tuple(array.shape[1:])}"
            )
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ValueError(
            f"{who} contains NaN or infinite values; expected finite numbers shaped {expected}"
        )
    if array.dtype.kind == "b":
        array = array.astype(np.float32 if not wants_int else dtype)
    return array, batched
