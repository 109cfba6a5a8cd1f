/**
 * Wraps a placed layout into rows that read left to right, top to bottom, so that a
 * long chain fills a view of a given aspect instead of running off as one thin band.
 * Pure, and a step after placement: it takes any `Layout` (whatever graph was laid
 * out, folded blocks or not) and moves whole runs of columns, so it knows nothing of
 * how the layers were placed.
 *
 * A row is a run of consecutive depth columns. Row breaks go in gaps between columns,
 * preferring gaps few edges cross and never splitting a nested model's frame where
 * another gap will do; how many rows is chosen so that the wrapped model, fitted into
 * the view, is as big as it gets. Each row moves as one piece (left-aligned, stacked
 * downwards), so everything inside a row keeps its relative place; an edge that
 * crosses a break leaves its row at the right, runs back along the gap under it and
 * enters the next row from the left, staggered from the other edges crossing there.
 *
 * The breaks are chosen once (`planWrap`, on the closed layout) and applied to every
 * layout of that graph (`applyWrap`): the open/close tween then blends two layouts with
 * the same rows, edges with the same number of points, and no overlaps (every gap kept
 * is a linear constraint, which a blend of two layouts that keep it keeps too).
 */

import { boundsOf } from "./bounds";
import type { Bounds, EdgeLayout, Layout, NodeLayout, Vec3 } from "./types";

/** Vertical room between two rows, plus a step per edge crossing the break under the row. */
export const ROW_GAP = 4;
export const RETURN_SPACING = 0.5;
/** How far right of a row's end, and left of a row's start, returning edges turn. */
export const RETURN_MARGIN = 0.8;
/** A row break may come this early in a row (share of the row's target length) to land in a better gap. */
export const BREAK_SLACK = 0.3;
/** Cost of a break inside a nested model's frame, against one per edge crossing the break. */
const FRAME_COST = 1000;
/** Rows tried at most, and how many tries in a row may be no better before trying stops. */
export const MAX_ROWS = 64;
const GIVE_UP = 4;
/** Steps of the bisection for an even row length. */
const BISECTIONS = 24;

/** Where a layout breaks into rows: the depth column each row after the first starts at. */
export interface WrapPlan {
  /** Ascending, each > 0: row r + 1 starts at column `starts[r]`. Empty: one row. */
  starts: number[];
}

/** Per column: its x extent and what crossing the gap after it costs. */
interface ColumnSpans {
  left: Float64Array;
  right: Float64Array;
  /** cost[d]: of a break between columns d and d + 1. */
  cost: Float64Array;
}

function columnSpans(layout: Layout): ColumnSpans {
  const count = layout.depthCount;
  const left = new Float64Array(count).fill(Infinity);
  const right = new Float64Array(count).fill(-Infinity);
  for (const n of layout.nodes.values()) {
    left[n.depth] = Math.min(left[n.depth], n.position.x - n.size.w / 2);
    right[n.depth] = Math.max(right[n.depth], n.position.x + n.size.w / 2);
  }
  // A column without layers (none in this graph, kept for safety) spans its neighbour's end.
  for (let d = 0; d < count; d++) {
    if (Number.isFinite(left[d])) continue;
    left[d] = right[d] = d > 0 ? right[d - 1] : 0;
  }
  // Edges crossing each gap: +1 over [source depth, target depth) by a difference array.
  const diff = new Float64Array(count + 1);
  for (const e of layout.edges) {
    const s = layout.nodes.get(e.source)?.depth;
    const t = layout.nodes.get(e.target)?.depth;
    if (s === undefined || t === undefined || t <= s) continue;
    diff[s] += 1;
    diff[t] -= 1;
  }
  // Frames of nested models: a break inside [first depth, last depth) of one splits it.
  const span = new Map<string, [number, number]>();
  for (const n of layout.nodes.values()) {
    const parent = n.node.parent;
    if (!parent) continue;
    const parts = parent.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const id = parts.slice(0, i).join("/");
      const s = span.get(id);
      if (s) {
        s[0] = Math.min(s[0], n.depth);
        s[1] = Math.max(s[1], n.depth);
      } else span.set(id, [n.depth, n.depth]);
    }
  }
  for (const [lo, hi] of span.values()) {
    if (hi <= lo) continue;
    diff[lo] += FRAME_COST;
    diff[hi] -= FRAME_COST;
  }
  const cost = new Float64Array(count);
  let run = 0;
  for (let d = 0; d < count; d++) cost[d] = run += diff[d];
  return { left, right, cost };
}

