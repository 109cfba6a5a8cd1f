"""Check what the user passes to a view: ``predict``'s inputs, labels and layer ids.

Every failure names what was expected (the input shape, the output's units, the ids
that exist), so the message alone tells the user what to pass instead.
"""

from __future__ import annotations

import difflib
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
    if isinstance(x, Mapping):
        _check_keys(x, names, expected)
        return [x[n] for n in names]
    if len(names) == 1:
        return [x]
    if isinstance(x, Sequence) and not isinstance(x, (str, bytes)) and len(x) == len(names):
        return list(x)
    raise TypeError(
        f"the model has {len(names)} inputs {names}: pass a list of {len(names)} arrays "
        f"or a dict keyed by input name, shaped {expected}; got {type(x).__name__}"
    )


def _check_keys(x: Mapping, names: list[str], expected: str) -> None:
    """A dict of inputs must name each input once and nothing else."""
    missing = [n for n in names if n not in x]
    unknown = sorted(str(k) for k in x if k not in names)
    wrong = [f"it lacks {missing}"] if missing else []
    if unknown:
        wrong.append(f"it has keys the model does not take: {unknown}")
    if wrong:
        raise TypeError(
            f"expected a dict keyed by the model's input names {names}, shaped {expected}; "
            + "; ".join(wrong)
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
        raise TypeError(
            f"{who}: expected numbers ({dtype}) shaped {expected}; got dtype {array.dtype}"
        )
    wants_int = np.dtype(dtype).kind in "iu"
    fractional = array.dtype.kind == "f" and (
        not np.all(np.isfinite(array)) or np.any(array != np.round(array))
    )
    if wants_int and fractional:
        raise TypeError(
            f"{who} takes integers ({dtype}, e.g. token ids) shaped {expected}; got "
            f"non-integer values of dtype {array.dtype}, shape {tuple(array.shape)}"
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


def numeric(x: Any) -> np.ndarray:
    """``x`` as a numpy array of numbers (bool, int or float), else ``TypeError``."""
    array = np.asarray(x)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"expected numeric arrays for the model's input; got dtype {array.dtype}")
    return array


def check_labels(shape: Any, labels: Any) -> list[str] | None:
    """Labels as strings, checked against the output's per-sample ``shape`` if known."""
    if labels is None:
        return None
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
        raise TypeError(f"labels must be a list of strings; got {type(labels).__name__}")
    labels = [str(label) for label in labels]
    if shape is None:
        return labels
    shape = tuple(shape)
    if len(shape) != 1 or shape[0] != len(labels):
        raise ValueError(
            f"got {len(labels)} labels, but the model's output has shape {shape}: "
            "labels need a rank-1 output with one unit per label"
        )
    return labels


def means_all(layer_ids: tuple[str, ...]) -> bool:
    """``expand()``/``expand("all")`` (and the same for ``collapse``) mean every layer."""
    return not layer_ids or layer_ids == ("all",)


def check_layer_id(layer_id: object, ids: list[str]) -> str:
    """``layer_id`` if it is one of ``ids`` (for ``fly_to``); else the closest ones in
    a ``ValueError``, or a ``TypeError`` for a non-string."""
    if not isinstance(layer_id, str):
        raise TypeError(f"fly_to expects a layer id (str), got {type(layer_id).__name__}")
    if layer_id not in ids:
        close = difflib.get_close_matches(layer_id, ids, n=5, cutoff=0.5)
        hint = (
            f"; did you mean {', '.join(repr(i) for i in close)}?"
            if close
            else f"; its layers are {ids[:8]}{' ...' if len(ids) > 8 else ''}"
        )
        raise ValueError(f"fly_to: {layer_id!r} is not a layer of this model{hint}")
    return layer_id


def check_openable(layer_ids: tuple[str, ...], openable: list[str], ids: list[str]) -> list[str]:
    """``layer_ids`` as a list if every one opens; else a ``ValueError`` saying whether
    they are layers that do not open or not layers at all, and which ones open."""
    return check_layer_ids(layer_ids, openable, ids, "open", "open")


def check_layer_ids(
    layer_ids: tuple[str, ...], allowed: list[str], ids: list[str], verb: str, what: str
) -> list[str]:
    """``layer_ids`` as a list if each is one of ``allowed``; else a ``ValueError``
    naming the wrong ones, whether they are layers of the model at all, and which
    layers ``what`` (e.g. "open", "have weights")."""
    wrong = [i for i in layer_ids if i not in allowed]
    if wrong:
        known = set(ids)
        in_model = all(isinstance(i, str) and i in known for i in wrong)
        where = f"layers that do not {what} in" if in_model else "not layers of"
        more = " ..." if len(allowed) > 12 else ""
        raise ValueError(
            f"cannot {verb} {wrong}: {where} this model; the layers that {what} are "
            f"{allowed[:12]}{more}"
        )
    return list(layer_ids)
