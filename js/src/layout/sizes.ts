/**
 * How big each layer is drawn, in world units. Layers flow along +x; a layer's face
 * lies in the x-y plane (facing +z, towards the default camera) and its channel
 * stack recedes along -z.
 *
 * One global scale for pixels: a side of n pixels is n * PIXEL world units up to 64
 * pixels, then grows with sqrt(n) so that a 224 x 224 input does not dwarf the rest;
 * never below MIN_SIDE so that a 1 x 1 map is still visible.
 */

import type { NodeSpec } from "../spec";

export interface Size3 {
  /** Along x (the flow axis). */
  w: number;
  /** Along y. */
  h: number;
  /** Along z (depth / channel stack). */
  d: number;
}

export const PIXEL = 0.2;
export const MIN_SIDE = 0.6;
export const LINEAR_PIXELS = 64;
export const PLANE_DEPTH = 0.08;
/** Neuron spacing (centre to centre) and neuron size. */
export const NEURON_PITCH = 0.3;
export const NEURON_SIZE = 0.22;
/** Labelled output units are drawn bigger, to sit next to readable labels. */
export const LABELLED_PITCH = 0.75;
export const LABELLED_SIZE = 0.55;
/** Vectors longer than this wrap into columns of this many units, then a near-square grid. */
export const VECTOR_WRAP = 16;
/**
 * A vector shows at most this many units (the first ones). Enough for VGG's 25,088
 * flattened features, folded into a near-square grid (about 48 world units a side).
 */
export const MAX_NEURONS = 32768;
/** Output vectors with at most this many labels get one label per unit. */
export const MAX_UNIT_LABELS = 32;
/** Room kept right of labelled units: a base plus a width per character of the longest label. */
export const LABEL_WIDTH = 1.2;
export const LABEL_CHAR_WIDTH = 0.17;
/** Characters a unit label adds for its score (" 100.0%"). */
const SCORE_CHARS = 7;

export function labelWidth(labels: readonly string[]): number {
  const longest = labels.reduce((m, l) => Math.max(m, l.length), 0);
  return LABEL_WIDTH + LABEL_CHAR_WIDTH * (longest + SCORE_CHARS);
}
export const GENERIC_SIDE = 1.2;
/** An open feature map shows at most this many channels (a volume this many tiles). */
export const MAX_OPEN_CHANNELS = 1024;
/** Layers that are the identity at inference (Dropout, GaussianNoise, ...) are this thin along the flow. */
export const PASSTHROUGH_WIDTH = 0.3;
/** A closed volume draws at most this many depth slices (every k-th beyond). */
export const MAX_VOLUME_SLICES = 24;
/** World distance between the depth slices of a closed volume. */
export const SLICE_GAP = 0.45;
/** Texture pixels of one channel strip of an open sequence, and of the gap under it. */
export const STRIP_PX = 3;
export const STRIP_PAD_PX = 1;

/** A dimension from a spec shape: unknown (None) dims count as `fallback`. */
export function dim(shape: ReadonlyArray<number | null>, i: number, fallback = 1): number {
  const v = shape[i];
  return typeof v === "number" && v > 0 ? v : fallback;
}

/** World extent of a side of n pixels. */
export function pixelExtent(n: number): number {
  const raw = n <= LINEAR_PIXELS ? n * PIXEL : LINEAR_PIXELS * PIXEL * Math.sqrt(n / LINEAR_PIXELS);
  return Math.max(MIN_SIDE, raw);
}

/** Thickness of a closed stack of c channels (log scale). */
export function stackDepth(c: number): number {
  return 0.15 + 0.3 * Math.log2(Math.max(1, c) + 1);
}

export interface VectorGrid {
  cols: number;
  rows: number;
}

/**
 * A vector of n units: one column up to VECTOR_WRAP units; longer ones wrap into
 * columns of VECTOR_WRAP units until the grid is square, then grow as a near-square
 * grid (rows = ceil(sqrt(n))). Both rows and columns never shrink as n grows, so a
 * longer vector is never drawn smaller than a shorter one.
 */
