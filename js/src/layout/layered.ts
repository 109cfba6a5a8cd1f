/**
 * The topology half of the layout: which column (depth) each node sits in, which
 * long edges run through which columns, and in what order the things in one column
 * are stacked. Sizes play no part, so opening a layer never reorders anything (and
 * the open/close tween moves everything in straight lines without collisions).
 *
 * Sugiyama-style, in near-linear time:
 * 1. longest-path layering (a node's depth is its longest path from a source);
 * 2. every edge that spans several columns gets a "dummy" vertex in each column it
 *    crosses, so that it owns a lane there (up to a budget; longer ones become arcs
 *    over the top, see `arcs`);
 * 3. crossing reduction: a DFS order to start, then barycentre sweeps down and up
 *    the columns, keeping the order with the fewest crossings (counted exactly with
 *    a Fenwick tree, O(E log V) per sweep).
 *
 * TensorSpace enumerated every input-to-output path instead: exponential in the
 * number of branch points.
 */

import type { GraphSpec } from "../spec";

/** No dummy chains for edges longer than this many columns: they arc over the top. */
export const MAX_LANE_SPAN = 64;
/** Dummy vertices allowed in all: a few per node, so that layout stays linear-ish. */
export function dummyBudget(nodeCount: number): number {
  return 2000 + 8 * nodeCount;
}
/** Barycentre sweeps (one down or one up each). */
export const ORDER_SWEEPS = 8;

export interface LayeredGraph {
  /** Real nodes are vertices 0..nodeCount-1 in graph order; dummies follow. */
  nodeCount: number;
  vertexCount: number;
  /** Column of each vertex. */
  depth: Int32Array;
  /** Vertices of each column, top (index 0) to bottom. */
  columns: number[][];
  /** Neighbours in the previous / next column. */
  up: number[][];
  down: number[][];
  /** Per graph edge (same index): the dummy vertices it runs through, in column order. */
  lanes: number[][];
  /** Per graph edge: routed as an arc over everything between its ends (too long for lanes). */
  arc: boolean[];
  /** Per graph edge: whether both ends are known nodes (others are dropped). */
  valid: boolean[];
  /** Real nodes on the main path (the longest source-to-output chain). */
  main: Uint8Array;
}

/** Longest-path depth of each node from the graph's sources (Kahn's order). */
export function nodeDepths(graph: GraphSpec): Map<string, number> {
  const ids = graph.nodes.map((n) => n.id);
  const index = new Map<string, number>(ids.map((id, i) => [id, i]));
  const { depth } = depthsByIndex(graph, index);
  return new Map(ids.map((id, i) => [id, depth[i]]));
}

function depthsByIndex(graph: GraphSpec, index: Map<string, number>): { depth: Int32Array; out: number[][] } {
  const n = index.size;
  const incoming = new Int32Array(n);
  const out: number[][] = Array.from({ length: n }, () => []);
  for (const e of graph.edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t) continue;
    out[s].push(t);
    incoming[t] += 1;
  }
  const depth = new Int32Array(n);
  // Unknown wiring (an untraceable subclassed model): no edges, so the order the model
  // tracks its layers in is the only flow there is; draw it left to right.
  if (graph.wiring === "unknown") {
    for (let i = 0; i < n; i++) depth[i] = i;
    return { depth, out };
  }
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (incoming[i] === 0) queue.push(i);
  const done = new Uint8Array(n);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q];
    done[v] = 1;
    for (const t of out[v]) {
      if (depth[v] + 1 > depth[t]) depth[t] = depth[v] + 1;
      if (--incoming[t] === 0) queue.push(t);
    }
  }
  // A cycle should not happen; if it does, put what is left after everything else.
  let next = 0;
  for (let i = 0; i < n; i++) if (done[i]) next = Math.max(next, depth[i] + 1);
  for (let i = 0; i < n; i++) if (!done[i]) depth[i] = next++;
  return { depth, out };
}

/** Builds columns, lanes and a crossing-reduced order. */
export function layerGraph(graph: GraphSpec): LayeredGraph {
  const n = graph.nodes.length;
  const index = new Map<string, number>(graph.nodes.map((node, i) => [node.id, i]));
  const { depth: realDepth } = depthsByIndex(graph, index);
  const depth: number[] = Array.from(realDepth);
  const up: number[][] = Array.from({ length: n }, () => []);
  const down: number[][] = Array.from({ length: n }, () => []);
  const edgeCount = graph.edges.length;
  const lanes: number[][] = Array.from({ length: edgeCount }, () => []);
  const arc: boolean[] = new Array<boolean>(edgeCount).fill(false);
  const valid: boolean[] = new Array<boolean>(edgeCount).fill(false);

  // Shortest long edges get lanes first, so the budget goes to the most edges.
  const long: Array<[number, number]> = [];
  graph.edges.forEach((e, i) => {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t) return;
    valid[i] = true;
    const span = depth[t] - depth[s];
    if (span === 1) {
      down[s].push(t);
      up[t].push(s);
    } else if (span > 1) {
      long.push([i, span]);
    }
    // span < 1 only after a cycle: drawn straight, no part in the ordering.
  });
  long.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  let budget = dummyBudget(n);
  for (const [i, span] of long) {
    if (span > MAX_LANE_SPAN || span - 1 > budget) {
      arc[i] = true;
      continue;
    }
    budget -= span - 1;
    const s = index.get(graph.edges[i].source)!;
    const t = index.get(graph.edges[i].target)!;
    let prev = s;
    for (let d = depth[s] + 1; d < depth[t]; d++) {
      const v = depth.length;
      depth.push(d);
      up.push([prev]);
      down.push([]);
      down[prev].push(v);
      lanes[i].push(v);
      prev = v;
    }
    down[prev].push(t);
    up[t].push(prev);
  }

  const vertexCount = depth.length;
  const columnCount = vertexCount === 0 ? 0 : Math.max(...realDepth) + 1;
  const columns = initialOrder(n, vertexCount, depth, down, up, columnCount);
  reduceCrossings(columns, up, down, n);
  return {
    nodeCount: n,
    vertexCount,
    depth: Int32Array.from(depth),
    columns,
    up,
    down,
    lanes,
    arc,
    valid,
    main: mainPath(graph, index, realDepth, n),
  };
}

