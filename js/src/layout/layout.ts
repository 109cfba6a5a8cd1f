/**
 * Places a graph in 3D. Pure: graph (+ which layers are open) in, positions out.
 *
 * Layers flow along +x in columns of topological depth (longest path from a source);
 * the things in one column (layers, and lanes of edges that pass through it) are
 * stacked along y in the order `layered.ts` chose to keep crossings few. The main
 * path (the longest chain to the output) runs straight along y = 0; the rest sit as
 * near the mean height of their neighbours as the gaps allow (a weighted isotonic
 * regression per column, pool-adjacent-violators: linear). The front faces of all
 * layers lie in the plane z = 0; channel stacks recede along -z.
 *
 * Only the order depends on the graph; coordinates depend on sizes. Two layouts of
 * one graph (some layers open, some closed) therefore keep every pair of neighbours
 * in the same order, with the gaps between them linear in the sizes: any blend of
 * the two (`lerpLayout`, the open/close tween) has no overlaps either.
 */

import type { GraphSpec } from "../spec";
import { isFoldedNode } from "./folding";
import { layerGraph, type LayeredGraph } from "./layered";
import { routeEdges, type Columns } from "./routes";
import { closedSize, openSize } from "./sizes";
import { weightsSize } from "./weights";
import { boundsOf } from "./bounds";
import { applyWrap, planWrap, type WrapPlan } from "./wrap";
import type { Layout, NodeLayout, Vec3 } from "./types";

/** Minimum gaps between layers along x (flow) and y (between branches). */
export const MIN_FLOW_GAP = 1.2;
export const FLOW_GAP_FACTOR = 0.22;
export const LANE_GAP = 3.2;
/** Between a layer and an edge lane next to it, and between two lanes. */
export const EDGE_CLEARANCE = 0.9;
export const EDGE_SPACING = 0.45;
/** Extra room along x in a gap per unit of height an edge climbs there (up to MAX_CLIMB). */
export const CLIMB_ROOM = 0.25;
export const MAX_CLIMB = 16;
/** How strongly things hold to their neighbours' mean height (the main path is pinned). */
const MAIN_WEIGHT = 1e9;
const LANE_WEIGHT = 0.05;
/** Rounds of (up, down) relaxation after the first downward pass. */
const RELAX_ROUNDS = 3;
/** Rounds that straighten lanes, and how strongly lanes then hold to their level. */
const STRAIGHTEN_ROUNDS = 2;
const STRAIGHT_WEIGHT = 0.3;

/**
 * Least distance along x between the middles of a folded block and its neighbour:
 * room for the block's name (names alternate above and below a row), which a block's
 * small exit map (7 x 7 at the end of a ResNet) would not leave.
 */
export const FOLDED_PITCH = 6.5;

function flowGap(leftHeight: number, rightHeight: number): number {
  return MIN_FLOW_GAP + FLOW_GAP_FACTOR * Math.max(leftHeight, rightHeight);
}

/**
 * The topology of each graph object laid out, reused while only the open set changes
 * (graph specs are never changed in place; a new graph is a new object).
 */
const layeredCache = new WeakMap<GraphSpec, LayeredGraph>();

function layeredOf(graph: GraphSpec): LayeredGraph {
  let layered = layeredCache.get(graph);
  if (!layered) {
    layered = layerGraph(graph);
    layeredCache.set(graph, layered);
  }
  return layered;
}

/** Aspects a wrap is planned for are rounded to steps of this. */
export const ASPECT_STEP = 0.05;

/** The rows each graph wraps into, per aspect asked for (chosen on its closed layout). */
const wrapCache = new WeakMap<GraphSpec, Map<number, WrapPlan>>();

function wrapPlanOf(graph: GraphSpec, aspect: number, placed: Layout): WrapPlan {
  let plans = wrapCache.get(graph);
  if (!plans) {
    plans = new Map();
    wrapCache.set(graph, plans);
  }
  let plan = plans.get(aspect);
  if (!plan) {
    // Planned on the closed layout: `placed` itself when nothing in it is open or shows weights.
    const closed = [...placed.nodes.values()].every((n) => !n.open && !n.weights)
      ? placed
      : placeGraph(graph, new Set(), new Set());
    plan = planWrap(closed, aspect);
    plans.set(aspect, plan);
  }
  return plan;
}

/**
 * Lays out a graph. `openIds` names the layers drawn open (feature maps spread into
 * their channel grid), `weightIds` those drawn as their weights (sized by their
 * picture, over being open); other ids are ignored. With `aspect` (the view's width
 * over its height), a long model wraps into rows that fill such a view (wrap.ts); the
 * rows depend on the graph and the aspect only, so every layout of one graph at one
 * aspect has the same rows, whichever layers are open.
 */
