import { describe, expect, it } from "vitest";

import type { DecodedTensor } from "../src/data/decode";
import { resolveOpenDims } from "../src/data/shapes";
import { strengthText } from "../src/visuals/passthrough";
import { FAN_LINES } from "../src/scene/reshape-fans";
import { reshapeSource } from "../src/visuals/reshape";
import {
  canOpen,
  closedSize,
  elementCount,
  elementPoint,
  layoutGraph,
  MAX_OPEN_CHANNELS,
  MAX_VOLUME_SLICES,
  neuronLayout,
  openSize,
  PASSTHROUGH_WIDTH,
  sampleIndices,
  stripGrid,
  unravel,
  volumeGrid,
  volumeSlices,
  type NodeLayout,
} from "../src/layout";
import type { GraphSpec } from "../src/spec";
import { node } from "./fixtures";

function inside(p: { x: number; y: number; z: number }, n: NodeLayout, eps = 1e-9): boolean {
  const { x, y, z } = n.position;
  const { w, h, d } = n.size;
  return Math.abs(p.x - x) <= w / 2 + eps && Math.abs(p.y - y) <= h / 2 + eps && Math.abs(p.z - z) <= d / 2 + eps;
}

describe("what opens", () => {
  it("is what the spec's opens says (as graph.py's can_open sets it in the fixtures)", () => {
    expect(canOpen({ ...node("c", "Conv2D", "feature_map", [8, 8, 4]), opens: false })).toBe(false);
    expect(canOpen({ ...node("d", "Dense", "vector", [10]), opens: true })).toBe(true);
    // the layout gives a node its open size only when it opens
    expect(openSize({ ...node("c", "Conv2D", "feature_map", [8, 8, 4]), opens: false })).toBeNull();
  });

  it("feature maps, volumes, sequences and RGB inputs open; vectors, greyscale inputs, passthrough and generic do not", () => {
    expect(canOpen(node("c", "Conv2D", "feature_map", [8, 8, 4]))).toBe(true);
    expect(canOpen(node("v", "Conv3D", "volume", [2, 8, 8, 4]))).toBe(true);
    expect(canOpen(node("s", "LSTM", "sequence", [7, 4]))).toBe(true);
    expect(canOpen(node("i", "InputLayer", "image", [8, 8, 3]))).toBe(true);
    expect(canOpen(node("g", "InputLayer", "image", [8, 8, 1]))).toBe(false);
    expect(canOpen(node("d", "Dense", "vector", [10]))).toBe(false);
    expect(canOpen(node("x", "Rank5", "generic", [2, 2, 2, 2, 2]))).toBe(false);
    expect(canOpen(node("p", "SpatialDropout2D", "feature_map", [8, 8, 4], { passthrough: true }))).toBe(false);
    for (const n of [node("d", "Dense", "vector", [10]), node("g", "InputLayer", "image", [8, 8, 1])]) {
      expect(openSize(n)).toBeNull();
    }
  });

  it("every openable family has an open size, larger than its closed face", () => {
    const cases = [
      node("c", "Conv2D", "feature_map", [8, 8, 16]),
      node("v", "Conv3D", "volume", [3, 8, 8, 4]),
      node("s", "LSTM", "sequence", [22, 8]),
      node("i", "InputLayer", "image", [16, 16, 3]),
    ];
    for (const n of cases) {
      const open = openSize(n)!;
      const closed = closedSize(n);
      expect(open.w * open.h, n.family).toBeGreaterThan(closed.w * closed.h);
    }
  });
});

