import { describe, expect, it } from "vitest";

import {
  FOLDED_PITCH,
  foldedAround,
  foldGraph,
  foldTweenStart,
  isFoldedNode,
  layoutGraph,
  lerpLayout,
  type Layout,
} from "../src/layout";
import { FOLDED_IMPORTANCE, labelImportance } from "../src/scene/label-importance";
import type { GraphSpec, GroupSpec, NodeSpec } from "../src/spec";

function node(id: string, params = 0): NodeSpec {
  return {
    id,
    name: id,
    class_name: "Conv2D",
    family: "feature_map",
    output_shape: [8, 8, 4],
    output_shapes: [[8, 8, 4]],
    params,
    config: {},
    is_input: id === "in",
    is_output: id === "out",
    parent: null,
    passthrough: false,
    reshape: false,
    opens: true,
  };
}

/** in → [b1: a → (x | y) → add] → [b2: c → (p | q) → add2] → out; stage s holds b1 and b2. */
function residual(): GraphSpec {
  const ids = ["in", "a", "x", "y", "add", "c", "p", "q", "add2", "out"];
  const e = (source: string, target: string) => ({ source, target });
  const edges = [
    e("in", "a"),
    e("a", "x"),
    e("a", "y"),
    e("x", "add"),
    e("y", "add"),
    e("add", "c"),
    e("c", "p"),
    e("c", "q"),
    e("p", "add2"),
    e("q", "add2"),
    e("add2", "out"),
  ];
  const group = (id: string, name: string, parent: string | null, nodes: string[], entry: string): GroupSpec => ({
    id,
    name,
    kind: parent ? "block" : "stage",
    parent,
    nodes,
    entry,
    exit: nodes[nodes.length - 1],
  });
  return {
    version: 1,
    name: "r",
    nodes: ids.map((id) => node(id, 10)),
    edges,
    inputs: ["in"],
    outputs: ["out"],
    labels: null,
    groups: [
      group("g0", "s", null, ["a", "x", "y", "add", "c", "p", "q", "add2"], "in"),
      group("g1", "b1", "g0", ["x", "y", "add"], "a"),
      group("g2", "b2", "g0", ["p", "q", "add2"], "c"),
    ],
  };
}

function overlaps(layout: Layout): string[] {
  const boxes = [...layout.nodes.values()];
  const out: string[] = [];
  const eps = 1e-6;
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      const apart =
        Math.abs(a.position.x - b.position.x) >= (a.size.w + b.size.w) / 2 - eps ||
        Math.abs(a.position.y - b.position.y) >= (a.size.h + b.size.h) / 2 - eps;
      if (!apart) out.push(`${a.id}/${b.id}`);
    }
  }
  return out;
}

describe("foldGraph", () => {
  it("draws the outermost folded group as one node with its exit's shape and a caption", () => {
    const g = residual();
    const v = foldGraph(g, new Set(["g0", "g1"]));
    expect(v.graph.nodes.map((n) => n.id)).toEqual(["in", "g0", "out"]);
    const block = v.graph.nodes[1];
    expect(block.name).toBe("s · 8 layers");
    expect(block.output_shape).toEqual([8, 8, 4]);
    expect(block.params).toBe(80);
    expect(block.opens).toBe(false);
    expect(v.graph.edges).toEqual([
      { source: "in", target: "g0" },
      { source: "g0", target: "out" },
    ]);
    expect(v.folds.get("g0")?.data).toBe("add2");
    expect(v.owner.get("x")).toBe("g0");
  });

  it("folds inner blocks when the outer one is open, removing duplicate edges", () => {
    const v = foldGraph(residual(), new Set(["g1", "g2"]));
    expect(v.graph.nodes.map((n) => n.id)).toEqual(["in", "a", "g1", "c", "g2", "out"]);
    expect(v.graph.edges).toEqual([
      { source: "in", target: "a" },
      { source: "a", target: "g1" },
      { source: "g1", target: "c" },
      { source: "c", target: "g2" },
      { source: "g2", target: "out" },
    ]);
    expect(foldGraph(residual(), new Set()).graph.nodes).toHaveLength(10);
  });

  it("leaves room for a folded block's name beside it, and puts its caption first", () => {
    const v = foldGraph(residual(), new Set(["g1", "g2"]));
    expect(v.graph.nodes.filter(isFoldedNode).map((n) => n.id)).toEqual(["g1", "g2"]);
    const layout = layoutGraph(v.graph);
    const x = (id: string) => layout.nodes.get(id)!.position.x;
    // Each block's neighbours along the flow: at least FOLDED_PITCH between middles,
    // though 8 x 8 maps alone sit closer (two plain layers: 1.6 wide, 1.2 + gap apart).
    for (const [a, b] of [
      ["a", "g1"],
      ["g1", "c"],
      ["c", "g2"],
      ["g2", "out"],
    ]) {
      expect(x(b) - x(a)).toBeGreaterThanOrEqual(FOLDED_PITCH - 1e-9);
    }
    expect(x("a") - x("in")).toBeLessThan(FOLDED_PITCH);
    const importance = labelImportance(v.graph);
    expect(importance.get("g1")).toBe(FOLDED_IMPORTANCE);
    expect(Math.max(...[...importance].filter(([id]) => !v.folds.has(id)).map(([, i]) => i))).toBeLessThan(
      FOLDED_IMPORTANCE,
    );
  });

  it("names what must unfold for a layer to be drawn, outermost first", () => {
    expect(foldedAround(residual(), "x", new Set(["g0", "g1", "g2"]))).toEqual(["g0", "g1"]);
    expect(foldedAround(residual(), "in", new Set(["g0"]))).toEqual([]);
  });

  it("unfolds and folds without overlaps mid-tween", () => {
    const g = residual();
    const sets = [new Set(["g0", "g1", "g2"]), new Set(["g1", "g2"]), new Set(["g2"]), new Set<string>()];
    for (let k = 0; k + 1 < sets.length; k++) {
      for (const [a, b] of [
        [sets[k], sets[k + 1]],
        [sets[k + 1], sets[k]],
      ]) {
        const before = foldGraph(g, a);
        const after = foldGraph(g, b);
        const from = layoutGraph(before.graph);
        const to = layoutGraph(after.graph);
        const start = foldTweenStart(from, to, before, after);
        for (const id of to.nodes.keys()) expect(start.nodes.has(id)).toBe(true);
        for (const t of [0.1, 0.25, 0.5, 0.75, 0.9]) expect(overlaps(lerpLayout(start, to, t))).toEqual([]);
      }
    }
  });
});