/**
 * Breaks for rows about `rowLength` long: each row runs until the next column would
 * pass that length, then breaks in the cheapest gap of its last BREAK_SLACK (the
 * latest one among equals).
 */
function breaksFor(spans: ColumnSpans, rowLength: number): number[] {
  const { left, right, cost } = spans;
  const count = left.length;
  const starts: number[] = [];
  let first = 0;
  while (first < count) {
    const origin = left[first];
    let last = first;
    while (last + 1 < count && right[last + 1] - origin <= rowLength) last++;
    if (last + 1 >= count) break;
    let best = last;
    for (let d = last - 1; d >= first; d--) {
      if (right[d] - origin < (1 - BREAK_SLACK) * rowLength) break;
      if (cost[d] < cost[best]) best = d;
    }
    starts.push(best + 1);
    first = best + 1;
  }
  return starts;
}

/**
 * The rows that make the layout biggest in a view `aspect` wide per unit of height:
 * for 1, 2, ... rows, the breaks for that many rows' length, measured as wrapped,
 * and the plan whose extent, fitted into the view, is largest (fewest rows among
 * equals). A layout that fits as one row stays one row.
 */
export function planWrap(layout: Layout, aspect: number): WrapPlan {
  if (!(aspect > 0) || !Number.isFinite(aspect) || layout.depthCount < 2) return { starts: [] };
  const spans = columnSpans(layout);
  const total = spans.right[spans.right.length - 1] - spans.left[0];
  let best: WrapPlan = { starts: [] };
  let bestScale = fitScale(layout.bounds, aspect);
  const tried = new Set<string>();
  let worse = 0;
  for (let rows = 2; rows <= MAX_ROWS; rows++) {
    const starts = breaksInto(spans, total, rows);
    const key = starts.join(",");
    if (tried.has(key) || starts.length === 0) continue;
    tried.add(key);
    const plan = { starts };
    const scale = fitScale(applyWrap(layout, plan).bounds, aspect);
    if (scale > bestScale * 1.0001) {
      best = plan;
      bestScale = scale;
      worse = 0;
    } else if (++worse >= GIVE_UP) break; // past the best: more rows only get taller
    if (starts.length + 1 < rows) break; // rows no longer get shorter
  }
  return best;
}

/**
 * Breaks into at most `rows` rows, as even as the columns allow: the shortest row
 * length (bisected between total / rows and total) whose breaks make no more rows.
 */
function breaksInto(spans: ColumnSpans, total: number, rows: number): number[] {
  let lo = total / rows;
  let hi = total;
  let best = breaksFor(spans, hi);
  for (let i = 0; i < BISECTIONS; i++) {
    const mid = (lo + hi) / 2;
    const starts = breaksFor(spans, mid);
    if (starts.length + 1 <= rows) {
      hi = mid;
      best = starts;
    } else lo = mid;
  }
  const first = breaksFor(spans, lo);
  return first.length + 1 <= rows ? first : best;
}

/** How big `bounds` is drawn in a view `aspect` wide per unit of height (larger: bigger). */
function fitScale(bounds: Bounds, aspect: number): number {
  const w = Math.max(1e-9, bounds.max.x - bounds.min.x);
  const h = Math.max(1e-9, bounds.max.y - bounds.min.y);
  return Math.min(aspect / w, 1 / h);
}

/** Which row each column is in. */
function rowOfColumns(count: number, starts: readonly number[]): Int32Array {
  const row = new Int32Array(count);
  let r = 0;
  for (let d = 0; d < count; d++) {
    while (r < starts.length && d >= starts[r]) r++;
    row[d] = r;
  }
  return row;
}

/**
 * `layout` in the rows of `plan`: rows left-aligned at the first row's left, each
 * below the one above by ROW_GAP plus room for the edges returning under it. The
 * same layout when the plan has one row (or does not fit this layout's columns).
 */
