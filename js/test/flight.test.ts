import { PerspectiveCamera, Vector3 } from "three";
import { describe, expect, it } from "vitest";

import { layoutGraph } from "../src/layout";
import { DEFAULT_VIEW, FLY_FILL, FOV, fitCamera, flightPose } from "../src/render/camera";
import { branchGraph } from "./fixtures";

describe("flying to a layer", () => {
  const layout = layoutGraph(branchGraph());
  const n = layout.nodes.get("right")!;
  const { x, y, z } = n.position;
  const { w, h, d } = n.size;
  const box = { min: { x: x - w / 2, y: y - h / 2, z: z - d / 2 }, max: { x: x + w / 2, y: y + h / 2, z: z + d / 2 } };
  const options = { fov: FOV, aspect: 1.6, fill: FLY_FILL, viewWidth: 1280, viewHeight: 800 };
  const goal = fitCamera(box, DEFAULT_VIEW, options);

  it("frames the layer in the middle of the view, filling FLY_FILL of it", () => {
    const camera = new PerspectiveCamera(FOV, 1.6, 0.01, 1e4);
    camera.position.copy(goal.position);
    camera.lookAt(goal.target);
    camera.updateMatrixWorld();
    const centre = new Vector3(x, y, z).project(camera);
    expect(Math.abs(centre.x)).toBeLessThan(0.1);
    expect(Math.abs(centre.y)).toBeLessThan(0.1);
    const corners: Vector3[] = [];
    for (const cx of [box.min.x, box.max.x])
      for (const cy of [box.min.y, box.max.y])
        for (const cz of [box.min.z, box.max.z]) corners.push(new Vector3(cx, cy, cz).project(camera));
    const spanX = Math.max(...corners.map((p) => p.x)) - Math.min(...corners.map((p) => p.x));
    const spanY = Math.max(...corners.map((p) => p.y)) - Math.min(...corners.map((p) => p.y));
    // the binding axis spans 2 * FLY_FILL of NDC
    expect(Math.max(spanX, spanY)).toBeCloseTo(2 * FLY_FILL, 2);
  });

  it("moves from where the camera is to the goal, eased, without overshoot", () => {
    const from = { position: new Vector3(0, 0, 80), target: new Vector3(10, 0, 0) };
    const to = { position: goal.position, target: goal.target };
    expect(flightPose(from, to, 0).position.distanceTo(from.position)).toBeCloseTo(0);
    expect(flightPose(from, to, 1).position.distanceTo(to.position)).toBeCloseTo(0);
    expect(flightPose(from, to, 2).target.distanceTo(to.target)).toBeCloseTo(0);
    let last = -1;
    for (let t = 0; t <= 1.0001; t += 0.05) {
      const travelled = flightPose(from, to, t).position.distanceTo(from.position);
      expect(travelled).toBeGreaterThanOrEqual(last - 1e-9);
      last = travelled;
    }
    // slow at both ends
    const early = flightPose(from, to, 0.1).position.distanceTo(from.position);
    const total = to.position.distanceTo(from.position);
    expect(early / total).toBeLessThan(0.1);
  });
});
