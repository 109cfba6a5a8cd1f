/**
 * Where a layer sits among the model's blocks (the graph spec's `groups`, found by
 * Python's groups.py): the chain of blocks that hold it, outermost first, for the
 * breadcrumb. Pure.
 */

import type { GraphSpec, GroupSpec } from "../spec";

export class BlockIndex {
  private readonly byId = new Map<string, GroupSpec>();
  /** Each node's innermost group. */
  private readonly innermost = new Map<string, GroupSpec>();

  constructor(graph: GraphSpec | null) {
    const groups = graph?.groups ?? [];
    for (const g of groups) this.byId.set(g.id, g);
    // Depth through `parent`, so the deepest group holding a node wins whatever the order.
    const depth = new Map<string, number>();
    const depthOf = (g: GroupSpec, seen = 0): number => {
      const known = depth.get(g.id);
      if (known !== undefined) return known;
      const parent = g.parent ? this.byId.get(g.parent) : undefined;
      const d = parent && seen < groups.length ? depthOf(parent, seen + 1) + 1 : 0;
      depth.set(g.id, d);
      return d;
    };
    for (const g of groups) {
      const d = depthOf(g);
      for (const id of g.nodes) {
        const current = this.innermost.get(id);
        if (!current || depthOf(current) < d) this.innermost.set(id, g);
      }
    }
  }

  group(id: string): GroupSpec | null {
    return this.byId.get(id) ?? null;
  }

  /** The blocks holding layer `id`, outermost first (empty at the top level or for an unknown id). */
  enclosing(id: string): GroupSpec[] {
    const chain: GroupSpec[] = [];
    let g = this.innermost.get(id);
    while (g && chain.length <= this.byId.size) {
      chain.unshift(g);
      g = g.parent ? this.byId.get(g.parent) : undefined;
    }
    return chain;
  }
}
