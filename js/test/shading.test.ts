import { MeshBasicMaterial, Vector3 } from "three";
import { describe, expect, it } from "vitest";

import { lineMaterial, whiteLines } from "../src/render/lines";
import { AMBIENT, shade, shadedBox, solidMaterial, SUN, SUN_DIRECTION, twoSidedPlane } from "../src/render/shading";

describe("baked shading", () => {
  it("gives each face what three.js's Lambert gave it under the old lights", () => {
    // (ambient + sun · max(0, n·l)) / π, the lit face brightest, the shadowed ones ambient only
    const front = (AMBIENT + SUN * new Vector3(0, 0, 1).dot(SUN_DIRECTION)) / Math.PI;
    expect(shade(0, 0, 1)).toBeCloseTo(front, 10);
    expect(shade(0, 0, -1)).toBeCloseTo(AMBIENT / Math.PI, 10);
    expect(shade(0, -1, 0)).toBeCloseTo(AMBIENT / Math.PI, 10);
    expect(shade(0, 1, 0)).toBeGreaterThan(shade(1, 0, 0));
  });

  it("writes a box's face shades into its colour attribute", () => {
    const box = shadedBox();
    const color = box.getAttribute("color");
    const normal = box.getAttribute("normal");
    expect(color.count).toBe(normal.count);
    for (let v = 0; v < color.count; v++) {
      expect(color.getX(v)).toBeCloseTo(shade(normal.getX(v), normal.getY(v), normal.getZ(v)), 6);
      expect(color.getY(v)).toBe(color.getX(v));
    }
    box.dispose();
  });

  it("draws a plate from both sides with triangles of its own, unlit", () => {
    const plate = twoSidedPlane(2, 1);
    const index = Array.from(plate.getIndex()?.array ?? []);
    expect(index.length).toBe(12);
    // the back triangles are the front ones wound the other way
    expect(index.slice(6, 9)).toEqual([index[0], index[2], index[1]]);
    expect(Array.from(plate.getAttribute("color").array).every((c) => c === 1)).toBe(true);
    plate.dispose();
  });

  it("one material kind for solids and one for lines: the same program parameters", () => {
    const solids = [solidMaterial(0x123456), solidMaterial(0xffffff)];
    for (const m of solids) {
      expect(m).toBeInstanceOf(MeshBasicMaterial);
      expect(m.vertexColors && !m.transparent).toBe(true);
    }
    expect(solidMaterial(0x123456, 0.35).transparent).toBe(true);
    const lines = [lineMaterial(0x123456), lineMaterial(0x654321, 0.7), lineMaterial()];
    for (const m of lines) expect(m.vertexColors && m.transparent).toBe(true);
    const geometry = whiteLines(shadedBox());
    expect(Array.from(geometry.getAttribute("color").array).every((c) => c === 1)).toBe(true);
    geometry.dispose();
  });
});
