import { Raycaster, Vector3 } from "three";
import { describe, expect, it } from "vitest";

import { ImageVisual } from "../src/visuals/image";
import { layoutGraph } from "../src/layout";
import type { LabelOverlay } from "../src/render/labels";
import { PALETTES } from "../src/render/palette";
import type { GraphSpec } from "../src/spec";
import { node } from "./fixtures";

// Captions are DOM; these tests look at what the ray hits, not at text.
const labels = { add: () => ({}), remove: () => undefined } as unknown as LabelOverlay;

function rgbInput(open: boolean) {
  const input = node("in", "InputLayer", "image", [4, 4, 3], { is_input: true });
  const graph: GraphSpec = {
    version: 1,
    name: "m",
    nodes: [input],
    edges: [],
    inputs: ["in"],
    outputs: [],
    labels: null,
  };
  const layout = layoutGraph(graph, new Set(open ? ["in"] : [])).nodes.get("in")!;
  const visual = new ImageVisual(input, layout, { graph, palette: PALETTES.light, labels });
  const values = Float32Array.from({ length: 48 }, (_, i) => i);
  visual.update({ full: { shape: [4, 4, 3], values, lo: 0, hi: 47, channelsTotal: 3, reduce: null } });
  visual.setOpen(open, 1);
  visual.place(layout);
  visual.group.updateMatrixWorld(true);
  const p = visual.group.position;
  // Straight at the middle of the layer's front: the green plane when open.
  const ray = new Raycaster(new Vector3(p.x, p.y + 0.01, p.z + 100), new Vector3(0, 0, -1));
  return { visual, values, ray };
}

describe("ImageVisual.elementAt", () => {
  it("names the colour plane and pixel under the ray when open, not the hidden picture's", () => {
    const { visual, values, ray } = rgbInput(true);
    const hit = visual.elementAt(ray);
    expect(hit).not.toBeNull();
    const [row, col, channel] = hit!.index;
    expect(hit!.axes).toEqual(["row", "col", "channel"]);
    expect(channel).toBe(1);
    expect(hit!.label).toBe("green");
    expect(hit!.values).toEqual([values[(row * 4 + col) * 3 + 1]]);
    visual.dispose();
  });

  it("gives the whole pixel (every channel) when closed", () => {
    const { visual, values, ray } = rgbInput(false);
    const hit = visual.elementAt(ray);
    expect(hit!.axes).toEqual(["row", "col"]);
    const [row, col] = hit!.index;
    const i = (row * 4 + col) * 3;
    expect(hit!.values).toEqual([values[i], values[i + 1], values[i + 2]]);
    visual.dispose();
  });
});
