"""Load a Keras model from a file for ``layerscape view``: ``.keras``, legacy ``.h5``, or
a SavedModel directory; and import the custom classes the user names for it.

Every failure the user can fix is a :class:`ModelFileError` whose message says what was
expected and what to do, e.g. which custom classes Keras could not find and how to pass
them. A SavedModel is not a layer graph to Keras 3: it reloads one only as a
``keras.layers.TFSMLayer``, so the view of one shows its input, that one layer and its
output, and says so (:attr:`LoadedModel.note`).
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KERAS_SUFFIXES = (".keras",)
H5_SUFFIXES = (".h5", ".hdf5")
SAVEDMODEL_ENDPOINTS = ("serve", "serving_default")
"""``model.export()`` writes ``serve``; TensorFlow's own exporters write ``serving_default``."""

# How Keras names a class it cannot find: ``.keras`` files ("Could not locate class
# 'X'") and legacy ``.h5`` files ("Unknown layer: 'X'").
_MISSING = (
    re.compile(r"Could not locate (?:class|function) '([^']+)'"),
    re.compile(r"Unknown [\w ]+: '([^']+)'"),
)


class ModelFileError(ValueError):
    """A model file (or a ``--custom-objects`` entry) that cannot be used as given."""


@dataclass
class LoadedModel:
    """A model read from a file, and what the view cannot show about it (or None)."""

    model: Any
    note: str | None = None


def import_custom_objects(specs: Sequence[str]) -> dict[str, Any]:
    """Import ``module:name`` entries; return them keyed as Keras looks them up.

    Parameters
    ----------
    specs
        Entries like ``"my_layers:Doubler"``; ``name`` may be dotted
        (``"pkg.mod:Outer.Inner"``). The current folder is importable, as with
        ``python -m``.

    Returns
    -------
    dict
        Each object under its name and under the name Keras registered it as (e.g.
        ``"my_package>Doubler"``), for ``keras.saving.load_model(custom_objects=...)``.

    Raises
    ------
    ModelFileError
        For an entry without ``:``, a module that does not exist or a missing name.
    """
    import keras

    if specs and os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    found: dict[str, Any] = {}
    for spec in specs:
        module_name, sep, attr = spec.partition(":")
        if not sep or not module_name or not attr:
            raise ModelFileError(
                f"--custom-objects expects MODULE:NAME (e.g. my_layers:Doubler); got {spec!r}"
            )
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            missing = err.name or ""
            if module_name != missing and not module_name.startswith(missing + "."):
                raise  # the module exists but one of its own imports is missing
            raise ModelFileError(
                f"--custom-objects {spec}: no module named {err.name!r} (it must be "
                "importable: on PYTHONPATH or in the current folder)"
            ) from err
        obj: Any = module
        for part in attr.split("."):
            if not hasattr(obj, part):
                classes = sorted(
                    n for n, v in vars(module).items() if isinstance(v, type) and n[0] != "_"
                )
                raise ModelFileError(
                    f"--custom-objects {spec}: module {module_name!r} has no {attr!r}; "
                    f"its classes are {classes[:12]}{' ...' if len(classes) > 12 else ''}"
                )
            obj = getattr(obj, part)
        found[attr.rsplit(".", 1)[-1]] = obj
        found[keras.saving.get_registered_name(obj)] = obj
    return found


