"""``layerscape`` on the command line: ``layerscape demo [--output PATH] [--open]``."""

from __future__ import annotations

import argparse
import os
import webbrowser
from pathlib import Path


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
    args = parser.parse_args(argv)

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
