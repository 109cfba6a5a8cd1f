import { describe, expect, it } from "vitest";
import { scaleFor } from "../src/data/colormap";
import { isRgbKernel, paintWeights, rgbByte, weightAt, weightPixel, weightsPicture } from "../src/data/weights";
import {
  closedSize,
  layoutGraph,
  PLANE_DEPTH,
  WEIGHTS_MAX_PIXEL,
  WEIGHTS_MAX_SIDE,
  WEIGHTS_MIN_SIDE,
  weightsSize,
} from "../src/layout";
import { branchGraph, lenetGraph } from "./fixtures";

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

describe("colour tiles for a first layer on an RGB image", () => {
  const kernel = [2, 3, 3, 5]; // kh, kw, cin = 3, cout = 5 filters

  it("is chosen only for three input channels read from an RGB image", () => {
    const graph = branchGraph(); // "in" is a 32 x 32 x 3 image
    const stem = graph.nodes.find((n) => n.id === "stem")!;
    const left = graph.nodes.find((n) => n.id === "left")!;
    expect(isRgbKernel(graph, { ...stem, weights: { kernel: [3, 3, 3, 8], bias: [8] } })).toBe(true);
    expect(isRgbKernel(graph, { ...stem, weights: { kernel: [3, 3, 1, 8], bias: [8] } })).toBe(false);
    expect(isRgbKernel(graph, { ...stem, weights: null })).toBe(false);
    // three channels, but read from a feature map, not the image
    expect(isRgbKernel(graph, { ...left, weights: { kernel: [3, 3, 3, 8], bias: [8] } })).toBe(false);
  });

  it("lays one tile per filter in a near-square grid, its bias a bar under it", () => {
    const p = weightsPicture(kernel, 5, true);
    expect(p.cols).toBe(3); // ceil(sqrt(5))
    expect([p.width, p.height]).toEqual([3 * 4 - 1, 2 * (2 + 1 + 1 + 1) - 1]);
    const found = new Map<string, [number, number]>();
    for (let y = 0; y < p.height; y++)
      for (let x = 0; x < p.width; x++) {
        const hit = weightAt(p, x, y);
        if (hit) found.set(`${hit.role}${hit.index.join(",")}`, [x, y]);
      }
    // 2 x 3 pixels for each of 5 filters, and 5 bias bars (each kw pixels wide)
    expect([...found.keys()].filter((k) => k.startsWith("kernel"))).toHaveLength(2 * 3 * 5);
    expect([...found.keys()].filter((k) => k.startsWith("bias"))).toHaveLength(5);
    // filter 4 is the second tile of the second row; its red value first, then green and blue cout apart
    expect(weightAt(p, 4 + 2, 5 + 1)).toEqual({
      role: "kernel",
      index: [1, 2, 4],
      flat: (1 * 3 + 2) * 3 * 5 + 4,
      stride: 5,
    });
    expect(weightAt(p, 4, 5 + 3)).toEqual({ role: "bias", index: [4], flat: 4 });
    expect(weightAt(p, 3, 0)).toBeNull(); // between tiles
    expect(weightAt(p, 8, 6)).toBeNull(); // the grid's sixth slot: no filter
  });

  it("finds every weight where weightAt reads it back", () => {
    for (const [shape, bias, rgb] of [
      [kernel, 5, true],
      [[3, 2, 4, 5], 5, false],
      [[7, 4], 4, false],
    ] as const) {
      const p = weightsPicture(shape, bias, rgb);
      const [kh, kw, cin, cout] = shape.length === 4 ? shape : [1, 1, shape[0], shape[1]];
      for (let o = 0; o < cout; o++) {
        const [bx, by] = weightPixel(p, "bias", [o])!;
        expect(weightAt(p, bx, by)).toMatchObject({ role: "bias", index: [o] });
        for (let c = 0; c < cin; c++)
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const index = shape.length === 4 ? [i, j, c, o] : [c, o];
              const [x, y] = weightPixel(p, "kernel", index)!;
              const hit = weightAt(p, x, y)!;
              expect(hit.role).toBe("kernel");
              expect(hit.index).toEqual(rgb ? [i, j, o] : index);
            }
      }
      expect(weightPixel(p, "bias", [cout + 5])).toBeNull();
    }
  });

  it("paints each filter's three input channels as red, green and blue around 0.5", () => {
    const p = weightsPicture([1, 1, 3, 2], 0, true);
    // filter 0: (+1, 0, -1); filter 1: (0, 0.5, 0), C order (kh, kw, cin, cout)
    const values = new Float32Array([1, 0, 0, 0.5, -1, 0]);
    const out = new Uint8Array(p.width * p.height * 4);
    paintWeights(p, values, null, scaleFor(-1, 1), out, (y) => y * p.width * 4);
    expect(Array.from(out.slice(0, 4))).toEqual([255, 128, 0, 255]);
    expect(Array.from(out.slice(8, 12))).toEqual([128, 191, 128, 255]);
    expect(out[7]).toBe(0); // the gap between the two tiles
    expect(rgbByte(Number.NaN, 1)).toBe(0);
    expect(rgbByte(5, 1)).toBe(255);
    expect(rgbByte(0.3, 0)).toBe(128);
  });
});

