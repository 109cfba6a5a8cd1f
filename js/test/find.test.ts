import { describe, expect, it } from "vitest";

import {
  findSuggestions,
  layersByClass,
  matchKind,
  stepIndex,
  stepText,
  suggestionText,
  type Suggestion,
} from "../src/data/find";
import type { GraphSpec } from "../src/spec";
import { node } from "./fixtures";

function graph(nodes: Array<[string, string, string?]>): GraphSpec {
  return {
    version: 1,
    name: "m",
    nodes: nodes.map(([id, cls, name]) => node(id, cls, "feature_map", [8, 8, 4], { name: name ?? id })),
    edges: nodes.slice(1).map(([id], i) => ({ source: nodes[i][0], target: id })),
    inputs: [nodes[0][0]],
    outputs: [nodes[nodes.length - 1][0]],
    labels: null,
  };
}

const label = (s: Suggestion): string => (s.kind === "class" ? `All ${s.className}` : s.id);

describe("matchKind", () => {
  it("ranks exact, prefix, word start and substring, without case", () => {
    expect(matchKind("conv2d", "Conv2D")).toBe("exact");
    expect(matchKind("conv2d_1", "conv2d")).toBe("prefix");
    expect(matchKind("conv2_block1_out", "block1")).toBe("word");
    expect(matchKind("BatchNormalization", "norm")).toBe("word");
    expect(matchKind("mixed10", "xed")).toBe("substring");
    expect(matchKind("dense", "conv")).toBeNull();
    expect(matchKind("dense", "  ")).toBeNull();
  });

  it("finds a word start after an earlier plain occurrence", () => {
    // "out" occurs first inside "layout" (no word start), then after the underscore.
    expect(matchKind("layout_out", "out")).toBe("word");
  });
});

describe("findSuggestions", () => {
  const g = graph([
    ["input", "InputLayer"],
    ["conv2d", "Conv2D"],
    ["conv2d_1", "Conv2D"],
    ["pool", "MaxPooling2D"],
    ["conv2d_10", "Conv2D"],
    ["block1_conv", "Conv2D"],
    ["dense", "Dense", "fc"],
    ["out", "Dense"],
  ]);

  it("puts the class first, then exact, then prefix matches by length and order", () => {
    const got = findSuggestions(g, "conv2d").map(label);
    expect(got.slice(0, 5)).toEqual(["All Conv2D", "conv2d", "conv2d_1", "conv2d_10", "block1_conv"]);
  });

  it("finds a layer by id when its name differs, and by class name", () => {
    const byId = findSuggestions(g, "dense");
    expect(byId.map(label)).toEqual(["All Dense", "dense", "out"]);
    expect(byId[1]).toMatchObject({ kind: "layer", field: "id", match: "exact", name: "fc" });
    expect(byId[2]).toMatchObject({ kind: "layer", field: "class" });
    expect(findSuggestions(g, "fc").map(label)).toEqual(["dense"]);
  });

  it("offers a class only when two or more layers have it, with every one of them in order", () => {
    expect(findSuggestions(g, "maxpool").map(label)).toEqual(["pool"]);
    const all = findSuggestions(g, "conv2d")[0];
    expect(all).toMatchObject({ kind: "class", ids: ["conv2d", "conv2d_1", "conv2d_10", "block1_conv"] });
    expect(suggestionText(all)).toBe("All Conv2D (4)");
  });

  it("ranks a word start above a substring and keeps to the limit", () => {
    const h = graph([
      ["a", "Dense", "xblock"],
      ["b", "Dense", "conv_block"],
      ["c", "Dense", "blocky"],
    ]);
    expect(findSuggestions(h, "block").map((s) => (s.kind === "layer" ? s.name : s.className))).toEqual([
      "blocky",
      "conv_block",
      "xblock",
    ]);
    expect(findSuggestions(h, "block", 2)).toHaveLength(2);
  });

  it("suggests nothing for an empty query or no graph", () => {
    expect(findSuggestions(g, "")).toEqual([]);
    expect(findSuggestions(null, "conv")).toEqual([]);
    expect(findSuggestions(g, "zzz")).toEqual([]);
  });

  it("groups layers by class in order of first use", () => {
    expect([...layersByClass(g).keys()]).toEqual(["InputLayer", "Conv2D", "MaxPooling2D", "Dense"]);
  });
});

describe("stepping through matches", () => {
  it("wraps round both ways and says where it is", () => {
    expect(stepIndex(0, 53, 1)).toBe(1);
    expect(stepIndex(52, 53, 1)).toBe(0);
    expect(stepIndex(0, 53, -1)).toBe(52);
    expect(stepIndex(0, 0, 1)).toBe(-1);
    expect(stepText(2, 53)).toBe("3 / 53");
  });
});
