import { PerspectiveCamera } from "three";
import { describe, expect, it } from "vitest";

import {
  fromMap,
  mapFrame,
  mapHeight,
  MINIMAP_HEIGHT,
  MINIMAP_MIN_HEIGHT,
  toMap,
  viewFootprint,
} from "../src/scene/minimap";

const bounds = { min: { x: -10, y: -2, z: -1 }, max: { x: 30, y: 2, z: 0 } };

describe("the overview's geometry", () => {
  it("fits the model inside the overview, centred, and maps back", () => {
    const f = mapFrame(bounds, 180, 96, 6);
    const [x0, y0] = toMap(f, -10, 2);
    const [x1, y1] = toMap(f, 30, -2);
    expect(x0).toBeCloseTo(6);
    expect(x1).toBeCloseTo(174);
    expect((y0 + y1) / 2).toBeCloseTo(48);
    expect(y0).toBeLessThan(y1); // world up is up on screen
    const [wx, wy] = fromMap(f, 100, 30);
    expect(toMap(f, wx, wy)).toEqual([expect.closeTo(100), expect.closeTo(30)]);
  });

  it("is as tall as a model's shape needs, within limits", () => {
    expect(mapHeight(bounds)).toBe(MINIMAP_MIN_HEIGHT);
    expect(mapHeight({ min: { x: 0, y: 0, z: 0 }, max: { x: 10, y: 10, z: 0 } })).toBe(MINIMAP_HEIGHT);
    const mid = mapHeight({ min: { x: 0, y: 0, z: 0 }, max: { x: 40, y: 12, z: 0 } });
    expect(mid).toBeGreaterThan(MINIMAP_MIN_HEIGHT);
    expect(mid).toBeLessThan(MINIMAP_HEIGHT);
  });

  it("marks where the camera's view meets the model's plane", () => {
    const camera = new PerspectiveCamera(35, 2, 0.1, 1000);
    camera.position.set(5, 1, 20);
    camera.lookAt(5, 1, 0);
    const quad = viewFootprint(camera);
    const half = 20 * Math.tan((17.5 * Math.PI) / 180);
    expect(quad[0][0]).toBeCloseTo(5 - 2 * half);
    expect(quad[0][1]).toBeCloseTo(1 - half);
    expect(quad[2][0]).toBeCloseTo(5 + 2 * half);
    expect(quad[2][1]).toBeCloseTo(1 + half);
  });

  it("stops a ray that never meets the plane at the far distance", () => {
    const camera = new PerspectiveCamera(35, 1, 0.1, 100);
    camera.position.set(0, 0, 10);
    camera.lookAt(0, 0, 20); // looking away from the model
    for (const [x, y] of viewFootprint(camera)) expect(Math.hypot(x, y)).toBeLessThan(100);
  });
});
