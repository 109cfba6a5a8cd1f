/**
 * How big a layer is drawn while it shows its weights: the picture of its kernel and
 * bias (data/weights.ts) at the scale every picture uses (sizes.ts `pixelExtent` of its
 * longer side), so a Dense 400 x 120 kernel gets a heat map's footprint rather than
 * its neuron grid's, and no side grows beyond WEIGHTS_MAX_SIDE. Kernels are small
 * pictures (LeNet's first is 35 x 8 pixels): up to WEIGHTS_MIN_SIDE they are drawn up
 * to WEIGHTS_MAX_PIXEL a pixel, so that a 5 x 5 tile can be read.
 */

import { isRgbKernel, weightsPicture } from "../data/weights";
import type { GraphSpec, NodeSpec } from "../spec";
import { PIXEL, PLANE_DEPTH, pixelExtent, type Size3 } from "./sizes";

/** The longer side of a weights picture, in world units, at most (a 4096-row embedding stays in view). */
export const WEIGHTS_MAX_SIDE = 24;
/** The longer side small pictures are brought up to (at most WEIGHTS_MAX_PIXEL a pixel). */
export const WEIGHTS_MIN_SIDE = 10;
export const WEIGHTS_MAX_PIXEL = 3 * PIXEL;
/** Pixels of a picture the front end draws at most, per side (Python sends no more). */
export const WEIGHTS_MAX_PIXELS = 4096;

/** The size of `node` while it shows its weights, or null when it has none. */
export function weightsSize(node: NodeSpec, graph: GraphSpec): Size3 | null {
  const spec = node.weights;
  if (!spec || (spec.kernel.length !== 2 && spec.kernel.length !== 4)) return null;
  const p = weightsPicture(spec.kernel, spec.bias?.[0] ?? 0, isRgbKernel(graph, node));
  const width = Math.min(WEIGHTS_MAX_PIXELS, Math.max(1, p.width));
  const height = Math.min(WEIGHTS_MAX_PIXELS, Math.max(1, p.height));
  const side = Math.max(width, height);
  let world = Math.min(WEIGHTS_MAX_SIDE, pixelExtent(side)) / side;
  if (world * side < WEIGHTS_MIN_SIDE) world = Math.min(WEIGHTS_MIN_SIDE / side, WEIGHTS_MAX_PIXEL);
  return { w: Math.max(0.3, width * world), h: Math.max(0.3, height * world), d: PLANE_DEPTH };
}
