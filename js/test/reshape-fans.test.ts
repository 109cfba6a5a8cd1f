import { Scene } from "three";
import { describe, expect, it } from "vitest";

import { elementPoint, layoutGraph } from "../src/layout";
import { PALETTES } from "../src/render/palette";
import { FAN_LINES, ReshapeFans } from "../src/scene/reshape-fans";
import type { GraphSpec } from "../src/spec";
import { node } from "./fixtures";

const graph: GraphSpec = {
  version: 1,
  name: "m",
  nodes: [
    node("conv", "Conv2D", "feature_map", [5, 5, 16]),
    node("flat", "Flatten", "vector", [400], { reshape: true }),
    node("dense", "Dense", "vector", [10]),
  ],
  edges: [
    { source: "conv", target: "flat" },
    { source: "flat", target: "dense" },
  ],
  inputs: [],
  outputs: ["dense"],
  labels: null,
};

describe("ReshapeFans", () => {
  it("draws one fan per reshape, joining the same element where input and output draw it, and follows the layout", () => {
    const scene = new Scene();
    const fans = new ReshapeFans(scene, PALETTES.light);
    const closed = layoutGraph(graph);
    fans.setGraph(graph, closed);
    expect(fans.count).toBe(1);
    expect(fans.object.parent).toBe(scene);
    const position = () => fans.object.geometry.getAttribute("position").array;
    expect(fans.object.geometry.drawRange.count).toBe(FAN_LINES * 2);
    // the first line: element 0 of the conv to element 0 of the flatten (world points)
    const a = elementPoint(closed.nodes.get("conv")!, 0);
    const b = elementPoint(closed.nodes.get("flat")!, 0);
    expect(Array.from(position().slice(0, 6))).toEqual([a.x, a.y, a.z, b.x, b.y, b.z].map(Math.fround));

    // Opening the conv moves its elements: the fan follows, in the same buffer.
    const open = layoutGraph(graph, new Set(["conv"]));
    const geometry = fans.object.geometry;
    fans.place(open);
    expect(fans.object.geometry).toBe(geometry);
    expect(position()[0]).toBeCloseTo(elementPoint(open.nodes.get("conv")!, 0).x, 5);

    // A graph without reshapes: no fan, not in the scene.
    fans.setGraph({ ...graph, nodes: graph.nodes.map((n) => ({ ...n, reshape: false })) }, closed);
    expect(fans.count).toBe(0);
    expect(fans.object.parent).toBeNull();
    fans.dispose();
  });
});
