"""The demo's data, model and command line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from layerscape.demo import build_lenet, load_digits


def test_digits_look_like_mnist(digits):
    x, y = digits
    assert x.shape == (1797, 28, 28, 1) and x.dtype == np.float32
    assert y.shape == (1797,) and set(np.unique(y)) == set(range(10))
    assert x.min() >= 0.0 and x.max() <= 1.0
    # A 4-pixel empty margin, ink in the middle, like MNIST's centred 20x20 digits.
    assert x[:, :4].max() == 0 and x[:, -4:].max() == 0
    assert x[:, 4:24, 4:24].mean() > 0.1


def test_digits_keep_the_8x8_originals():
    # Upsampling then averaging back over 2.5-pixel cells recovers the original scans.
    from importlib import resources

    with resources.files("layerscape").joinpath("data/digits.npz").open("rb") as f:
        small = np.load(f)["images"][:20].astype(np.float32) / 16
    x, _ = load_digits()
    big = x[:20, 4:24, 4:24, 0]
    coarse = big.reshape(20, 4, 5, 4, 5).mean(axis=(2, 4))
    fine = small.reshape(20, 4, 2, 4, 2).mean(axis=(2, 4))
    assert np.corrcoef(coarse.ravel(), fine.ravel())[0, 1] > 0.95


def test_lenet_is_tensorspace_lenet():
    model = build_lenet()
    assert model.count_params() == 61706
    assert [layer.__class__.__name__ for layer in model.layers][:3] == [
        "ZeroPadding2D",
        "Conv2D",
        "MaxPooling2D",
    ]


def test_write_demo_trains_a_real_classifier(trained_demo):
    # write_demo's page, made once per run (tests/conftest.py) and shared with the browser tests.
    path, facts = trained_demo.path, trained_demo.facts
    assert path.exists() and path.stat().st_size > 100_000
    assert facts["test_accuracy"] > 0.85
    assert 0 <= facts["predicted"] <= 9 and 0.1 <= facts["confidence"] <= 1


def test_cli_reports_what_it_wrote(tmp_path):
    out = tmp_path / "page.html"
    result = subprocess.run(
        [sys.executable, "-m", "layerscape", "demo", "--output", str(out), "--epochs", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert out.exists() and f"wrote {out.resolve()}" in result.stdout
    assert "held-out digits" in result.stdout


def test_cli_rejects_bad_arguments(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "layerscape", "demo", "--epochs", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2 and "--epochs must be at least 1" in result.stderr