export function layoutGraph(
  graph: GraphSpec,
  openIds: ReadonlySet<string> = new Set(),
  weightIds: ReadonlySet<string> = new Set(),
  aspect: number | null = null,
): Layout {
  const placed = placeGraph(graph, openIds, weightIds);
  if (aspect === null || !(aspect > 0) || !Number.isFinite(aspect)) return placed;
  // Steps of ASPECT_STEP: views of nearly the same shape share one plan.
  const step = Math.max(ASPECT_STEP, Math.round(aspect / ASPECT_STEP) * ASPECT_STEP);
  return applyWrap(placed, wrapPlanOf(graph, step, placed));
}

/** The layered placement: one band of columns along +x. */
function placeGraph(graph: GraphSpec, openIds: ReadonlySet<string>, weightIds: ReadonlySet<string>): Layout {
  const layered = layeredOf(graph);
  const labels = graph.labels ?? null;
  const n = graph.nodes.length;
  const items: NodeLayout[] = graph.nodes.map((node, i) => {
    const closed = closedSize(node, node.id === graph.outputs[0] || graph.outputs.length === 0 ? labels : null);
    const opened = openSize(node);
    const open = opened !== null && openIds.has(node.id);
    const weights = weightIds.has(node.id) ? weightsSize(node, graph) : null;
    return {
      id: node.id,
      node,
      depth: layered.depth[i],
      position: { x: 0, y: 0, z: 0 },
      size: weights ?? (open && opened ? opened : closed),
      closed,
      opened,
      open,
      weights: weights !== null,
    };
  });
  const nodes = new Map<string, NodeLayout>(items.map((item) => [item.id, item]));

  // Along y first (heights do not depend on x; computed downwards: index 0 of a
  // column is its top), so that the gaps along x can make room for steep curves.
  const count = layered.columns.length;
  const down = placeAcross(layered, items);
  for (let i = 0; i < n; i++) items[i].position.y = down[i] === 0 ? 0 : -down[i];
  const climb = gapClimbs(layered, down);

  // Along x: each column is as wide as its widest layer (lanes have no width).
  const columns: Columns = {
    x: new Float64Array(count),
    left: new Float64Array(count),
    right: new Float64Array(count),
    top: new Float64Array(count),
  };
  let cursor = 0;
  let previousHeight = 0;
  let previousFolded = false;
  let previousWidth = 0;
  for (let d = 0; d < count; d++) {
    let width = 0;
    let height = 0;
    let top = -Infinity;
    let folded = false;
    for (const v of layered.columns[d]) {
      const h = v < n ? items[v].size.h : 0;
      top = Math.max(top, -down[v] + h / 2);
      if (v >= n) continue;
      width = Math.max(width, items[v].size.w);
      height = Math.max(height, h);
      folded ||= isFoldedNode(items[v].node);
    }
    let gap = flowGap(previousHeight, height);
    if (folded || previousFolded) gap = Math.max(gap, FOLDED_PITCH - (previousWidth + width) / 2);
    if (d > 0) cursor += gap + CLIMB_ROOM * Math.min(climb[d - 1], MAX_CLIMB);
    previousFolded = folded;
    previousWidth = width;
    columns.left[d] = cursor;
    columns.x[d] = cursor + width / 2;
    cursor += width;
    columns.right[d] = cursor;
    columns.top[d] = top;
    previousHeight = height;
  }
  for (const item of items) {
    item.position.x = columns.x[item.depth];
    item.position.z = -item.size.d / 2;
  }
  const laneY = (v: number): number => -down[v];

  const edges = routeEdges(graph, layered, items, columns, laneY);
  return { nodes, order: graph.nodes.map((node) => node.id), edges, bounds: boundsOf(nodes, edges), depthCount: count };
}

/** Per gap between columns d and d+1: the largest change of height of an edge crossing it. */
function gapClimbs(layered: LayeredGraph, down: Float64Array): Float64Array {
  const climb = new Float64Array(Math.max(0, layered.columns.length - 1));
  for (let v = 0; v < layered.vertexCount; v++) {
    const d = layered.depth[v];
    for (const t of layered.down[v]) {
      if (layered.depth[t] !== d + 1) continue;
      climb[d] = Math.max(climb[d], Math.abs(down[t] - down[v]));
    }
  }
  return climb;
}

/**
 * Height (downwards) of every vertex: each column is solved as a weighted isotonic
 * regression of its vertices' wished heights under the column's order and gaps,
 * in a downward pass (wish: mean of the parents) and a few up/down rounds (wish:
 * mean of all neighbours).
 */
