import { Raycaster, Vector3 } from "three";
import { describe, expect, it } from "vitest";

import { layoutGraph } from "../src/layout";
import type { LabelOverlay } from "../src/render/labels";
import { PALETTES } from "../src/render/palette";
import type { GraphSpec } from "../src/spec";
import { VolumeVisual } from "../src/visuals/volume";
import { node } from "./fixtures";

// Captions are DOM; these tests look at what the ray hits, not at text.
const labels = { add: () => ({}), remove: () => undefined } as unknown as LabelOverlay;

// D=2, H=4, W=4, C=3: value = its flat index
const SHAPE = [2, 4, 4, 3];
const COUNT = 2 * 4 * 4 * 3;

function conv3d(open: boolean) {
  const v = node("v", "Conv3D", "volume", SHAPE);
  const graph: GraphSpec = { version: 1, name: "m", nodes: [v], edges: [], inputs: [], outputs: ["v"], labels: null };
  const layout = layoutGraph(graph, new Set(open ? ["v"] : [])).nodes.get("v")!;
  const visual = new VolumeVisual(v, layout, { graph, palette: PALETTES.light, labels });
  const values = Float32Array.from({ length: COUNT }, (_, i) => i);
  visual.update({ full: { shape: SHAPE, values, lo: 0, hi: COUNT - 1, channelsTotal: 3, reduce: null } });
  visual.setOpen(open, 1);
  visual.place(layout);
  visual.group.updateMatrixWorld(true);
  return { visual, values, position: visual.group.position, size: layout.size };
}

describe("VolumeVisual.elementAt", () => {
  it("names the depth slice, row, col and channel of the open tile under the ray, with its value", () => {
    const { visual, values, position: p, size } = conv3d(true);
    // Near the top left of the atlas: tile (depth 0, channel 0), then one tile lower: depth 1.
    const ray = new Raycaster(
      new Vector3(p.x - size.w / 2 + 0.05, p.y + size.h / 2 - 0.05, p.z + 100),
      new Vector3(0, 0, -1),
    );
    const hit = visual.elementAt(ray)!;
    expect(hit.axes).toEqual(["depth", "row", "col", "channel"]);
    expect(hit.index).toEqual([0, 0, 0, 0]);
    expect(hit.values).toEqual([values[0]]);
    const low = new Raycaster(
      new Vector3(p.x - size.w / 2 + 0.05, p.y - size.h / 2 + 0.05, p.z + 100),
      new Vector3(0, 0, -1),
    );
    const [depth, row, col, channel] = visual.elementAt(low)!.index;
    expect([depth, row, col, channel]).toEqual([1, 3, 0, 0]);
    expect(visual.elementAt(low)!.values).toEqual([values[((depth * 4 + row) * 4 + col) * 3 + channel]]);
    visual.dispose();
  });

  it("names the depth slice, row and col of the closed summary, and says it is a mean over channels", () => {
    const { visual, values, position: p, size } = conv3d(false);
    // The front slice (depth 0), near its top right corner.
    const ray = new Raycaster(
      new Vector3(p.x + size.w / 2 - 0.05, p.y + size.h / 2 - 0.05, p.z + 100),
      new Vector3(0, 0, -1),
    );
    const hit = visual.elementAt(ray)!;
    expect(hit.axes).toEqual(["depth", "row", "col"]);
    expect(hit.index).toEqual([0, 0, 3]);
    const i = (0 * 16 + 0 * 4 + 3) * 3;
    expect(hit.values).toEqual([(values[i] + values[i + 1] + values[i + 2]) / 3]);
    expect(hit.note).toBe("mean over 3 channels");
    visual.dispose();
  });

  it("frees the open view when it has closed", () => {
    const { visual } = conv3d(true);
    const meshes = () => visual.group.children.length;
    const open = meshes();
    visual.setOpen(false, 0.5); // still closing: still drawn
    expect(meshes()).toBe(open);
    visual.setOpen(false, 1);
    expect(meshes()).toBe(open - 1);
    visual.dispose();
  });
});
