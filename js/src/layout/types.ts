/** The shapes a layout is made of: positions, node boxes, edge routes, bounds. Types only. */

import type { NodeSpec } from "../spec";
import type { Size3 } from "./sizes";

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
  /** Drawn as its weights (sized by their picture, whether open or not). */
  weights: boolean;
}

/**
 * How an edge is drawn: straight to the next column, along a lane of its own through
 * the columns it skips, or (very long edges) in an arc over everything it skips.
 */
export type EdgeKind = "direct" | "lane" | "arc";

export interface EdgeLayout {
  source: string;
  target: string;
  kind: EdgeKind;
  /**
   * Polyline from the source's exit to the target's entry: straight inside columns,
   * sampled S-curves (cubic Bezier, level at both ends) in the gaps between them.
   * Its length depends on the graph only, never on which layers are open.
   */
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
  /** Rows the columns wrap into (wrap.ts); absent: one row. */
  rows?: number;
}
