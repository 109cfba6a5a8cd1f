"""Regenerate ``src/layerscape/data/digits.npz`` from scikit-learn's bundled digits.

The 1,797 8x8 handwritten digits (UCI "Optical Recognition of Handwritten Digits",
CC BY 4.0) ship with scikit-learn; we store them as uint8 (0..16) so the package needs
no download and no scikit-learn at run time. Run: ``python scripts/make_digits.py``.
"""

from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

digits = load_digits()
out = Path(__file__).resolve().parents[1] / "src" / "layerscape" / "data" / "digits.npz"
np.savez_compressed(
    out,
    images=digits.images.astype(np.uint8),
    labels=digits.target.astype(np.uint8),
)
print(f"wrote {out} ({out.stat().st_size} bytes, {len(digits.target)} digits)")
