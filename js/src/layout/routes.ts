/**
 * Edge paths. An edge leaves its source level, runs straight to the end of the
 * source's column, and changes height only in the gaps between columns (sampled
 * S-curves: cubic Beziers level at both ends). An edge that skips columns runs in
 * its own lane through each (the layered order put a lane vertex there, clear of
 * the layers of that column); one too long for lanes arcs over the top of every
 * column it skips, found with a range-maximum table in O(1) per edge, on a level of
 * its own among the arcs it overlaps. No path ever enters a layer's box.
 */

import type { GraphSpec } from "../spec";
import type { LayeredGraph } from "./layered";
import type { EdgeLayout, NodeLayout, Vec3 } from "./types";

/** Per column: centre, left and right x, and the top of everything in it. */
export interface Columns {
  x: Float64Array;
  left: Float64Array;
  right: Float64Array;
  top: Float64Array;
}

/** Segments per S-curve in a gap between columns. */
export const CURVE_SEGMENTS = 8;
/** Arcs clear the tallest thing they pass over by this much, plus a step per level. */
export const ARC_CLEARANCE = 1.2;
export const ARC_STAGGER = 0.5;

export function routeEdges(
  graph: GraphSpec,
  layered: LayeredGraph,
  items: NodeLayout[],
  columns: Columns,
  laneY: (vertex: number) => number,
): EdgeLayout[] {
  const index = new Map<string, number>(graph.nodes.map((node, i) => [node.id, i]));
  const topMax = rangeMax(columns.top);
  const arcLevel = arcLevels(graph, layered, index);
  const edges: EdgeLayout[] = [];
  graph.edges.forEach((e, i) => {
    if (!layered.valid[i]) return;
    const s = items[index.get(e.source)!];
    const t = items[index.get(e.target)!];
    const a: Vec3 = { x: s.position.x + s.size.w / 2, y: s.position.y, z: s.position.z };
    const b: Vec3 = { x: t.position.x - t.size.w / 2, y: t.position.y, z: t.position.z };
    if (t.depth <= s.depth) {
      edges.push({ source: e.source, target: e.target, kind: "direct", points: [a, b] });
      return;
    }
    // Where the edge runs, column by column: (depth, height) of each stop.
    const stops: Array<[number, number]> = [];
    let kind: EdgeLayout["kind"] = "direct";
    if (layered.arc[i]) {
      kind = "arc";
      const y = topMax(s.depth + 1, t.depth - 1) + ARC_CLEARANCE + ARC_STAGGER * arcLevel.get(i)!;
      stops.push([s.depth + 1, y], [t.depth - 1, y]);
    } else if (layered.lanes[i].length > 0) {
      kind = "lane";
      for (const v of layered.lanes[i]) stops.push([layered.depth[v], laneY(v)]);
    }
    const zAt = (x: number): number => (b.x === a.x ? a.z : a.z + ((x - a.x) / (b.x - a.x)) * (b.z - a.z));
    const points: Vec3[] = [a];
    const at = (x: number, y: number): Vec3 => ({ x, y, z: zAt(x) });
    let from: Vec3 = at(columns.right[s.depth], a.y);
    points.push(from);
    for (const [d, y] of stops) {
      const entry = at(columns.left[d], y);
      curve(points, from, entry, zAt);
      from = at(columns.right[d], y);
      points.push(from);
    }
    curve(points, from, at(columns.left[t.depth], b.y), zAt);
    points.push(b);
    edges.push({ source: e.source, target: e.target, kind, points });
  });
  return edges;
}

/** Appends CURVE_SEGMENTS points of an S-curve from `p` (excluded) to `q` (included). */
function curve(points: Vec3[], p: Vec3, q: Vec3, zAt: (x: number) => number): void {
  const xm = (p.x + q.x) / 2;
  for (let k = 1; k <= CURVE_SEGMENTS; k++) {
    const t = k / CURVE_SEGMENTS;
    const u = 1 - t;
    // Control points (p.x, p.y), (xm, p.y), (xm, q.y), (q.x, q.y).
    const x = u * u * u * p.x + 3 * u * u * t * xm + 3 * u * t * t * xm + t * t * t * q.x;
    const y = (u * u * u + 3 * u * u * t) * p.y + (3 * u * t * t + t * t * t) * q.y;
    points.push({ x, y, z: zAt(x) });
  }
}

/** Max of `values[lo..hi]` (inclusive) in O(1) per query after O(n log n) set-up. */
export function rangeMax(values: ArrayLike<number>): (lo: number, hi: number) => number {
  const n = values.length;
  const table: Float64Array[] = [Float64Array.from(values)];
  for (let k = 1; 1 << k <= n; k++) {
    const prev = table[k - 1];
    const half = 1 << (k - 1);
    const row = new Float64Array(n - (1 << k) + 1);
    for (let i = 0; i < row.length; i++) row[i] = Math.max(prev[i], prev[i + half]);
    table.push(row);
  }
  return (lo, hi) => {
    const a = Math.max(0, lo);
    const b = Math.min(n - 1, hi);
    if (b < a) return -Infinity;
    const k = 31 - Math.clz32(b - a + 1);
    return Math.max(table[k][a], table[k][b - (1 << k) + 1]);
  };
}

/** A level per arc so that arcs over the same columns do not run on top of each other. */
function arcLevels(graph: GraphSpec, layered: LayeredGraph, index: Map<string, number>): Map<number, number> {
  const arcs: Array<[number, number, number]> = [];
  graph.edges.forEach((e, i) => {
    if (!layered.arc[i]) return;
    arcs.push([layered.depth[index.get(e.source)!], layered.depth[index.get(e.target)!], i]);
  });
  arcs.sort((p, q) => p[0] - q[0] || q[1] - p[1]);
  const ends: number[] = [];
  const level = new Map<number, number>();
  for (const [start, end, i] of arcs) {
    let l = ends.findIndex((e) => e <= start);
    if (l < 0) l = ends.push(end) - 1;
    else ends[l] = end;
    level.set(i, l);
  }
  return level;
}