export function applyWrap(layout: Layout, plan: WrapPlan): Layout {
  const count = layout.depthCount;
  const starts = plan.starts.filter((s) => s > 0 && s < count);
  if (starts.length === 0) return layout;
  const rows = starts.length + 1;
  const spans = columnSpans(layout);
  const rowOf = rowOfColumns(count, starts);
  const first = [0, ...starts];
  const rowLeft = first.map((d) => spans.left[d]);
  const rowRight = first.map((_, r) => spans.right[(r + 1 < rows ? first[r + 1] : count) - 1]);
  // Which row a point of an edge is in: by its x against the rows' spans (a point in
  // the gap at a break belongs to neither: -1).
  const rowAtX = (x: number, lo: number, hi: number): number => {
    for (let r = lo; r <= hi; r++) {
      if (x >= rowLeft[r] - 1e-6 && x <= rowRight[r] + 1e-6) return r;
    }
    return -1;
  };
  // Vertical extent of each row (layers and edges in it) and the edges crossing each break.
  const top = new Float64Array(rows).fill(-Infinity);
  const bottom = new Float64Array(rows).fill(Infinity);
  const grow = (r: number, lo: number, hi: number): void => {
    top[r] = Math.max(top[r], hi);
    bottom[r] = Math.min(bottom[r], lo);
  };
  for (const n of layout.nodes.values()) {
    grow(rowOf[n.depth], n.position.y - n.size.h / 2, n.position.y + n.size.h / 2);
  }
  const edgeRows: Array<{ lo: number; hi: number; rows: Int32Array } | null> = layout.edges.map((e) => {
    const s = layout.nodes.get(e.source);
    const t = layout.nodes.get(e.target);
    if (!s || !t) return null;
    const lo = Math.min(rowOf[s.depth], rowOf[t.depth]);
    const hi = Math.max(rowOf[s.depth], rowOf[t.depth]);
    const at = new Int32Array(e.points.length);
    e.points.forEach((p, k) => {
      at[k] = rowAtX(p.x, lo, hi);
      if (at[k] >= 0) grow(at[k], p.y, p.y);
    });
    return { lo, hi, rows: at };
  });
  const crossing = new Int32Array(rows);
  const slot = layout.edges.map(() => new Map<number, number>());
  layout.edges.forEach((e, i) => {
    const info = edgeRows[i];
    if (!info || rowOf[layout.nodes.get(e.target)!.depth] <= rowOf[layout.nodes.get(e.source)!.depth]) return;
    for (let r = info.lo; r < info.hi; r++) slot[i].set(r, crossing[r]++);
  });
  // Row r moves by (dx[r], dy[r]): its left to the first row's left, its top under the row above.
  const dx = rowLeft.map((l) => rowLeft[0] - l);
  const dy = new Float64Array(rows);
  let floor = bottom[0];
  for (let r = 1; r < rows; r++) {
    const gap = ROW_GAP + RETURN_SPACING * crossing[r - 1];
    dy[r] = floor - gap - top[r];
    floor = bottom[r] + dy[r];
  }
  const move = (p: Vec3, r: number): Vec3 => ({ x: p.x + dx[r], y: p.y + dy[r], z: p.z });

  const nodes = new Map<string, NodeLayout>();
  for (const [id, n] of layout.nodes) nodes.set(id, { ...n, position: move(n.position, rowOf[n.depth]) });
  const edges: EdgeLayout[] = layout.edges.map((e, i) => {
    const info = edgeRows[i];
    if (!info) return e;
    if (info.lo === info.hi) return { ...e, points: e.points.map((p) => move(p, info.lo)) };
    const points: Vec3[] = [];
    let row = -1;
    e.points.forEach((p, k) => {
      const r = info.rows[k];
      if (r < 0) return; // in the gap at a break: replaced by the way back
      const q = move(p, r);
      if (row >= 0 && r > row) wayBack(points, row, slot[i].get(row) ?? 0, q);
      row = r;
      points.push(q);
    });
    return { ...e, points };
  });
  return { ...layout, nodes, edges, bounds: boundsOf(nodes, edges), rows };

  // From the last point in row b (at its right end) to `entry` in a row below: right
  // past row b's end, down into the gap under it, back left past every row's start
  // (nothing is there), down to the entry's level. Four points whatever the rows skipped.
  function wayBack(points: Vec3[], b: number, k: number, entry: Vec3): void {
    const from = points[points.length - 1];
    const right = rowRight[b] + dx[b] + RETURN_MARGIN + RETURN_SPACING * k;
    const left = rowLeft[0] - RETURN_MARGIN - RETURN_SPACING * k;
    const gapY = bottom[b] + dy[b] - ROW_GAP / 2 - RETURN_SPACING * k;
    const z = (from.z + entry.z) / 2;
    points.push(
      { x: right, y: from.y, z: from.z },
      { x: right, y: gapY, z },
      { x: left, y: gapY, z },
      { x: left, y: entry.y, z: entry.z },
    );
  }
}
