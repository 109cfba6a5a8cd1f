import { interpolateRdBu, interpolateViridis } from "d3-scale-chromatic";
import { describe, expect, it } from "vitest";

import {
  divergingCenter,
  NAN_COLOR,
  NEG_INF_COLOR,
  POS_INF_COLOR,
  colorOf,
  cssGradient,
  fillRgba,
  lutFor,
  parseCssColor,
  positionOf,
  scaleFor,
  type Rgb,
} from "../src/data/colormap";

function srgbToLinear(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
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

/** Perceptual lightness (OKLab L, 0..1) of an sRGB colour: what the maps are checked by. */
function lightness(rgb: Rgb): number {
  return rgbToOklab(rgb)[0];
}

function rgbaOf(values: number[], lo: number, hi: number): Rgb[] {
  const out = new Uint8Array(values.length * 4);
  fillRgba(new Float32Array(values), scaleFor(lo, hi), out);
  return values.map((_, i) => [out[i * 4], out[i * 4 + 1], out[i * 4 + 2]] as Rgb);
}

function lutColors(kind: "diverging" | "sequential"): Rgb[] {
  const lut = lutFor(kind);
  const colors: Rgb[] = [];
  for (let i = 0; i < lut.length; i += 3) colors.push([lut[i], lut[i + 1], lut[i + 2]]);
  return colors;
}

/** Largest channel difference between two colours. */
function delta(a: Rgb, b: Rgb): number {
  return Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));
}

describe("tables come from d3-scale-chromatic", () => {
  it("the diverging table is RdBu reversed: blue for lo, red for hi, RdBu's middle at zero", () => {
    const colors = lutColors("diverging");
    const n = colors.length;
    expect(n % 2).toBe(1);
    for (let i = 0; i < n; i += 17) expect(colors[i]).toEqual(parseCssColor(interpolateRdBu(1 - i / (n - 1))));
    expect(colors[0]).toEqual(parseCssColor(interpolateRdBu(1)));
    expect(colors[n - 1]).toEqual(parseCssColor(interpolateRdBu(0)));
    expect(colors[(n - 1) / 2]).toEqual(parseCssColor(interpolateRdBu(0.5)));
  });

  it("the sequential table is viridis", () => {
    const colors = lutColors("sequential");
    const n = colors.length;
    for (let i = 0; i < n; i += 17) expect(colors[i]).toEqual(parseCssColor(interpolateViridis(i / (n - 1))));
    expect(colors[0]).toEqual([68, 1, 84]);
    expect(colors[n - 1]).toEqual([253, 231, 37]);
  });

  it("parseCssColor reads both forms d3 writes and rejects others", () => {
    expect(parseCssColor("#440154")).toEqual([68, 1, 84]);
    expect(parseCssColor("rgb(5, 48, 97)")).toEqual([5, 48, 97]);
    expect(() => parseCssColor("hsl(0, 0%, 0%)")).toThrow(/cannot read the colour/);
  });
});

describe("scaleFor", () => {
  it("is diverging and symmetric for signed data", () => {
    expect(scaleFor(-2, 5)).toEqual({ kind: "diverging", lo: -5, hi: 5 });
    expect(scaleFor(-7, 1)).toEqual({ kind: "diverging", lo: -7, hi: 7 });
  });

  it("is sequential over [lo, hi] for non-negative data", () => {
    expect(scaleFor(0, 3)).toEqual({ kind: "sequential", lo: 0, hi: 3 });
    expect(scaleFor(1, 2)).toEqual({ kind: "sequential", lo: 1, hi: 2 });
  });

  it("treats non-finite bounds as zero", () => {
    expect(scaleFor(NaN, NaN)).toEqual({ kind: "sequential", lo: 0, hi: 0 });
  });
});

