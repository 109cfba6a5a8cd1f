"""Draw the README's gallery pictures: docs/gallery/<entry>.png, one per gallery entry.

Each entry is built as ``notebooks/gallery.ipynb`` builds it (LeNet and the two example
models trained here, the classifiers untrained), saved as an offline page and
photographed in headless Chromium at the view's default size. Run from the clone's root
(about three minutes on two cores; the pictures are committed, so CI does not run it)::

    python scripts/gallery_pictures.py [OUT_DIR] [--only ENTRY ...]

``--only resnet50 inception_v3`` redraws just those entries (names as the files are).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.support: the browser the tests drive

from layerscape import ModelView  # noqa: E402
from layerscape.demo import load_digits, train_lenet  # noqa: E402
from layerscape.examples import (  # noqa: E402
    CLASSIFIERS,
    LATENT,
    build_classifier,
    decode_boxes,
    make_scenes,
    one_hot,
    picture,
    train_digit_generator,
    train_shape_detector,
)
from tests.support.chromium import launch, new_page  # noqa: E402
from tests.support.page import open_view, shoot  # noqa: E402

OUT = ROOT / "docs" / "gallery"
DIGITS = [str(d) for d in range(10)]


def lenet_view() -> ModelView:
    x, y = load_digits()
    view = ModelView(train_lenet(x[:-200], y[:-200]), labels=DIGITS)
    view.predict(x[-200:][:8])
    return view


def classifier_view(name: str) -> Callable[[], ModelView]:
    def build() -> ModelView:
        model = build_classifier(name)
        view = ModelView(model)
        view.predict(picture(*model.input_shape[1:3]) / 255.0)
        return view

    return build


def detector_view() -> ModelView:
    view = ModelView(train_shape_detector(), boxes=decode_boxes)
    view.predict(make_scenes(6, seed=20_000).images[5])  # the notebook's scene
    return view


def generator_view() -> ModelView:
    view = ModelView(train_digit_generator())
    noise = np.random.default_rng(0).standard_normal(LATENT).astype("float32")
    view.predict([noise, one_hot([7])[0]])
    return view


def entries() -> Iterator[tuple[str, Callable[[], ModelView]]]:
    yield "lenet", lenet_view
    for name in CLASSIFIERS:
        yield name, classifier_view(name)
    yield "detector", detector_view
    yield "generator", generator_view


def main(out: Path = OUT, only: Sequence[str] = ()) -> None:
    from playwright.sync_api import sync_playwright

    known = [name for name, _ in entries()]
    unknown = sorted(set(only) - set(known))
    if unknown:
        raise SystemExit(f"no gallery entries {unknown}; expected some of {known}")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = launch(playwright)
        for name, build in entries():
            if only and name not in only:
                continue
            page_path = Path(tmp) / f"{name}.html"
            build().save_html(page_path)
            page, log = new_page(browser)
            shoot(open_view(page, page_path), out / f"{name}.png", canvas_only=False)
            assert not log.problems(), f"{name}: {log.text()}"
            page.close()
            print(f"wrote {out / name}.png")
        browser.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", type=Path, default=OUT)
    parser.add_argument("--only", nargs="+", default=[], metavar="ENTRY")
    args = parser.parse_args()
    main(args.out, args.only)
