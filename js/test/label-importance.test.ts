import { describe, expect, it } from "vitest";

import { labelImportance } from "../src/scene/label-importance";
import { branchGraph, lenetGraph, skipGraph } from "./fixtures";

describe("labelImportance", () => {
  it("puts a chain's input and output first, the layers between level", () => {
    const importance = labelImportance(lenetGraph());
    expect(importance.get("input")).toBe(2);
    expect(importance.get("dense_2")).toBe(2);
    const middle = lenetGraph()
      .nodes.slice(1, -1)
      .map((n) => importance.get(n.id));
    expect(new Set(middle)).toEqual(new Set([0]));
  });

  it("raises the layers where branches fork or join", () => {
    const importance = labelImportance(branchGraph());
    expect(importance.get("stem")).toBe(1); // forks
    expect(importance.get("add")).toBe(1); // joins
    expect(importance.get("left")).toBe(0);
    expect(importance.get("gap")).toBe(0);
  });

  it("adds fork or join to an end: an input that forks, an output that joins", () => {
    const importance = labelImportance(skipGraph());
    expect(importance.get("in")).toBe(3);
    expect(importance.get("add")).toBe(3);
    expect(importance.get("a")).toBe(0);
  });

  it("has an entry for every node, even one no edge touches", () => {
    const graph = lenetGraph();
    graph.edges = [];
    expect([...labelImportance(graph).keys()]).toEqual(graph.nodes.map((n) => n.id));
  });
});
