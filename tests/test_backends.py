"""Graph, capture and ModelView on the other Keras backends, where they are installed.

Keras reads KERAS_BACKEND once per process, so each backend runs the same unit tests in
a child pytest. A backend that is not installed is skipped, saying so.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SUITE = [
    "test_graph.py",
    "test_capture.py",
    "test_forward.py",
    "test_widget.py",
    "test_encode.py",
    "test_training.py",
    "test_zoo.py",
    "test_channels_first.py",
]


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_unit_suite_passes_on(backend):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed (pip install {backend}) to check that backend")
    env = {**os.environ, "KERAS_BACKEND": backend}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore",
         *[str(TESTS / name) for name in SUITE]],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    tail = result.stdout[-3000:] + result.stderr[-2000:]
    assert result.returncode == 0, f"KERAS_BACKEND={backend}:\n{tail}"
    assert " passed" in result.stdout and " failed" not in result.stdout, tail
