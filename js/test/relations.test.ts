import { Group, LineSegments, Scene, Vector3 } from "three";
import { describe, expect, it } from "vitest";

import type { Region } from "../src/data/receptive";
import type { ElementHit, LayerVisual } from "../src/visuals/types";
import { inputsOf, RelationLines } from "../src/scene/relations";
import { PALETTES } from "../src/render/palette";
import { describeRegion, elementLines } from "../src/scene/tooltip";
import type { GraphSpec, NodeSpec } from "../src/spec";
import { node } from "./fixtures";

/** A visual reduced to what the relation lines ask of it: points on a line x = const. */
function stub(spec: NodeSpec, x: number): LayerVisual {
  const group = new Group();
  group.position.set(x, 0, 0);
  const channels = spec.output_shape[spec.output_shape.length - 1] ?? 0;
  const visual: Partial<LayerVisual> = {
    id: spec.id,
    node: spec,
    group,
    focusPoint: (out: Vector3) => out.set(x, 0, 0),
    footprint: () => [new Vector3(x, 0, 0), new Vector3(x, 1, 0), new Vector3(x, 2, 0)],
    channelAnchor: (c: number, out: Vector3) => (c < channels ? out.set(x, c, 0) : null),
    outlineRegion: (region: Region, out: number[]) => {
      const [rows, cols] =
        region.ranges.length === 2
          ? region.ranges
          : [
              { start: 0, end: 0 },
              { start: 0, end: 0 },
            ];
      const corners = [
        [cols.start, rows.start],
        [cols.end + 1, rows.start],
        [cols.end + 1, rows.end + 1],
        [cols.start, rows.end + 1],
      ];
      for (let i = 0; i < 4; i++) {
        const [a, b] = [corners[i], corners[(i + 1) % 4]];
        out.push(x, -a[1], a[0], x, -b[1], b[0]);
      }
      return 1;
    },
  };
  return visual as LayerVisual;
}

function graph(): GraphSpec {
  const nodes = [
    node("in", "InputLayer", "feature_map", [8, 8, 2], { is_input: true }),
    node("pool", "MaxPooling2D", "feature_map", [4, 4, 2], { config: { pool_size: [2, 2], padding: "valid" } }),
    node("flat", "Flatten", "vector", [32]),
    node("dense", "Dense", "vector", [3], { is_output: true }),
  ];
  const edges = [
    { source: "in", target: "pool" },
    { source: "pool", target: "flat" },
    { source: "flat", target: "dense" },
  ];
  return { version: 1, name: "m", nodes, edges, inputs: ["in"], outputs: ["dense"], labels: null };
}

function hit(index: number[]): ElementHit {
  return { index, axes: index.map(String), values: [0.5], note: null, label: null };
}

describe("RelationLines", () => {
  const g = graph();
  const visuals = new Map(g.nodes.map((n, i) => [n.id, stub(n, i * 10)]));
  const pool = visuals.get("pool")!;
  const dense = visuals.get("dense")!;

  it("finds a layer's inputs in edge order", () => {
    expect(inputsOf(g, "pool").map((n) => n.id)).toEqual(["in"]);
    expect(inputsOf(g, "in")).toEqual([]);
  });

  it("draws channel lines, fans and receptive fields in ONE LineSegments, disposed on clear", () => {
    const scene = new Scene();
    const lines = new RelationLines(scene, PALETTES.light);
    // A per-channel layer: channel c of the input to channel c.
    expect(lines.show(g, pool, null, visuals)).toEqual([]);
    expect(lines.state).toMatchObject({ node: "pool", element: null, fan: 0, channel: 2, field: 0, segments: 2 });
    const object = scene.children.find((c) => c instanceof LineSegments) as LineSegments;
    expect(object).toBeDefined();

    // A pooled pixel of channel 1: its 2x2 window on channel 1 of the input, its own
    // outline and four joins, plus the channel lines.
    const reads = lines.show(g, pool, hit([1, 1, 1]), visuals);
    expect(reads).toEqual([
      {
        source: "in",
        region: {
          ranges: [
            { start: 2, end: 3, step: 1 },
            { start: 2, end: 3, step: 1 },
          ],
          channel: 1,
        },
      },
    ]);
    expect(lines.state).toMatchObject({ channel: 2, field: 12, segments: 14 });

    // Dense reads everything: a fan from the input's footprint to the layer.
    lines.show(g, dense, null, visuals);
    expect(lines.state).toMatchObject({ node: "dense", fan: 3, channel: 0, field: 0 });
    // Still the same object, rewritten in place.
    expect(scene.children.filter((c) => c instanceof LineSegments)).toEqual([object]);
    const position = object.geometry.getAttribute("position");
    expect(Array.from(position.array.slice(0, 6))).toEqual([20, 0, 0, 30, 0, 0]);
    expect(object.geometry.drawRange.count).toBe(6);

    let disposed = 0;
    object.geometry.addEventListener("dispose", () => disposed++);
    lines.clear();
    expect(disposed).toBe(1);
    expect(lines.state).toBeNull();
    expect(scene.children.filter((c) => c instanceof LineSegments)).toEqual([]);
    lines.dispose();
  });
});

describe("element tooltip lines", () => {
  const r = (start: number, end: number, step = 1) => ({ start, end, step });

  it("names a region of each kind of tensor", () => {
    expect(describeRegion({ ranges: [r(0, 4, 2), r(3, 3)], channel: null }, 3, 6)).toBe(
      "rows 0–4 every 2nd, col 3, all channels",
    );
    expect(describeRegion({ ranges: [r(2, 3), r(2, 3)], channel: 1 }, 3, 2)).toBe("rows 2–3, cols 2–3, channel 1");
    // one channel: nothing to say about channels
    expect(describeRegion({ ranges: [r(12, 16), r(14, 18)], channel: null }, 3, 1)).toBe("rows 12–16, cols 14–18");
    expect(describeRegion({ ranges: [r(3, 7, 2)], channel: null }, 2, 4)).toBe("steps 3–7 every 2nd, all features");
    expect(describeRegion({ ranges: [], channel: 9 }, 1, 16)).toBe("unit 9");
  });

  it("gives the index, the value (with what a summary is) and what it reads", () => {
    const summary: ElementHit = {
      index: [3, 4],
      axes: ["row", "col"],
      values: [0.123456],
      note: "mean over 6 channels",
      label: null,
    };
    const reads = [{ source: "conv", rank: 3, channels: 6, region: { ranges: [r(3, 7), r(4, 8)], channel: null } }];
    expect(elementLines(summary, reads)).toEqual([
      ["(row, col)", "(3, 4)"],
      ["value", "0.1235 (mean over 6 channels)"],
      ["reads", "conv: rows 3–7, cols 4–8, all channels"],
    ]);
    const unit: ElementHit = { index: [7], axes: ["unit"], values: [], note: null, label: "class 7 (unit 7)" };
    expect(elementLines(unit, [])).toEqual([
      ["unit", "7"],
      ["name", "class 7 (unit 7)"],
      ["value", "not sent"],
    ]);
  });
});
