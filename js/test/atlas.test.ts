import { Group, Raycaster, Vector3 } from "three";
import { describe, expect, it } from "vitest";

import { AtlasPlane, tileOfPixel, tileOrigin } from "../src/render/atlas";
import { channelGrid } from "../src/layout";

describe("tiles of an atlas", () => {
  const grid = channelGrid(4, 5, 6); // 3 x 2 tiles of 5 x 4 pixels, 1 pixel apart

  it("find the tile and its pixel at an atlas pixel; gaps and the empty last places find none", () => {
    expect([grid.cols, grid.rows, grid.padPx]).toEqual([3, 2, 1]);
    expect(tileOfPixel(grid, 0, 0)).toEqual({ tile: 0, col: 0, row: 0, px: 0, py: 0 });
    expect(tileOfPixel(grid, 7, 6)).toEqual({ tile: 4, col: 1, row: 1, px: 1, py: 1 });
    expect(tileOfPixel(grid, 5, 0)).toBeNull(); // the gap right of tile 0
    expect(tileOfPixel(grid, 0, 4)).toBeNull(); // the gap under it
    expect(tileOrigin(grid, 4)).toEqual([6, 5]);
    const five = channelGrid(4, 5, 5); // 3 x 2 places, the last one empty
    expect(tileOfPixel(five, 12, 5)).toBeNull();
  });

  it("are hit through the plane's mesh, but not while it is hidden", () => {
    const plane = new AtlasPlane(grid.atlasW, grid.atlasH, grid);
    const group = new Group();
    group.add(plane.mesh);
    plane.place(grid.atlasW, grid.atlasH, 0); // one world unit per pixel
    group.updateMatrixWorld(true);
    // The middle of tile 4 (pixels x 6..10, y 5..8 from the top left).
    const x = -grid.atlasW / 2 + 8.5;
    const y = grid.atlasH / 2 - 6.5;
    const ray = new Raycaster(new Vector3(x, y, 10), new Vector3(0, 0, -1));
    expect(plane.tileAt(ray)).toEqual({ tile: 4, col: 1, row: 1, px: 2, py: 1 });
    plane.show(false);
    expect(plane.tileAt(ray)).toBeNull();
    plane.dispose();
    expect(plane.mesh.parent).toBeNull();
  });

  it("write a tile's pixels into their place in the texture (rows from the top)", () => {
    const plane = new AtlasPlane(grid.atlasW, grid.atlasH, grid);
    plane.clear();
    plane.fillTile(4, 0x102030);
    const o = plane.offset(6, 5);
    expect(Array.from(plane.pixels.subarray(o, o + 4))).toEqual([16, 32, 48, 255]);
    // the gap stays transparent
    const gap = plane.offset(5, 5);
    expect(plane.pixels[gap + 3]).toBe(0);
    plane.dispose();
  });
});
