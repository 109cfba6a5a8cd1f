/**
 * Colour maps for activations, tabulated once from d3-scale-chromatic (the maintained
 * ColorBrewer / matplotlib maps) so that drawing is a table lookup.
 *
 * - diverging (signed data): ColorBrewer RdBu, reversed so that negative is blue and
 *   positive red; its middle (t = 0.5, near-white) is exactly the colour of zero.
 * - sequential (non-negative data): viridis (dark purple to yellow, lightness rising).
 * NaN, +Inf and -Inf get their own colours, none of which either map contains.
 */

import { interpolateRdBu, interpolateViridis } from "d3-scale-chromatic";

export type Rgb = readonly [number, number, number];
export type ColorMapKind = "diverging" | "sequential";

export interface ColorScale {
  kind: ColorMapKind;
  /** Value drawn with the first colour of the map. */
  lo: number;
  /** Value drawn with the last colour of the map. */
  hi: number;
}

export const NAN_COLOR: Rgb = [255, 0, 255];
export const POS_INF_COLOR: Rgb = [255, 128, 0];
export const NEG_INF_COLOR: Rgb = [0, 229, 255];

/** Odd, so that the middle entry is exactly the centre of a diverging map. */
const LUT_SIZE = 255;

/** The maps as functions of t in [0, 1], t = 0 drawing `lo`. */
const INTERPOLATORS: Record<ColorMapKind, (t: number) => string> = {
  diverging: (t) => interpolateRdBu(1 - t),
  sequential: interpolateViridis,
};

/** Parses the CSS colours d3 returns: "#rrggbb" or "rgb(r, g, b)". */
export function parseCssColor(css: string): Rgb {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css.trim());
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const fn = /^rgb\(\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*\)$/.exec(css.trim());
  if (fn) return [Math.round(Number(fn[1])), Math.round(Number(fn[2])), Math.round(Number(fn[3]))];
  throw new Error(`layerscape: cannot read the colour ${JSON.stringify(css)}`);
}

function buildLut(kind: ColorMapKind): Uint8Array {
  const interpolate = INTERPOLATORS[kind];
  const lut = new Uint8Array(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) lut.set(parseCssColor(interpolate(i / (LUT_SIZE - 1))), i * 3);
  return lut;
}

let luts: Record<ColorMapKind, Uint8Array> | null = null;

/** LUT_SIZE RGB triples of a map, built on first use. */
export function lutFor(kind: ColorMapKind): Uint8Array {
  luts ??= { diverging: buildLut("diverging"), sequential: buildLut("sequential") };
  return luts[kind];
}

/** The colour a diverging map gives to zero (the middle of the table). */
export function divergingCenter(): Rgb {
  const lut = lutFor("diverging");
  const i = ((LUT_SIZE - 1) / 2) * 3;
  return [lut[i], lut[i + 1], lut[i + 2]];
}

/**
 * Picks the map for data in [lo, hi]: diverging with a symmetric range ±max(|lo|, |hi|)
 * when lo < 0, sequential over [lo, hi] otherwise.
 */
export function scaleFor(lo: number, hi: number): ColorScale {
  const l = Number.isFinite(lo) ? lo : 0;
  const h = Number.isFinite(hi) ? hi : 0;
  if (l < 0) {
    const m = Math.max(Math.abs(l), Math.abs(h));
    return { kind: "diverging", lo: -m, hi: m };
  }
  return { kind: "sequential", lo: l, hi: Math.max(l, h) };
}

/** Position in [0, 1] of a finite value on a scale (0.5 for a flat diverging scale). */
export function positionOf(value: number, scale: ColorScale): number {
  const span = scale.hi - scale.lo;
  if (!(span > 0)) return scale.kind === "diverging" ? 0.5 : 0;
  const t = (value - scale.lo) / span;
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** The colour of one value (NaN / ±Inf get their own colours). */
export function colorOf(value: number, scale: ColorScale): Rgb {
  if (Number.isNaN(value)) return NAN_COLOR;
  if (value === Infinity) return POS_INF_COLOR;
  if (value === -Infinity) return NEG_INF_COLOR;
  const lut = lutFor(scale.kind);
  const i = Math.round(positionOf(value, scale) * (LUT_SIZE - 1)) * 3;
  return [lut[i], lut[i + 1], lut[i + 2]];
}

/**
 * Writes RGBA for `count` values into `out`, starting at pixel `outPixel`. Values are
 * read from `values[start + k * stride]`, so one channel of a channels-last tensor can
 * be written without copying.
 */
export function fillRgba(
  values: Float32Array,
  scale: ColorScale,
  out: Uint8Array,
  outPixel = 0,
  start = 0,
  stride = 1,
  count = Math.floor((values.length - start + stride - 1) / stride),
): void {
  const lut = lutFor(scale.kind);
  const span = scale.hi - scale.lo;
  const flat = !(span > 0);
  const flatIndex = scale.kind === "diverging" ? (LUT_SIZE - 1) / 2 : 0;
  const k = flat ? 0 : (LUT_SIZE - 1) / span;
  for (let n = 0; n < count; n++) {
    const v = values[start + n * stride];
    const o = (outPixel + n) * 4;
    let r: number;
    let g: number;
    let b: number;
    if (v !== v) {
      [r, g, b] = NAN_COLOR;
    } else if (v === Infinity) {
      [r, g, b] = POS_INF_COLOR;
    } else if (v === -Infinity) {
      [r, g, b] = NEG_INF_COLOR;
    } else {
      let i = flat ? flatIndex : Math.round((v - scale.lo) * k);
      i = i < 0 ? 0 : i > LUT_SIZE - 1 ? LUT_SIZE - 1 : i;
      r = lut[i * 3];
      g = lut[i * 3 + 1];
      b = lut[i * 3 + 2];
    }
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = 255;
  }
}

/** CSS `linear-gradient(...)` of a map, left = lo, right = hi (for legends). */
export function cssGradient(kind: ColorMapKind, stops = 9): string {
  const lut = lutFor(kind);
  const parts: string[] = [];
  for (let s = 0; s < stops; s++) {
    const i = Math.round((s / (stops - 1)) * (LUT_SIZE - 1)) * 3;
    parts.push(`rgb(${lut[i]}, ${lut[i + 1]}, ${lut[i + 2]}) ${((s / (stops - 1)) * 100).toFixed(1)}%`);
  }
  return `linear-gradient(to right, ${parts.join(", ")})`;
}
