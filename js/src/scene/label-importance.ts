/**
 * Which layers' captions go first when there is room for only some: folded blocks
 * (each caption stands for many layers, and names the block to unfold), inputs and
 * outputs, then the layers where branches fork or join, then the rest.
 */

import { isFoldedNode } from "../layout";
import type { GraphSpec } from "../spec";

/** Importance of a folded block's caption: above any layer's. */
export const FOLDED_IMPORTANCE = 4;

/**
 * Importance per node id: FOLDED_IMPORTANCE for a folded block (`isFoldedNode`), else
 * 2 for an input or output, +1 where more than one edge comes in or goes out.
 */
export function labelImportance(graph: GraphSpec): Map<string, number> {
  const inDegree = new Map<string, number>();
  const outDegree = new Map<string, number>();
  for (const e of graph.edges) {
    inDegree.set(e.target, (inDegree.get(e.target) ?? 0) + 1);
    outDegree.set(e.source, (outDegree.get(e.source) ?? 0) + 1);
  }
  const importance = new Map<string, number>();
  for (const n of graph.nodes) {
    const ends = n.is_input || n.is_output ? 2 : 0;
    const joins = (inDegree.get(n.id) ?? 0) > 1 || (outDegree.get(n.id) ?? 0) > 1 ? 1 : 0;
    importance.set(n.id, isFoldedNode(n) ? FOLDED_IMPORTANCE : ends + joins);
  }
  return importance;
}
