"""Blocks found from the graph's structure: regions, stages, nested models."""

from __future__ import annotations

import itertools
import time

import pytest

from layerscape.graph import extract_graph
from layerscape.groups import find_groups
from tests.support import zoo_models


@pytest.fixture(scope="module")
def zoo_groups() -> dict[str, tuple[dict, list]]:
    out = {}
    for name in ("resnet50", "inception_v3", "densenet121", "siamese", "two_heads", "unet"):
        graph = extract_graph(zoo_models.build(name))
        out[name] = (graph, find_groups(graph))
    return out


def blocks_at(groups: list, parent_kind: str | None, kind: str = "block") -> list[dict]:
    by_id = {g["id"]: g for g in groups}
    return [
        g for g in groups
        if g["kind"] == kind
        and (by_id[g["parent"]]["kind"] if g["parent"] else None) == parent_kind
    ]  # fmt: skip


def test_resnet50_has_sixteen_residual_blocks_in_four_stages(zoo_groups):
    graph, groups = zoo_groups["resnet50"]
    stages = [g for g in groups if g["kind"] == "stage"]
    assert [(s["name"], s["parent"]) for s in stages] == [
        ("conv2", None), ("conv3", None), ("conv4", None), ("conv5", None),
    ]  # fmt: skip
    blocks = blocks_at(groups, "stage")
    assert len(blocks) == 16
    names = [b["name"] for b in blocks]
    assert names[:3] == ["conv2_block1", "conv2_block2", "conv2_block3"]
    assert names[-1] == "conv5_block3"
    adds = [n["id"] for n in graph["nodes"] if n["class_name"] == "Add"]
    for block, add in zip(blocks, adds):
        # each residual block holds exactly one add, and ends on the ReLU after it
        assert [i for i in block["nodes"] if i in adds] == [add]
        assert block["exit"] == add.replace("_add", "_out")
    by_id = {g["id"]: g for g in groups}
    for block in blocks:
        assert block["nodes"] == sorted(block["nodes"], key=[n["id"] for n in graph["nodes"]].index)
        assert set(block["nodes"]) <= set(by_id[block["parent"]]["nodes"])
    # chained: each block starts where the one before ends
    assert all(b["entry"] == a["exit"] for a, b in itertools.pairwise(blocks))
    assert blocks[0]["entry"] == "pool1_pool"
    assert len(blocks[0]["nodes"]) == 12  # with the projection shortcut's conv and BN


def test_inception_v3_has_eleven_mixed_modules(zoo_groups):
    _, groups = zoo_groups["inception_v3"]
    modules = blocks_at(groups, "stage")
    assert [m["name"] for m in modules] == [f"mixed{i}" for i in range(11)]
    assert all(m["exit"] == m["name"] for m in modules)
    # the branch splits inside mixed9 and mixed10 are blocks inside those modules
    inner = {g["name"] for g in groups if g["parent"] in {m["id"] for m in modules[9:]}}
    assert inner == {"mixed9_0", "concatenate", "mixed9_1", "concatenate_1"}


def test_densenet_blocks_each_end_on_their_concat(zoo_groups):
    _graph, groups = zoo_groups["densenet121"]
    blocks = blocks_at(groups, "stage")
    assert len(blocks) == 6 + 12 + 24 + 16
    assert all(b["exit"].endswith("_concat") for b in blocks)
    stages = [s["name"] for s in groups if s["kind"] == "stage"]
    assert stages == ["conv2", "conv3", "conv4", "conv5"]


def test_nested_models_are_blocks(zoo_groups):
    _, siamese = zoo_groups["siamese"]
    assert [(g["kind"], g["name"], g["entry"]) for g in siamese] == [
        ("model", "tower", "left"), ("model", "tower:1", "right"),
    ]  # fmt: skip
    _, heads = zoo_groups["two_heads"]
    assert [(g["kind"], g["name"], len(g["nodes"])) for g in heads] == [("model", "trunk", 4)]


@pytest.mark.parametrize("name", sorted(zoo_models.BUILDERS))
def test_groups_nest_and_are_deterministic_on_the_zoo(name):
    graph = extract_graph(zoo_models.build(name))
    groups = find_groups(graph)
    assert graph["groups"] == groups  # what view.graph carries
    assert find_groups(graph) == groups
    ids = [g["id"] for g in groups]
    assert ids == [f"g{i}" for i in range(len(groups))]
    by_id = {g["id"]: g for g in groups}
    for g in groups:
        assert len(g["nodes"]) >= 2 and g["exit"] in g["nodes"]
        assert g["entry"] is None or g["entry"] not in g["nodes"]
        if g["parent"] is not None:
            assert ids.index(g["parent"]) < ids.index(g["id"])
            assert set(g["nodes"]) < set(by_id[g["parent"]]["nodes"])
    for a in groups:  # any two are disjoint or nested
        for b in groups:
            sa, sb = set(a["nodes"]), set(b["nodes"])
            assert not sa & sb or sa <= sb or sb <= sa, (a["name"], b["name"])


def test_a_plain_chain_has_no_blocks(lenet):
    assert find_groups(extract_graph(lenet)) == []


def chain_of_blocks(blocks: int) -> dict:
    """A synthetic graph: ``blocks`` residual blocks of 10 nodes (two branches)."""
    nodes = [{"id": "in", "name": "in", "output_shape": [4], "params": 0, "parent": None}]
    edges = []
    prev = "in"
    for b in range(blocks):
        names = [f"s{b}_block{b % 7}_{k}" for k in range(10)]
        for k, nid in enumerate(names):
            nodes.append({"id": nid, "name": nid, "output_shape": [4], "params": k % 2,
                          "parent": None})  # fmt: skip
        main, short = names[:6], names[6:8]
        for path in (main, short):
            edges.append({"source": prev, "target": path[0]})
            edges += [{"source": a, "target": c} for a, c in itertools.pairwise(path)]
            edges.append({"source": path[-1], "target": names[8]})
        edges.append({"source": names[8], "target": names[9]})
        nodes[-1]["params"] = 0
        prev = names[9]
    return {"nodes": nodes, "edges": edges, "wiring": "known"}


def test_linear_time_on_five_thousand_nodes():
    small, large = chain_of_blocks(50), chain_of_blocks(500)  # 501 and 5,001 nodes
    assert len(find_groups(large)) >= 500

    def best(graph) -> float:
        times = []
        for _ in range(3):
            began = time.perf_counter()
            find_groups(graph)
            times.append(time.perf_counter() - began)
        return min(times)

    ratio = best(large) / best(small)
    assert ratio < 25, f"10x the nodes took {ratio:.1f}x the time (linear is about 10x)"