describe("volumes", () => {
  it("draw every depth slice up to the limit, then one in k", () => {
    expect(volumeSlices(4)).toEqual({ step: 1, count: 4 });
    expect(volumeSlices(MAX_VOLUME_SLICES)).toEqual({ step: 1, count: MAX_VOLUME_SLICES });
    const deep = volumeSlices(100);
    expect(deep.count).toBeLessThanOrEqual(MAX_VOLUME_SLICES);
    expect((deep.count - 1) * deep.step).toBeLessThan(100);
    expect(deep.count * deep.step).toBeGreaterThanOrEqual(100);
  });

  it("are deeper with more slices, and open into a depth x channel grid within the tile limit", () => {
    const thin = closedSize(node("v", "Conv3D", "volume", [2, 8, 8, 4]));
    const thick = closedSize(node("v", "Conv3D", "volume", [6, 8, 8, 4]));
    expect(thick.d).toBeGreaterThan(thin.d);
    expect(thick.w).toBe(thin.w);
    const g = volumeGrid(3, 8, 10, 5);
    expect([g.rows, g.cols, g.tileH, g.tileW]).toEqual([3, 5, 8, 10]);
    expect(g.atlasW).toBe(5 * 10 + 4 * g.padPx);
    const big = volumeGrid(64, 4, 4, 256);
    expect(big.rows * big.cols).toBeLessThanOrEqual(MAX_OPEN_CHANNELS);
    expect(big.rows).toBe(64);
  });
});

describe("open dimensions of a volume", () => {
  it("are filled from its summary and channel count, even when its channels were not sent", () => {
    const graph: GraphSpec = {
      version: 1,
      name: "v",
      nodes: [node("v", "Conv3D", "volume", [null, 8, 8, 4])],
      edges: [],
      inputs: [],
      outputs: ["v"],
      labels: null,
    };
    const summary: DecodedTensor = {
      shape: [5, 8, 8],
      values: new Float32Array(5 * 64),
      lo: 0,
      hi: 0,
      channelsTotal: 4,
      reduce: "mean",
    };
    const payload = {
      header: { version: 1, seq: 1, tensors: [] },
      seq: 1,
      nodes: new Map([["v", { summary }]]),
      step: null,
    };
    expect(resolveOpenDims(graph, payload).nodes[0].output_shape).toEqual([5, 8, 8, 4]);
  });
});

describe("sequences open into strips", () => {
  it("one strip per channel, the texture STRIP rows apart, at most three times the closed height", () => {
    const g = stripGrid(22, 8, 1.6);
    expect(g.strips).toBe(8);
    expect(g.texW).toBe(22);
    expect(g.texH).toBe(8 * 4 - 1);
    const n = node("s", "LSTM", "sequence", [22, 8]);
    expect(openSize(n)!.h).toBeLessThanOrEqual(3 * closedSize(n).h + 1e-9);
    const wide = node("s", "LSTM", "sequence", [50, 512]);
    expect(openSize(wide)!.h).toBeLessThanOrEqual(3 * closedSize(wide).h + 1e-9);
  });
});

describe("long vectors", () => {
  it("fold into a near-square grid that shows every unit of VGG's 25,088, not a line", () => {
    for (const n of [4096, 25088]) {
      const cells = neuronLayout(n);
      expect(cells.count).toBe(n);
      const size = closedSize(node("v", "Flatten", "vector", [n]));
      expect(size.h / size.w).toBeGreaterThan(0.8);
      expect(size.h / size.w).toBeLessThan(1.25);
      expect(Math.max(size.w, size.h)).toBeLessThan(50);
    }
  });
});

describe("passthrough layers", () => {
  it("are thin along the flow and as tall as what they pass on", () => {
    const plain = node("f", "Conv2D", "feature_map", [28, 28, 6]);
    const drop = node("d", "SpatialDropout2D", "feature_map", [28, 28, 6], {
      passthrough: true,
      config: { rate: 0.3 },
    });
    const a = closedSize(plain);
    const b = closedSize(drop);
    expect(b.w).toBe(PASSTHROUGH_WIDTH);
    expect(b.w).toBeLessThan(a.w / 5);
    expect([b.h, b.d]).toEqual([a.h, a.d]);
    expect(strengthText(drop)).toBe("rate 0.3");
    expect(strengthText(node("n", "GaussianNoise", "vector", [4], { config: { stddev: 0.1 } }))).toBe("stddev 0.1");
    expect(strengthText(node("r", "ActivityRegularization", "vector", [4], { config: { l1: 0.01, l2: 0 } }))).toBe(
      "l1 0.01 · l2 0",
    );
  });
});

