import { Color, MeshBasicMaterial, Raycaster, Vector3 } from "three";
import { describe, expect, it } from "vitest";

import { shade } from "../src/render/shading";
import { FLAT_UNITS, UnitGrid, unitGeometry } from "../src/render/unit-grid";

/** The z of every vertex of one unit, and its triangle count. */
function unit(units: number): { zs: Set<number>; triangles: number } {
  const g = unitGeometry(2, units);
  const position = g.getAttribute("position");
  const zs = new Set<number>();
  for (let i = 0; i < position.count; i++) zs.add(position.getZ(i));
  g.dispose();
  return { zs, triangles: position.count / 3 };
}

describe("unitGeometry", () => {
  it("draws a unit as a cube up to FLAT_UNITS units", () => {
    expect(unit(1).triangles).toBe(12);
    expect(unit(FLAT_UNITS).triangles).toBe(12);
  });

  it("keeps only the front and back faces of units in bigger layers", () => {
    const { zs, triangles } = unit(FLAT_UNITS + 1);
    expect(triangles).toBe(4);
    expect([...zs].sort()).toEqual([-1, 1]);
  });
});

describe("UnitGrid", () => {
  const centre = (i: number): [number, number] => [i * 3, 0];

  for (const count of [4, FLAT_UNITS + 1]) {
    it(`finds the unit under a ray and colours units one by one, shaded by face (${count} units)`, () => {
      const grid = new UnitGrid(count, 2, centre, new MeshBasicMaterial({ vertexColors: true }));
      const ray = new Raycaster(new Vector3(0, 0, 10), new Vector3(0, 0, -1));
      for (const i of [0, 2, count - 1]) {
        ray.ray.origin.set(i * 3 + 0.4, 0.3, 10);
        const hit = ray.intersectObject(grid.mesh, false)[0];
        expect(grid.unitAt(hit)).toBe(i);
      }
      ray.ray.origin.set(1.5, 0, 10); // the gap between units 0 and 1
      expect(ray.intersectObject(grid.mesh, false)).toEqual([]);
      grid.setColor(1, new Color(0.25, 0.5, 1));
      const colors = grid.mesh.geometry.getAttribute("color");
      const normals = grid.mesh.geometry.getAttribute("normal");
      const perUnit = colors.count / count;
      for (let v = 0; v < colors.count; v++) {
        const s = shade(normals.getX(v), normals.getY(v), normals.getZ(v));
        const want = Math.floor(v / perUnit) === 1 ? [0.25 * s, 0.5 * s, s] : [0, 0, 0];
        const got = [colors.getX(v), colors.getY(v), colors.getZ(v)];
        for (let k = 0; k < 3; k++) expect(got[k]).toBeCloseTo(want[k], 6);
      }
      grid.dispose();
    });
  }
});
