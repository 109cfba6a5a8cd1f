/**
 * Places a graph in 3D. Pure: graph (+ which layers are open) in, positions out.
 *
 * Layers flow along +x in order of topological depth (longest path from a source).
 * Nodes at the same depth are stacked along y, each near the mean height of its
 * inputs so that chains stay straight and branches stay apart. The front faces of
 * all layers lie in the plane z = 0; channel stacks recede along -z.
 */

import type { GraphSpec, NodeSpec } from "../spec";
import { closedSize, openSize, type Size3 } from "./sizes";

export interface Vec3 {
  x: number;
  y: number;
  z: number;
}

export interface NodeLayout {
  id: string;
  node: NodeSpec;
  depth: number;
  /** Centre of the node's box. */
  position: Vec3;
  /** Current size (open size when open). */
  size: Size3;
  closed: Size3;
  /** Size when open, or null for layers that do not open. */
  opened: Size3 | null;
  open: boolean;
}

export interface EdgeLayout {
  source: string;
  target: string;
  /** Polyline from the source's exit to the target's entry. */
  points: Vec3[];
}

export interface Bounds {
  min: Vec3;
  max: Vec3;
}

export interface Layout {
  nodes: Map<string, NodeLayout>;
  /** Node ids in the graph's order. */
  order: string[];
  edges: EdgeLayout[];
  bounds: Bounds;
  /** Number of depth columns. */
  depthCount: number;
}

/** Minimum gaps between layers along x (flow) and y (between branches). */
export const MIN_FLOW_GAP = 1.2;
export const FLOW_GAP_FACTOR = 0.22;
export const LANE_GAP = 3.2;
const SKIP_CLEARANCE = 0.8;
const SKIP_STAGGER = 0.35;

/** Longest-path depth of each node from the graph's sources (Kahn's order). */
export function nodeDepths(graph: GraphSpec): Map<string, number> {
  const ids = graph.nodes.map((n) => n.id);
  const known = new Set(ids);
  const incoming = new Map<string, number>(ids.map((id) => [id, 0]));
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of graph.edges) {
    if (!known.has(e.source) || !known.has(e.target) || e.source === e.target) continue;
    out.get(e.source)!.push(e.target);
    incoming.set(e.target, incoming.get(e.target)! + 1);
  }
  const depth = new Map<string, number>(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => incoming.get(id) === 0);
  const done = new Set<string>();
  for (let q = 0; q < queue.length; q++) {
    const id = queue[q];
    done.add(id);
    for (const t of out.get(id)!) {
      depth.set(t, Math.max(depth.get(t)!, depth.get(id)! + 1));
      const left = incoming.get(t)! - 1;
      incoming.set(t, left);
      if (left === 0) queue.push(t);
    }
  }
  // A cycle should not happen; if it does, put what is left after everything else.
  let next = Math.max(0, ...depth.values()) + 1;
  for (const id of ids) if (!done.has(id)) depth.set(id, next++);
  return depth;
}

function flowGap(leftHeight: number, rightHeight: number): number {
  return MIN_FLOW_GAP + FLOW_GAP_FACTOR * Math.max(leftHeight, rightHeight);
}

/**
 * Lays out a graph. `openIds` names the layers drawn open (feature maps spread into
 * their channel grid); other ids are ignored.
 */
export function layoutGraph(graph: GraphSpec, openIds: ReadonlySet<string> = new Set()): Layout {
  const depths = nodeDepths(graph);
  const labels = graph.labels ?? null;
  const nodes = new Map<string, NodeLayout>();
  const columns: NodeLayout[][] = [];
  graph.nodes.forEach((node) => {
    const closed = closedSize(node, node.id === graph.outputs[0] || graph.outputs.length === 0 ? labels : null);
    const opened = openSize(node);
    const open = opened !== null && openIds.has(node.id);
    const depth = depths.get(node.id) ?? 0;
    const item: NodeLayout = {
      id: node.id,
      node,
      depth,
      position: { x: 0, y: 0, z: 0 },
      size: open && opened ? opened : closed,
      closed,
      opened,
      open,
    };
    nodes.set(node.id, item);
    (columns[depth] ??= []).push(item);
  });

  const parents = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (!nodes.has(e.source) || !nodes.has(e.target)) continue;
    const list = parents.get(e.target) ?? [];
    list.push(e.source);
    parents.set(e.target, list);
  }

  // Along x: each depth column is as wide as its widest node.
  let cursor = 0;
  let previousHeight = 0;
  const columnX: number[] = [];
  for (let d = 0; d < columns.length; d++) {
    const column = columns[d] ?? [];
    const width = Math.max(0, ...column.map((n) => n.size.w));
    const height = Math.max(0, ...column.map((n) => n.size.h));
    if (d > 0) cursor += flowGap(previousHeight, height);
    columnX[d] = cursor + width / 2;
    cursor += width;
    previousHeight = height;
    for (const n of column) {
      n.position.x = columnX[d];
      n.position.z = -n.size.d / 2;
    }
  }

  // Along y: near the mean height of the inputs, without overlap.
  for (const column of columns) {
    if (!column) continue;
    const desired = new Map<string, number>();
    for (const n of column) {
      const ps = parents.get(n.id) ?? [];
      const ys = ps.map((p) => nodes.get(p)!.position.y);
      desired.set(n.id, ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : 0);
    }
    const sorted = column.slice().sort((a, b) => desired.get(a.id)! - desired.get(b.id)!);
    let prev: NodeLayout | null = null;
    for (const n of sorted) {
      const want = desired.get(n.id)!;
      n.position.y = prev ? Math.max(want, prev.position.y + (prev.size.h + n.size.h) / 2 + LANE_GAP) : want;
      prev = n;
    }
    const shift = sorted.reduce((acc, n) => acc + (n.position.y - desired.get(n.id)!), 0) / sorted.length;
    for (const n of sorted) n.position.y -= shift;
  }

  const edges = routeEdges(graph, nodes, columns);
  return { nodes, order: graph.nodes.map((n) => n.id), edges, bounds: boundsOf(nodes, edges), depthCount: columns.length };
}