describe("the size of a layer showing its weights", () => {
  const graph = lenetGraph();
  const byId = (id: string) => graph.nodes.find((n) => n.id === id)!;

  it("has its picture's aspect, not the neuron grid's", () => {
    const dense = byId("dense");
    const size = weightsSize(dense, graph)!;
    const p = weightsPicture([400, 120], 120);
    expect(size.w / size.h).toBeCloseTo(p.width / p.height, 6);
    const closed = closedSize(dense);
    expect(size.h * size.w).toBeGreaterThan(4 * closed.h * closed.w);
    expect(Math.max(size.w, size.h)).toBeLessThanOrEqual(WEIGHTS_MAX_SIDE);
    expect(size.d).toBe(PLANE_DEPTH);
  });

  it("grows with the kernel, never past the cap, and is null without weights", () => {
    const small = weightsSize(byId("conv2d"), graph)!;
    const large = weightsSize(byId("conv2d_1"), graph)!;
    expect(large.w).toBeGreaterThan(small.w);
    expect(large.h).toBeGreaterThan(small.h);
    // small kernels are brought up to a readable size, a tiny one only so far
    expect(Math.max(small.w, small.h)).toBeCloseTo(WEIGHTS_MIN_SIDE, 6);
    const tiny = weightsSize({ ...byId("dense"), weights: { kernel: [3, 2], bias: null } }, graph)!;
    expect([tiny.w, tiny.h]).toEqual([2 * WEIGHTS_MAX_PIXEL, 3 * WEIGHTS_MAX_PIXEL]);
    const huge = { ...byId("dense"), weights: { kernel: [50000, 4096], bias: null } };
    const size = weightsSize(huge, graph)!;
    expect(Math.max(size.w, size.h)).toBeCloseTo(WEIGHTS_MAX_SIDE, 6);
    expect(weightsSize(byId("flatten"), graph)).toBeNull();
  });

  it("is what the layout gives the layers in the weights set, and only those", () => {
    const closed = layoutGraph(graph);
    const shown = layoutGraph(graph, new Set(["conv2d"]), new Set(["dense", "flatten", "conv2d"]));
    expect(shown.nodes.get("dense")!.size).toEqual(weightsSize(byId("dense"), graph));
    expect(shown.nodes.get("dense")!.weights).toBe(true);
    // weights over open: conv2d is open underneath, drawn as its kernel
    expect(shown.nodes.get("conv2d")!.open).toBe(true);
    expect(shown.nodes.get("conv2d")!.size).toEqual(weightsSize(byId("conv2d"), graph));
    // flatten has no weights: its size stays
    expect(shown.nodes.get("flatten")!.size).toEqual(closed.nodes.get("flatten")!.size);
    expect(shown.nodes.get("flatten")!.weights).toBe(false);
    // its neighbours make room
    expect(shown.nodes.get("dense_1")!.position.x).toBeGreaterThan(closed.nodes.get("dense_1")!.position.x);
  });
});
