import { describe, expect, it } from "vitest";

import { BlockIndex } from "../src/data/blocks";
import { GraphWalk } from "../src/data/walk";
import type { GraphSpec, GroupSpec } from "../src/spec";
import { node } from "./fixtures";

/** input → stem → {a1 → a2, b1 → b2, skip-free c1} → concat → out: three branches at depths 2 and 3. */
function branched(): GraphSpec {
  const ids = ["input", "stem", "a1", "a2", "b1", "b2", "c1", "concat", "out"];
  const edges: Array<[string, string]> = [
    ["input", "stem"],
    ["stem", "a1"],
    ["a1", "a2"],
    ["stem", "b1"],
    ["b1", "b2"],
    ["stem", "c1"],
    ["a2", "concat"],
    ["b2", "concat"],
    ["c1", "concat"],
    ["concat", "out"],
  ];
  return {
    version: 1,
    name: "m",
    nodes: ids.map((id) => node(id, "Conv2D", "feature_map", [8, 8, 4])),
    edges: edges.map(([source, target]) => ({ source, target })),
    inputs: ["input"],
    outputs: ["out"],
    labels: null,
  };
}

describe("GraphWalk", () => {
  const walk = new GraphWalk(branched());

  it("goes forward along the first edge and back to the nearest predecessor", () => {
    expect(walk.step("input", "next")).toBe("stem");
    expect(walk.step("stem", "next")).toBe("a1");
    expect(walk.step("a2", "next")).toBe("concat");
    expect(walk.step("out", "next")).toBeNull();
    expect(walk.step("concat", "previous")).toBe("c1");
    expect(walk.step("a1", "previous")).toBe("stem");
    expect(walk.step("input", "previous")).toBeNull();
  });

  it("moves across parallel branches at the same depth", () => {
    expect(walk.depthOf("a1")).toBe(2);
    expect(walk.depthOf("concat")).toBe(4);
    expect(walk.step("a1", "down")).toBe("b1");
    expect(walk.step("b1", "down")).toBe("c1");
    expect(walk.step("c1", "down")).toBeNull();
    expect(walk.step("b1", "up")).toBe("a1");
    expect(walk.step("a2", "down")).toBe("b2");
    expect(walk.step("stem", "down")).toBeNull();
  });

  it("orders siblings by the height drawn when given: up goes to the layer above", () => {
    const y: Record<string, number> = { a1: -4, b1: 4, c1: 0 };
    const height = (id: string): number | null => y[id] ?? null;
    expect(walk.step("c1", "up", height)).toBe("b1");
    expect(walk.step("c1", "down", height)).toBe("a1");
  });

  it("starts at the first layer from an unknown id, and walks an unwired graph in order", () => {
    expect(walk.step("nope", "next")).toBe("input");
    const g = branched();
    g.edges = [];
    const plain = new GraphWalk(g);
    expect(plain.step("a1", "next")).toBe("a2");
    expect(plain.step("a1", "previous")).toBe("stem");
    expect(plain.step("out", "next")).toBeNull();
  });
});

describe("BlockIndex", () => {
  const group = (id: string, parent: string | null, nodes: string[]): GroupSpec => ({
    id,
    name: `block_${id}`,
    kind: "block",
    parent,
    nodes,
    entry: null,
    exit: nodes[nodes.length - 1],
  });

  it("lists the blocks holding a layer, outermost first", () => {
    const g = branched();
    g.groups = [group("g0", null, ["a1", "a2", "b1", "b2", "c1", "concat"]), group("g1", "g0", ["a1", "a2"])];
    const blocks = new BlockIndex(g);
    expect(blocks.enclosing("a2").map((b) => b.id)).toEqual(["g0", "g1"]);
    expect(blocks.enclosing("c1").map((b) => b.id)).toEqual(["g0"]);
    expect(blocks.enclosing("out")).toEqual([]);
    expect(blocks.group("g1")?.name).toBe("block_g1");
  });

  it("takes the deepest group whatever the order, and no groups at all", () => {
    const g = branched();
    g.groups = [group("g1", "g0", ["a1"]), group("g0", null, ["a1", "a2"])];
    expect(new BlockIndex(g).enclosing("a1").map((b) => b.id)).toEqual(["g0", "g1"]);
    expect(new BlockIndex(branched()).enclosing("a1")).toEqual([]);
    expect(new BlockIndex(null).enclosing("a1")).toEqual([]);
  });
});
