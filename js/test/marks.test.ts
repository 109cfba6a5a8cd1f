import { LineSegments, Scene } from "three";
import { describe, expect, it } from "vitest";

import { layoutGraph } from "../src/layout";
import { PALETTES } from "../src/render/palette";
import { LayerMarks } from "../src/scene/marks";
import type { GraphSpec } from "../src/spec";
import { node } from "./fixtures";

const graph: GraphSpec = {
  version: 1,
  name: "m",
  nodes: [
    node("a", "Conv2D", "feature_map", [8, 8, 4]),
    node("b", "Conv2D", "feature_map", [8, 8, 4]),
    node("c", "Dense", "vector", [10]),
  ],
  edges: [
    { source: "a", target: "b" },
    { source: "b", target: "c" },
  ],
  inputs: [],
  outputs: ["c"],
  labels: null,
};

const lines = (scene: Scene): Map<string, number> =>
  new Map(
    scene.children
      .filter((o): o is LineSegments => o instanceof LineSegments)
      .map((o) => [o.name, (o.geometry.drawRange.count as number) / 2]),
  );

describe("LayerMarks", () => {
  it("outlines the matches and the focused layer with a box each (12 segments), outside the layer", () => {
    const scene = new Scene();
    const marks = new LayerMarks(scene, PALETTES.light);
    const layout = layoutGraph(graph, new Set());
    marks.place(layout);
    expect(lines(scene).size).toBe(0);
    marks.set(["a", "b", "missing"], "b");
    expect(lines(scene)).toEqual(
      new Map([
        ["find-matches", 12],
        ["focused-layer", 12],
      ]),
    );
    const focus = scene.getObjectByName("focused-layer") as LineSegments;
    focus.geometry.computeBoundingBox();
    const box = focus.geometry.boundingBox!;
    const b = layout.nodes.get("b")!;
    expect(box.max.x).toBeGreaterThan(b.position.x + b.size.w / 2);
    expect(box.min.y).toBeLessThan(b.position.y - b.size.h / 2);
    marks.set([], null);
    expect(lines(scene).size).toBe(0);
    marks.dispose();
  });
});