describe("where elements are (what a reshape's fan joins)", () => {
  it("unravels row-major indices", () => {
    expect(unravel(0, [2, 3, 4])).toEqual([0, 0, 0]);
    expect(unravel(23, [2, 3, 4])).toEqual([1, 2, 3]);
    expect(unravel(4 * 3 + 4 + 1, [2, 3, 4])).toEqual([1, 1, 1]);
    expect(elementCount([5, 5, 16])).toBe(400);
  });

  it("samples from the first element to the last", () => {
    expect(sampleIndices(400, 5)).toEqual([0, 100, 200, 299, 399]);
    expect(sampleIndices(3, 12)).toEqual([0, 1, 2]);
    expect(sampleIndices(1, 12)).toEqual([0]);
  });

  const graph: GraphSpec = {
    version: 1,
    name: "flatten",
    nodes: [
      node("conv", "Conv2D", "feature_map", [5, 5, 16]),
      node("flat", "Flatten", "vector", [400], { reshape: true }),
      node("seq", "Reshape", "sequence", [20, 20], { reshape: true }),
      node("vol", "Reshape", "volume", [4, 5, 5, 4], { reshape: true }),
    ],
    edges: [
      { source: "conv", target: "flat" },
      { source: "flat", target: "seq" },
      { source: "seq", target: "vol" },
    ],
    inputs: ["conv"],
    outputs: ["vol"],
    labels: null,
  };

  it("every element of every family lies on its layer's box, closed and open", () => {
    for (const open of [new Set<string>(), new Set(["conv", "seq", "vol"])]) {
      const layout = layoutGraph(graph, open);
      for (const n of layout.nodes.values()) {
        for (const i of sampleIndices(400, 37)) expect(inside(elementPoint(n, i), n), `${n.id}[${i}]`).toBe(true);
      }
    }
  });

  it("a feature map's first element is its top-left front pixel, its last the bottom-right back one", () => {
    const conv = layoutGraph(graph).nodes.get("conv")!;
    const first = elementPoint(conv, 0);
    const last = elementPoint(conv, 399);
    expect(first.x).toBeLessThan(conv.position.x);
    expect(first.y).toBeGreaterThan(conv.position.y);
    expect(last.x).toBeGreaterThan(conv.position.x);
    expect(last.y).toBeLessThan(conv.position.y);
    expect(first.z).toBeGreaterThan(last.z); // channel 0 in front, channel 15 at the back
    // consecutive elements of one pixel differ by channel only: same x and y
    const a = elementPoint(conv, 16);
    const b = elementPoint(conv, 17);
    expect([a.x, a.y]).toEqual([b.x, b.y]);
  });

  it("a vector's elements run along its rows, and an open feature map puts channel k on tile k", () => {
    const layout = layoutGraph(graph, new Set(["conv"]));
    const flat = layout.nodes.get("flat")!;
    const [p0, p1] = [elementPoint(flat, 0), elementPoint(flat, 1)];
    expect(p1.x).toBeGreaterThan(p0.x);
    expect(p1.y).toBe(p0.y);
    const conv = layout.nodes.get("conv")!;
    const tile0 = elementPoint(conv, 0); // pixel (0, 0) of channel 0: top-left tile
    const tile1 = elementPoint(conv, 1); // pixel (0, 0) of channel 1: the next tile right
    expect(tile1.x).toBeGreaterThan(tile0.x);
    expect(tile1.y).toBe(tile0.y);
  });

  it("a reshape reads from its single input; the fan has a line per sample", () => {
    expect(reshapeSource(graph, graph.nodes[1])!.id).toBe("conv");
    expect(reshapeSource(graph, graph.nodes[0])).toBeNull();
    expect(FAN_LINES).toBeGreaterThanOrEqual(4);
  });
});