function routeEdges(graph: GraphSpec, nodes: Map<string, NodeLayout>, columns: NodeLayout[][]): EdgeLayout[] {
  const edges: EdgeLayout[] = [];
  let skips = 0;
  for (const e of graph.edges) {
    const s = nodes.get(e.source);
    const t = nodes.get(e.target);
    if (!s || !t || s === t) continue;
    const a: Vec3 = { x: s.position.x + s.size.w / 2, y: s.position.y, z: s.position.z };
    const b: Vec3 = { x: t.position.x - t.size.w / 2, y: t.position.y, z: t.position.z };
    let blockedTop = -Infinity;
    const lo = Math.min(a.y, b.y);
    const hi = Math.max(a.y, b.y);
    for (let d = s.depth + 1; d < t.depth; d++) {
      for (const m of columns[d] ?? []) {
        const top = m.position.y + m.size.h / 2;
        const bottom = m.position.y - m.size.h / 2;
        if (bottom <= hi + 0.1 && top >= lo - 0.1) blockedTop = Math.max(blockedTop, top);
      }
    }
    if (blockedTop === -Infinity) {
      edges.push({ source: e.source, target: e.target, points: [a, b] });
      continue;
    }
    const y = Math.max(blockedTop, a.y, b.y) + SKIP_CLEARANCE + SKIP_STAGGER * (skips++ % 4);
    const run = Math.min(MIN_FLOW_GAP / 2, (b.x - a.x) / 4);
    edges.push({
      source: e.source,
      target: e.target,
      points: [a, { x: a.x + run, y, z: a.z }, { x: b.x - run, y, z: b.z }, b],
    });
  }
  return edges;
}

function boundsOf(nodes: Map<string, NodeLayout>, edges: EdgeLayout[]): Bounds {
  const min = { x: Infinity, y: Infinity, z: Infinity };
  const max = { x: -Infinity, y: -Infinity, z: -Infinity };
  const grow = (x: number, y: number, z: number): void => {
    min.x = Math.min(min.x, x);
    min.y = Math.min(min.y, y);
    min.z = Math.min(min.z, z);
    max.x = Math.max(max.x, x);
    max.y = Math.max(max.y, y);
    max.z = Math.max(max.z, z);
  };
  for (const n of nodes.values()) {
    const { x, y, z } = n.position;
    const { w, h, d } = n.size;
    grow(x - w / 2, y - h / 2, z - d / 2);
    grow(x + w / 2, y + h / 2, z + d / 2);
  }
  for (const e of edges) for (const p of e.points) grow(p.x, p.y, p.z);
  if (!Number.isFinite(min.x)) return { min: { x: 0, y: 0, z: 0 }, max: { x: 0, y: 0, z: 0 } };
  return { min, max };
}

/** Linear interpolation between two layouts of the same graph (for open/close tweens). */
export function lerpLayout(from: Layout, to: Layout, t: number): Layout {
  const mix = (a: number, b: number): number => a + (b - a) * t;
  const mixV = (a: Vec3, b: Vec3): Vec3 => ({ x: mix(a.x, b.x), y: mix(a.y, b.y), z: mix(a.z, b.z) });
  const nodes = new Map<string, NodeLayout>();
  for (const [id, b] of to.nodes) {
    const a = from.nodes.get(id) ?? b;
    nodes.set(id, {
      ...b,
      position: mixV(a.position, b.position),
      size: { w: mix(a.size.w, b.size.w), h: mix(a.size.h, b.size.h), d: mix(a.size.d, b.size.d) },
    });
  }
  const edges = to.edges.map((e, i) => {
    const old = from.edges[i];
    if (!old || old.source !== e.source || old.target !== e.target || old.points.length !== e.points.length) {
      return e;
    }
    return { ...e, points: e.points.map((p, k) => mixV(old.points[k], p)) };
  });
  return { ...to, nodes, edges, bounds: boundsOf(nodes, edges) };
}
