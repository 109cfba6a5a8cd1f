/**
 * Colour maps for activations.
 *
 * - diverging (signed data): blue - near-white - red, centred at zero, symmetric range.
 * - sequential (non-negative data): dark purple - blue - teal - green - yellow
 *   (viridis-like), luminance rising monotonically.
 * Both are interpolated in OKLab between a few control points, then tabulated.
 * NaN, +Inf and -Inf get their own colours, none of which either map contains.
 */

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

const DIVERGING_POINTS: Rgb[] = [
  [33, 62, 140],
  [72, 130, 200],
  [166, 200, 232],
  [246, 246, 246],
  [240, 176, 150],
  [214, 88, 70],
  [150, 20, 40],
];

const SEQUENTIAL_POINTS: Rgb[] = [
  [68, 1, 84],
  [65, 68, 135],
  [42, 120, 142],
  [34, 168, 132],
  [122, 209, 81],
  [253, 231, 37],
];

/** Odd, so that the middle entry is exactly the centre of a diverging map. */
const LUT_SIZE = 255;

function srgbToLinear(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

function linearToSrgb(c: number): number {
  const v = c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
  return Math.round(Math.min(1, Math.max(0, v)) * 255);
}

type Lab = [number, number, number];

function rgbToOklab([r8, g8, b8]: Rgb): Lab {
  const r = srgbToLinear(r8);
  const g = srgbToLinear(g8);
  const b = srgbToLinear(b8);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

function oklabToRgb([L, a, b]: Lab): Rgb {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    linearToSrgb(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s),
    linearToSrgb(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s),
    linearToSrgb(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s),
  ];
}

/** Perceptual lightness (OKLab L, 0..1) of an sRGB colour. */
export function lightness(rgb: Rgb): number {
  return rgbToOklab(rgb)[0];
}

function buildLut(points: readonly Rgb[]): Uint8Array {
  const labs = points.map(rgbToOklab);
  const lut = new Uint8Array(LUT_SIZE * 3);
  const segments = points.length - 1;
  for (let i = 0; i < LUT_SIZE; i++) {
    const t = (i / (LUT_SIZE - 1)) * segments;
    const k = Math.min(segments - 1, Math.floor(t));
    const f = t - k;
    const p = labs[k];
    const q = labs[k + 1];
    const rgb = oklabToRgb([p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f, p[2] + (q[2] - p[2]) * f]);
    lut.set(rgb, i * 3);
  }
  // Entries that fall on a control point (the ends, the diverging centre) are it exactly.
  for (let k = 0; k <= segments; k++) {
    const i = (k * (LUT_SIZE - 1)) / segments;
    if (Number.isInteger(i)) lut.set(points[k], i * 3);
  }
  return lut;
}

let luts: Record<ColorMapKind, Uint8Array> | null = null;

/** LUT_SIZE RGB triples of a map, built on first use. */
export function lutFor(kind: ColorMapKind): Uint8Array {
  luts ??= { diverging: buildLut(DIVERGING_POINTS), sequential: buildLut(SEQUENTIAL_POINTS) };
  return luts[kind];
}

/** The colour a diverging map gives to zero. */
export const DIVERGING_CENTER: Rgb = DIVERGING_POINTS[(DIVERGING_POINTS.length - 1) / 2];

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
