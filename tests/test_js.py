"""The front end's own checks: TypeScript types and the vitest unit tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parents[1] / "js"


def _npm(*args: str) -> subprocess.CompletedProcess[str]:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not installed: the front-end tests need Node 20 and npm")
    if not (JS / "node_modules").exists():
        pytest.fail("js/node_modules is missing: run `npm ci` in js/ first")
    return subprocess.run([npm, *args], cwd=JS, capture_output=True, text=True, timeout=600)


def test_typescript_types_check():
    result = _npm("run", "typecheck")
    assert result.returncode == 0, result.stdout + result.stderr


def test_vitest_unit_tests_pass():
    result = _npm("test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed" in result.stdout and "failed" not in result.stdout.split("Tests")[-1]
