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


def _page_update(state):
    """A comm message as the page's update arrives (``content.data``, ``buffers``)."""
    return {"content": {"data": {"method": "update", "state": state}}, "buffers": []}


@pytest.mark.parametrize(
    ("sent", "words"),
    [
        ("conv2_block1", "expected a list of block ids"),
        (None, "expected a list of block ids"),
        ({"id": "conv2_block1"}, "expected a list of block ids"),
        (7, "expected a list of block ids"),
    ],
)
def test_a_malformed_folded_from_the_page_is_dropped_and_the_view_still_works(resnet, sent, words):
    from layerscape.messages import PageMessageWarning

    view = ModelView(resnet)
    folded = view.folded
    view.predict(sample_for("resnet50")[0])
    payload = bytes(view._payload)
    with pytest.warns(PageMessageWarning, match=words):
        view._handle_msg(_page_update({"_folded": sent}))
    assert view.folded == folded
    assert bytes(view._payload) == payload  # nothing re-sent for a dropped value
    # Still a working view: it unfolds, folds and predicts for what it shows.
    view.unfold(folded[0])
    assert folded[0] not in view.folded
    header, _ = decode_payload(view._payload)
    inner = set(next(g for g in view.graph["groups"] if g["id"] == folded[0])["nodes"])
    assert inner & {s["node"] for s in header["tensors"] if s["role"] == "full"}


def test_unknown_ids_in_folded_from_the_page_are_dropped_with_a_warning(resnet):
    from layerscape.messages import PageMessageWarning

    view = ModelView(resnet)
    folded = view.folded
    kept = folded[1:]
    with pytest.warns(PageMessageWarning, match="not blocks of this model"):
        view._handle_msg(_page_update({"_folded": [*kept, 7, "no_such_block", kept[0]]}))
    assert view.folded == kept
