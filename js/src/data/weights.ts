/**
 * A layer's weights as one picture: where each kernel weight and bias lands, and back.
 *
 * A rank-4 kernel (kh, kw, cin, cout) is a grid of kh x kw tiles, one row of tiles per
 * input channel and one column per output filter, a pixel apart; a rank-2 kernel
 * (rows, cols) is one heat map, a pixel per weight. The bias (cout) is a row below,
 * under the columns it belongs to. Pure: the visual paints and picks with it.
 */

import { fillRgba, type ColorScale } from "./colormap";

export interface WeightsPicture {
  width: number;
  height: number;
  /** The kernel's shape as sent (rank 2 or 4). */
  kernel: number[];
  /** Bias length, 0 without one. */
  bias: number;
  /** Pixel size of one kernel tile (rank 4) or of one weight (rank 2: 1 x 1). */
  tileW: number;
  tileH: number;
  /** Pixels between tiles (rank 4: 1; rank 2: 0). */
  gap: number;
  /** First pixel row of the bias row, and its height. */
  biasY: number;
  biasH: number;
}

export interface WeightHit {
  role: "kernel" | "bias";
  /** (kh, kw, cin, cout), (row, col) or (unit). */
  index: number[];
  /** Position of the value in the flat (C-order) tensor. */
  flat: number;
}

/** The picture's geometry for a kernel of `kernel` shape and a bias of `bias` values. */
export function weightsPicture(kernel: readonly number[], bias: number): WeightsPicture {
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
      tileW: kw,
      tileH: kh,
      gap,
      biasY: kernelH + gap * 2,
      biasH,
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
    tileW: 1,
    tileH: 1,
    gap: 0,
    biasY: rows + gap,
    biasH,
  };
}

/** Which weight is at picture pixel (x, y from the top left), or null (a gap, outside). */
export function weightAt(p: WeightsPicture, x: number, y: number): WeightHit | null {
  if (x < 0 || y < 0 || x >= p.width || y >= p.height) return null;
  const step = p.tileW + p.gap;
  const col = Math.floor(x / step);
  const px = x - col * step;
  if (px >= p.tileW) return null;
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

/**
 * Paints the weights into `out` (RGBA, `p.width` x `p.height`, rows from the top; gaps
 * stay transparent) in `scale`. `row(y)` gives the byte offset of picture row y.
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
