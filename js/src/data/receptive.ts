/**
 * Which input elements one output element of a layer reads, and which input channel
 * each output channel reads: pure index maths from the Keras config the graph spec
 * carries (kernel_size, strides, padding, dilation_rate, pool_size, cropping, ...).
 * Tensors are channels last, without the batch dimension.
 */

import type { NodeSpec } from "../spec";

/** An inclusive index range along one axis. `step` > 1: only every step-th index is read (dilation). */
export interface IndexRange {
  start: number;
  end: number;
  step: number;
}

/**
 * A block of a layer's output (or input): one range per spatial axis (all axes but the
 * last, channels) and one channel, or every channel when `channel` is null.
 */
export interface Region {
  ranges: IndexRange[];
  channel: number | null;
}

export type Padding = "valid" | "same" | "causal";

/** One spatial axis of a sliding window (a conv kernel or a pooling window). */
export interface Window1D {
  kernel: number;
  stride: number;
  dilation: number;
  padding: Padding;
}

/**
 * Input elements padded in before the first one. "same" follows TensorFlow/Keras:
 * pad_total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - in, 0), of which
 * pad_total // 2 goes before; "causal" (Conv1D) pads (kernel - 1) * dilation before.
 */
export function padBefore(inSize: number, outSize: number, w: Window1D): number {
  const span = (w.kernel - 1) * w.dilation + 1;
  if (w.padding === "valid") return 0;
  if (w.padding === "causal") return span - 1;
  const total = Math.max((outSize - 1) * w.stride + span - inSize, 0);
  return Math.floor(total / 2);
}

/**
 * The input indices output index `o` reads along one axis, clipped to the input
 * (taps that fall in the padding are dropped; with dilation the range runs from the
 * first to the last tap inside). Null when every tap is padding.
 */
export function windowRange(o: number, inSize: number, outSize: number, w: Window1D): IndexRange | null {
  const first = o * w.stride - padBefore(inSize, outSize, w);
  const last = first + (w.kernel - 1) * w.dilation;
  const d = Math.max(1, w.dilation);
  const start = first < 0 ? first + Math.ceil(-first / d) * d : first;
  const end = last > inSize - 1 ? last - Math.ceil((last - (inSize - 1)) / d) * d : last;
  if (start > end || start > inSize - 1 || end < 0) return null;
  return { start, end, step: start === end ? 1 : d };
}

/** A config value that is a number or a list of numbers, as `n` numbers. */
export function tupleOf(value: unknown, n: number, fallback: number): number[] {
  if (typeof value === "number" && Number.isFinite(value)) return Array<number>(n).fill(value);
  if (Array.isArray(value) && value.length === n && value.every((v) => typeof v === "number")) return value as number[];
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === "number")
    return Array<number>(n).fill(value[0]);
  return Array<number>(n).fill(fallback);
}

/** (before, after) pairs per axis from ZeroPadding / Cropping configs: 1, [1, 2], [[1, 0], [2, 1]]. */
export function pairsOf(value: unknown, n: number): Array<[number, number]> | null {
  if (typeof value === "number") return Array.from({ length: n }, () => [value, value] as [number, number]);
  if (!Array.isArray(value)) return null;
  if (n === 1 && value.length === 2 && value.every((v) => typeof v === "number")) return [[value[0], value[1]]];
  if (value.length !== n) return null;
  const out: Array<[number, number]> = [];
  for (const v of value) {
    if (typeof v === "number") out.push([v, v]);
    else if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number")) out.push([v[0], v[1]]);
    else return null;
  }
  return out;
}

const CONV = new Set(["Conv1D", "Conv2D", "SeparableConv1D", "SeparableConv2D"]);
const DEPTHWISE = new Set(["DepthwiseConv1D", "DepthwiseConv2D"]);
const POOL = new Set(["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D"]);
const GLOBAL_POOL = new Set([
  "GlobalAveragePooling1D",
  "GlobalAveragePooling2D",
  "GlobalMaxPooling1D",
  "GlobalMaxPooling2D",
]);
const PADDING = new Set(["ZeroPadding1D", "ZeroPadding2D"]);
const CROPPING = new Set(["Cropping1D", "Cropping2D"]);
/** Layers whose output element (..., c) depends on input element (..., c) alone. */
const ELEMENTWISE = new Set([
  "Activation",
  "ReLU",
  "LeakyReLU",
  "PReLU",
  "ELU",
  "ThresholdedReLU",
  "BatchNormalization",
  "Dropout",
  "SpatialDropout1D",
  "SpatialDropout2D",
  "GaussianNoise",
  "GaussianDropout",
  "AlphaDropout",
  "ActivityRegularization",
  "Rescaling",
  "Identity",
  "Add",
  "Subtract",
  "Multiply",
  "Average",
  "Maximum",
  "Minimum",
]); // prettier-ignore
/** Layers that map channel c to channel c but move pixels around (no element map given here). */
const PER_CHANNEL = new Set(["UpSampling1D", "UpSampling2D"]);

/** How the channels of a layer's output relate to the channels of an input it reads. */
export type ChannelRelation =
  /** Every output element reads every input channel (Dense, Conv, Flatten, ...). */
  | { kind: "all" }
  /** Output channel c reads input channel c (pooling, padding, activation, batchnorm, ...). */
  | { kind: "same" }
  /** Output channel i reads input channel i // multiplier (DepthwiseConv). */
  | { kind: "depthwise"; multiplier: number };

function lastDim(shape: ReadonlyArray<number | null>): number | null {
  return shape.length > 0 ? shape[shape.length - 1] : null;
}

