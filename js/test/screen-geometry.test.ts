import { PerspectiveCamera, Vector3 } from "three";
import { describe, expect, it } from "vitest";

import { layoutGraph } from "../src/layout";
import type { LayerVisual } from "../src/visuals/types";
import { ScreenGeometry } from "../src/scene/screen-geometry";
import { lenetGraph } from "./fixtures";

describe("ScreenGeometry", () => {
  // An 800 x 400 canvas at (100, 50) on the page; the camera looks at the origin from +z.
  const rect = { left: 100, top: 50, width: 800, height: 400 };
  const camera = new PerspectiveCamera(35, 2, 0.1, 1000);
  camera.position.set(0, 0, 50);
  camera.lookAt(0, 0, 0);
  const layout = layoutGraph(lenetGraph());
  const conv = { id: "conv2d", focusPoint: (out: Vector3) => out.set(0, 0, 0) } as unknown as LayerVisual;
  const geometry = new ScreenGeometry(
    camera,
    { getBoundingClientRect: () => rect },
    { visuals: new Map([["conv2d", conv]]), shown: () => layout },
  );

  it("puts what the camera looks at in the middle of the canvas, up on screen above it", () => {
    const middle = geometry.point(new Vector3(0, 0, 0))!;
    expect(middle.x).toBeCloseTo(500);
    expect(middle.y).toBeCloseTo(250);
    const above = geometry.point(new Vector3(0, 1, 0))!;
    expect(above.x).toBeCloseTo(500);
    expect(above.y).toBeLessThan(250);
  });

  it("gives nothing for a point behind the camera", () => {
    expect(geometry.point(new Vector3(0, 0, 60))).toBeNull();
  });

  it("boxes a layer around the projection of its centre", () => {
    const n = layout.nodes.get("dense")!;
    const box = geometry.layerBox("dense")!;
    const centre = geometry.point(new Vector3(n.position.x, n.position.y, n.position.z))!;
    expect(box.x0).toBeLessThan(centre.x);
    expect(box.x1).toBeGreaterThan(centre.x);
    expect(box.y0).toBeLessThan(centre.y);
    expect(box.y1).toBeGreaterThan(centre.y);
    expect(geometry.layerBox("nope")).toBeNull();
  });

  it("projects a layer's focus point, and nothing for a layer it does not know", () => {
    const p = geometry.layerPoint("conv2d")!;
    expect(p.x).toBeCloseTo(500);
    expect(p.y).toBeCloseTo(250);
    expect(geometry.layerPoint("nope")).toBeNull();
    expect(geometry.elementPoint("nope", [0, 0])).toBeNull();
  });
});
