import { describe, expect, it } from "vitest";

import { GROUP_PADDING, groupBoxes, groupName, layoutGraph, type GroupBox, type NodeLayout } from "../src/layout";
import type { GraphSpec, NodeSpec } from "../src/spec";
import { branchGraph, lenetGraph, node } from "./fixtures";

function graphOf(nodes: NodeSpec[]): GraphSpec {
  return {
    version: 1,
    name: "nested",
    nodes,
    edges: nodes.slice(1).map((n, i) => ({ source: nodes[i].id, target: n.id })),
    inputs: [nodes[0].id],
    outputs: [nodes[nodes.length - 1].id],
    labels: null,
  };
}

/** input → block (two Dense) → block:1 (two Dense) → head (two Dense). */
function calledTwiceGraph(): GraphSpec {
  return graphOf([
    node("input", "InputLayer", "vector", [16], { is_input: true }),
    node("block/dense", "Dense", "vector", [16], { name: "dense", parent: "block" }),
    node("block/dense_1", "Dense", "vector", [16], { name: "dense_1", parent: "block" }),
    node("block:1/dense", "Dense", "vector", [16], { name: "dense", parent: "block:1" }),
    node("block:1/dense_1", "Dense", "vector", [16], { name: "dense_1", parent: "block:1" }),
    node("head/dense_3", "Dense", "vector", [8], { name: "dense_3", parent: "head" }),
    node("head/dense_2", "Dense", "vector", [3], { name: "dense_2", parent: "head", is_output: true }),
  ]);
}

/** input → conv (outer) → two layers of outer/inner → dense (outer) → out. */
function nestedPathGraph(): GraphSpec {
  return graphOf([
    node("in", "InputLayer", "image", [32, 32, 3], { is_input: true }),
    node("outer/conv", "Conv2D", "feature_map", [32, 32, 8], { parent: "outer" }),
    node("outer/inner/a", "Conv2D", "feature_map", [16, 16, 16], { parent: "outer/inner" }),
    node("outer/inner/b", "MaxPooling2D", "feature_map", [8, 8, 16], { parent: "outer/inner" }),
    node("outer/flat", "Flatten", "vector", [1024], { parent: "outer" }),
    node("out", "Dense", "vector", [10], { is_output: true }),
  ]);
}

function contains(box: GroupBox, n: NodeLayout): boolean {
  const { x, y, z } = n.position;
  const { w, h, d } = n.size;
  const lo = [x - w / 2, y - h / 2, z - d / 2];
  const hi = [x + w / 2, y + h / 2, z + d / 2];
  return [0, 1, 2].every((k) => box.min[k] < lo[k] && hi[k] < box.max[k]);
}

function inside(inner: GroupBox, outer: GroupBox): boolean {
  return [0, 1, 2].every((k) => outer.min[k] < inner.min[k] && inner.max[k] < outer.max[k]);
}

function overlap(a: GroupBox, b: GroupBox): boolean {
  return [0, 1, 2].every((k) => a.min[k] < b.max[k] && b.min[k] < a.max[k]);
}

describe("groupName", () => {
  it("drops the path and names later calls", () => {
    expect(groupName("head")).toBe("head");
    expect(groupName("block:1")).toBe("block (call 2)");
    expect(groupName("outer/inner")).toBe("inner");
    expect(groupName("outer:2/inner")).toBe("inner");
  });
});

describe("groupBoxes", () => {
  it("gives no boxes for a graph without nested models", () => {
    for (const graph of [lenetGraph(), branchGraph()]) expect(groupBoxes(graph, layoutGraph(graph))).toEqual([]);
  });

  it("puts every layer of a nested model inside its box, with padding", () => {
    const graph = calledTwiceGraph();
    const layout = layoutGraph(graph);
    const boxes = groupBoxes(graph, layout);
    expect(boxes.map((b) => b.id).sort()).toEqual(["block", "block:1", "head"]);
    for (const box of boxes) {
      const members = graph.nodes.filter((n) => n.parent === box.id);
      expect(members.length).toBe(2);
      for (const m of members) expect(contains(box, layout.nodes.get(m.id)!), `${m.id} in ${box.id}`).toBe(true);
      // The padding is small: the box hugs its layers.
      const lo = Math.min(
        ...members.map((m) => layout.nodes.get(m.id)!.position.x - layout.nodes.get(m.id)!.size.w / 2),
      );
      expect(box.min[0]).toBeCloseTo(lo - GROUP_PADDING, 6);
    }
    const input = layout.nodes.get("input")!;
    for (const box of boxes) expect(contains(box, input)).toBe(false);
  });

  it("gives a model called twice two separate boxes that do not overlap", () => {
    const graph = calledTwiceGraph();
    const boxes = groupBoxes(graph, layoutGraph(graph));
    const first = boxes.find((b) => b.id === "block")!;
    const second = boxes.find((b) => b.id === "block:1")!;
    const head = boxes.find((b) => b.id === "head")!;
    expect(first.name).toBe("block");
    expect(second.name).toBe("block (call 2)");
    expect(overlap(first, second)).toBe(false);
    expect(overlap(second, head)).toBe(false);
    expect(overlap(first, head)).toBe(false);
  });

  it("nests the box of outer/inner inside the box of outer", () => {
    const graph = nestedPathGraph();
    for (const open of [new Set<string>(), new Set(["outer/conv", "outer/inner/a"])]) {
      const layout = layoutGraph(graph, open);
      const boxes = groupBoxes(graph, layout);
      expect(boxes.map((b) => [b.id, b.name, b.level])).toEqual([
        ["outer", "outer", 0],
        ["outer/inner", "inner", 1],
      ]);
      const [outer, inner] = boxes;
      expect(inside(inner, outer)).toBe(true);
      for (const n of graph.nodes) {
        const l = layout.nodes.get(n.id)!;
        if (n.parent?.startsWith("outer")) expect(contains(outer, l), n.id).toBe(true);
        if (n.parent === "outer/inner") expect(contains(inner, l), n.id).toBe(true);
        if (n.parent === "outer") expect(contains(inner, l), n.id).toBe(false);
        if (!n.parent) expect(contains(outer, l), n.id).toBe(false);
      }
    }
  });

  it("gives a group whose layers all live deeper a box around its child", () => {
    const graph = graphOf([
      node("in", "InputLayer", "vector", [4], { is_input: true }),
      node("a/b/d", "Dense", "vector", [4], { parent: "a/b" }),
    ]);
    const [a, b] = groupBoxes(graph, layoutGraph(graph));
    expect([a.id, b.id]).toEqual(["a", "a/b"]);
    expect(inside(b, a)).toBe(true);
  });
});
