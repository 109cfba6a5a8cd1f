"""``layerscape`` on the command line.

``layerscape demo [--output PATH] [--open]`` trains the demo LeNet and writes its page;
``layerscape view MODEL_FILE [--input FILE] [--output PAGE.html] [--open]`` writes the
page of a saved model (loading and reading the input are ``model_files.py`` and
``input_files.py``). Errors the user can fix exit with status 2 and one line.
"""

from __future__ import annotations

import argparse
import os
import sys
import webbrowser
from pathlib import Path
from typing import Any


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="layerscape", description="A live Keras model in 3D.")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="train a LeNet on handwritten digits and write its 3D view as HTML",
    )
    demo.add_argument(
        "--output",
        "-o",
        type=Path,
        default=Path("layerscape-demo.html"),
        help="where to write the page (default: layerscape-demo.html)",
    )
    demo.add_argument("--open", action="store_true", help="open the page in a browser")
    demo.add_argument("--epochs", type=int, default=10, help="training epochs (default 10)")
    demo.add_argument(
        "--digit",
        type=int,
        default=-1,
        help="which of the 200 held-out digits to predict (default: the last)",
    )
    view = commands.add_parser(
        "view",
        help="write the 3D view of a saved Keras model (.keras, .h5, SavedModel) as HTML",
        description="Write the 3D view of a saved Keras model as one offline HTML page: "
        "its structure, and with --input the activations of every layer for that sample.",
    )
    view.add_argument(
        "model", type=Path, help="a .keras file, a legacy .h5 file or a SavedModel folder"
    )
    view.add_argument(
        "--input",
        "-i",
        action="append",
        default=[],
        metavar="FILE",
        help="the sample: .npy, .npz (FILE.npz:KEY for one of its arrays) or an image "
        "(PNG, JPEG), resized to the model's input; once per model input, in order",
    )
    view.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="PAGE.html",
        help="where to write the page (default: the model's name with .html, here)",
    )
    view.add_argument("--open", action="store_true", help="open the page in a browser")
    view.add_argument(
        "--scale",
        metavar="FACTOR",
        help="multiply image pixels (0..255) by this, e.g. 1/255 for 0..1 (default 1)",
    )
    view.add_argument(
        "--custom-objects",
        action="append",
        default=[],
        metavar="MODULE:NAME",
        help="a custom class the model uses, e.g. my_layers:Doubler (repeatable)",
    )
    view.add_argument(
        "--labels", type=Path, metavar="FILE", help="class names, one per line, for the output"
    )
    view.add_argument(
        "--unsafe",
        action="store_true",
        help="load Lambda layers' saved Python code (only for files you trust)",
    )
    args = parser.parse_args(argv)
    if args.command == "view":
        return _view(args, view)

    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1; got {args.epochs}")
    if not -200 <= args.digit < 200:
        parser.error(f"--digit must be in -200..199; got {args.digit}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from .demo import write_demo

    path, facts = write_demo(args.output, digit_index=args.digit, epochs=args.epochs)
    print(
        f"wrote {path.resolve()}: LeNet, {facts['test_accuracy']:.1%} on 200 held-out "
        f"digits; this digit is a {facts['label']}, predicted {facts['predicted']} "
        f"({facts['confidence']:.1%})"
    )
    if args.open:
        webbrowser.open(path.resolve().as_uri())
    return 0


def _view(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """``layerscape view``: load, predict if asked, write the page."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from .input_files import InputFileError, model_inputs, parse_scale, read_labels, read_sample
    from .model_files import (
        ModelFileError,
        file_size,
        import_custom_objects,
        load_model_file,
    )
    from .progress import reported_if_slow, size_text
    from .widget import ModelView

    try:
        scale = 1.0 if args.scale is None else parse_scale(args.scale)
        labels = read_labels(args.labels) if args.labels else None
        custom = import_custom_objects(args.custom_objects)
        what = f"loading {args.model.name}"
        if args.model.exists():
            what += f" ({size_text(file_size(args.model))})"
        with reported_if_slow(what):
            loaded = load_model_file(args.model, custom, safe_mode=not args.unsafe)
    except (ModelFileError, InputFileError) as err:
        parser.error(str(err))
    if loaded.note:
        print(f"note: {loaded.note}", file=sys.stderr)
    try:
        view = ModelView(loaded.model, labels=labels)
    except (TypeError, ValueError) as err:  # labels that do not fit the output
        parser.error(str(err))
    done = "its structure only (no --input)"
    if args.input:
        try:
            sample = read_sample(args.input, model_inputs(view.graph), scale)
            if args.scale is not None and not sample.has_image:
                raise InputFileError(
                    "--scale applies to image inputs; scale a .npy/.npz array before saving it"
                )
            outputs = view.predict(sample.x)
        except (TypeError, ValueError) as err:  # predict's shape errors, unreadable files
            parser.error(f"--input {' '.join(args.input)}: {err}")
        done = f"the activations for {', '.join(args.input)}{_top_class(outputs, labels)}"
    output = args.output or Path(f"{args.model.stem or 'model'}.html")
    try:
        path = view.save_html(output)
    except (OSError, ValueError) as err:
        parser.error(f"cannot write {output}: {err}")
    nodes = len(view.graph["nodes"])
    print(f"wrote {path.resolve()}: {view.graph['name']}, {nodes} nodes, {done}")
    if args.open:
        webbrowser.open(path.resolve().as_uri())
    return 0


def _top_class(outputs: Any, labels: list[str] | None) -> str:
    """``"; top class: cat"`` when the (first) output is one sample's class scores."""
    import numpy as np

    first = outputs[0] if isinstance(outputs, (list, tuple)) else outputs
    if labels is None or isinstance(first, dict):
        return ""
    scores = np.asarray(first)
    if scores.ndim != 1 or scores.shape[0] != len(labels):
        return ""
    return f"; top class: {labels[int(np.argmax(scores))]}"