function placeAcross(layered: LayeredGraph, items: NodeLayout[]): Float64Array {
  const { columns, up, down, nodeCount: n, vertexCount } = layered;
  const pinned = pinnedOf(layered);
  const pos = new Float64Array(vertexCount);
  const weight = new Float64Array(vertexCount);
  for (let v = 0; v < vertexCount; v++) weight[v] = v >= n ? LANE_WEIGHT : pinned[v] ? MAIN_WEIGHT : 1;
  const height = (v: number): number => (v < n ? items[v].size.h : 0);
  const gap = (a: number, b: number): number => {
    const lanes = (a >= n ? 1 : 0) + (b >= n ? 1 : 0);
    const clearance = lanes === 0 ? LANE_GAP : lanes === 1 ? EDGE_CLEARANCE : EDGE_SPACING;
    return (height(a) + height(b)) / 2 + clearance;
  };
  const wish = new Float64Array(vertexCount);
  const solve = (d: number, useUp: boolean, useDown: boolean): void => {
    const column = columns[d];
    for (const v of column) {
      if (pinned[v]) {
        wish[v] = 0;
        continue;
      }
      let sum = 0;
      let k = 0;
      if (useUp) for (const u of up[v]) (sum += pos[u]), k++;
      if (useDown) for (const u of down[v]) (sum += pos[u]), k++;
      wish[v] = k > 0 ? sum / k : pos[v];
    }
    isotonicPlace(column, wish, weight, gap, pos);
  };
  for (let d = 0; d < columns.length; d++) solve(d, true, false);
  for (let round = 0; round < RELAX_ROUNDS; round++) {
    for (let d = columns.length - 1; d >= 0; d--) solve(d, true, true);
    for (let d = 0; d < columns.length; d++) solve(d, true, true);
  }
  // Straighten lanes: every lane vertex of an edge wishes for one height, the one of
  // its vertices furthest out from the main path (where the widest layer it passes
  // pushed it); layers wish to stay put.
  const straight = new Float64Array(vertexCount).fill(NaN);
  for (let round = 0; round < STRAIGHTEN_ROUNDS; round++) {
    for (const lane of layered.lanes) {
      if (lane.length < 2) continue;
      let lo = Infinity;
      let hi = -Infinity;
      let sum = 0;
      for (const v of lane) {
        lo = Math.min(lo, pos[v]);
        hi = Math.max(hi, pos[v]);
        sum += pos[v];
      }
      const level = sum >= 0 ? hi : lo;
      for (const v of lane) straight[v] = level;
    }
    for (let v = n; v < vertexCount; v++) weight[v] = STRAIGHT_WEIGHT;
    for (let d = 0; d < columns.length; d++) {
      const column = columns[d];
      for (const v of column) wish[v] = pinned[v] ? 0 : Number.isNaN(straight[v]) ? pos[v] : straight[v];
      isotonicPlace(column, wish, weight, gap, pos);
    }
  }
  return pos;
}

const pinnedCache = new WeakMap<LayeredGraph, Uint8Array>();

/** Topology only: computed once per graph. */
function pinnedOf(layered: LayeredGraph): Uint8Array {
  let pinned = pinnedCache.get(layered);
  if (!pinned) {
    pinned = pinnedVertices(layered);
    pinnedCache.set(layered, pinned);
  }
  return pinned;
}

/**
 * The main path holds y = 0, except where it forks into twins (layers with the same
 * inputs and outputs, e.g. two parallel convolutions): those spread evenly around it.
 */
function pinnedVertices(layered: LayeredGraph): Uint8Array {
  const { columns, up, down, main, nodeCount: n } = layered;
  const pinned = new Uint8Array(layered.vertexCount);
  const key = (v: number): string =>
    `${[...up[v]].sort((a, b) => a - b).join(",")}|${[...down[v]].sort((a, b) => a - b).join(",")}`;
  for (const column of columns) {
    const m = column.find((v) => v < n && main[v]);
    if (m === undefined) continue;
    const k = key(m);
    const twin = column.some((v) => v !== m && v < n && key(v) === k);
    if (!twin) pinned[m] = 1;
  }
  return pinned;
}

/**
 * Minimises sum w_i (p_i - wish_i)^2 subject to p_{i+1} - p_i >= gap(i, i+1), in the
 * column's order: shifting each p_i by the sum of the gaps before it turns this into
 * an isotonic regression, solved by pooling adjacent violators.
 */
export function isotonicPlace(
  column: readonly number[],
  wish: ArrayLike<number>,
  weight: ArrayLike<number>,
  gap: (a: number, b: number) => number,
  out: { [i: number]: number },
): void {
  const k = column.length;
  if (k === 0) return;
  const offset = new Float64Array(k);
  for (let i = 1; i < k; i++) offset[i] = offset[i - 1] + gap(column[i - 1], column[i]);
  // Blocks of pooled entries: total weight, weighted sum, first index.
  const bw: number[] = [];
  const bs: number[] = [];
  const start: number[] = [];
  for (let i = 0; i < k; i++) {
    const v = column[i];
    let w = weight[v];
    let s = w * (wish[v] - offset[i]);
    let first = i;
    while (bw.length > 0 && bs[bs.length - 1] / bw[bw.length - 1] > s / w) {
      w += bw.pop()!;
      s += bs.pop()!;
      first = start.pop()!;
    }
    bw.push(w);
    bs.push(s);
    start.push(first);
  }
  for (let b = 0; b < bw.length; b++) {
    const end = b + 1 < bw.length ? start[b + 1] : k;
    const level = bs[b] / bw[b];
    for (let i = start[b]; i < end; i++) out[column[i]] = level + offset[i];
  }
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
