"""Write the golden fixtures the front end's tests decode: js/test/golden/.

Python is the reference for the contract: this script writes, with the package's own
code, the graph spec of the demo's LeNet (``lenet.graph.json``), one ``LSP1`` payload for
it (``lenet.payload.bin``) and what that payload holds once decoded
(``lenet.expected.json``: per section its metadata, counts of NaN and +-Inf, the sum of
its finite values and its first values), and a comparison of two fixed samples
(``lenet.compare.bin``: ``b - a`` with ``a`` and ``b`` beside it, ``samples.py``).
``js/test/golden.test.ts`` decodes the payload
with the real decoder and checks it against those facts; ``tests/test_golden.py`` fails
when the committed files are no longer what this script writes (the contract changed:
run it again and commit the result).

The activations are fixed arrays, not a model run, so the bytes do not depend on the
machine: every value is a multiple of 1/16 in [-1, 1], so a mean over channels is exact
in float32 whatever order it sums in. A few NaN and +-Inf values exercise the special
codes. Usage: ``python scripts/write_fixtures.py [OUT_DIR]`` (default: js/test/golden).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

GOLDEN = Path(__file__).resolve().parents[1] / "js" / "test" / "golden"
SEQ = 7
OPEN = ("conv2d",)
"""Layers open when the payload is made: they carry their channels (the budget is 0,
so the other feature maps send only their summaries)."""
HEAD = 6
"""How many leading values of each section the expected facts list."""


def lenet_graph() -> dict:
    """The demo LeNet's graph spec, with its digit labels."""
    import keras

    from layerscape.demo import DIGIT_LABELS, build_lenet
    from layerscape.graph import extract_graph

    keras.backend.clear_session()  # layer names count from zero: conv2d, conv2d_1, ...
    return dict(extract_graph(build_lenet(), labels=DIGIT_LABELS))


def activations(graph: dict) -> dict[str, np.ndarray]:
    """Fixed values for every node: multiples of 1/16 in [-1, 1] (inputs in [0, 1])."""
    out = {}
    for index, node in enumerate(graph["nodes"]):
        shape = [int(d) for d in node["output_shape"]]
        k = np.arange(int(np.prod(shape)), dtype=np.int64)
        codes = (k * 7 + index * 5) % 33 - 16
        if node["is_input"]:
            codes = np.abs(codes)
        values = (codes / 16).astype(np.float32).reshape(shape)
        out[node["id"]] = values
    conv = out["conv2d"].reshape(-1)  # one byte a value: the special codes
    conv[[3, 100]] = np.nan
    conv[5] = np.inf
    conv[7] = -np.inf
    out["dense"].reshape(-1)[[2, 4]] = [np.nan, -np.inf]  # float32: kept as they are
    return out


def _number(value: float) -> float | str:
    # JSON has no NaN or Infinity: name them.
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float(value)


def expected(payload: bytes) -> dict:
    """What the payload holds, read back by the Python decoder."""
    from layerscape.encode import decode_payload

    header, arrays = decode_payload(payload)
    sections = []
    for s in header["tensors"]:
        values = arrays[(s["node"], s["role"])].reshape(-1).astype(np.float64)
        finite = values[np.isfinite(values)]
        sections.append(
            {
                **{k: s[k] for k in ("node", "role", "shape", "dtype", "channels_total")},
                "reduce": s["reduce"],
                "lo": s["lo"],
                "hi": s["hi"],
                "count": int(values.size),
                "nan": int(np.isnan(values).sum()),
                "pos_inf": int(np.isposinf(values).sum()),
                "neg_inf": int(np.isneginf(values).sum()),
                "finite_sum": float(finite.sum()),
                "head": [_number(v) for v in values[:HEAD]],
            }
        )
    return {"seq": header["seq"], "bytes": len(payload), "sections": sections}


def fixtures() -> dict[str, bytes]:
    """File name -> contents, as this script writes them."""
    from layerscape.encode import encode_activations

    graph = lenet_graph()
    payload = encode_activations(graph, activations(graph), SEQ, "mean", open_ids=OPEN, budget=0)  # type: ignore[arg-type]
    return {
        "lenet.compare.bin": comparison(graph),
        "lenet.graph.json": (json.dumps(graph, indent=1) + "\n").encode(),
        "lenet.payload.bin": payload,
        "lenet.expected.json": (json.dumps(expected(payload), indent=1) + "\n").encode(),
    }


def comparison(graph: dict) -> bytes:
    """A comparison payload: ``a`` the fixed activations without the special values,
    ``b`` the same reversed (still multiples of 1/16), LeNet's conv2d open."""
    from layerscape.samples import encode_comparison

    fixed = activations(graph).items()
    a = {k: np.nan_to_num(v, nan=0.0, posinf=1.0, neginf=-1.0) for k, v in fixed}
    b = {k: v.reshape(-1)[::-1].reshape(v.shape).copy() for k, v in a.items()}
    info = {"index": 0, "kept": 3, "given": 3}
    pair = {"a": 0, "b": 2}
    return encode_comparison(graph, a, b, pair, SEQ, "mean", OPEN, budget=0, sample=info)  # type: ignore[arg-type]


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else GOLDEN
    out.mkdir(parents=True, exist_ok=True)
    for name, data in fixtures().items():
        (out / name).write_bytes(data)
        print(f"wrote {out / name} ({len(data):,} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
