"""The golden fixtures in js/test/golden/ are what scripts/write_fixtures.py writes today.

The front end's tests decode those files as the contract's reference; if Python's graph
spec or payload changes, this fails until the script is run again and its output
committed (``python scripts/write_fixtures.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "js" / "test" / "golden"
NAMES = ("lenet.graph.json", "lenet.payload.bin", "lenet.expected.json", "lenet.compare.bin")


def test_committed_fixtures_are_what_the_script_writes(tmp_path):
    # A fresh interpreter: Keras names layers by how many it made before (conv2d_1, ...).
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "write_fixtures.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    stale = [
        name for name in NAMES if (tmp_path / name).read_bytes() != (GOLDEN / name).read_bytes()
    ]
    assert stale == [], (
        f"{stale} in js/test/golden/ are not what scripts/write_fixtures.py writes now: "
        "run it and commit the files (and check js/test/golden.test.ts still passes)"
    )
