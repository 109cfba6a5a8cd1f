/**
 * The hover tooltip's content for one layer, from facts about the layer and its visual:
 * pure, so what the tooltip says is tested without a scene (tooltip.ts draws it).
 */

import { formatConfigValue, formatCount, formatShape } from "../data/format";
import type { Region } from "../data/receptive";
import type { ElementHit, LegendInfo } from "../visuals/types";
import type { NodeSpec } from "../spec";
import { elementLines, type TooltipInfo } from "./tooltip";

// Enough for a convolution with all its options and three regularizers, or an LSTM with dropout.
export const MAX_CONFIG_ROWS = 14;

/** A block of an input the hovered element reads, with that input's output shape. */
export interface ShapedRead {
  source: string;
  region: Region;
  shape: ReadonlyArray<number | null>;
}

/** What the tooltip is made from: the layer's spec and what its visual reports under the pointer. */
export interface LayerFacts {
  node: NodeSpec;
  /** Rows the visual adds from its data (e.g. the top classes). */
  dataRows: ReadonlyArray<[string, string]>;
  legend: LegendInfo | null;
  /** The output element under the pointer, when the visual can tell. */
  element: ElementHit | null;
  /** What that element reads. */
  reads: ReadonlyArray<ShapedRead>;
  canOpen: boolean;
  /** What opening shows (the hint on a closed layer). */
  openHint: string;
  open: boolean;
}

/** The tooltip for one hovered layer (and element). */
export function describeLayer(facts: LayerFacts): TooltipInfo {
  const { node, element } = facts;
  const rows: Array<[string, string]> = [];
  rows.push([
    "output",
    node.output_shapes.length > 1
      ? node.output_shapes.map((s) => formatShape(s)).join(", ")
      : formatShape(node.output_shape),
  ]);
  // Python sends a channels-first node's shape and values channels last, as drawn;
  // the layer's own layout is said so that its shape reads as Keras prints it.
  if (node.channels_first === true && node.output_shape.length > 1) {
    const own = [node.output_shape[node.output_shape.length - 1], ...node.output_shape.slice(0, -1)];
    rows.push(["layer's own", `${formatShape(own)} channels first`]);
  }
  if (node.reads_channels_first === true) rows.push(["reads", "its input channels first"]);
  if (node.params > 0) rows.push(["params", formatCount(node.params)]);
  const config = Object.entries(node.config ?? {}).slice(0, MAX_CONFIG_ROWS);
  for (const [k, v] of config) rows.push([k, formatConfigValue(v)]);
  if (node.parent) rows.push(["in", node.parent]);
  rows.push(...facts.dataRows);
  // The reads name their input's axes: its rank, and its channel count (a single channel goes unsaid).
  const reads = facts.reads.map((r) => ({
    source: r.source,
    region: r.region,
    rank: r.shape.length,
    channels: r.shape[r.shape.length - 1] ?? null,
  }));
  return {
    title: node.name,
    subtitle: node.id !== node.name ? `${node.class_name} · ${node.id}` : node.class_name,
    rows,
    legend: facts.legend,
    element: element ? elementLines(element, reads) : null,
    hint: facts.canOpen ? (facts.open ? "click to close" : facts.openHint) : null,
  };
}
