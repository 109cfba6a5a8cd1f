import { describe, expect, it } from "vitest";

import {
  LABELLED_PITCH,
  MAX_NEURONS,
  MIN_SIDE,
  VECTOR_WRAP,
  channelGrid,
  closedSize,
  labelWidth,
  layoutGraph,
  lerpLayout,
  nodeDepths,
  openSize,
  vectorGrid,
  type Layout,
  type NodeLayout,
} from "../src/layout";
import type { GraphSpec } from "../src/spec";
import { branchGraph, lenetGraph, node, skipGraph } from "./fixtures";

function box(n: NodeLayout) {
  const { x, y, z } = n.position;
  const { w, h, d } = n.size;
  return { x0: x - w / 2, x1: x + w / 2, y0: y - h / 2, y1: y + h / 2, z0: z - d / 2, z1: z + d / 2 };
}

function overlaps(a: NodeLayout, b: NodeLayout): boolean {
  const p = box(a);
  const q = box(b);
  return p.x0 < q.x1 && q.x0 < p.x1 && p.y0 < q.y1 && q.y0 < p.y1 && p.z0 < q.z1 && q.z0 < p.z1;
}

function expectNoOverlap(layout: Layout): void {
  const all = [...layout.nodes.values()];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      expect(overlaps(all[i], all[j]), `${all[i].id} overlaps ${all[j].id}`).toBe(false);
    }
  }
}

const get = (layout: Layout, id: string): NodeLayout => layout.nodes.get(id)!;

describe("layoutGraph on LeNet", () => {
  const graph = lenetGraph();
  const layout = layoutGraph(graph);

  it("places every node and every edge", () => {
    expect(layout.nodes.size).toBe(graph.nodes.length);
    expect(layout.edges).toHaveLength(graph.edges.length);
    expect(layout.order).toEqual(graph.nodes.map((n) => n.id));
    expect(layout.depthCount).toBe(graph.nodes.length);
  });

  it("is monotonic along the flow axis (+x), in order, with gaps", () => {
    const ids = graph.nodes.map((n) => n.id);
    for (let i = 1; i < ids.length; i++) {
      const a = box(get(layout, ids[i - 1]));
      const b = box(get(layout, ids[i]));
      expect(b.x0).toBeGreaterThan(a.x1);
    }
  });

  it("keeps a chain on one line", () => {
    for (const n of layout.nodes.values()) expect(n.position.y).toBe(0);
  });

  it("has no two layers overlapping", () => {
    expectNoOverlap(layout);
  });

  it("draws feature maps to scale", () => {
    const pad = get(layout, "zero_padding2d").size;
    const pool = get(layout, "max_pooling2d_1").size;
    expect(pad.w).toBeGreaterThan(4 * pool.w);
    expect(pad.h).toBeCloseTo((pad.w * 32) / 32);
    // thicker with more channels
    expect(get(layout, "conv2d_1").size.d).toBeGreaterThan(get(layout, "conv2d").size.d);
    expect(get(layout, "conv2d").size.d).toBeGreaterThan(get(layout, "zero_padding2d").size.d);
  });

  it("aligns the front faces at z = 0", () => {
    for (const n of layout.nodes.values()) expect(n.position.z + n.size.d / 2).toBeCloseTo(0);
  });

  it("makes room for labels on the labelled output, more for longer labels", () => {
    const out = get(layout, "dense_2").size;
    const node = graph.nodes.find((n) => n.id === "dense_2")!;
    const plain = closedSize(node, null);
    expect(out.w).toBeGreaterThan(plain.w);
    expect(out.h).toBeGreaterThan(plain.h);
    const long = closedSize(
      node,
      graph.labels!.map((l) => `class number ${l}`),
    );
    expect(long.w).toBeGreaterThan(out.w);
    expect(labelWidth(["a"])).toBeLessThan(labelWidth(["abcdef"]));
  });

  it("connects each edge from the source's exit to the target's entry", () => {
    for (const e of layout.edges) {
      const s = box(get(layout, e.source));
      const t = box(get(layout, e.target));
      expect(e.points[0].x).toBeCloseTo(s.x1);
      expect(e.points[e.points.length - 1].x).toBeCloseTo(t.x0);
    }
  });

  it("has bounds that contain every node", () => {
    for (const n of layout.nodes.values()) {
      const b = box(n);
      expect(b.x0).toBeGreaterThanOrEqual(layout.bounds.min.x - 1e-9);
      expect(b.x1).toBeLessThanOrEqual(layout.bounds.max.x + 1e-9);
      expect(b.y0).toBeGreaterThanOrEqual(layout.bounds.min.y - 1e-9);
      expect(b.y1).toBeLessThanOrEqual(layout.bounds.max.y + 1e-9);
    }
  });
});