describe("diverging map", () => {
  it("draws zero with the neutral centre colour", () => {
    const [zero] = rgbaOf([0], -3, 1);
    expect(zero).toEqual([...divergingCenter()]);
    expect(colorOf(0, scaleFor(-1, 9))).toEqual(divergingCenter());
    // near-white
    expect(lightness(divergingCenter())).toBeGreaterThan(0.9);
  });

  it("draws the negative end blue and the positive end red", () => {
    const [neg, pos] = rgbaOf([-4, 4], -4, 4);
    expect(neg[2]).toBeGreaterThan(neg[0]);
    expect(pos[0]).toBeGreaterThan(pos[2]);
    const lut = lutColors("diverging");
    expect(neg).toEqual(lut[0]);
    expect(pos).toEqual(lut[lut.length - 1]);
  });

  it("is symmetric: the same |value| gets the same lightness on both sides", () => {
    const [a, b] = rgbaOf([-2, 2], -4, 4);
    expect(Math.abs(lightness(a) - lightness(b))).toBeLessThan(0.08);
  });

  it("gets darker away from zero on both sides", () => {
    const colors = lutColors("diverging");
    const mid = (colors.length - 1) / 2;
    // adjacent entries: never lighter beyond 8-bit rounding noise (RdBu is flat at its centre)
    for (let i = 1; i <= mid; i++) {
      expect(lightness(colors[mid + i])).toBeLessThanOrEqual(lightness(colors[mid + i - 1]) + 0.002);
      expect(lightness(colors[mid - i])).toBeLessThanOrEqual(lightness(colors[mid - i + 1]) + 0.002);
    }
    // every 16 entries: strictly darker
    for (let i = 16; i <= mid; i += 16) {
      expect(lightness(colors[mid + i])).toBeLessThan(lightness(colors[mid + i - 16]) - 0.01);
      expect(lightness(colors[mid - i])).toBeLessThan(lightness(colors[mid - i + 16]) - 0.01);
    }
  });

  it("clamps values outside the range", () => {
    const [below, lo] = rgbaOf([-100, -1], -1, 1);
    expect(below).toEqual(lo);
  });
});

describe("sequential map", () => {
  it("has monotonically increasing lightness", () => {
    const colors = lutColors("sequential");
    // adjacent entries: never darker beyond 8-bit rounding noise
    for (let i = 1; i < colors.length; i++) {
      expect(lightness(colors[i])).toBeGreaterThan(lightness(colors[i - 1]) - 0.002);
    }
    // every 8 entries: strictly lighter
    for (let i = 8; i < colors.length; i += 8) {
      expect(lightness(colors[i])).toBeGreaterThan(lightness(colors[i - 8]) + 0.01);
    }
  });

  it("maps lo and hi to the ends", () => {
    const colors = lutColors("sequential");
    const [lo, hi] = rgbaOf([2, 6], 2, 6);
    expect(lo).toEqual(colors[0]);
    expect(hi).toEqual(colors[colors.length - 1]);
    expect(lightness(hi)).toBeGreaterThan(lightness(lo) + 0.4);
  });

  it("draws a constant layer with the first colour", () => {
    const [a, b] = rgbaOf([0, 0], 0, 0);
    expect(a).toEqual(lutColors("sequential")[0]);
    expect(b).toEqual(a);
  });
});

describe("special values", () => {
  it("gives NaN, +Inf and -Inf their own colours, outside both maps", () => {
    const [nan, pinf, ninf] = rgbaOf([NaN, Infinity, -Infinity], -1, 1);
    expect(nan).toEqual([...NAN_COLOR]);
    expect(pinf).toEqual([...POS_INF_COLOR]);
    expect(ninf).toEqual([...NEG_INF_COLOR]);
    const all = [...lutColors("diverging"), ...lutColors("sequential")].map((c) => c.join(","));
    for (const special of [NAN_COLOR, POS_INF_COLOR, NEG_INF_COLOR]) {
      expect(all).not.toContain(special.join(","));
    }
    // not merely absent: far from every colour of both maps (a step of 40 is visible)
    const table = [...lutColors("diverging"), ...lutColors("sequential")];
    for (const special of [NAN_COLOR, POS_INF_COLOR, NEG_INF_COLOR]) {
      expect(Math.min(...table.map((c) => delta(c, special)))).toBeGreaterThan(40);
    }
    expect(new Set([NAN_COLOR, POS_INF_COLOR, NEG_INF_COLOR].map((c) => c.join(","))).size).toBe(3);
    expect(colorOf(NaN, scaleFor(0, 1))).toEqual(NAN_COLOR);
  });
});

describe("fillRgba", () => {
  it("writes opaque pixels at an offset, reading with a stride", () => {
    // channels-last (2 pixels x 2 channels): channel 1 is [10, 0]
    const values = new Float32Array([0, 10, 5, 0]);
    const out = new Uint8Array(4 * 3);
    fillRgba(values, scaleFor(0, 10), out, 1, 1, 2, 2);
    const colors = lutColors("sequential");
    expect(Array.from(out.slice(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(out.slice(4, 8))).toEqual([...colors[colors.length - 1], 255]);
    expect(Array.from(out.slice(8, 12))).toEqual([...colors[0], 255]);
  });
});

describe("helpers", () => {
  it("positionOf is 0.5 at zero on a diverging scale", () => {
    expect(positionOf(0, scaleFor(-3, 3))).toBe(0.5);
  });

  it("cssGradient lists colours from lo to hi", () => {
    const css = cssGradient("sequential", 3);
    const colors = lutColors("sequential");
    expect(css.startsWith("linear-gradient(to right, ")).toBe(true);
    expect(css).toContain(`rgb(${colors[0].join(", ")}) 0.0%`);
    expect(css).toContain(`rgb(${colors[colors.length - 1].join(", ")}) 100.0%`);
  });
});
