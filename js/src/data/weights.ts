/**
 * A layer's weights as one picture: where each kernel weight and bias lands, and back.
 *
 * A rank-4 kernel (kh, kw, cin, cout) is a grid of kh x kw tiles, one row of tiles per
 * input channel and one column per output filter, a pixel apart; a rank-2 kernel
 * (rows, cols) is one heat map, a pixel per weight. The bias (cout) is a row below,
 * under the columns it belongs to. A first layer on an RGB image (cin == 3) draws one
 * colour tile per filter instead, in a near-square grid, its bias a bar under each tile.
 * Pure: the visual paints and picks with it, the layout sizes the node from it.
 */

import type { GraphSpec, NodeSpec } from "../spec";
import { fillRgba, type ColorScale } from "./colormap";

export interface WeightsPicture {
  width: number;
  height: number;
  /** The kernel's shape as sent (rank 2 or 4). */
  kernel: number[];
  /** Bias length, 0 without one. */
  bias: number;
  /** One colour tile per filter (the kernel's three input channels as red, green, blue). */
  rgb: boolean;
  /** Tiles per row of the grid (rank 4: cout, or near-square for `rgb`; rank 2: cols). */
  cols: number;
  /** Pixel size of one kernel tile (rank 4) or of one weight (rank 2: 1 x 1). */
  tileW: number;
  tileH: number;
  /** Pixels between tiles (rank 4: 1; rank 2: 0). */
  gap: number;
  /** First pixel row of the bias row (for `rgb`: of the bar, below each tile's top), and its height. */
  biasY: number;
  biasH: number;
  /** For `rgb`: the height of one tile with its bias bar, and the gap below. */
  slotH: number;
}

export interface WeightHit {
  role: "kernel" | "bias";
  /** (kh, kw, cin, cout), (row, col) or (unit); for an `rgb` tile (kh, kw, cout). */
  index: number[];
  /** Position of the value in the flat (C-order) tensor (of the red one for `rgb`). */
  flat: number;
  /** For `rgb`: how far apart the red, green and blue values are in the flat tensor. */
  stride?: number;
}

/**
 * Whether `node`'s kernel is drawn as colour tiles: rank 4 with three input channels,
 * read straight from an RGB image input.
 */
export function isRgbKernel(graph: GraphSpec, node: NodeSpec): boolean {
  const kernel = node.weights?.kernel ?? [];
  if (kernel.length !== 4 || kernel[2] !== 3) return false;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return graph.edges.some((e) => {
    if (e.target !== node.id) return false;
    const source = byId.get(e.source);
    return source?.family === "image" && source.output_shape[source.output_shape.length - 1] === 3;
  });
}

/** The picture's geometry for a kernel of `kernel` shape and a bias of `bias` values. */
export function weightsPicture(kernel: readonly number[], bias: number, rgb = false): WeightsPicture {
  if (kernel.length === 4 && rgb) {
    const [kh, kw, , cout] = kernel as [number, number, number, number];
    const gap = 1;
    const cols = Math.max(1, Math.ceil(Math.sqrt(cout)));
    const rows = Math.max(1, Math.ceil(cout / cols));
    const biasH = bias > 0 ? 1 : 0;
    const slotH = kh + (biasH ? gap + biasH : 0);
    return {
      width: cols * (kw + gap) - gap,
      height: rows * (slotH + gap) - gap,
      kernel: [...kernel],
      bias,
      rgb: true,
      cols,
      tileW: kw,
      tileH: kh,
      gap,
      biasY: kh + gap,
      biasH,
      slotH,
    };
  }
  if (kernel.length === 4) {
    const [kh, kw, cin, cout] = kernel as [number, number, number, number];
    const gap = 1;
    const kernelH = cin * (kh + gap) - gap;
    const biasH = bias > 0 ? Math.max(1, Math.min(kh, 3)) : 0;
    return {
      width: cout * (kw + gap) - gap,
      height: kernelH + (biasH ? gap * 2 + biasH : 0),
      kernel: [...kernel],
      bias,
      rgb: false,
      cols: cout,
      tileW: kw,
      tileH: kh,
      gap,
      biasY: kernelH + gap * 2,
      biasH,
      slotH: kh,
    };
  }
  const [rows, cols] = kernel as [number, number];
  const biasH = bias > 0 ? Math.max(1, Math.round(rows / 40)) : 0;
  const gap = biasH ? Math.max(1, Math.round(biasH / 2)) : 0;
  return {
    width: cols,
    height: rows + (biasH ? gap + biasH : 0),
    kernel: [...kernel],
    bias,
    rgb: false,
    cols,
    tileW: 1,
    tileH: 1,
    gap: 0,
    biasY: rows + gap,
    biasH,
    slotH: 1,
  };
}

