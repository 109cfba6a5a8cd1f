"""What watching a model learn costs: ``fit`` with and without the view's callback.

    python -m benchmarks.training                 # kernel side and the exported page
    python -m benchmarks.training --rounds 7 --epochs 3 --no-page

LeNet is trained on the shipped digits (1,800 images, batch 32). Each round fits once
plainly, once with ``view.training_callback(x_probe, every=...)`` for each of
``"auto"``, ``"epoch"`` and ``"batch"``, and once with a do-nothing batch callback
(``noop``, for reference), in an order that rotates from round to round;
every fit starts from the same initial weights. The figure to trust is the median,
over rounds, of (fit with the callback) / (the plain fit of the same round): both
measured side by side on the same machine state. Also printed: redraws per second of
training and bytes per redraw (every comm message a redraw sends: payload and history).

The exported training page (``save_html`` after a ``fit`` with the callback) is then
opened in headless Chromium: bytes per frame, page start to the first frame drawn,
and scrubbing (ms from the slider's input event to the end of the frame that shows the
chosen step, as the view reports it), median over many moves.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np

from layerscape import ModelView
from layerscape.demo import build_lenet, load_digits
from tests.support.wire import metered

MODES: tuple[Any, ...] = ("auto", "epoch", "batch", "noop")
"""``"noop"``: a callback that does nothing after each batch, for reference: any
batch-level callback turns off Keras' asynchronous callback dispatch, which on its own
changes the time of a fit."""


class NoopCallback(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        pass


TARGET = "auto <= 1.05 x plain fit"


def fit_once(model: keras.Model, start: list[np.ndarray], x, y, epochs: int, callbacks) -> float:
    model.set_weights(start)
    began = time.perf_counter()
    model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, callbacks=callbacks)
    return time.perf_counter() - began


def kernel_side(rounds: int, epochs: int) -> dict[str, dict[str, float]]:
    """Median ratio to the plain fit, redraws per second and bytes per redraw, per mode."""
    x, y = load_digits()
    keras.utils.set_random_seed(0)
    model = build_lenet()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    start = model.get_weights()
    view = ModelView(model, labels=[str(d) for d in range(10)])
    fit_once(model, start, x[:256], y[:256], 1, [])  # compile the train step once
    ratios: dict[str, list[float]] = {m: [] for m in MODES}
    rates: dict[str, list[float]] = {m: [] for m in MODES}
    sizes: dict[str, list[float]] = {m: [] for m in MODES}
    runs: tuple[Any, ...] = (None, *MODES)  # None: the plain fit
    for r in range(rounds):
        order = runs[r % len(runs) :] + runs[: r % len(runs)]
        took: dict[Any, float] = {}
        for mode in order:
            if mode is None:
                took[None] = fit_once(model, start, x, y, epochs, [])
                continue
            if mode == "noop":
                took[mode] = fit_once(model, start, x, y, epochs, [NoopCallback()])
                continue
            view.clear_history()
            callback = view.training_callback(x[-1], every=mode)
            with metered(view) as wire:
                took[mode] = fit_once(model, start, x, y, epochs, [callback])
            rates[mode].append(callback.redraws / took[mode])
            sizes[mode].append(wire.bytes / max(1, callback.redraws))
        for mode in MODES:
            ratios[mode].append(took[mode] / took[None])
    return {
        m: {
            "ratio": statistics.median(ratios[m]),
            "redraws_per_s": statistics.median(rates[m]) if rates[m] else 0.0,
            "bytes_per_redraw": statistics.median(sizes[m]) if sizes[m] else 0.0,
        }
        for m in MODES
    }


def training_page(folder: Path, epochs: int) -> tuple[Path, int, int]:
    """A LeNet run recorded every 4 batches, exported; and how many frames it holds."""
    x, y = load_digits()
    keras.utils.set_random_seed(0)
    model = build_lenet()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    view = ModelView(model, labels=[str(d) for d in range(10)])
    callback = view.training_callback(x[-1], every=4)
    model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, callbacks=[callback])
    path = view.save_html(folder / "training.html")
    frame_bytes = sum(len(f) * 4 // 3 for f in view._recording.frames)  # base64 in the page
    return path, view.recorded_frames, frame_bytes


def page_side(path: Path, frames: int, moves: int = 30) -> dict[str, float]:
    """First frame and scrubbing times of an exported training page, in Chromium."""
    from playwright.sync_api import sync_playwright

    from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 640})
        page.goto(path.as_uri())
        page.wait_for_selector('.layerscape[data-state="ready"]', timeout=60_000)
        first = page.evaluate(
            "() => document.querySelector('.layerscape').__layerscape.timings().firstDataFrame"
        )
        times = []
        rng = np.random.default_rng(0)
        for target in rng.integers(0, frames, size=moves):
            ms = page.evaluate(
                """(i) => new Promise((done) => {
                    const root = document.querySelector('.layerscape');
                    const slider = root.querySelector('input[type=range]');
                    const now = Number(root.dataset.frame);
                    slider.value = String(i === now ? (i + 1) % (Number(slider.max) + 1) : i);
                    slider.dispatchEvent(new Event('input', { bubbles: true }));
                    const wait = () => {
                        const api = root.__layerscape;
                        const ms = api.timings().scrubToFrame;
                        if (ms !== null && !api.pending()) done(ms);
                        else requestAnimationFrame(wait);
                    };
                    requestAnimationFrame(wait);
                })""",
                int(target),
            )
            times.append(float(ms))
        browser.close()
    return {"first_frame_ms": float(first), "scrub_ms": statistics.median(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--no-page", action="store_true", help="skip the exported page")
    args = parser.parse_args()
    print(f"LeNet on the digits, {args.epochs} epochs per fit, {args.rounds} rounds; {TARGET}")
    print(f"{'every':>7} {'fit ratio':>10} {'redraws/s':>10} {'bytes/redraw':>13}")
    for mode, figures in kernel_side(args.rounds, args.epochs).items():
        print(
            f"{mode:>7} {figures['ratio']:>10.3f} {figures['redraws_per_s']:>10.1f}"
            f" {figures['bytes_per_redraw']:>13,.0f}"
        )
    if args.no_page:
        return
    with tempfile.TemporaryDirectory() as folder:
        path, frames, frame_bytes = training_page(Path(folder), args.epochs)
        size = path.stat().st_size
        page = page_side(path, frames)
    print(
        f"exported page: {frames} frames, {size:,} bytes in all, "
        f"{frame_bytes / frames:,.0f} bytes per frame (base64)"
    )
    print(f"first frame {page['first_frame_ms']:.0f} ms, scrub -> frame {page['scrub_ms']:.1f} ms")


if __name__ == "__main__":
    main()