/** Columns in the order a depth-first walk from the sources meets their vertices. */
function initialOrder(
  n: number,
  count: number,
  depth: number[],
  down: number[][],
  up: number[][],
  columnCount: number,
): number[][] {
  const columns: number[][] = Array.from({ length: columnCount }, () => []);
  const seen = new Uint8Array(count);
  const stack: number[] = [];
  const visit = (root: number): void => {
    stack.push(root);
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (seen[v]) continue;
      seen[v] = 1;
      columns[depth[v]].push(v);
      // Reversed, so that the first child is walked first; lanes before layers, so
      // that skip connections start out above the chain they skip.
      const children = down[v];
      for (let k = children.length - 1; k >= 0; k--) if (children[k] < n && !seen[children[k]]) stack.push(children[k]);
      for (let k = children.length - 1; k >= 0; k--)
        if (children[k] >= n && !seen[children[k]]) stack.push(children[k]);
    }
  };
  for (let v = 0; v < n; v++) if (up[v].length === 0) visit(v);
  for (let v = 0; v < count; v++) if (!seen[v]) visit(v);
  return columns;
}

/**
 * Reorders `columns` in place by barycentre sweeps, keeping the order with the fewest
 * crossings (vertices >= n are lanes). Ties keep the current order, except that a
 * lane goes before (above) a layer with the same barycentre: skip connections then
 * run on one side of the chain they skip, the same side every time.
 */
export function reduceCrossings(columns: number[][], up: number[][], down: number[][], n: number): void {
  const count = up.length;
  const pos = new Float64Array(count);
  const place = (column: number[]): void => column.forEach((v, i) => (pos[v] = i));
  columns.forEach(place);
  let best = columns.map((c) => c.slice());
  let bestCrossings = countCrossings(columns, down, pos);
  const bary = new Float64Array(count);
  for (let sweep = 0; sweep < ORDER_SWEEPS && bestCrossings > 0; sweep++) {
    const downward = sweep % 2 === 0;
    const order = downward ? columns.keys() : [...columns.keys()].reverse();
    for (const d of order) {
      const column = columns[d];
      for (const v of column) {
        const ns = downward ? up[v] : down[v];
        if (ns.length === 0) {
          bary[v] = pos[v];
          continue;
        }
        let sum = 0;
        for (const u of ns) sum += pos[u];
        bary[v] = sum / ns.length;
      }
      column.sort((a, b) => bary[a] - bary[b] || (a >= n ? 0 : 1) - (b >= n ? 0 : 1) || pos[a] - pos[b]);
      place(column);
    }
    const crossings = countCrossings(columns, down, pos);
    if (crossings < bestCrossings) {
      bestCrossings = crossings;
      best = columns.map((c) => c.slice());
    }
  }
  best.forEach((c, d) => (columns[d] = c));
}

/** Edge crossings between adjacent columns (pairs of edges whose ends swap order). */
export function countCrossings(columns: number[][], down: number[][], pos: Float64Array): number {
  let total = 0;
  for (let d = 0; d + 1 < columns.length; d++) {
    const next = columns[d + 1];
    if (next.length < 2) continue;
    // Edges sorted by (source position, target position); inversions of targets cross.
    const targets: number[] = [];
    for (const u of columns[d]) {
      const ts = down[u].map((t) => pos[t]).sort((a, b) => a - b);
      for (const t of ts) targets.push(t);
    }
    const tree = new Int32Array(next.length + 1);
    let seen = 0;
    for (const t of targets) {
      // Earlier edges with a larger target position cross this one.
      let notGreater = 0;
      for (let i = t + 1; i > 0; i -= i & -i) notGreater += tree[i];
      total += seen - notGreater;
      for (let i = t + 1; i <= next.length; i += i & -i) tree[i] += 1;
      seen += 1;
    }
  }
  return total;
}

/** Marks the longest chain that ends at the first output (or the deepest node). */
function mainPath(graph: GraphSpec, index: Map<string, number>, depth: Int32Array, n: number): Uint8Array {
  const main = new Uint8Array(n);
  if (n === 0) return main;
  let end = index.get(graph.outputs[0] ?? "") ?? -1;
  if (end < 0) {
    end = 0;
    for (let v = 1; v < n; v++) if (depth[v] > depth[end]) end = v;
  }
  // Walking back along real parents exactly one column up gives a longest chain.
  const parents: number[][] = Array.from({ length: n }, () => []);
  for (const e of graph.edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s !== undefined && t !== undefined && depth[t] - depth[s] === 1) parents[t].push(s);
  }
  let v = end;
  for (;;) {
    main[v] = 1;
    const ps = parents[v];
    if (ps.length === 0) break;
    v = ps[0];
  }
  return main;
}
