"""The trained LeNet demo page: what ``layerscape demo`` writes, made once per test session.

Training is the slow part of the demo (seconds on two cores), so one page serves every
test that needs a trained demo: the demo's own checks (accuracy, what it predicts) and
the browser tests of the exported page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .keras_names import fresh_names


@dataclass(frozen=True)
class DemoPage:
    """The page ``write_demo`` wrote and what it shows (``label``, ``predicted``,
    ``confidence``, ``test_accuracy``)."""

    path: Path
    facts: dict


def make_demo_page(folder: Path, epochs: int = 10) -> DemoPage:
    """Write the demo into ``folder`` as ``layerscape demo --output`` would (same function,
    same defaults, layer names as in a fresh process: ``conv2d``, ``dense``, ...)."""
    from layerscape.demo import write_demo

    with fresh_names():
        path, facts = write_demo(folder / "layerscape-demo.html", epochs=epochs)
    return DemoPage(path=path, facts=facts)
