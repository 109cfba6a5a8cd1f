"""Benchmark rows printed as a markdown table (the form benchmarks/README.md keeps)."""

from __future__ import annotations

from typing import Any


def print_rows(rows: list[dict[str, Any]]) -> None:
    """Print ``rows`` (dicts with the same keys, in column order) as a markdown table:
    floats to two decimals, everything else as ``str`` gives it."""
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        cells = [f"{v:.2f}" if isinstance(v, float) else str(v) for v in row.values()]
        print("| " + " | ".join(cells) + " |")
