/**
 * Flatten and Reshape: which node a reshape reads from, for its caption (the input's
 * shape → its own). The fan of lines that shows how elements move is a scene object
 * (scene/reshape-fans.ts).
 */

import type { GraphSpec, NodeSpec } from "../spec";

/** The node a reshape reads from (its only input), or null. */
export function reshapeSource(graph: GraphSpec, node: NodeSpec): NodeSpec | null {
  const sources = graph.edges.filter((e) => e.target === node.id).map((e) => e.source);
  if (sources.length !== 1) return null;
  return graph.nodes.find((n) => n.id === sources[0]) ?? null;
}