export function vectorGrid(n: number): VectorGrid {
  const units = Math.max(1, Math.floor(n));
  if (units <= VECTOR_WRAP) return { cols: 1, rows: units };
  const rows = Math.max(VECTOR_WRAP, Math.ceil(Math.sqrt(units)));
  return { cols: Math.ceil(units / rows), rows };
}

export interface NeuronLayout extends VectorGrid {
  /** Units drawn (the first `count`). */
  count: number;
  /** Centre-to-centre spacing and box size. */
  pitch: number;
  neuron: number;
}

/** Where the units of a vector of n go (shared by layout and visual). Labelled units stay one column. */
export function neuronLayout(n: number, labelled = false): NeuronLayout {
  const count = Math.max(1, Math.min(MAX_NEURONS, n));
  return {
    ...(labelled ? { cols: 1, rows: count } : vectorGrid(count)),
    count,
    pitch: labelled ? LABELLED_PITCH : NEURON_PITCH,
    neuron: labelled ? LABELLED_SIZE : NEURON_SIZE,
  };
}

/** The channel grid of an open feature map (H x W x C), shared by layout and visual. */
export interface ChannelGrid {
  channels: number;
  cols: number;
  rows: number;
  /** Tile size in pixels and the gap between tiles in pixels. */
  tileW: number;
  tileH: number;
  padPx: number;
  /** World units per atlas pixel. */
  pixelWorld: number;
  /** Atlas size in pixels. */
  atlasW: number;
  atlasH: number;
}

export function channelGrid(height: number, width: number, channels: number): ChannelGrid {
  const c = Math.max(1, Math.min(MAX_OPEN_CHANNELS, channels));
  const cols = Math.ceil(Math.sqrt(c));
  const rows = Math.ceil(c / cols);
  const padPx = Math.max(1, Math.round(Math.max(width, height) * 0.12));
  const side = Math.max(width, height);
  const pixelWorld = pixelExtent(side) / side;
  return {
    channels: c,
    cols,
    rows,
    tileW: width,
    tileH: height,
    padPx,
    pixelWorld,
    atlasW: cols * width + (cols - 1) * padPx,
    atlasH: rows * height + (rows - 1) * padPx,
  };
}

/** Which depth slices a closed volume of `depth` slices draws: every `step`-th, `count` of them. */
export function volumeSlices(depth: number): { step: number; count: number } {
  const d = Math.max(1, Math.floor(depth));
  const step = Math.ceil(d / MAX_VOLUME_SLICES);
  return { step, count: Math.ceil(d / step) };
}

/** The tiles of an open volume (D x H x W x C): one row per depth slice, one column per channel. */
export function volumeGrid(depth: number, height: number, width: number, channels: number): ChannelGrid {
  const rows = Math.max(1, Math.min(MAX_OPEN_CHANNELS, depth));
  const cols = Math.max(1, Math.min(channels, Math.floor(MAX_OPEN_CHANNELS / rows)));
  const padPx = Math.max(1, Math.round(Math.max(width, height) * 0.12));
  const side = Math.max(width, height);
  return {
    channels: rows * cols,
    cols,
    rows,
    tileW: width,
    tileH: height,
    padPx,
    pixelWorld: pixelExtent(side) / side,
    atlasW: cols * width + (cols - 1) * padPx,
    atlasH: rows * height + (rows - 1) * padPx,
  };
}

/** The strips of an open sequence (T x C): one strip per channel, time along x. */
export interface StripGrid {
  steps: number;
  strips: number;
  /** Texture size in pixels (a strip is STRIP_PX tall with STRIP_PAD_PX under it). */
  texW: number;
  texH: number;
  /** World height of one strip (the gap under it is a third of that). */
  stripWorld: number;
}

export function stripGrid(steps: number, channels: number, closedHeight: number): StripGrid {
  const strips = Math.max(1, Math.min(MAX_OPEN_CHANNELS, channels));
  const t = Math.max(1, steps);
  // Strips a third apart, together at most three times the closed strip's height (a
  // 512-feature LSTM does not become a tower), each at most 0.6 tall.
  const stripWorld = Math.min(0.6, (3 * closedHeight) / (strips * (4 / 3)));
  return { steps: t, strips, texW: t, texH: strips * (STRIP_PX + STRIP_PAD_PX) - STRIP_PAD_PX, stripWorld };
}