/** Which weight is at picture pixel (x, y from the top left), or null (a gap, outside). */
export function weightAt(p: WeightsPicture, x: number, y: number): WeightHit | null {
  if (x < 0 || y < 0 || x >= p.width || y >= p.height) return null;
  const step = p.tileW + p.gap;
  const col = Math.floor(x / step);
  const px = x - col * step;
  if (px >= p.tileW) return null;
  if (p.rgb) return rgbWeightAt(p, col, px, y);
  if (p.biasH && y >= p.biasY) {
    if (y >= p.biasY + p.biasH || col >= p.bias) return null;
    return { role: "bias", index: [col], flat: col };
  }
  if (p.kernel.length === 4) {
    const [kh, kw, cin, cout] = p.kernel as [number, number, number, number];
    const row = Math.floor(y / (kh + p.gap));
    const py = y - row * (kh + p.gap);
    if (py >= kh || row >= cin || col >= cout) return null;
    return { role: "kernel", index: [py, px, row, col], flat: ((py * kw + px) * cin + row) * cout + col };
  }
  const [rows, cols] = p.kernel as [number, number];
  if (y >= rows || col >= cols) return null;
  return { role: "kernel", index: [y, col], flat: y * cols + col };
}

function rgbWeightAt(p: WeightsPicture, col: number, px: number, y: number): WeightHit | null {
  const [, kw, cin, cout] = p.kernel as [number, number, number, number];
  const row = Math.floor(y / (p.slotH + p.gap));
  const py = y - row * (p.slotH + p.gap);
  const filter = row * p.cols + col;
  if (py >= p.slotH || filter >= cout) return null;
  if (py < p.tileH)
    return { role: "kernel", index: [py, px, filter], flat: (py * kw + px) * cin * cout + filter, stride: cout };
  if (py < p.biasY || filter >= p.bias) return null;
  return { role: "bias", index: [filter], flat: filter };
}

/**
 * The picture pixel (x, y from the top left) where a weight is drawn: kernel
 * (kh, kw, cin, cout) or (row, col), bias (unit); null outside the picture.
 */
export function weightPixel(
  p: WeightsPicture,
  role: "kernel" | "bias",
  index: readonly number[],
): [number, number] | null {
  if (!inRange(p, role, index)) return null;
  const step = p.tileW + p.gap;
  let xy: [number, number];
  if (p.rgb) {
    const filter = (role === "bias" ? index[0] : index[3]) ?? 0;
    const [x0, y0] = [(filter % p.cols) * step, Math.floor(filter / p.cols) * (p.slotH + p.gap)];
    xy = role === "bias" ? [x0, y0 + p.biasY] : [x0 + (index[1] ?? 0), y0 + (index[0] ?? 0)];
  } else if (role === "bias") xy = [(index[0] ?? 0) * step, p.biasY];
  else if (index.length === 4)
    xy = [(index[3] ?? 0) * step + (index[1] ?? 0), (index[2] ?? 0) * (p.tileH + p.gap) + (index[0] ?? 0)];
  else xy = [index[1] ?? 0, index[0] ?? 0];
  const [x, y] = xy;
  return x >= 0 && y >= 0 && x < p.width && y < p.height ? xy : null;
}

