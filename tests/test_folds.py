"""Folded blocks on the Python side: the initial folds, fold()/unfold(), bad values and
a payload without the channels of layers hidden in folded blocks."""

from __future__ import annotations

import pytest

from layerscape import ModelView
from layerscape.encode import decode_payload
from layerscape.folds import FOLD_THRESHOLD, hidden_nodes, visible_count
from tests.support.zoo_models import build, sample_for


@pytest.fixture(scope="module")
def resnet():
    return build("resnet50")


def test_resnet50_starts_folded_under_the_threshold(resnet):
    view = ModelView(resnet)
    graph = view.graph
    assert len(graph["nodes"]) > FOLD_THRESHOLD
    assert view.folded
    assert visible_count(graph, set(view.folded)) <= FOLD_THRESHOLD
    assert ModelView(resnet, fold="none").folded == []
    assert ModelView(resnet, fold="all").folded == [g["id"] for g in graph["groups"]]


def test_lenet_is_not_folded(lenet):
    assert ModelView(lenet).folded == []


def test_bad_fold_values(lenet, resnet):
    with pytest.raises(ValueError, match="fold must be one of"):
        ModelView(lenet, fold="some")
    with pytest.raises(TypeError, match="fold must be one of"):
        ModelView(lenet, fold=1)  # type: ignore[arg-type]
    view = ModelView(resnet)
    with pytest.raises(ValueError, match="not blocks of this model"):
        view.fold("nope")


def test_fold_unfold_and_fly_to(resnet):
    view = ModelView(resnet, fold="none")
    first = view.graph["groups"][0]["id"]
    view.fold(first)
    assert view.folded == [first]
    view.unfold("all")
    assert view.folded == []
    view.fold("all")
    inner = view.graph["groups"][0]["nodes"][0]
    view.fly_to(inner)
    assert inner not in hidden_nodes(view.graph, set(view.folded))


def test_payload_leaves_out_channels_of_hidden_layers(resnet):
    view = ModelView(resnet, fold="all")
    view.predict(sample_for("resnet50")[0])
    hidden = hidden_nodes(view.graph, set(view.folded))
    header, _ = decode_payload(view._payload)
    full = {s["node"] for s in header["tensors"] if s["role"] == "full" and s["channels_total"]}
    summaries = {s["node"] for s in header["tensors"] if s["role"] == "summary"}
    assert hidden and not (full & hidden)
    assert summaries & hidden  # summaries still go: unfolding shows values at once
    view.unfold("all")
    header, _ = decode_payload(view._payload)
    full = {s["node"] for s in header["tensors"] if s["role"] == "full" and s["channels_total"]}
    assert full & hidden
