/**
 * One textured plane that draws a layer's image: the closed picture of an image or a
 * sequence, a feature map's summary face, and every open view (a grid of tiles, one per
 * channel, colour plane or strip, in ONE texture). It owns its DataTexture, material,
 * geometry and mesh, and disposes all four; its owner adds `mesh` to a group.
 */

import { DoubleSide, Mesh, MeshBasicMaterial, PlaneGeometry, type DataTexture, type Raycaster } from "three";

import type { ColorScale } from "../data/colormap";
import type { ChannelGrid } from "../layout";
import { fillSolid, makeDataTexture, pixelAt, textureData, writeImage } from "./textures";

/** How tiles sit in the texture: `cols` x `rows` tiles of tileW x tileH pixels, padPx apart (row-major from the top left). */
export type TileGrid = Pick<
  ChannelGrid,
  "channels" | "cols" | "rows" | "tileW" | "tileH" | "padPx" | "atlasW" | "atlasH"
>;

/** A tile under the pointer and the pixel in it (column, row from the tile's top left). */
export interface TileHit {
  tile: number;
  col: number;
  row: number;
  px: number;
  py: number;
}

/** Where a value image lies in `values` (see writeImage): value (row, col) is values[start + row * rowStride + col * stride]. */
export interface ValueRun {
  start?: number;
  stride?: number;
  /** Default: width * stride (rows follow each other); 0 repeats one row. */
  rowStride?: number;
}

/** The tile and its pixel at atlas pixel (x, y), or null in a gap or past the last tile. */
export function tileOfPixel(grid: TileGrid, x: number, y: number): TileHit | null {
  const col = Math.floor(x / (grid.tileW + grid.padPx));
  const row = Math.floor(y / (grid.tileH + grid.padPx));
  const px = x - col * (grid.tileW + grid.padPx);
  const py = y - row * (grid.tileH + grid.padPx);
  const tile = row * grid.cols + col;
  if (px >= grid.tileW || py >= grid.tileH || col >= grid.cols || row >= grid.rows || tile >= grid.channels)
    return null;
  return { tile, col, row, px, py };
}

/** Atlas pixel of tile `tile`'s top left corner. */
export function tileOrigin(grid: TileGrid, tile: number): [number, number] {
  return [(tile % grid.cols) * (grid.tileW + grid.padPx), Math.floor(tile / grid.cols) * (grid.tileH + grid.padPx)];
}

export class AtlasPlane {
  readonly mesh: Mesh;
  readonly grid: TileGrid | null;
  private texture: DataTexture;
  private readonly material: MeshBasicMaterial;
  private readonly geometry = new PlaneGeometry(1, 1);

  /** One width x height picture; or the tiles of `grid` (an open view), in its atlasW x atlasH, with transparent gaps. */
  constructor(width: number, height: number, grid: TileGrid | null = null) {
    this.grid = grid;
    this.texture = grid ? makeDataTexture(grid.atlasW, grid.atlasH) : makeDataTexture(width, height);
    // Gaps between tiles are transparent texels: cut them out rather than blend.
    this.material = new MeshBasicMaterial({
      map: this.texture,
      side: DoubleSide,
      ...(this.grid ? { alphaTest: 0.5 } : {}),
    });
    this.mesh = new Mesh(this.geometry, this.material);
  }

  get width(): number {
    return this.texture.image.width;
  }

  get height(): number {
    return this.texture.image.height;
  }

  get visible(): boolean {
    return this.mesh.visible;
  }

  /** Sizes the plane to w x h, facing +z at depth z (in its group's frame). */
  place(w: number, h: number, z: number): void {
    this.mesh.scale.set(w, h, 1);
    this.mesh.position.z = z;
  }

  show(visible: boolean): void {
    this.mesh.visible = visible;
  }

  /** Makes the texture `width` x `height`, replacing (and freeing) it only when the size differs. */
  resize(width: number, height: number): void {
    if (this.width === Math.max(1, width) && this.height === Math.max(1, height)) return;
    this.texture.dispose();
    this.texture = makeDataTexture(width, height);
    this.material.map = this.texture;
    this.material.needsUpdate = true;
  }

  /** Texture pixel (column, row from the top) under the ray; null off the plane or while it is hidden. */
  pixelUnder(raycaster: Raycaster): [number, number] | null {
    // A raycast ignores `visible`: a hidden plane must not answer for what is shown.
    if (!this.mesh.visible) return null;
    const hit = raycaster.intersectObject(this.mesh, false)[0];
    return hit?.uv ? pixelAt(hit.uv.x, hit.uv.y, this.width, this.height) : null;
  }

  /** The tile and its pixel under the ray, or null (off the plane, in a gap, hidden, no grid). */
  tileAt(raycaster: Raycaster): TileHit | null {
    const pixel = this.grid ? this.pixelUnder(raycaster) : null;
    return pixel && this.grid ? tileOfPixel(this.grid, pixel[0], pixel[1]) : null;
  }

  /** Atlas pixel of a tile's top left corner ([0, 0] without a grid). */
  tileOrigin(tile: number): [number, number] {
    return this.grid ? tileOrigin(this.grid, tile) : [0, 0];
  }

  /** The whole texture in one opaque colour (0xRRGGBB). */
  fill(hex: number): void {
    fillSolid(this.texture, hex);
  }

  /** The whole texture transparent (before tiles are drawn into it). */
  clear(): void {
    textureData(this.texture).fill(0);
    this.texture.needsUpdate = true;
  }

  /** One tile in one opaque colour, `hex` darkened by `k` (1: as it is). */
  fillTile(tile: number, hex: number, k = 1): void {
    if (!this.grid) return;
    const [x0, y0] = this.tileOrigin(tile);
    const rgba = [((hex >> 16) & 255) * k, ((hex >> 8) & 255) * k, (hex & 255) * k, 255];
    const data = textureData(this.texture);
    for (let y = 0; y < this.grid.tileH; y++) {
      for (let x = 0; x < this.grid.tileW; x++) data.set(rgba, this.offset(x0 + x, y0 + y));
    }
    this.texture.needsUpdate = true;
  }

  /** A width x height image of `values` in `scale`, with its top left at pixel (x0, y0). */
  write(
    values: Float32Array,
    scale: ColorScale,
    width: number,
    height: number,
    x0 = 0,
    y0 = 0,
    run: ValueRun = {},
  ): void {
    writeImage(this.texture, values, scale, width, height, x0, y0, run.start, run.stride, run.rowStride);
  }

  /** Tile `tile`'s image (tileW x tileH) from `values` in `scale`. */
  writeTile(tile: number, values: Float32Array, scale: ColorScale, run: ValueRun = {}): void {
    if (!this.grid) return;
    const [x0, y0] = this.tileOrigin(tile);
    this.write(values, scale, this.grid.tileW, this.grid.tileH, x0, y0, run);
  }

  /** The RGBA bytes, for colours that are not a colour scale (true-colour pictures); call `written()` after. */
  get pixels(): Uint8Array {
    return textureData(this.texture);
  }

  /** Byte offset of pixel (x, y from the top) in `pixels`. */
  offset(x: number, y: number): number {
    return ((this.height - 1 - y) * this.width + x) * 4;
  }

  /** Uploads what was written into `pixels`. */
  written(): void {
    this.texture.needsUpdate = true;
  }

  dispose(): void {
    this.mesh.removeFromParent();
    this.texture.dispose();
    this.material.dispose();
    this.geometry.dispose();
  }
}
