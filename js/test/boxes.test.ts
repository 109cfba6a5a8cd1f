import { describe, expect, it } from "vitest";

import { boxLabel, displayRange, pictureRange, readBoxes, texelRectOnPlane } from "../src/data/boxes";

describe("pictureRange", () => {
  it("takes the activation's range from image_range", () => {
    expect(pictureRange({ lo: -1, hi: 1, source: "tanh" }, -0.2, 0.3)).toEqual({ lo: -1, hi: 1, source: "tanh" });
    expect(pictureRange({ lo: 0, hi: 1, source: "sigmoid" }, 0.4, 0.6)).toEqual({ lo: 0, hi: 1, source: "sigmoid" });
  });

  it("uses the data's own range when image_range is null", () => {
    expect(pictureRange(null, -3, 5)).toEqual({ lo: -3, hi: 5, source: "data" });
    expect(pictureRange(null, 2, 2)).toEqual({ lo: 2, hi: 3, source: "data" });
  });

  it("keeps an input's natural range when the node has no image_range", () => {
    expect(pictureRange(undefined, 0, 0.5)).toEqual({ lo: 0, hi: 1, source: "natural" });
    expect(pictureRange(undefined, 0, 200)).toEqual({ lo: 0, hi: 255, source: "natural" });
    expect(displayRange(-1, 1)).toEqual([-1, 1]);
  });

  it("falls back to the data for a broken range", () => {
    expect(pictureRange({ lo: 1, hi: 1, source: "x" }, 0, 4).source).toBe("data");
  });
});

describe("texelRectOnPlane", () => {
  it("maps input pixels (y down) to the plane's frame (y up, centred)", () => {
    // A 28 x 28 picture on a 2.8 x 2.8 plane: one pixel is 0.1.
    const r = texelRectOnPlane(28, 28, 2.8, 2.8, 0, 0, 14, 7);
    expect(r).not.toBeNull();
    expect(r!.x0).toBeCloseTo(-1.4);
    expect(r!.y0).toBeCloseTo(1.4);
    expect(r!.x1).toBeCloseTo(0);
    expect(r!.y1).toBeCloseTo(0.7);
  });

  it("stretches a non-square picture and clamps to its edges", () => {
    const r = texelRectOnPlane(40, 20, 4, 1, -5, 10, 50, 30)!;
    expect([r.x0, r.y0, r.x1, r.y1].map((v) => Number(v.toFixed(6)))).toEqual([-2, 0, 2, -0.5]);
  });

  it("gives null for a box outside the picture", () => {
    expect(texelRectOnPlane(28, 28, 1, 1, 30, 0, 40, 5)).toBeNull();
  });
});

describe("readBoxes", () => {
  it("reads the trait Python sends", () => {
    const state = readBoxes({
      boxes: [{ x0: 1, y0: 2, x1: 3, y1: 4, label: "square", score: 0.93, cell: [1, 2] }],
      error: null,
      seq: 3,
      image: "input",
      grid: "out",
    });
    expect(state).toEqual({
      boxes: [{ x0: 1, y0: 2, x1: 3, y1: 4, label: "square", score: 0.93, cell: [1, 2] }],
      error: null,
      seq: 3,
      image: "input",
      grid: "out",
    });
  });

  it("is null without a boxes function and keeps an error", () => {
    expect(readBoxes({})).toBeNull();
    expect(readBoxes(null)).toBeNull();
    expect(readBoxes({ boxes: [], error: "boom" })?.error).toBe("boom");
  });

  it("leaves out malformed boxes", () => {
    const state = readBoxes({ boxes: [{ x0: 3, y0: 0, x1: 1, y1: 1, score: 1 }, { x0: 0, y0: 0, x1: 1, y1: 1 }, 7] });
    expect(state?.boxes).toEqual([]);
  });
});

describe("boxLabel", () => {
  it("says the label and the score to two places", () => {
    expect(boxLabel({ x0: 0, y0: 0, x1: 1, y1: 1, label: "square", score: 0.934, cell: null })).toBe("square 0.93");
    expect(boxLabel({ x0: 0, y0: 0, x1: 1, y1: 1, label: "", score: 1, cell: null })).toBe("1.00");
  });
});
