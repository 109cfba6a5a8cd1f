import { PerspectiveCamera, Vector3 } from "three";
import { describe, expect, it } from "vitest";

import { layoutGraph, type Bounds } from "../src/layout";
import { FOV, fitCamera, viewDirection, type FitOptions } from "../src/render/camera";
import { lenetGraph } from "./fixtures";

/** The eight corners of `bounds` in NDC, seen by a camera placed as `fitCamera` says. */
function projectCorners(bounds: Bounds, direction: Vector3, options: FitOptions): Vector3[] {
  const fit = fitCamera(bounds, direction, options);
  const camera = new PerspectiveCamera(options.fov, options.aspect, 0.01, 1e5);
  camera.position.copy(fit.position);
  camera.up.set(0, 1, 0);
  camera.lookAt(fit.target);
  camera.updateMatrixWorld();
  camera.updateProjectionMatrix();
  const out: Vector3[] = [];
  const { min, max } = bounds;
  for (const x of [min.x, max.x])
    for (const y of [min.y, max.y]) for (const z of [min.z, max.z]) out.push(new Vector3(x, y, z).project(camera));
  return out;
}

function extent(ps: Vector3[]) {
  return {
    x0: Math.min(...ps.map((p) => p.x)),
    x1: Math.max(...ps.map((p) => p.x)),
    y0: Math.min(...ps.map((p) => p.y)),
    y1: Math.max(...ps.map((p) => p.y)),
  };
}

const box = (x0: number, y0: number, z0: number, x1: number, y1: number, z1: number): Bounds => ({
  min: { x: x0, y: y0, z: z0 },
  max: { x: x1, y: y1, z: z1 },
});

const cases: Array<[string, Bounds, number]> = [
  ["LeNet", layoutGraph(lenetGraph()).bounds, 2],
  ["LeNet, narrow view", layoutGraph(lenetGraph()).bounds, 0.7],
  ["long and thin", box(0, -1, -1, 200, 1, 0), 1100 / 560],
  ["tall", box(-2, -20, -3, 2, 20, 0), 1100 / 560],
  ["cube", box(-5, -5, -5, 5, 5, 5), 1],
  ["off-centre", box(30, 10, -8, 60, 14, 2), 1.5],
];

describe("fitCamera", () => {
  for (const [name, bounds, aspect] of cases) {
    it(`fills the view on the binding axis, centred: ${name}`, () => {
      const dir = viewDirection(bounds, aspect);
      const ps = projectCorners(bounds, dir, { fov: FOV, aspect });
      for (const p of ps) {
        expect(Math.abs(p.x)).toBeLessThanOrEqual(0.9);
        expect(Math.abs(p.y)).toBeLessThanOrEqual(0.9);
        expect(p.z).toBeGreaterThan(-1);
        expect(p.z).toBeLessThan(1);
      }
      const e = extent(ps);
      // the binding axis reaches past 0.8 on both sides
      const [lo, hi] = e.x1 - e.x0 >= e.y1 - e.y0 ? [e.x0, e.x1] : [e.y0, e.y1];
      expect(hi).toBeGreaterThan(0.8);
      expect(-lo).toBeGreaterThan(0.8);
      // centred on both axes
      expect(Math.abs(e.x0 + e.x1)).toBeLessThan(1e-3);
      expect(Math.abs(e.y0 + e.y1)).toBeLessThan(1e-3);
    });
  }

  it("beats a bounding-sphere fit on a long thin model", () => {
    const bounds = box(0, -1, -1, 200, 1, 0);
    const aspect = 1100 / 560;
    const dir = viewDirection(bounds, aspect);
    const { distance } = fitCamera(bounds, dir, { fov: FOV, aspect });
    const radius = Math.hypot(200, 2, 1) / 2;
    const sphere = radius / Math.sin(((FOV / 2) * Math.PI) / 180);
    expect(distance).toBeLessThan(sphere * 0.8);
  });

  it("keeps pixel margins free for text (captions below, badge above)", () => {
    const bounds = layoutGraph(lenetGraph()).bounds;
    const aspect = 1100 / 560;
    const dir = viewDirection(bounds, aspect);
    const margins = { top: 30, bottom: 40, left: 20, right: 20 };
    const ps = projectCorners(bounds, dir, { fov: FOV, aspect, margins, viewWidth: 1100, viewHeight: 560 });
    const e = extent(ps);
    const px = (y: number) => ((1 - y) / 2) * 560; // NDC y → pixels from the top
    const pxX = (x: number) => ((x + 1) / 2) * 1100;
    expect(px(e.y0)).toBeLessThanOrEqual(560 * 0.95 - 40 + 0.5);
    expect(px(e.y1)).toBeGreaterThanOrEqual(560 * 0.05 + 30 - 0.5);
    expect(pxX(e.x0)).toBeGreaterThanOrEqual(1100 * 0.05 + 20 - 0.5);
    expect(pxX(e.x1)).toBeLessThanOrEqual(1100 * 0.95 - 20 + 0.5);
  });

  it("keeps the 3/4 view: the camera is in front, to the right and above", () => {
    const bounds = layoutGraph(lenetGraph()).bounds;
    const fit = fitCamera(bounds, viewDirection(bounds, 2), { fov: FOV, aspect: 2 });
    const d = fit.position.clone().sub(fit.target).normalize();
    expect(d.x).toBeGreaterThan(0.2);
    expect(d.y).toBeGreaterThan(0.1);
    expect(d.z).toBeGreaterThan(0.5);
    expect(fit.distance).toBeCloseTo(fit.position.distanceTo(fit.target), 6);
  });

  it("gives a finite camera for an empty model or a view straight down", () => {
    const empty = box(0, 0, 0, 0, 0, 0);
    const a = fitCamera(empty, new Vector3(0.7, 0.4, 1), { fov: FOV, aspect: 2 });
    expect(Number.isFinite(a.distance) && a.distance > 0).toBe(true);
    const b = fitCamera(box(-1, -1, -1, 1, 1, 1), new Vector3(0, 1, 0), { fov: FOV, aspect: 1 });
    expect([b.position.x, b.position.y, b.position.z, b.target.x, b.target.y, b.target.z].every(Number.isFinite)).toBe(
      true,
    );
  });
});