/**
 * Whether clicking opens the node: what the graph spec says (`opens`, decided by
 * `families.can_open` in Python). Layout, visuals and scene all ask this one function.
 */
export function canOpen(node: NodeSpec): boolean {
  return node.opens === true;
}

/** Whether this node draws as labelled output units. */
export function hasUnitLabels(node: NodeSpec, labels: readonly string[] | null): boolean {
  return (
    node.family === "vector" &&
    node.is_output &&
    labels !== null &&
    labels.length > 0 &&
    labels.length <= MAX_UNIT_LABELS
  );
}

/** Size of a node's visual when closed. */
export function closedSize(node: NodeSpec, labels: readonly string[] | null = null): Size3 {
  const size = familySize(node, labels);
  return node.passthrough ? { w: PASSTHROUGH_WIDTH, h: size.h, d: size.d } : size;
}

function familySize(node: NodeSpec, labels: readonly string[] | null): Size3 {
  const s = node.output_shape;
  switch (node.family) {
    case "image":
      return { w: pixelExtent(dim(s, 1)), h: pixelExtent(dim(s, 0)), d: PLANE_DEPTH };
    case "feature_map":
      return { w: pixelExtent(dim(s, 1)), h: pixelExtent(dim(s, 0)), d: stackDepth(dim(s, 2)) };
    case "volume":
      return {
        w: pixelExtent(dim(s, 2)),
        h: pixelExtent(dim(s, 1)),
        d: (volumeSlices(dim(s, 0)).count - 1) * SLICE_GAP + PLANE_DEPTH,
      };
    case "sequence":
      return { w: pixelExtent(dim(s, 0, 8)), h: pixelExtent(dim(s, 1)), d: PLANE_DEPTH };
    case "vector": {
      const labelled = hasUnitLabels(node, labels);
      const { cols, rows, pitch } = neuronLayout(dim(s, 0), labelled);
      return { w: cols * pitch + (labelled && labels ? labelWidth(labels) : 0), h: rows * pitch, d: pitch };
    }
    default:
      return { w: GENERIC_SIDE, h: GENERIC_SIDE, d: GENERIC_SIDE };
  }
}

/** The tiles of an open RGB image: its three colour planes side by side. */
export function colorPlanesGrid(height: number, width: number): ChannelGrid {
  const g = channelGrid(height, width, 3);
  return { ...g, cols: 3, rows: 1, atlasW: 3 * width + 2 * g.padPx, atlasH: height };
}

/**
 * Size when open, or null for layers that do not open: feature maps spread their
 * channels in a grid, volumes their depth x channel tiles, sequences one strip per
 * channel, RGB images their three colour planes.
 */
export function openSize(node: NodeSpec): Size3 | null {
  if (!canOpen(node)) return null;
  const s = node.output_shape;
  switch (node.family) {
    case "feature_map": {
      const g = channelGrid(dim(s, 0), dim(s, 1), dim(s, 2));
      return { w: g.atlasW * g.pixelWorld, h: g.atlasH * g.pixelWorld, d: PLANE_DEPTH };
    }
    case "volume": {
      const g = volumeGrid(dim(s, 0), dim(s, 1), dim(s, 2), dim(s, 3));
      return { w: g.atlasW * g.pixelWorld, h: g.atlasH * g.pixelWorld, d: PLANE_DEPTH };
    }
    case "sequence": {
      const closed = familySize(node, null);
      const g = stripGrid(dim(s, 0, 8), dim(s, 1), closed.h);
      return { w: closed.w, h: g.strips * g.stripWorld + ((g.strips - 1) * g.stripWorld) / 3, d: PLANE_DEPTH };
    }
    case "image": {
      const g = colorPlanesGrid(dim(s, 0), dim(s, 1));
      return { w: g.atlasW * g.pixelWorld, h: g.atlasH * g.pixelWorld, d: PLANE_DEPTH };
    }
    default:
      return null;
  }
}
