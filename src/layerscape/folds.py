"""Which blocks of a graph start folded, and what a set of folded blocks hides.

A folded block (a group of ``graph["groups"]``, see ``groups.py``) is drawn as one box;
the outermost folded block wins, so what lies inside it is hidden whether or not it is
folded itself. The front end draws the same thing (``js/src/layout/folding.ts``); this
side decides the folds a view starts with, so that ``view.folded`` is right before any
page has drawn, and which layers the payload may leave without their channels.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Literal, get_args

from .spec import GraphSpec, GroupSpec

Fold = Literal["auto", "none", "all"]
FOLD_MODES: tuple[str, ...] = get_args(Fold)

FOLD_THRESHOLD = 60
"""``fold="auto"`` folds a model that would draw more nodes than this, to the deepest
level of its blocks that draws at most this many."""


def check_fold(value: object) -> Fold:
    """``value`` if it is a fold mode.

    Raises
    ------
    TypeError
        For a value that is not a string.
    ValueError
        For a string that is not ``"auto"``, ``"none"`` or ``"all"``.
    """
    if not isinstance(value, str):
        raise TypeError(
            f"fold must be one of {FOLD_MODES}, got {type(value).__name__} {value!r:.60}"
        )
    if value not in FOLD_MODES:
        raise ValueError(f"fold must be one of {FOLD_MODES}, got {value!r:.60}")
    return value  # type: ignore[return-value]


def depths(groups: Iterable[GroupSpec]) -> dict[str, int]:
    """Group id -> nesting depth (0 for a group no other group holds)."""
    parent = {g["id"]: g["parent"] for g in groups}
    out: dict[str, int] = {}
    for gid in parent:
        depth, p = 0, parent[gid]
        while p is not None:
            depth += 1
            p = parent.get(p)
        out[gid] = depth
    return out


def outermost(graph: GraphSpec, folded: Collection[str]) -> list[GroupSpec]:
    """The folded groups that are drawn (no folded group holds them)."""
    groups = graph.get("groups", [])
    by_id = {g["id"]: g for g in groups}
    shown = []
    for g in groups:
        if g["id"] not in folded:
            continue
        p = g["parent"]
        while p is not None and p not in folded:
            p = by_id[p]["parent"] if p in by_id else None
        if p is None:
            shown.append(g)
    return shown


def hidden_nodes(graph: GraphSpec, folded: Collection[str]) -> set[str]:
    """Ids of the layers inside a drawn folded block (they have no visual of their own)."""
    return {n for g in outermost(graph, folded) for n in g["nodes"]}


def visible_count(graph: GraphSpec, folded: Collection[str]) -> int:
    """How many nodes the view draws with ``folded`` folded (a folded block is one)."""
    shown = outermost(graph, folded)
    return len(graph["nodes"]) - sum(len(g["nodes"]) for g in shown) + len(shown)


def folded_at(graph: GraphSpec, level: int) -> list[str]:
    """The folds of level ``level``: every group at that depth or deeper, and every group
    above it that holds no other (so opening a block shows its children folded)."""
    groups = graph.get("groups", [])
    depth = depths(groups)
    parents = {g["parent"] for g in groups}
    return [g["id"] for g in groups if depth[g["id"]] >= level or g["id"] not in parents]


def initial_folded(graph: GraphSpec, mode: Fold, threshold: int = FOLD_THRESHOLD) -> list[str]:
    """The groups a view of ``graph`` starts with folded.

    ``"none"``: none. ``"all"``: every group (the outermost drawn, each opening onto its
    children folded). ``"auto"``: none when the whole graph draws at most ``threshold``
    nodes; else the deepest level whose folds draw at most ``threshold`` (the outermost
    level when none does).
    """
    groups = graph.get("groups", [])
    if mode == "none" or not groups:
        return []
    if mode == "all":
        return [g["id"] for g in groups]
    if len(graph["nodes"]) <= threshold:
        return []
    deepest = max(depths(groups).values())
    for level in range(deepest, -1, -1):
        folded = folded_at(graph, level)
        if visible_count(graph, set(folded)) <= threshold:
            return folded
    return folded_at(graph, 0)


def unfolded_for(graph: GraphSpec, folded: Iterable[str], node_id: str) -> list[str]:
    """``folded`` without the groups that hold node (or group) ``node_id``, so it is drawn."""
    groups = graph.get("groups", [])
    by_id = {g["id"]: g for g in groups}
    holders: set[str] = set()
    if node_id in by_id:
        p = by_id[node_id]["parent"]
    else:
        inner = min(
            (g for g in groups if node_id in g["nodes"]),
            key=lambda g: len(g["nodes"]),
            default=None,
        )
        holders.update([inner["id"]] if inner else [])
        p = inner["parent"] if inner else None
    while p is not None:
        holders.add(p)
        p = by_id[p]["parent"] if p in by_id else None
    return [g for g in folded if g not in holders]


def check_group_ids(group_ids: tuple[object, ...], groups: list[GroupSpec], verb: str) -> list[str]:
    """``group_ids`` as a list if each is a group id of ``groups``.

    Raises
    ------
    TypeError
        For an id that is not a string.
    ValueError
        For an id that is not a block of the graph: the message lists the blocks (id and
        name), or the blocks whose name is that string when a name was given.
    """
    known = {g["id"]: g["name"] for g in groups}
    for i in group_ids:
        if not isinstance(i, str):
            raise TypeError(f"cannot {verb} {i!r:.60}: block ids are strings such as 'g0'")
    wrong = [i for i in group_ids if i not in known]
    if wrong:
        named = [gid for gid, name in known.items() if name in wrong]
        listing = ", ".join(f"{gid} ({name})" for gid, name in list(known.items())[:12])
        more = " ..." if len(known) > 12 else ""
        hint = f"; by name that is {named[:12]}" if named else ""
        raise ValueError(
            f"cannot {verb} {wrong}: not blocks of this model{hint}; its blocks (ids of "
            f'view.graph["groups"]) are {listing or "none"}{more}'
        )
    return [str(i) for i in group_ids]