describe("opening a layer", () => {
  const graph = lenetGraph();
  const closed = layoutGraph(graph);
  const open = layoutGraph(graph, new Set(["conv2d"]));

  it("makes it wider and taller (channel grid) and flat", () => {
    const before = get(closed, "conv2d").size;
    const after = get(open, "conv2d").size;
    expect(get(open, "conv2d").open).toBe(true);
    expect(after.w).toBeGreaterThan(2 * before.w);
    expect(after.h).toBeGreaterThan(before.h);
    expect(after.d).toBeLessThan(before.d);
  });

  it("pushes later layers along the axis and leaves earlier ones", () => {
    const ids = graph.nodes.map((n) => n.id);
    const at = ids.indexOf("conv2d");
    for (const id of ids.slice(0, at)) expect(get(open, id).position.x).toBe(get(closed, id).position.x);
    for (const id of ids.slice(at + 1)) {
      expect(get(open, id).position.x).toBeGreaterThan(get(closed, id).position.x);
    }
    expectNoOverlap(open);
  });

  it("ignores ids of layers that do not open", () => {
    const layout = layoutGraph(graph, new Set(["dense", "nope"]));
    expect(get(layout, "dense").open).toBe(false);
    expect(get(layout, "dense").size).toEqual(get(closed, "dense").size);
  });

  it("uses the channel grid of the layer", () => {
    const conv = graph.nodes.find((n) => n.id === "conv2d")!;
    const grid = channelGrid(28, 28, 6);
    expect(grid.cols * grid.rows).toBeGreaterThanOrEqual(6);
    expect(grid.cols).toBe(3);
    expect(grid.rows).toBe(2);
    expect(openSize(conv)!.w).toBeCloseTo(grid.atlasW * grid.pixelWorld);
    expect(openSize(graph.nodes.find((n) => n.id === "dense")!)).toBeNull();
  });

  it("tweens between layouts", () => {
    const half = lerpLayout(closed, open, 0.5);
    const a = get(closed, "dense").position.x;
    const b = get(open, "dense").position.x;
    expect(get(half, "dense").position.x).toBeCloseTo((a + b) / 2);
    expect(get(lerpLayout(closed, open, 0), "conv2d").size.w).toBeCloseTo(get(closed, "conv2d").size.w);
    expect(get(lerpLayout(closed, open, 1), "conv2d").size.w).toBeCloseTo(get(open, "conv2d").size.w);
  });
});

describe("branches", () => {
  const graph = branchGraph();
  const layout = layoutGraph(graph);

  it("puts parallel branches at the same depth with distinct lateral offsets", () => {
    const depths = nodeDepths(graph);
    expect(depths.get("left")).toBe(2);
    expect(depths.get("right")).toBe(2);
    expect(depths.get("add")).toBe(3);
    const left = get(layout, "left");
    const right = get(layout, "right");
    expect(left.position.x).toBe(right.position.x);
    expect(Math.abs(left.position.y - right.position.y)).toBeGreaterThanOrEqual(left.size.h);
    // centred on the line of their common input
    expect(left.position.y + right.position.y).toBeCloseTo(2 * get(layout, "stem").position.y);
    expectNoOverlap(layout);
  });

  it("uses the longest path for depth", () => {
    const depths = nodeDepths(skipGraph());
    expect(depths.get("add")).toBe(3);
  });

  it("routes a skip connection around the layers it jumps over", () => {
    const skip = layoutGraph(skipGraph());
    const edge = skip.edges.find((e) => e.source === "in" && e.target === "add")!;
    expect(edge.kind).toBe("lane");
    for (const id of ["a", "b"]) {
      const b = box(get(skip, id));
      const over = edge.points.filter((p) => p.x >= b.x0 && p.x <= b.x1);
      expect(over.length).toBeGreaterThan(0);
      for (const p of over) expect(p.y).toBeGreaterThan(b.y1);
    }
    const direct = skip.edges.find((e) => e.source === "a" && e.target === "b")!;
    expect(direct.kind).toBe("direct");
    for (const p of direct.points) expect(p.y).toBeCloseTo(get(skip, "a").position.y);
  });

  it("stacks several inputs without overlap", () => {
    const g: GraphSpec = {
      version: 1,
      name: "two-inputs",
      nodes: [
        node("a", "InputLayer", "vector", [8], { is_input: true }),
        node("b", "InputLayer", "image", [16, 16, 1], { is_input: true }),
        node("cat", "Concatenate", "vector", [264], { is_output: true }),
      ],
      edges: [
        { source: "a", target: "cat" },
        { source: "b", target: "cat" },
      ],
      inputs: ["a", "b"],
      outputs: ["cat"],
      labels: null,
    };
    const l = layoutGraph(g);
    expect(get(l, "a").position.y).not.toBe(get(l, "b").position.y);
    expectNoOverlap(l);
  });
});

