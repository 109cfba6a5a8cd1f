"""Find a model's blocks from the shape of its graph: nested models, single-entry
single-exit regions, and stages of chained blocks.

A *region* starts where the graph forks and ends where every path from the fork meets
again: the fork dominates the meeting node and the meeting node post-dominates the fork
(a residual block between two adds, an Inception module up to its concat, a branch
split inside a module). The region holds what lies strictly after the fork up to the
meeting node, plus the shape-keeping, weightless steps that follow it on a plain chain
(the ReLU after a residual add), so that chained regions tile the graph without gaps.
A *stage* is a run of two or more chained regions whose names share their stem
(``conv2_block1``, ``conv2_block2`` -> ``conv2``). Every nested model is a group too.

Names come from the layers: the common prefix of their names cut at a separator
(``conv2_block1_1_conv``, ..., ``conv2_block1_out`` -> ``conv2_block1``), else the
exit layer's name (``mixed0``). Names are never used to *find* a block, only to name
it and to join chained blocks into stages.

Everything is read from the graph spec (no Keras), deterministic, and linear in the
graph's size for graphs whose blocks nest to a bounded depth.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .spec import GraphSpec, GroupKind, GroupSpec, NodeSpec

_SEPARATORS = "_/.-"
_SOURCE, _SINK = -1, -2  # the virtual entry before every input and exit after every output


def find_groups(graph: GraphSpec) -> list[GroupSpec]:
    """The blocks of ``graph``, outermost first, each with its parent.

    Parameters
    ----------
    graph
        A graph spec (nodes in topological order). A graph with unknown wiring has no
        regions; its nested models are still groups.

    Returns
    -------
    list of GroupSpec
        Ordered by the position of their first node, an enclosing group before what it
        holds; ids ``g0``, ``g1``, ... in that order.
    """
    nodes = graph["nodes"]
    index = {n["id"]: i for i, n in enumerate(nodes)}
    succ: list[list[int]] = [[] for _ in nodes]
    pred: list[list[int]] = [[] for _ in nodes]
    for edge in graph["edges"]:
        s, t = index.get(edge["source"]), index.get(edge["target"])
        if s is not None and t is not None and t not in succ[s]:
            succ[s].append(t)
            pred[t].append(s)
    candidates: list[tuple[GroupKind, list[int]]] = [("model", m) for m in _nested_models(nodes)]
    regions = _regions(nodes, succ, pred) if graph.get("wiring", "known") == "known" else []
    candidates += [("block", r) for r in regions]
    accepted = _laminar(candidates, len(nodes))
    accepted += _stages(accepted, nodes, succ, pred)
    return _describe(accepted, nodes, pred)


# Regions --------------------------------------------------------------------------------


def _regions(nodes: Sequence[NodeSpec], succ: list[list[int]], pred: list[list[int]]):
    n = len(nodes)
    preds = [p or [_SOURCE] for p in pred]
    succs = [s or [_SINK] for s in succ]
    idom, depth = _dominators(range(n), preds, _SOURCE)
    ipdom, _ = _dominators(range(n - 1, -1, -1), succs, _SINK)
    found = []
    for fork in range(n):
        if len(succ[fork]) < 2:
            continue
        meet = ipdom[fork]
        if meet == _SINK or not _dominates(fork, meet, idom, depth):
            continue
        inside = _between(fork, meet, succ)
        exit_ = meet
        while len(succ[exit_]) == 1:
            after = succ[exit_][0]
            if len(pred[after]) != 1 or not _keeps_shape(nodes[exit_], nodes[after]):
                break
            inside.append(after)
            exit_ = after
        found.append(sorted(inside))
    return found


def _dominators(order, preds: list[list[int]], root: int) -> tuple[dict[int, int], dict[int, int]]:
    """Immediate dominators of an acyclic graph visited in topological ``order``
    (Cooper, Harvey and Kennedy's intersection, one pass suffices without cycles)."""
    idom: dict[int, int] = {root: root}
    depth: dict[int, int] = {root: 0}
    for v in order:
        dom = preds[v][0]
        for p in preds[v][1:]:
            a, b = dom, p
            while a != b:
                if depth[a] >= depth[b]:
                    a = idom[a]
                else:
                    b = idom[b]
            dom = a
        idom[v] = dom
        depth[v] = depth[dom] + 1
    return idom, depth


def _dominates(a: int, b: int, idom: dict[int, int], depth: dict[int, int]) -> bool:
    while depth[b] > depth[a]:
        b = idom[b]
    return a == b


def _between(fork: int, meet: int, succ: list[list[int]]) -> list[int]:
    """What lies after ``fork`` up to and including ``meet`` (all of it, when ``fork``
    dominates ``meet`` and ``meet`` post-dominates ``fork``)."""
    seen = {meet}
    stack = [s for s in succ[fork] if s != meet]
    seen.update(stack)
    while stack:
        v = stack.pop()
        for s in succ[v]:
            if s not in seen:
                seen.add(s)
                stack.append(s)
    return list(seen)


def _keeps_shape(before: NodeSpec, after: NodeSpec) -> bool:
    # The activation after a residual add belongs to the block; a pooling, a dense
    # head or a normalization with weights starts what comes next.
    return (
        after["output_shape"] == before["output_shape"]
        and not after.get("params")
        and not after.get("is_output")
    )


# Nested models, laminarity, stages ------------------------------------------------------


def _nested_models(nodes: Sequence[NodeSpec]) -> list[list[int]]:
    members: dict[str, list[int]] = {}
    for i, node in enumerate(nodes):
        parent = node.get("parent")
        while parent:
            members.setdefault(parent, []).append(i)
            parent = parent.rpartition("/")[0] or None
    return [members[path] for path in sorted(members)]


def _laminar(candidates, n: int) -> list[tuple[GroupKind, list[int]]]:
    """The candidates that nest (any two are disjoint or one holds the other), smallest
    first; a region that would cut through a nested model (or another region) is
    dropped, and of two with the same nodes the nested model is kept."""
    order = sorted(
        range(len(candidates)),
        key=lambda k: (len(candidates[k][1]), candidates[k][0] != "model", candidates[k][1][0]),
    )
    owner = [-1] * n  # the outermost accepted group holding each node
    accepted: list[tuple[GroupKind, list[int]]] = []
    seen: set[tuple[int, ...]] = set()
    for k in order:
        kind, members = candidates[k]
        key = tuple(members)
        if key in seen or len(members) < 2:
            continue
        inside = set(members)
        inner = {owner[i] for i in members if owner[i] >= 0}
        if any(not set(accepted[g][1]) <= inside for g in inner):
            continue
        seen.add(key)
        for i in members:
            owner[i] = len(accepted)
        accepted.append((kind, members))
    return accepted


def _stages(accepted, nodes: Sequence[NodeSpec], succ, pred) -> list[tuple[GroupKind, list[int]]]:
    """Runs of chained sibling blocks sharing a stem, as stages."""
    parents = _parents(accepted, len(nodes))
    siblings: dict[int | None, list[int]] = {}
    for k, (kind, _) in enumerate(accepted):
        if kind == "block":
            siblings.setdefault(parents[k], []).append(k)
    stages: list[tuple[GroupKind, list[int]]] = []
    for blocks in siblings.values():
        blocks.sort(key=lambda k: accepted[k][1][0])
        runs: list[list[int]] = []
        for b in blocks:
            if runs and _continues(accepted[runs[-1][-1]][1], accepted[b][1], nodes, pred):
                runs[-1].append(b)
            else:
                runs.append([b])
        for run in runs:
            if len(run) >= 2:
                stages.append(("stage", sorted(i for b in run for i in accepted[b][1])))
    # A stage equal to an existing group (a nested model of exactly those blocks) adds
    # nothing.
    existing = {tuple(m) for _, m in accepted}
    return [s for s in stages if tuple(s[1]) not in existing]


def _continues(prev: list[int], block: list[int], nodes: Sequence[NodeSpec], pred) -> bool:
    """Whether ``block`` follows ``prev`` directly and shares its stem."""
    stem = _stem(_name(block, nodes))
    return bool(stem) and _entry(block, pred) == prev[-1] and stem == _stem(_name(prev, nodes))


def _parents(groups, n: int) -> list[int | None]:
    """For each group, the smallest other group holding all of it (they nest)."""
    order = sorted(range(len(groups)), key=lambda k: len(groups[k][1]))
    owner = [-1] * n
    parent: list[int | None] = [None] * len(groups)
    for k in order:
        for i in groups[k][1]:
            if owner[i] >= 0 and owner[i] != k and parent[owner[i]] is None:
                parent[owner[i]] = k
            owner[i] = k
    return parent


def _entry(members: list[int], pred: list[list[int]]) -> int | None:
    inside = set(members)
    outside = sorted({p for i in members for p in pred[i] if p not in inside})
    return outside[0] if len(outside) == 1 else None


def _stem(name: str) -> str:
    """``conv2_block1`` -> ``conv2``; ``mixed7`` -> ``mixed``; ``add`` -> ``""``."""
    head, sep, _ = name.rpartition("_")
    if sep and head:
        return head
    stripped = name.rstrip("0123456789")
    return stripped if stripped != name else ""


def _name(members: list[int], nodes: Sequence[NodeSpec]) -> str:
    names = [nodes[i]["name"] for i in members]
    prefix = names[0]
    for name in names[1:]:
        while not name.startswith(prefix):
            prefix = prefix[:-1]
    if prefix and prefix[-1] not in _SEPARATORS:
        cut = max(prefix.rfind(s) for s in _SEPARATORS)
        prefix = prefix[:cut] if cut > 0 else prefix
    prefix = prefix.rstrip(_SEPARATORS)
    if len(prefix) >= 2 and re.search(r"[A-Za-z]", prefix):
        return prefix
    return nodes[members[-1]]["name"]


def _describe(groups, nodes: Sequence[NodeSpec], pred) -> list[GroupSpec]:
    parents = _parents(groups, len(nodes))
    order = sorted(range(len(groups)), key=lambda k: (groups[k][1][0], -len(groups[k][1])))
    ids = {k: f"g{rank}" for rank, k in enumerate(order)}
    out: list[GroupSpec] = []
    for k in order:
        kind, members = groups[k]
        entry = _entry(members, pred)
        parent = parents[k]
        out.append(
            {
                "id": ids[k],
                "name": _model_name(members, nodes)
                if kind == "model"
                else _stage_or_block(kind, members, nodes, groups, parents, k),
                "kind": kind,
                "parent": ids[parent] if parent is not None else None,
                "nodes": [nodes[i]["id"] for i in members],
                "entry": nodes[entry]["id"] if entry is not None else None,
                "exit": nodes[members[-1]]["id"],
            }
        )
    return out


def _model_name(members: list[int], nodes: Sequence[NodeSpec]) -> str:
    # The shortest parent path among the members is the model itself.
    paths = [nodes[i].get("parent") or "" for i in members]
    return min(paths, key=len).rpartition("/")[2]


def _stage_or_block(kind, members, nodes, groups, parents, k) -> str:
    if kind == "block":
        return _name(members, nodes)
    children = [g for g, p in enumerate(parents) if p == k and groups[g][0] == "block"]
    first = min(children, key=lambda g: groups[g][1][0])
    return _stem(_name(groups[first][1], nodes))
