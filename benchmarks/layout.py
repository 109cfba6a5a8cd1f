"""How long the front end takes to lay out and first draw big real graphs.

For ResNet50, InceptionV3 and NASNetLarge (1,041 layers), built offline by
``keras.applications`` (``weights=None``, small inputs), the view is saved as an offline
page with one prediction and opened in headless Chromium (WebGL2 through SwiftShader on
the CPU). The page itself reports, through ``performance.measure`` entries:

- ``layout ms``: ``layoutGraph`` (layering, crossing reduction, placement, edge routes);
- ``build ms``: the whole scene build (layout, every layer's visual, edges, labels);
- ``first frame ms``: from the start of the build to its first frame drawn;
- ``relayout ms``: ``layoutGraph`` again when a layer opens (the topology is reused);

and ``ready ms`` is from navigation to ``data-state="ready"`` (parsing the page and the
bundle, decoding the payload, building, first frame).

A second table says how much of the view a big model fills: for ResNet50, InceptionV3,
NASNetLarge and LeNet from ``benchmarks/models.py`` (their real input sizes), the closed
view after one predict at the default size (1280x560), the share of the canvas's pixels
that are drawn (not the background colour), and whether every visible caption is on
screen, none overlaps another, none runs into another layer's box or hangs away from its
own (``caption_box_problems``), and how many folded blocks drawn show no caption.
Unfolded always; folded (``ModelView(model, fold="auto")``) where ``ModelView`` takes
``fold``, else "n/a (no folding)".

Run: ``python -m benchmarks.layout`` (needs ``/usr/bin/chromium`` and a built bundle;
a few minutes, most of it Keras building the models). ``--screenshots DIR`` also saves
a picture of each view; ``--fill-only`` / ``--timings-only`` print one table.
"""

from __future__ import annotations

import argparse
import inspect
import os
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
from playwright.sync_api import sync_playwright

from benchmarks import models as zoo
from layerscape import ModelView
from tests.support.page import (
    caption_box_problems,
    label_problems,
    open_view,
    shoot,
    uncaptioned_blocks,
    visible_labels,
)
from tests.support.pixels import drawn_fraction

CHROMIUM_ARGS = [
    "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    "--disable-gpu-sandbox", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

MODELS = {
    "ResNet50 64": lambda: keras.applications.ResNet50(weights=None, input_shape=(64, 64, 3)),
    "InceptionV3 96": lambda: keras.applications.InceptionV3(weights=None, input_shape=(96, 96, 3)),
    "NASNetLarge 96": lambda: keras.applications.NASNetLarge(weights=None, input_shape=(96, 96, 3)),
}

API = "document.querySelector('.layerscape').__layerscape"
MEASURES = """() => Object.fromEntries(
  ["layerscape:layout", "layerscape:build", "layerscape:first-frame", "layerscape:relayout"]
    .map((n) => [n, performance.getEntriesByName(n).at(-1)?.duration ?? null]))"""


def save_view(name: str, folder: Path) -> tuple[Path, int, int, str]:
    """Build the model, predict once, save the page; returns it with node/edge counts."""
    keras.utils.set_random_seed(0)
    model = MODELS[name]()
    view = ModelView(model)
    shape = tuple(int(d) for d in model.inputs[0].shape[1:])
    view.predict(np.random.default_rng(0).random(shape, dtype=np.float32))
    graph = view.graph
    openable = next(n["id"] for n in graph["nodes"] if n["family"] == "feature_map")
    path = view.save_html(folder / f"{name.split()[0].lower()}.html")
    return path, len(graph["nodes"]), len(graph["edges"]), openable


def bench(browser, name: str, path: Path, openable: str, shots: Path | None) -> dict[str, object]:
    page = browser.new_page(viewport={"width": 1400, "height": 800})
    page.goto(path.as_uri(), wait_until="load")
    done = '.layerscape[data-state="ready"], .layerscape[data-state="error"]'
    page.locator(done).wait_for(timeout=120_000)
    ready = page.evaluate("performance.now()")
    state = page.locator(".layerscape").get_attribute("data-state")
    if state != "ready":
        raise RuntimeError(f"{name}: {page.locator('.layerscape').inner_text()[:300]}")
    figures = page.evaluate(MEASURES)
    if shots is not None:
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / f"{path.stem}.png"))
    page.evaluate(f"{API}.toggle({openable!r})")
    page.wait_for_timeout(600)
    relayout = page.evaluate(MEASURES)["layerscape:relayout"]
    page.close()
    fmt = lambda v: "-" if v is None else round(v, 1)  # noqa: E731
    return {
        "layout ms": fmt(figures["layerscape:layout"]),
        "build ms": fmt(figures["layerscape:build"]),
        "first frame ms": fmt(figures["layerscape:first-frame"]),
        "relayout ms": fmt(relayout),
        "ready ms": round(ready),
    }