/** Whether `index` names a weight the picture holds (the kernel's own axes, or a unit of the bias). */
function inRange(p: WeightsPicture, role: "kernel" | "bias", index: readonly number[]): boolean {
  const shape = role === "bias" ? [p.bias] : p.kernel;
  return index.length === shape.length && index.every((v, i) => Number.isInteger(v) && v >= 0 && v < shape[i]!);
}

/** A weight as a colour channel byte of an `rgb` tile: 0.5 + w / (2 max|w|), clamped. */
export function rgbByte(w: number, maxAbs: number): number {
  if (!Number.isFinite(w)) return Number.isNaN(w) ? 0 : w > 0 ? 255 : 0;
  const v = maxAbs > 0 ? 0.5 + w / (2 * maxAbs) : 0.5;
  return Math.round(255 * Math.min(1, Math.max(0, v)));
}

/**
 * Paints the weights into `out` (RGBA, `p.width` x `p.height`, rows from the top; gaps
 * stay transparent) in `scale` (for `rgb` tiles: their colours around 0.5 on the
 * scale's largest absolute value). `row(y)` gives the byte offset of picture row y.
 */
export function paintWeights(
  p: WeightsPicture,
  kernel: Float32Array,
  bias: Float32Array | null,
  scale: ColorScale,
  out: Uint8Array,
  row: (y: number) => number,
): void {
  out.fill(0);
  const one = new Float32Array(1);
  const put = (x: number, y: number, v: number): void => {
    one[0] = v;
    fillRgba(one, scale, out, row(y) / 4 + x);
  };
  if (p.rgb) {
    paintRgb(p, kernel, bias, scale, out, row, put);
    return;
  }
  if (p.kernel.length === 4) {
    const [kh, kw, cin, cout] = p.kernel as [number, number, number, number];
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++)
        for (let c = 0; c < cin; c++)
          for (let o = 0; o < cout; o++) {
            put(o * (kw + p.gap) + j, c * (kh + p.gap) + i, kernel[((i * kw + j) * cin + c) * cout + o] as number);
          }
  } else {
    const [rows, cols] = p.kernel as [number, number];
    for (let r = 0; r < rows; r++) fillRgba(kernel, scale, out, row(r) / 4, r * cols, 1, cols);
  }
  if (!bias || !p.biasH) return;
  for (let o = 0; o < Math.min(p.bias, bias.length); o++)
    for (let y = p.biasY; y < p.biasY + p.biasH; y++)
      for (let x = 0; x < p.tileW; x++) put(o * (p.tileW + p.gap) + x, y, bias[o] as number);
}

function paintRgb(
  p: WeightsPicture,
  kernel: Float32Array,
  bias: Float32Array | null,
  scale: ColorScale,
  out: Uint8Array,
  row: (y: number) => number,
  put: (x: number, y: number, v: number) => void,
): void {
  const [kh, kw, cin, cout] = p.kernel as [number, number, number, number];
  const maxAbs = Math.max(Math.abs(scale.lo), Math.abs(scale.hi));
  const step = p.tileW + p.gap;
  for (let o = 0; o < cout; o++) {
    const x0 = (o % p.cols) * step;
    const y0 = Math.floor(o / p.cols) * (p.slotH + p.gap);
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++) {
        const at = row(y0 + i) + (x0 + j) * 4;
        const first = (i * kw + j) * cin * cout + o;
        for (let c = 0; c < 3; c++) out[at + c] = rgbByte(kernel[first + c * cout] as number, maxAbs);
        out[at + 3] = 255;
      }
    if (bias && p.biasH && o < bias.length) for (let j = 0; j < kw; j++) put(x0 + j, y0 + p.biasY, bias[o] as number);
  }
}
