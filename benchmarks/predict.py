"""What one ``view.predict`` costs, measured side by side with the alternatives.

For each model, in one run on the same machine:

- ``model(x)``: the bare forward pass, the floor;
- ``capture``: layerscape's one pass that keeps every node's output;
- ``probe``: the converter-style alternative, a multi-output ``keras.Model`` over every
  layer's output (built once, outside the timing; cannot see nested models' layers);
- ``predict``: the whole ``ModelView.predict`` (validation, capture, encoding, sync).

and what crosses the wire per prediction: the LSP1 payload against the same
activations as raw float32 and as a JSON list of numbers, and how many feature maps
got their channels within the payload's channel budget (the rest send their summary).

Run: ``python -m benchmarks.predict`` (add ``--quick`` for LeNet only). Figures to
trust are the ratios within one run; absolute times vary on shared machines.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np

from benchmarks.table import print_rows
from layerscape import ModelView
from layerscape.capture import run_with_activations
from layerscape.demo import build_lenet
from layerscape.encode import decode_payload
from layerscape.graph import plan_model


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm up: tracing, allocation
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench(name: str, model: keras.Model, repeat: int) -> dict[str, float | str]:
    shape = tuple(int(d) for d in model.inputs[0].shape[1:])
    x = np.random.default_rng(0).random((1, *shape), dtype=np.float32)
    plan = plan_model(model)
    view = ModelView(model)
    probe = keras.Model(model.inputs, [layer.output for layer in model.layers])

    bare = _median_ms(lambda: keras.ops.convert_to_numpy(model(x)), repeat)
    capture = _median_ms(lambda: run_with_activations(plan, [x]), repeat)
    probing = _median_ms(lambda: [keras.ops.convert_to_numpy(y) for y in probe([x])], repeat)
    whole = _median_ms(lambda: view.predict(x[0]), repeat)

    header, _ = decode_payload(view._payload)
    maps = {s["node"] for s in header["tensors"] if s["role"] == "summary"}
    openable = {s["node"] for s in header["tensors"] if s["role"] == "full"} & maps
    activations = view.activations
    raw = sum(a.size * 4 for a in activations.values())
    as_json = len(json.dumps({k: a.ravel().tolist() for k, a in activations.items()}))
    return {
        "model": name,
        "nodes": len(view.graph["nodes"]),
        "model(x) ms": bare,
        "capture ms": capture,
        "probe ms": probing,
        "predict ms": whole,
        "capture/model": capture / bare,
        "probe/model": probing / bare,
        "payload KiB": len(view._payload) / 1024,
        "maps with channels": f"{len(openable)}/{len(maps)}",
        "float32 KiB": raw / 1024,
        "JSON KiB": as_json / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="LeNet only")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    keras.utils.set_random_seed(0)
    models = [("LeNet-5 (28x28x1)", build_lenet())]
    if not args.quick:
        models += [
            (
                "MobileNetV3Small (96x96x3)",
                keras.applications.MobileNetV3Small(weights=None, input_shape=(96, 96, 3)),
            ),
            (
                "ResNet50 (128x128x3)",
                keras.applications.ResNet50(weights=None, input_shape=(128, 128, 3)),
            ),
        ]
    rows = [bench(name, model, args.repeat) for name, model in models]
    print_rows(rows)


if __name__ == "__main__":
    main()
