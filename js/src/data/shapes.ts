/**
 * Dimensions Keras leaves open (`None`: a sequence of any length, an image of any
 * size) are known once a prediction arrives. The view is laid out from the graph, so
 * those dimensions are filled in from the payload before drawing.
 */

import type { GraphSpec, NodeSpec } from "../spec";
import type { DecodedPayload } from "./decode";

/** The node's shape as this payload shows it, or null when it cannot tell. */
function observedShape(node: NodeSpec, payload: DecodedPayload): number[] | null {
  const tensors = payload.nodes.get(node.id);
  if (!tensors) return null;
  const { full, summary } = tensors;
  if (summary && node.output_shape.length === summary.shape.length + 1) {
    // Feature maps and volumes: the full section may hold only the first channels.
    const channels = summary.channelsTotal ?? full?.channelsTotal ?? full?.shape[summary.shape.length] ?? null;
    return channels === null ? null : [...summary.shape, channels];
  }
  return full && full.shape.length === node.output_shape.length ? full.shape : null;
}

/**
 * `graph` with every open dimension replaced by the one `payload` shows. Returns
 * `graph` itself when nothing was open or nothing could be filled, so callers can
 * compare by identity.
 */
export function resolveOpenDims(graph: GraphSpec, payload: DecodedPayload | null): GraphSpec {
  if (!payload) return graph;
  let changed = false;
  const nodes = graph.nodes.map((node) => {
    if (!node.output_shape.some((d) => d === null)) return node;
    const seen = observedShape(node, payload);
    if (!seen) return node;
    changed = true;
    const output_shape = node.output_shape.map((d, i) => d ?? seen[i] ?? null);
    return { ...node, output_shape };
  });
  return changed ? { ...graph, nodes } : graph;
}

/** Whether two graphs would be laid out the same (same nodes, same shapes). */
export function sameShapes(a: GraphSpec | null, b: GraphSpec | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((n, i) => {
    const m = b.nodes[i];
    return (
      n.id === m.id &&
      n.output_shape.length === m.output_shape.length &&
      n.output_shape.every((d, k) => d === m.output_shape[k])
    );
  });
}
