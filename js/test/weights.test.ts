import { describe, expect, it } from "vitest";
import { scaleFor } from "../src/data/colormap";
import { paintWeights, weightAt, weightsPicture } from "../src/data/weights";

describe("the weights picture", () => {
  it("lays a conv kernel out as kh x kw tiles, in x out, with the bias below", () => {
    const p = weightsPicture([3, 2, 4, 5], 5);
    expect([p.width, p.height]).toEqual([5 * 3 - 1, 4 * 4 - 1 + 2 + 3]);
    // every kernel weight is found where it is drawn, and nowhere else
    const seen = new Set<number>();
    for (let y = 0; y < p.height; y++)
      for (let x = 0; x < p.width; x++) {
        const hit = weightAt(p, x, y);
        if (hit?.role === "kernel") {
          const [i, j, c, o] = hit.index as [number, number, number, number];
          expect(x).toBe(o * 3 + j);
          expect(y).toBe(c * 4 + i);
          expect(hit.flat).toBe(((i * 2 + j) * 4 + c) * 5 + o);
          seen.add(hit.flat);
        }
      }
    expect(seen.size).toBe(3 * 2 * 4 * 5);
    expect(weightAt(p, 2, 0)).toBeNull(); // the gap between two tiles
    expect(weightAt(p, 3 * 4, p.biasY)).toEqual({ role: "bias", index: [4], flat: 4 });
  });

  it("draws a dense kernel as one heat map, rows = inputs, columns = units", () => {
    const p = weightsPicture([400, 120], 120);
    expect(p.width).toBe(120);
    expect(weightAt(p, 7, 30)).toEqual({ role: "kernel", index: [30, 7], flat: 30 * 120 + 7 });
    expect(weightAt(p, 7, p.biasY)).toEqual({ role: "bias", index: [7], flat: 7 });
    expect(weightAt(p, 120, 0)).toBeNull();
  });

  it("paints each weight with its colour, gaps transparent", () => {
    const p = weightsPicture([1, 1, 1, 2], 0);
    const out = new Uint8Array(p.width * p.height * 4);
    paintWeights(p, new Float32Array([-1, 1]), null, scaleFor(-1, 1), out, (y) => y * p.width * 4);
    expect(p.width).toBe(3);
    const [left, gap, right] = [0, 4, 8].map((o) => Array.from(out.slice(o, o + 4)));
    expect(gap?.[3]).toBe(0);
    expect(left?.[3]).toBe(255);
    expect(left?.[2]).toBeGreaterThan(left?.[0] ?? 0); // negative: the blue end
    expect(right?.[0]).toBeGreaterThan(right?.[2] ?? 0); // positive: the red end
  });
});
