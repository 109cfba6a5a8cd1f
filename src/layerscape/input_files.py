"""Read ``layerscape view``'s sample and labels from files: ``.npy``, ``.npz``, images.

Which arrays go to which model input:

- one ``--input`` for a one-input model: a ``.npy`` file; a ``.npz`` file holding one
  array, or ``FILE.npz:KEY`` for one of several; or an image.
- one ``.npz`` for a several-input model: an array per input, keyed by the inputs'
  names, or saved in input order without names (``np.savez(f, a, b)``: ``arr_0``,
  ``arr_1``, ...).
- several ``--input``: one per model input, in the model's input order, each read as
  for a one-input model.

An image (PNG, JPEG, ... through Pillow) is resized to the input's height and width
and converted to greyscale or RGB(A) to match its channels (channels last, or first
when only the first axis can be channels); its pixels are 0..255 times ``scale``.
Shapes and dtypes are checked afterwards by ``ModelView.predict``, with its messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .inputs import describe_expected
from .spec import GraphSpec

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
# Channels an image can be converted to, as Pillow modes.
_MODES = {1: "L", 3: "RGB", 4: "RGBA"}


class InputFileError(ValueError):
    """An input or labels file that cannot be read as given."""


@dataclass(frozen=True)
class ModelInput:
    """One model input: its name and its shape without the batch dimension."""

    name: str
    shape: tuple[int | None, ...]


def model_inputs(graph: GraphSpec) -> list[ModelInput]:
    """The model's inputs, in order, as the view's graph spec describes them."""
    nodes = {node["id"]: node for node in graph["nodes"]}
    return [ModelInput(nodes[i]["name"], tuple(nodes[i]["output_shape"])) for i in graph["inputs"]]


def parse_scale(text: str) -> float:
    """``"1/255"`` or ``"0.5"`` as a float; ``InputFileError`` for anything else."""
    try:
        value = float(Fraction(text.strip()))
    except (ValueError, ZeroDivisionError):
        raise InputFileError(
            f"--scale expects a number or a fraction such as 1/255; got {text!r}"
        ) from None
    return value


@dataclass
class Sample:
    """What ``ModelView.predict`` takes, and whether an image was among the files."""

    x: Any
    has_image: bool


def read_sample(specs: Sequence[str], inputs: Sequence[ModelInput], scale: float = 1.0) -> Sample:
    """Read ``--input`` files into what ``predict`` takes (rules in the module docstring).

    Parameters
    ----------
    specs
        The ``--input`` values: paths, ``FILE.npz:KEY`` for one array of an archive.
    inputs
        The model's inputs (:func:`model_inputs`).
    scale
        What image pixels (0..255) are multiplied by.

    Raises
    ------
    InputFileError
        For a missing or unreadable file, an unknown format, an archive whose arrays do
        not say which input they are for, a count of files that matches no rule, or an
        image for an input that is not an image; each names what was expected.
    """
    names = [i.name for i in inputs]
    if len(specs) == len(inputs):
        read = [_read_one(spec, model_input, scale) for spec, model_input in zip(specs, inputs)]
        arrays = [array for array, _ in read]
        return Sample(arrays[0] if len(arrays) == 1 else arrays, any(i for _, i in read))
    if len(specs) == 1 and _split_key(specs[0])[0].suffix.lower() == ".npz":
        return Sample(_read_archive(specs[0], inputs), False)
    raise InputFileError(
        f"the model has {len(inputs)} input{'s' if len(inputs) > 1 else ''} {names}, "
        f"shaped {describe_expected([list(i.shape) for i in inputs])}: pass one --input per "
        f"input in that order, or one .npz holding an array per input name; got "
        f"{len(specs)} --input"
    )


def _split_key(spec: str) -> tuple[Path, str | None]:
    head, sep, key = spec.rpartition(":")
    if sep and head.lower().endswith(".npz"):
        return Path(head), key
    return Path(spec), None


def _read_one(spec: str, model_input: ModelInput, scale: float) -> tuple[np.ndarray, bool]:
    path, key = _split_key(spec)
    _check_exists(path)
    suffix = path.suffix.lower()
    if suffix == ".npy":
        return _load_npy(path), False
    if suffix == ".npz":
        with _open_npz(path) as archive:
            keys = list(archive.keys())
            if key is None and len(keys) != 1:
                raise InputFileError(
                    f"{path} holds {len(keys)} arrays {keys}: say which one is the input as "
                    f"{path}:KEY"
                )
            key = key if key is not None else keys[0]
            if key not in keys:
                raise InputFileError(f"{path} has no array {key!r}; it holds {keys}")
            return archive[key], False
    if suffix in IMAGE_SUFFIXES:
        return read_image(path, model_input, scale), True
    raise InputFileError(
        f"--input expects a .npy file, a .npz file or an image (PNG, JPEG); got {path}"
    )


def _read_archive(spec: str, inputs: Sequence[ModelInput]) -> dict[str, np.ndarray] | list[Any]:
    path, key = _split_key(spec)
    names = [i.name for i in inputs]
    if key is not None:
        raise InputFileError(
            f"the model has {len(inputs)} inputs {names}: {spec} names one array; pass one "
            "--input per input, or the .npz alone with an array per input name"
        )
    _check_exists(path)
    with _open_npz(path) as archive:
        keys = list(archive.keys())
        if set(names) <= set(keys):
            return {name: archive[name] for name in names}
        positional = [f"arr_{i}" for i in range(len(names))]
        if keys == positional:
            return [archive[k] for k in positional]
        raise InputFileError(
            f"{path} holds arrays {keys}; for the model's inputs it needs one per input "
            f"name {names}, or {len(names)} saved without names (arr_0, arr_1, ...)"
        )


def _check_exists(path: Path) -> None:
    if not path.is_file():
        raise InputFileError(f"no such input file: {path}")


def _load_npy(path: Path) -> np.ndarray:
    try:
        return np.asarray(np.load(path, allow_pickle=False))
    except ValueError as err:  # object arrays need pickle, which a data file never should
        raise InputFileError(f"{path} is not a numeric .npy array: {err}") from err


class _open_npz:
    """``np.load`` of an archive, with its errors as ``InputFileError``."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> Any:
        try:
            self.archive = np.load(self.path, allow_pickle=False)
        except (ValueError, OSError) as err:
            raise InputFileError(f"{self.path} is not a .npz archive: {err}") from err
        return self.archive

    def __exit__(self, *exc: object) -> None:
        self.archive.close()