def file_size(path: Path) -> int:
    """Bytes in ``path``: a file's size, or the total of a directory's files."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def load_model_file(
    path: Path, custom_objects: dict[str, Any] | None = None, safe_mode: bool = True
) -> LoadedModel:
    """Load the Keras model in ``path`` for viewing (not compiled: the view never trains).

    Parameters
    ----------
    path
        A ``.keras`` file, a legacy HDF5 file (``.h5``/``.hdf5``) or a SavedModel
        directory (``model.export(...)``, ``tf.saved_model.save``).
    custom_objects
        Classes the file refers to that Keras does not know (see
        :func:`import_custom_objects`).
    safe_mode
        False lets a ``.keras`` file's ``Lambda`` layers run their saved Python code:
        only for files you trust.

    Returns
    -------
    LoadedModel
        The model, and for a SavedModel a note that only its input and output are known.

    Raises
    ------
    ModelFileError
        For a missing file, an unknown format, custom classes Keras cannot find (named,
        with how to pass them), a ``Lambda`` layer in safe mode, or a file Keras cannot
        read (with Keras' reason).
    """
    custom_objects = dict(custom_objects or {})
    if not path.exists():
        raise ModelFileError(f"no such model file: {path}")
    if path.is_dir():
        return _load_savedmodel(path)
    suffix = path.suffix.lower()
    if suffix not in KERAS_SUFFIXES + H5_SUFFIXES:
        raise ModelFileError(
            f"expected a .keras file, a legacy .h5/.hdf5 file or a SavedModel directory; got {path}"
        )
    import keras

    try:
        model = keras.saving.load_model(
            path, custom_objects=custom_objects, compile=False, safe_mode=safe_mode
        )
    except Exception as err:
        raise _why_not_loaded(path, err, custom_objects) from err
    return LoadedModel(model)


def _why_not_loaded(path: Path, err: Exception, custom_objects: dict[str, Any]) -> ModelFileError:
    messages = [str(e) for e in _chain(err)]
    missing = _missing_classes(path, messages, custom_objects)
    if missing:
        listed = ", ".join(
            f"{name} (module {module!r})" if module else name for name, module in missing
        )
        example = " ".join(
            f"--custom-objects {module or 'MODULE'}:{name}" for name, module in missing
        )
        return ModelFileError(
            f"{path.name} uses custom classes that Keras cannot find: {listed}. Pass each "
            f"as --custom-objects MODULE:NAME, where MODULE defines it and is importable "
            f"(on PYTHONPATH or in the current folder): {example}"
        )
    if any("safe_mode" in m for m in messages):
        return ModelFileError(
            f"{path.name} has a Lambda layer whose Python code Keras does not load in safe "
            "mode; pass --unsafe if you trust the file"
        )
    first = next((m for m in messages if m.strip()), type(err).__name__)
    reason = first.strip().splitlines()[0]
    if len(reason) > 300:
        reason = reason[:300] + " ..."
    return ModelFileError(f"could not load {path} as a Keras model: {reason}")


def _chain(err: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _missing_classes(
    path: Path, messages: list[str], custom_objects: dict[str, Any]
) -> list[tuple[str, str | None]]:
    """(class name, module it came from if the file says) for every class the file
    uses that neither Keras nor ``custom_objects`` provides: the one Keras' error names
    first, then the others the file's config shows. Empty when Keras' error names none."""
    named = [
        m.group(1) for text in messages for pattern in _MISSING for m in pattern.finditer(text)
    ]
    if not named:
        return []
    in_config = _custom_classes_in(path, custom_objects)
    found: dict[str, str | None] = {}
    for name in named:
        short = name.rsplit(">", 1)[-1]  # "package>Name" for a registered class
        found[short] = next((module for n, module in in_config if n == short), None)
    for name, module in in_config:
        found.setdefault(name, module)
    return list(found.items())


def _custom_classes_in(path: Path, custom_objects: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(class name, module) of the layer classes in the file's saved config that Keras
    does not provide and ``custom_objects`` does not hold; empty if the config cannot
    be read."""
    import keras

    try:
        config = _saved_config(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return []
    found: list[tuple[str, str | None]] = []
    for entry in _layer_entries(config):
        class_name = entry["class_name"]
        registered = entry.get("registered_name") or class_name
        if registered in custom_objects or class_name in custom_objects:
            continue
        if keras.saving.get_registered_object(registered) is not None:
            continue
        module = entry.get("module")
        if "module" in entry:  # a .keras config says where each class comes from
            if module is not None and module.split(".")[0] in {"keras", "builtins"}:
                continue
        elif hasattr(keras.layers, class_name) or class_name in {"Functional", "Sequential"}:
            continue  # a legacy .h5 config names classes only; Keras' own are in keras.layers
        short = registered.rsplit(">", 1)[-1]
        if short not in (name for name, _ in found):
            found.append((short, module))
    return found


def _saved_config(path: Path) -> Any:
    if path.suffix.lower() in KERAS_SUFFIXES:
        with zipfile.ZipFile(path) as archive:
            return json.loads(archive.read("config.json"))
    import h5py

    with h5py.File(path, "r") as f:
        raw = f.attrs["model_config"]
    return json.loads(raw.decode() if isinstance(raw, bytes) else raw)


def _layer_entries(config: Any) -> Iterator[dict[str, Any]]:
    """The model and every serialized layer in a saved config, at any depth: in
    ``layers`` lists (nested models too) and in wrappers (``layer``, ``cell``)."""
    if isinstance(config, list):
        for item in config:
            yield from _layer_entries(item)
        return
    if not isinstance(config, dict):
        return
    inner = config.get("config")
    if not isinstance(config.get("class_name"), str) or not isinstance(inner, dict):
        return
    yield config
    for key in ("layers", "layer", "backward_layer", "forward_layer", "cell", "cells"):
        if key in inner:
            yield from _layer_entries(inner[key])


def _load_savedmodel(path: Path) -> LoadedModel:
    import keras

    if not (path / "saved_model.pb").exists():
        raise ModelFileError(
            f"{path} is a folder without saved_model.pb: expected a SavedModel directory, "
            "a .keras file or a legacy .h5 file"
        )
    if keras.backend.backend() != "tensorflow":
        raise ModelFileError(
            f"{path} is a SavedModel, which Keras loads only with the TensorFlow backend "
            f"(KERAS_BACKEND=tensorflow); the backend is {keras.backend.backend()!r}"
        )
    layer, tried = None, []
    for endpoint in SAVEDMODEL_ENDPOINTS:
        try:
            layer = keras.layers.TFSMLayer(str(path), call_endpoint=endpoint, name="saved_model")
            break
        except ValueError as err:
            tried.append(f"{endpoint!r}: {str(err).splitlines()[0]}")
    if layer is None:
        raise ModelFileError(f"{path}: found none of the endpoints {tried}")
    specs = _endpoint_inputs(layer.call_endpoint_fn)
    if len(specs) != 1:
        raise ModelFileError(
            f"{path}: its {layer.call_endpoint!r} endpoint takes {len(specs)} inputs; a "
            "SavedModel can be viewed only with one. Save the Keras model with "
            'model.save("x.keras") and view that file'
        )
    spec = specs[0]
    if not hasattr(spec, "shape"):  # a nested structure of tensors, not one tensor
        raise ModelFileError(
            f"{path}: its {layer.call_endpoint!r} endpoint takes a structure of tensors; a "
            "SavedModel can be viewed only with one input tensor. Save the Keras model with "
            'model.save("x.keras") and view that file'
        )
    shape = tuple(spec.shape)[1:]
    inputs = keras.Input(shape=shape, dtype=spec.dtype.name, name="input")
    outputs = layer(inputs)
    if isinstance(outputs, dict) and len(outputs) == 1:
        outputs = next(iter(outputs.values()))
    model = keras.Model(inputs, outputs, name=path.name)
    note = (
        f"{path.name} is a SavedModel: Keras 3 reloads it only as one TFSMLayer, so the "
        "view shows its input and output and not its layers. To see them, save the Keras "
        'model with model.save("x.keras") and view that file'
    )
    return LoadedModel(model, note)


def _endpoint_inputs(fn: Any) -> list[Any]:
    """The TensorSpecs an endpoint takes: a restored ``tf.function`` keeps them in
    ``input_signature``, a signature in ``structured_input_signature`` (keyword only)."""
    signature = getattr(fn, "input_signature", None)
    if signature is not None:
        return list(signature)
    args, kwargs = fn.structured_input_signature
    return list(args) + list(kwargs.values())
