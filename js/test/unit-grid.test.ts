import { Color, MeshLambertMaterial, Raycaster, Vector3 } from "three";
import { describe, expect, it } from "vitest";

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
    it(`finds the unit under a ray and colours units one by one (${count} units)`, () => {
      const grid = new UnitGrid(count, 2, centre, new MeshLambertMaterial({ vertexColors: true }));
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
      const perUnit = colors.count / count;
      for (let v = 0; v < colors.count; v++) {
        const want = Math.floor(v / perUnit) === 1 ? [0.25, 0.5, 1] : [0, 0, 0];
        expect([colors.getX(v), colors.getY(v), colors.getZ(v)]).toEqual(want);
      }
      grid.dispose();
    });
  }
});