# ------------------------------------------------------------------------ fill

FILL_MODELS = ["resnet50", "inceptionv3", "nasnetlarge", "lenet"]
# The view's default size: the widget is 560 px tall (a saved page's view fills the page).
VIEW_WIDTH, VIEW_HEIGHT = 1280, 560


def folds() -> bool:
    """Whether this ``ModelView`` can fold blocks (takes ``fold=``, as a named parameter
    or among the options it declares)."""
    if "fold" in inspect.signature(ModelView.__init__).parameters:
        return True
    try:
        from layerscape.options import ViewOptions
    except ImportError:  # a tree from before the options were declared
        return False
    return "fold" in ViewOptions.__annotations__


def save_fill_page(name: str, folder: Path, fold: str | None) -> Path:
    """``name``'s view after one predict, saved as a page (``fold`` passed when given)."""
    kwargs: dict[str, Any] = {"labels": zoo.labels(name)}
    if fold is not None:
        kwargs["fold"] = fold
    view = ModelView(zoo.build(name), **kwargs)
    view.predict(zoo.samples(name, 1)[0])
    return view.save_html(folder / f"{name}-{fold or 'none'}.html")


def measure_fill(browser, path: Path, shots: Path | None) -> dict[str, Any]:
    """Open the page at the default size; the drawn fraction and the captions' state."""
    page = browser.new_page(viewport={"width": VIEW_WIDTH, "height": VIEW_HEIGHT})
    root = open_view(page, path, timeout=180)
    png = shoot(page.locator(".layerscape canvas"), timeout=60)
    labels = label_problems(page)
    boxes = caption_box_problems(page)
    box = page.locator(".layerscape canvas").bounding_box()
    if shots is not None:
        root.screenshot(path=str(shots / f"{path.stem}.png"))
    row = {
        "fill": drawn_fraction(png),
        "size": f"{box['width']:.0f}x{box['height']:.0f}",
        "visible": len(visible_labels(page)),
        "off": len(labels["off"]),
        "overlapping": len(labels["overlapping"]),
        "into": len(boxes["into"]),
        "away": len(boxes["away"]),
        "uncaptioned": len(uncaptioned_blocks(page)),
    }
    page.close()
    return row


def _fill_cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "n/a (no folding)"
    counts = {
        "off screen": row["off"],
        "overlapping": row["overlapping"],
        "into another box": row["into"],
        "away from its box": row["away"],
        "blocks uncaptioned": row["uncaptioned"],
    }
    bad = [f"{n} {what}" for what, n in counts.items() if n]
    state = ", ".join(bad) if bad else "ok"
    return f"{row['fill']:.1%} ({row['visible']} captions, {state})"


def fill_table(browser, folder: Path, shots: Path | None) -> list[str]:
    """The fill table's lines (markdown): each model unfolded and, when possible, folded."""
    lines = [
        "| model | view px | unfolded: drawn (captions) | folded: drawn (captions) |",
        "|---|---|---|---|",
    ]
    for name in FILL_MODELS:
        start = time.perf_counter()
        can_fold = folds()
        unfolded = measure_fill(
            browser, save_fill_page(name, folder, "none" if can_fold else None), shots
        )
        folded = (
            measure_fill(browser, save_fill_page(name, folder, "auto"), shots) if can_fold else None
        )
        print(f"measured {name} in {time.perf_counter() - start:.1f} s", flush=True)
        cells = [zoo.MODELS[name][1], unfolded["size"], _fill_cell(unfolded), _fill_cell(folded)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", type=Path, help="save a screenshot of each view here")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--fill-only", action="store_true", help="only the fill table")
    which.add_argument("--timings-only", action="store_true", help="only the timings table")
    args = parser.parse_args()
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    if not args.fill_only:
        timings(args.screenshots)
    if not args.timings_only:
        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            lines = fill_table(browser, Path(tmp), args.screenshots)
            browser.close()
        print("\n".join(lines))


def timings(shots: Path | None) -> None:
    """Build the timing models, open each page, print the timings table."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        pages = []
        for name in MODELS:
            start = time.perf_counter()
            path, nodes, edges, openable = save_view(name, Path(tmp))
            pages.append((name, path, nodes, edges, openable))
            print(f"built {name}: {nodes} nodes in {time.perf_counter() - start:.1f} s", flush=True)
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        bench(browser, pages[0][0], pages[0][1], pages[0][4], None)  # warm-up
        for name, path, nodes, edges, openable in pages:
            row = {"model": name, "nodes": nodes, "edges": edges}
            row.update(bench(browser, name, path, openable, shots))
            rows.append(row)
        browser.close()
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for row in rows:
        print("| " + " | ".join(str(v) for v in row.values()) + " |")


if __name__ == "__main__":
    main()