/** The sliding windows of a conv or pooling layer, one per spatial axis, or null. */
export function windowsOf(node: NodeSpec): Window1D[] | null {
  const c = node.class_name;
  const isPool = POOL.has(c);
  if (!CONV.has(c) && !DEPTHWISE.has(c) && !isPool) return null;
  const n = node.output_shape.length - 1;
  if (n < 1) return null;
  const cfg = node.config ?? {};
  const kernel = tupleOf(isPool ? cfg.pool_size : cfg.kernel_size, n, isPool ? 2 : 1);
  // A pooling layer's strides default to its pool size.
  const stride = isPool
    ? tupleOf(cfg.strides, n, NaN).map((s, i) => (Number.isNaN(s) ? kernel[i] : s))
    : tupleOf(cfg.strides, n, 1);
  const dilation = isPool ? Array<number>(n).fill(1) : tupleOf(cfg.dilation_rate, n, 1);
  const p = String(cfg.padding ?? "valid").toLowerCase();
  const padding: Padding = p === "same" ? "same" : p === "causal" ? "causal" : "valid";
  return kernel.map((k, i) => ({ kernel: k, stride: stride[i], dilation: dilation[i], padding }));
}

/** How output channels read the input's channels (inShape: the input's shape). */
export function channelRelation(node: NodeSpec, inShape: ReadonlyArray<number | null>): ChannelRelation {
  const c = node.class_name;
  const outC = lastDim(node.output_shape);
  const inC = lastDim(inShape);
  if (DEPTHWISE.has(c) && outC !== null && inC !== null && inC > 0 && outC % inC === 0) {
    return { kind: "depthwise", multiplier: outC / inC };
  }
  const perChannel =
    POOL.has(c) || GLOBAL_POOL.has(c) || PADDING.has(c) || CROPPING.has(c) || ELEMENTWISE.has(c) || PER_CHANNEL.has(c);
  if (perChannel && outC !== null && outC === inC) return { kind: "same" };
  return { kind: "all" };
}

/** The input channel output channel `c` reads, or null for all of them. */
export function inputChannel(relation: ChannelRelation, c: number | null): number | null {
  if (c === null) return null;
  if (relation.kind === "same") return c;
  if (relation.kind === "depthwise") return Math.floor(c / relation.multiplier);
  return null;
}

/** An output element's own region: spatial axes are single indices; a closed summary (no channel index) covers every channel. */
export function elementRegion(index: readonly number[], rank: number): Region {
  const spatial = rank - 1;
  const ranges = index.slice(0, spatial).map((i) => ({ start: i, end: i, step: 1 }));
  return { ranges, channel: index.length > spatial ? index[spatial] : null };
}

function known(shape: ReadonlyArray<number | null>): number[] | null {
  return shape.every((d) => d !== null) ? (shape as number[]) : null;
}

/**
 * The block of the input that output element `index` depends on (its receptive field
 * in the layer it reads), or null when the layer is not one this module knows, the
 * shapes are open, or the element reads only padding. `index` runs over the output's
 * axes; without the last (channel) index it stands for every channel (a closed summary).
 */
export function readRegion(
  node: NodeSpec,
  inShape: ReadonlyArray<number | null>,
  index: readonly number[],
): Region | null {
  const out = known(node.output_shape);
  const inp = known(inShape);
  if (!out || !inp || index.length === 0) return null;
  const c = node.class_name;
  const rank = out.length;
  const spatial = rank - 1;
  const own = elementRegion(index, rank);
  const relation = channelRelation(node, inp);
  const channel = inputChannel(relation, own.channel);
  if (index.length < spatial || index.some((v, i) => v < 0 || v >= out[i])) return null;

  const windows = windowsOf(node);
  if (windows) {
    if (inp.length !== rank) return null;
    const ranges: IndexRange[] = [];
    for (let a = 0; a < spatial; a++) {
      const r = windowRange(index[a], inp[a], out[a], windows[a]);
      if (!r) return null;
      ranges.push(r);
    }
    return { ranges, channel };
  }
  if (GLOBAL_POOL.has(c)) {
    // (C,) from (..., C): unit c reads the whole of channel c.
    if (rank !== 1 || inp[inp.length - 1] !== out[0]) return null;
    return { ranges: inp.slice(0, -1).map((n) => ({ start: 0, end: n - 1, step: 1 })), channel: index[0] };
  }
  if (c === "Flatten") {
    // Unit i is input element i in C order: of the input as drawn (..., C), or, for a
    // Flatten reading a channels-first tensor drawn channels last, of its own (C, ...).
    const total = inp.reduce((a, b) => a * b, 1);
    if (rank !== 1 || total !== out[0]) return null;
    const cFirst = node.reads_channels_first === true && inp.length > 1;
    const order = cFirst ? [inp[inp.length - 1], ...inp.slice(0, -1)] : inp;
    let rest = index[0];
    const coords = new Array<number>(order.length);
    for (let a = order.length - 1; a >= 0; a--) {
      coords[a] = rest % order[a];
      rest = Math.floor(rest / order[a]);
    }
    const drawn = cFirst ? [...coords.slice(1), coords[0]] : coords;
    return elementRegion(drawn, inp.length);
  }
  if (PADDING.has(c) || CROPPING.has(c)) {
    const pairs = pairsOf(PADDING.has(c) ? node.config?.padding : node.config?.cropping, spatial);
    if (!pairs || inp.length !== rank) return null;
    const sign = PADDING.has(c) ? -1 : 1;
    const ranges: IndexRange[] = [];
    for (let a = 0; a < spatial; a++) {
      const i = index[a] + sign * pairs[a][0];
      if (i < 0 || i >= inp[a]) return null;
      ranges.push({ start: i, end: i, step: 1 });
    }
    return { ranges, channel };
  }
  if (ELEMENTWISE.has(c)) {
    if (inp.length !== rank || inp.some((d, i) => d !== out[i])) return null;
    return own;
  }
  return null;
}