def read_image(path: Path, model_input: ModelInput, scale: float = 1.0) -> np.ndarray:
    """An image file as one sample for ``model_input``: resized to its height and width
    (an unknown one keeps the image's), in its channels, as float32 pixels (0..255)
    times ``scale``.

    Raises
    ------
    InputFileError
        Without Pillow (saying ``pip install pillow``), for a file Pillow cannot read,
        or for an input whose shape is not an image's: (H, W) or (H, W, C) with C 1, 3
        or 4 (or (C, H, W) when only the first axis can be channels).
    """
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        raise InputFileError(f"reading the image {path} needs Pillow: pip install pillow") from None
    height, width, channels, first = _image_layout(model_input)
    try:
        with Image.open(path) as image:
            image = image.convert(_MODES[channels])
            size = (width or image.width, height or image.height)
            if image.size != size:
                image = image.resize(size, Image.Resampling.BILINEAR)
            pixels = np.asarray(image, dtype=np.float32)
    except (UnidentifiedImageError, OSError) as err:
        raise InputFileError(f"cannot read {path} as an image: {err}") from err
    if pixels.ndim == 2 and len(model_input.shape) == 3:
        pixels = pixels[..., np.newaxis]
    if first:
        pixels = np.moveaxis(pixels, -1, 0)
    return pixels * np.float32(scale)


def _image_layout(model_input: ModelInput) -> tuple[int | None, int | None, int, bool]:
    """(height, width, channels, channels first) of an image input."""
    shape = model_input.shape
    if len(shape) == 2:
        return shape[0], shape[1], 1, False
    if len(shape) == 3:
        if shape[-1] in _MODES:
            return shape[0], shape[1], int(shape[-1]), False
        if shape[0] in _MODES:
            return shape[1], shape[2], int(shape[0]), True
    raise InputFileError(
        f"an image fits an input shaped (H, W) or (H, W, C) with C 1, 3 or 4; input "
        f"{model_input.name!r} is shaped {describe_expected([list(shape)])}"
    )


def read_labels(path: Path) -> list[str]:
    """Class names from a text file, one per line (blank lines at the end ignored)."""
    if not path.is_file():
        raise InputFileError(f"no such labels file: {path}")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as err:
        raise InputFileError(f"{path} is not UTF-8 text (one class name per line)") from err
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise InputFileError(f"{path} is empty; expected one class name per line")
    return [line.strip() for line in lines]
