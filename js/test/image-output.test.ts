import { describe, expect, it } from "vitest";

import { layoutGraph } from "../src/layout";
import type { AtlasPlane } from "../src/render/atlas";
import type { LabelOverlay } from "../src/render/labels";
import { PALETTES } from "../src/render/palette";
import type { GraphSpec, ImageRange } from "../src/spec";
import { ImageVisual } from "../src/visuals/image";
import { node } from "./fixtures";

const labels = { add: () => ({}), remove: () => undefined } as unknown as LabelOverlay;

function picture(range: ImageRange | null | undefined, channels: number, open = false) {
  const extra = range === undefined ? { is_input: true } : { is_output: true, image_range: range };
  const n = node("pic", "Reshape", "image", [2, 2, channels], extra);
  const graph: GraphSpec = { version: 1, name: "m", nodes: [n], edges: [], inputs: [], outputs: ["pic"], labels: null };
  const layout = layoutGraph(graph, new Set(open ? ["pic"] : [])).nodes.get("pic")!;
  const visual = new ImageVisual(n, layout, { graph, palette: PALETTES.light, labels });
  visual.setOpen(open, 1);
  visual.place(layout);
  return { visual, layout };
}

/** RGB of pixel (x, y) of the closed picture (y from the top). */
function pixel(visual: ImageVisual, x: number, y: number): number[] {
  const plane = (visual as unknown as { plane: AtlasPlane }).plane;
  const o = plane.offset(x, y);
  return Array.from(plane.pixels.subarray(o, o + 3));
}

describe("a layer's output drawn as a picture", () => {
  it("is grey on its activation's range (tanh: -1 black, 1 white), not the data's", () => {
    const { visual } = picture({ lo: -1, hi: 1, source: "tanh" }, 1);
    const values = Float32Array.from([-1, 0, 0.5, 1]);
    visual.update({ full: { shape: [2, 2, 1], values, lo: -1, hi: 1, channelsTotal: 1, reduce: null } });
    const grey = [pixel(visual, 0, 0), pixel(visual, 1, 0), pixel(visual, 0, 1), pixel(visual, 1, 1)];
    for (const [r, g, b] of grey) expect(r === g && g === b).toBe(true);
    expect(grey.map((p) => p[0]).sort((a, b) => a - b)).toEqual([0, 128, 191, 255]);
    expect(visual.dataRows()[0][1]).toContain("its tanh's range");
  });

  it("stretches the data's range when image_range is null", () => {
    const { visual } = picture(null, 1);
    const values = Float32Array.from([10, 20, 20, 30]);
    visual.update({ full: { shape: [2, 2, 1], values, lo: 10, hi: 30, channelsTotal: 1, reduce: null } });
    expect([pixel(visual, 0, 0)[0], pixel(visual, 1, 0)[0], pixel(visual, 1, 1)[0]]).toEqual([0, 128, 255]);
    expect(visual.dataRows()[0][1]).toContain("the data's range");
  });

  it("keeps a sigmoid output's faint values faint (0..1, not stretched)", () => {
    const { visual } = picture({ lo: 0, hi: 1, source: "sigmoid" }, 3);
    const values = new Float32Array(12).fill(0.5);
    visual.update({ full: { shape: [2, 2, 3], values, lo: 0.5, hi: 0.5, channelsTotal: 3, reduce: null } });
    expect(pixel(visual, 0, 0)).toEqual([128, 128, 128]);
  });
});

describe("ImageVisual.outlineBox", () => {
  it("outlines a box in input pixels on the closed picture, at its world place", () => {
    const { visual, layout } = picture(undefined, 1);
    const out: number[] = [];
    expect(visual.outlineBox(0, 0, 1, 1, out)).toBe(1);
    expect(out.length).toBe(24);
    const { w, h } = layout.size;
    const p = visual.group.position;
    // The first corner is the box's top left: the picture's top left corner.
    expect(out[0]).toBeCloseTo(p.x - w / 2);
    expect(out[1]).toBeCloseTo(p.y + h / 2);
    // The opposite corner is the middle of the picture (1 of 2 pixels each way).
    // (segments: top edge, then right edge down to the bottom right corner)
    expect(out[9]).toBeCloseTo(p.x);
    expect(out[10]).toBeCloseTo(p.y);
  });

  it("outlines it on each colour plane of an open RGB picture", () => {
    const { visual } = picture(undefined, 3, true);
    const out: number[] = [];
    expect(visual.outlineBox(0, 0, 2, 2, out)).toBe(3);
    expect(out.length).toBe(3 * 24);
  });

  it("draws nothing for a box off the picture", () => {
    const { visual } = picture(undefined, 1);
    expect(visual.outlineBox(5, 5, 9, 9, [])).toBe(0);
  });
});
