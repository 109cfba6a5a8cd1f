"""png.py and picture.py: the picture a view's output carries for renderers without scripts."""

from __future__ import annotations

import numpy as np
import pytest

from layerscape.picture import PICTURE_HEIGHT, PICTURE_MAX_WIDTH, model_picture, model_picture_png
from layerscape.png import encode_png
from tests.support.pixels import decode_png_pure


def test_encode_png_round_trips_through_a_decoder():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, size=(7, 11, 3), dtype=np.uint8)
    assert np.array_equal(decode_png_pure(encode_png(rgb)), rgb)


@pytest.mark.parametrize(
    "bad", [np.zeros((4, 4), np.uint8), np.zeros((4, 4, 4), np.uint8),
            np.zeros((4, 4, 3), np.float32), np.zeros((0, 4, 3), np.uint8)],
)  # fmt: skip
def test_encode_png_names_what_it_expects(bad):
    with pytest.raises(ValueError, match=r"\(height, width, 3\) uint8"):
        encode_png(bad)


def _node(node_id: str, shape: list, family: str = "conv", is_input: bool = False) -> dict:
    return {"id": node_id, "name": node_id, "family": family, "output_shape": shape,
            "is_input": is_input}  # fmt: skip


GRAPH = {
    "nodes": [
        _node("in", [16, 16, 1], "input", is_input=True),
        _node("conv", [8, 8, 4]),
        _node("seq", [5, 3], "sequence"),
        _node("dense", [10], "dense"),
    ],
    "edges": [
        {"source": "in", "target": "conv"},
        {"source": "conv", "target": "seq"},
        {"source": "seq", "target": "dense"},
        {"source": "in", "target": "dense"},  # a skip: drawn as a bracket
    ],
}


def _colours(rgb: np.ndarray) -> int:
    return np.unique(rgb.reshape(-1, 3), axis=0).shape[0]


def test_before_any_prediction_the_picture_is_the_structure_in_a_few_colours():
    rgb = model_picture(GRAPH, {})
    assert rgb.shape[0] == PICTURE_HEIGHT and rgb.dtype == np.uint8
    assert _colours(rgb) <= 3  # background, tiles, edges
    assert tuple(rgb[0, 0]) == (255, 255, 255)
    assert tuple(model_picture(GRAPH, {}, "dark")[0, 0]) == (24, 26, 31)


def test_activations_are_drawn_with_the_views_colour_rules():
    rng = np.random.default_rng(1)
    acts = {
        "in": rng.uniform(0, 1, (16, 16, 1)).astype(np.float32),
        "conv": rng.uniform(0, 3, (8, 8, 4)).astype(np.float32),
        "seq": rng.normal(size=(5, 3)).astype(np.float32),
        "dense": np.linspace(-1, 1, 10, dtype=np.float32),
    }
    rgb = model_picture(GRAPH, acts)
    assert _colours(rgb) > 40
    # The input (a 1-channel picture on 0..1) is drawn grey: r == g == b in its panel.
    row = PICTURE_HEIGHT // 2
    left = rgb[row, 16:30]
    assert np.all(left[:, 0] == left[:, 1]) and np.all(left[:, 1] == left[:, 2])
    # NaN gets its own grey instead of breaking the scale.
    acts["conv"][0, 0, :] = np.nan
    assert model_picture(GRAPH, acts).shape == rgb.shape


def test_a_long_model_fits_the_widest_picture_and_stays_small():
    nodes = [_node(f"c{i}", [32, 32, 8]) for i in range(300)]
    edges = [{"source": f"c{i}", "target": f"c{i + 1}"} for i in range(299)]
    graph = {"nodes": nodes, "edges": edges}
    acts = {n["id"]: np.full((32, 32, 8), i, np.float32) for i, n in enumerate(nodes)}
    rgb = model_picture(graph, acts)
    assert rgb.shape[1] <= PICTURE_MAX_WIDTH
    assert len(model_picture_png(graph, acts)) < 100_000