describe("sizes", () => {
  it("keeps a 1x1 map visible and a 32x32 map visibly bigger than 5x5", () => {
    const one = closedSize(node("x", "Conv2D", "feature_map", [1, 1, 1024]));
    expect(one.w).toBeGreaterThanOrEqual(MIN_SIDE);
    const big = closedSize(node("x", "Conv2D", "feature_map", [32, 32, 8]));
    const small = closedSize(node("x", "Conv2D", "feature_map", [5, 5, 8]));
    expect(big.w / small.w).toBeGreaterThan(4);
  });

  it("grows vectors with their length and wraps long ones to a grid", () => {
    expect(vectorGrid(10)).toEqual({ cols: 1, rows: 10 });
    expect(vectorGrid(VECTOR_WRAP)).toEqual({ cols: 1, rows: VECTOR_WRAP });
    expect(vectorGrid(64)).toEqual({ cols: 4, rows: 16 });
    expect(vectorGrid(400)).toEqual({ cols: 20, rows: 20 });
    const g = vectorGrid(120);
    expect(g.cols * g.rows).toBeGreaterThanOrEqual(120);
    const s10 = closedSize(node("v", "Dense", "vector", [10]));
    const s40 = closedSize(node("v", "Dense", "vector", [40]));
    expect(s40.h).toBeGreaterThan(s10.h);
  });

  it("never draws a longer vector smaller than a shorter one (monotonic extent)", () => {
    let prev = closedSize(node("v", "Dense", "vector", [1]));
    let prevGrid = vectorGrid(1);
    for (let n = 2; n <= MAX_NEURONS; n++) {
      const grid = vectorGrid(n);
      expect(grid.cols * grid.rows, `n=${n}`).toBeGreaterThanOrEqual(n);
      // no empty row or column
      expect((grid.cols - 1) * grid.rows, `n=${n}`).toBeLessThan(n);
      expect(grid.rows, `rows at n=${n}`).toBeGreaterThanOrEqual(prevGrid.rows);
      expect(grid.cols, `cols at n=${n}`).toBeGreaterThanOrEqual(prevGrid.cols);
      const s = closedSize(node("v", "Dense", "vector", [n]));
      expect(s.h, `height at n=${n}`).toBeGreaterThanOrEqual(prev.h);
      expect(s.w, `width at n=${n}`).toBeGreaterThanOrEqual(prev.w);
      prev = s;
      prevGrid = grid;
    }
    // Dense(64) is no taller than Dense(120), and near-square grids stay near square
    const d64 = closedSize(node("v", "Dense", "vector", [64]));
    const d120 = closedSize(node("v", "Dense", "vector", [120]));
    expect(d64.h).toBeLessThanOrEqual(d120.h);
    for (const n of [300, 1000, 4096]) {
      const { cols, rows } = vectorGrid(n);
      expect(rows / cols).toBeLessThan(1.2);
      expect(cols / rows).toBeLessThanOrEqual(1);
    }
  });

  it("keeps a labelled output as one column of units", () => {
    const g = layoutGraph(lenetGraph());
    const out = g.nodes.get(g.order[g.order.length - 1])!;
    expect(out.size.h).toBeCloseTo(10 * LABELLED_PITCH);
    expect(out.size.h).toBeGreaterThan(out.size.w * 0.5);
  });

  it("never fails on unknown shapes", () => {
    const weird = [
      node("g", "Lambda", "generic", []),
      node("s", "LSTM", "sequence", [null as unknown as number, 32]),
      node("f", "Conv3D", "generic", [4, 4, 4, 2]),
    ];
    for (const n of weird) {
      const s = closedSize(n);
      expect(s.w).toBeGreaterThan(0);
      expect(s.h).toBeGreaterThan(0);
      expect(s.d).toBeGreaterThan(0);
    }
  });
});
