"""The shipped digits as 28x28 images, split once for every example that uses them.

The images are :func:`layerscape.demo.load_digits`: scikit-learn's 1,797 8x8 scans
(bilinearly upsampled to a 20x20 digit centred in 28x28, MNIST's layout), in [0, 1].
The split is fixed so the generator, its judge and the tests agree on what was held out.
"""

from __future__ import annotations

import numpy as np

from ..demo import load_digits

HELD_OUT = 300
"""Digits kept out of every training run here (a stratified, seeded pick)."""


def load_digits28() -> tuple[np.ndarray, np.ndarray]:
    """Every shipped digit as a 28x28 image.

    Returns
    -------
    x, y
        ``x``: float32 (1797, 28, 28, 1) in [0, 1], ink bright on black;
        ``y``: int64 labels 0..9.
    """
    return load_digits()


def split_digits(
    held_out: int = HELD_OUT, seed: int = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The digits split into training and held-out sets, the same classes in each.

    Parameters
    ----------
    held_out
        How many digits to hold out, spread evenly over the ten classes.
    seed
        Seeds the shuffle within each class, so the split repeats.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        Arrays as :func:`load_digits28` returns them.
    """
    x, y = load_digits28()
    if not 10 <= held_out <= len(y) // 2:
        raise ValueError(f"held_out must be between 10 and {len(y) // 2}, got {held_out}")
    rng = np.random.default_rng(seed)
    per_class = held_out // 10
    test = np.concatenate([rng.permutation(np.flatnonzero(y == d))[:per_class] for d in range(10)])
    train = np.setdiff1d(np.arange(len(y)), test)
    return (x[train], y[train]), (x[np.sort(test)], y[np.sort(test)])


def one_hot(labels: np.ndarray | list[int], classes: int = 10) -> np.ndarray:
    """Integer labels as float32 one-hot rows of width ``classes``."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(
            f"expected a 1-D array of integer labels, got {labels.dtype} {labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"labels must lie in 0..{classes - 1}, got {labels.min()}..{labels.max()}")
    return np.eye(classes, dtype=np.float32)[labels]
