/**
 * Walking the graph from the keyboard, one layer at a time. Pure: built from a graph
 * spec, it answers "which layer is next" for each arrow key.
 *
 * - → (`next`): along an edge to the first of the layer's successors in the graph's
 *   (topological) order; from a fork that is the first branch.
 * - ← (`previous`): back along an edge to the nearest predecessor (the one latest in
 *   the graph's order: from a merge, the branch that ends there last, not the skip).
 * - ↓ / ↑ (`sibling`): to the next / previous layer at the same depth (the number of
 *   steps on the longest path from an input, which is also the layout's column), i.e.
 *   across parallel branches. Ordered by the height given (the layout's y: ↑ goes to
 *   the layer drawn above), else by the graph's order (↑ to the earlier one).
 *
 * A graph without edges (unknown wiring) is walked in its listed order by → and ←.
 */

import type { GraphSpec } from "../spec";

export type WalkKey = "next" | "previous" | "up" | "down";

export class GraphWalk {
  private readonly index = new Map<string, number>();
  private readonly ids: string[];
  private readonly succ: number[][];
  private readonly pred: number[][];
  private readonly depth: number[];
  private readonly columns = new Map<number, number[]>();
  private readonly wired: boolean;

  constructor(graph: GraphSpec) {
    this.ids = graph.nodes.map((n) => n.id);
    for (const [i, id] of this.ids.entries()) this.index.set(id, i);
    const n = this.ids.length;
    this.succ = Array.from({ length: n }, () => []);
    this.pred = Array.from({ length: n }, () => []);
    for (const e of graph.edges) {
      const s = this.index.get(e.source);
      const t = this.index.get(e.target);
      if (s === undefined || t === undefined || s === t || this.succ[s].includes(t)) continue;
      this.succ[s].push(t);
      this.pred[t].push(s);
    }
    for (const list of this.succ) list.sort((a, b) => a - b);
    for (const list of this.pred) list.sort((a, b) => a - b);
    this.wired = graph.edges.length > 0;
    // Longest path from a source, over the topological order (an edge against the order,
    // which a spec never has, is ignored rather than looping).
    this.depth = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      for (const p of this.pred[i]) if (p < i) this.depth[i] = Math.max(this.depth[i], this.depth[p] + 1);
      const column = this.columns.get(this.depth[i]);
      if (column) column.push(i);
      else this.columns.set(this.depth[i], [i]);
    }
  }

  /** Where a walk starts when no layer is focused: the first input (the first layer). */
  start(): string | null {
    return this.ids[0] ?? null;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /** The layer's depth (longest path from an input), or -1 for an unknown id. */
  depthOf(id: string): number {
    const i = this.index.get(id);
    return i === undefined ? -1 : this.depth[i];
  }

  /** The layer an arrow key leads to from `id`, or null where the walk ends there. */
  step(id: string, key: WalkKey, height?: (id: string) => number | null): string | null {
    const i = this.index.get(id);
    if (i === undefined) return this.start();
    if (key === "next") {
      const j = this.wired ? this.succ[i][0] : i + 1;
      return this.ids[j] ?? null;
    }
    if (key === "previous") {
      const list = this.pred[i];
      const j = this.wired ? list[list.length - 1] : i - 1;
      return j === undefined || j < 0 ? null : this.ids[j];
    }
    return this.sibling(i, key === "down" ? 1 : -1, height);
  }

  private sibling(i: number, dir: 1 | -1, height?: (id: string) => number | null): string | null {
    const column = this.columns.get(this.depth[i]) ?? [i];
    if (column.length < 2) return null;
    // Top to bottom: higher y first; without heights, the graph's order.
    const key = (j: number): number => {
      const h = height?.(this.ids[j]);
      return h === null || h === undefined ? j : -h;
    };
    const sorted = [...column].sort((a, b) => key(a) - key(b) || a - b);
    const at = sorted.indexOf(i);
    const j = sorted[at + dir];
    return j === undefined ? null : this.ids[j];
  }
}
