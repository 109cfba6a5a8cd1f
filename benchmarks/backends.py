"""``view.predict`` against ``model(x)`` on each Keras backend, side by side.

Keras reads ``KERAS_BACKEND`` once per process, so each backend runs in a child
process of its own. Per backend and model, one sample: the first ``predict`` (which on
JAX compiles the pass), then ``model(x)`` and ``view.predict(x)`` interleaved, the
median of ``--repeat`` each after a warm-up.

Run: ``python -m benchmarks.backends`` (``--quick``: LeNet only). Trust the ratios
measured in one run; absolute times vary on shared machines.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

from benchmarks.table import print_rows

BACKENDS = ["tensorflow", "jax", "torch"]


def _child(quick: bool, repeat: int) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import numpy as np

    from layerscape import ModelView
    from layerscape.demo import build_lenet

    keras.utils.set_random_seed(0)
    models = [("LeNet-5 28x28x1", build_lenet)]
    if not quick:
        models.append(("ResNet50 224x224x3", lambda: keras.applications.ResNet50(weights=None)))
    for name, build in models:
        model = build()
        shape = tuple(int(d) for d in model.inputs[0].shape[1:])
        x = np.random.default_rng(0).random(shape, dtype=np.float32)
        view = ModelView(model)
        start = time.perf_counter()
        view.predict(x)
        first = time.perf_counter() - start
        keras.ops.convert_to_numpy(model(x[None], training=False))  # warm-up
        view.predict(x)
        bare, whole = [], []
        for _ in range(repeat):
            start = time.perf_counter()
            keras.ops.convert_to_numpy(model(x[None], training=False))
            bare.append(time.perf_counter() - start)
            start = time.perf_counter()
            view.predict(x)
            whole.append(time.perf_counter() - start)
        b, w = statistics.median(bare) * 1000, statistics.median(whole) * 1000
        row = {
            "backend": keras.backend.backend(),
            "model": name,
            "model(x) ms": b,
            "predict ms": w,
            "predict/model": w / b,
            "first predict s": first,
        }
        print("ROW " + json.dumps(row), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="LeNet only")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--backends", nargs="+", default=BACKENDS, choices=BACKENDS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.quick, args.repeat)
        return
    rows = []
    for backend in args.backends:
        if importlib.util.find_spec(backend) is None:
            print(f"{backend}: not installed, skipped", file=sys.stderr)
            continue
        command = [sys.executable, "-m", "benchmarks.backends", "--child"]
        command += ["--repeat", str(args.repeat)] + (["--quick"] if args.quick else [])
        done = subprocess.run(
            command,
            env={**os.environ, "KERAS_BACKEND": backend},
            capture_output=True,
            text=True,
            check=True,
        )
        rows += [json.loads(line[4:]) for line in done.stdout.splitlines() if line[:4] == "ROW "]
    print_rows(rows)


if __name__ == "__main__":
    main()
