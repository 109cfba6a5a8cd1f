"""Where things are: the repository, and where browser tests leave their artifacts."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The clone's root (``pyproject.toml``, ``notebooks/``, ``tests/``)."""

ARTIFACTS_ROOT = Path(os.environ.get("LAYERSCAPE_ARTIFACTS", REPO_ROOT / "test-artifacts" / "e2e"))
"""One folder per browser test (screenshots, console log); ``LAYERSCAPE_ARTIFACTS`` moves it."""
