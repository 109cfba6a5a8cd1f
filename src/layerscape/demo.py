"""The demo: a LeNet trained in seconds on real handwritten digits, shown in 3D.

The digits are scikit-learn's 1,797 8x8 scans (UCI optdigits, CC BY 4.0), shipped in
``data/digits.npz`` and upsampled to MNIST's 28x28 layout (a 20x20 digit centred with a
4-pixel margin), so nothing is downloaded.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

DIGIT_LABELS = [str(d) for d in range(10)]


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Return the shipped digits as MNIST-like images.

    Returns
    -------
    x, y
        ``x``: float32 of shape (1797, 28, 28, 1) in [0, 1], ink bright on black;
        ``y``: int64 labels 0..9.
    """
    with resources.files("layerscape").joinpath("data/digits.npz").open("rb") as f:
        data = np.load(f)
        images, labels = data["images"], data["labels"]
    small = images.astype(np.float32) / 16.0
    big = _resize(small, 20)
    x = np.zeros((len(big), 28, 28, 1), dtype=np.float32)
    x[:, 4:24, 4:24, 0] = big
    return x, labels.astype(np.int64)


def _resize(images: np.ndarray, size: int) -> np.ndarray:
    """Bilinear resize of (N, h, w) images to (N, size, size)."""
    _, h, w = images.shape
    rows = _interpolation_matrix(h, size)
    cols = _interpolation_matrix(w, size)
    out = np.einsum("ij,njk,lk->nil", rows, images, cols)
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def _interpolation_matrix(n_in: int, n_out: int) -> np.ndarray:
    # Pixel centres of the output mapped onto the input grid (align_corners=False).
    pos = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
    pos = np.clip(pos, 0, n_in - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    frac = pos - lo
    m = np.zeros((n_out, n_in), dtype=np.float32)
    m[np.arange(n_out), lo] += 1 - frac
    m[np.arange(n_out), hi] += frac
    return m


def build_lenet():
    """LeNet-5 as in TensorSpace's hello world: 28x28x1 in, 10 softmax units out."""
    import keras

    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            keras.layers.ZeroPadding2D(2),
            keras.layers.Conv2D(6, 5, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(16, 5, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(120, activation="relu"),
            keras.layers.Dense(84, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="lenet",
    )


def train_lenet(
    x: np.ndarray | None = None,
    y: np.ndarray | None = None,
    epochs: int = 10,
    seed: int = 0,
):
    """Train :func:`build_lenet` on the digits (all but the last 200 by default).

    Parameters
    ----------
    x, y
        Training images (N, 28, 28, 1) and labels; the shipped digits when omitted.
    epochs
        Passes over the data; 10 reach about 90 % on the 200 held-out digits in a few
        seconds on two CPU cores.
    seed
        Seeds Keras so runs repeat.

    Returns
    -------
    keras.Model
        The trained model.
    """
    import keras

    if x is None or y is None:
        x_all, y_all = load_digits()
        x, y = x_all[:-200], y_all[:-200]
    keras.utils.set_random_seed(seed)
    model = build_lenet()
    model.compile(
        optimizer=keras.optimizers.Adam(2e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    return model


def write_demo(output: Path, digit_index: int = -1, epochs: int = 10) -> tuple[Path, dict]:
    """Train the LeNet, predict one held-out digit and save the view as HTML.

    Returns
    -------
    path, facts
        The page written, and what it shows: ``label``, ``predicted``, ``confidence``,
        ``test_accuracy`` (on the 200 held-out digits).
    """
    from .widget import ModelView

    x, y = load_digits()
    model = train_lenet(x[:-200], y[:-200], epochs=epochs)
    x_test, y_test = x[-200:], y[-200:]
    accuracy = float(np.mean(np.argmax(model.predict(x_test, verbose=0), -1) == y_test))
    view = ModelView(model, labels=DIGIT_LABELS)
    probs = view.predict(x_test[digit_index])
    path = view.save_html(output, title="layerscape demo: LeNet on handwritten digits")
    facts = {
        "label": int(y_test[digit_index]),
        "predicted": int(np.argmax(probs)),
        "confidence": float(np.max(probs)),
        "test_accuracy": accuracy,
    }
    return path, facts
