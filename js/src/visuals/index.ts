/** Picks the visual for a node from its family (and falls back to the generic box). */

import type { NodeLayout } from "../layout";
import type { NodeSpec } from "../spec";
import type { LayerVisual, VisualContext } from "./types";
import { FeatureMapVisual } from "./feature-maps";
import { GenericVisual } from "./generic";
import { ImageVisual } from "./image";
import { NeuronsVisual } from "./neurons";
import { OutputVisual } from "./output";
import { PassthroughVisual } from "./passthrough";
import { SequenceVisual } from "./sequence";
import { VolumeVisual } from "./volume";
import { WeightsVisual } from "./weights";

export type { LayerVisual, VisualContext } from "./types";

function rankIs(node: NodeSpec, rank: number): boolean {
  return node.output_shape.length === rank;
}

/** Whether a vector node is the labelled model output. */
export function isLabelledOutput(node: NodeSpec, ctx: VisualContext): boolean {
  const labels = ctx.graph.labels;
  const first = ctx.graph.outputs[0] ?? null;
  return node.is_output && labels !== null && labels.length > 0 && (first === null || first === node.id);
}

export function createVisual(node: NodeSpec, layout: NodeLayout, ctx: VisualContext): LayerVisual {
  const visual = createFamilyVisual(node, layout, ctx);
  return node.weights ? new WeightsVisual(visual, node.weights, layout, ctx) : visual;
}

function createFamilyVisual(node: NodeSpec, layout: NodeLayout, ctx: VisualContext): LayerVisual {
  try {
    if (node.passthrough && node.family !== "generic") return new PassthroughVisual(node, layout, ctx);
    switch (node.family) {
      case "image":
        if (rankIs(node, 3)) return new ImageVisual(node, layout, ctx);
        break;
      case "feature_map":
        if (rankIs(node, 3)) return new FeatureMapVisual(node, layout, ctx);
        break;
      case "vector":
        if (rankIs(node, 1)) {
          return isLabelledOutput(node, ctx)
            ? new OutputVisual(node, layout, ctx)
            : new NeuronsVisual(node, layout, ctx);
        }
        break;
      case "volume":
        if (rankIs(node, 4)) return new VolumeVisual(node, layout, ctx);
        break;
      case "sequence":
        if (rankIs(node, 2)) return new SequenceVisual(node, layout, ctx);
        break;
      default:
        break;
    }
  } catch (err) {
    console.warn(`layerscape: drawing ${node.id} as a generic box`, err);
  }
  return new GenericVisual(node, layout, ctx);
}
