/**
 * An image input (H x W x 1 or 3): the real pixels on a plane, greyscale or RGB in
 * true colour. An RGB image opens into its three colour planes side by side (red,
 * green, blue: what adds up to the picture), one texture for the three.
 * Pixel values are shown on their natural range: [0, 1] or [0, 255] when they fit,
 * otherwise stretched from their minimum to their maximum.
 */

import { DoubleSide, Mesh, MeshBasicMaterial, PlaneGeometry, type DataTexture, type Raycaster } from "three";

import type { DecodedTensor, NodeTensors } from "../data/decode";
import type { Region } from "../data/receptive";
import { formatNumber } from "../data/format";
import { colorPlanesGrid, dim, type ChannelGrid, type NodeLayout, type Size3 } from "../layout";
import type { ElementHit, LegendInfo, VisualContext } from "./types";
import type { NodeSpec } from "../spec";
import { OUTLINE_LIFT } from "./base";
import { TexturedPlaneVisual } from "./plane";
import { makeDataTexture, pixelAt, textureData } from "../render/textures";

const CHANNEL_NAMES = ["red", "green", "blue"];

interface Planes {
  grid: ChannelGrid;
  texture: DataTexture;
  mesh: Mesh;
  material: MeshBasicMaterial;
  geometry: PlaneGeometry;
}

/** The range pixel values are displayed over. */
export function displayRange(lo: number, hi: number): [number, number] {
  if (lo >= 0 && hi <= 1) return [0, 1];
  if (lo >= 0 && hi <= 255) return [0, 255];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

function toByte(v: number, lo: number, span: number): number {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 0 : v > 0 ? 255 : 0;
  const t = (v - lo) / span;
  return t <= 0 ? 0 : t >= 1 ? 255 : Math.round(t * 255);
}

export class ImageVisual extends TexturedPlaneVisual {
  override readonly canOpen: boolean;
  override readonly openHint = "click to open: its red, green and blue planes";
  private full: DecodedTensor | null = null;
  private planes: Planes | null = null;
  private showingPlanes = false;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    super(node, layout, ctx, dim(node.output_shape, 1), dim(node.output_shape, 0));
    this.canOpen = dim(node.output_shape, 2) === 3 && !node.passthrough;
  }

  protected override layoutChildren(size: Size3): void {
    super.layoutChildren(size);
    if (this.planes) {
      this.planes.mesh.scale.set(size.w, size.h, 1);
      this.planes.mesh.position.z = size.d / 2;
    }
  }

  override setOpen(open: boolean, t: number): void {
    const shown = open ? t > 0 : t < 1;
    if (shown && !this.planes) {
      const grid = colorPlanesGrid(dim(this.node.output_shape, 0), dim(this.node.output_shape, 1));
      const texture = makeDataTexture(grid.atlasW, grid.atlasH);
      const material = new MeshBasicMaterial({ map: texture, side: DoubleSide, alphaTest: 0.5 });
      const geometry = new PlaneGeometry(1, 1);
      const mesh = new Mesh(geometry, material);
      this.group.add(mesh);
      this.planes = { grid, texture, mesh, material, geometry };
      this.drawPlanes();
      this.layoutChildren(this.size);
    }
    this.showingPlanes = shown;
    if (this.planes) this.planes.mesh.visible = shown;
    this.plane.visible = !shown;
  }

  /** Channel c of the picture in its own colour (black to pure red, green or blue). */
  private drawPlanes(): void {
    if (!this.planes) return;
    const { grid, texture } = this.planes;
    const out = textureData(texture);
    out.fill(0);
    const f = this.full;
    if (f && f.shape.length === 3 && f.shape[2] === 3 && f.shape[0] === grid.tileH && f.shape[1] === grid.tileW) {
      const [lo, hi] = displayRange(f.lo, f.hi);
      const tw = texture.image.width;
      for (let c = 0; c < 3; c++) {
        const x0 = c * (grid.tileW + grid.padPx);
        for (let y = 0; y < grid.tileH; y++) {
          const ty = grid.tileH - 1 - y;
          for (let x = 0; x < grid.tileW; x++) {
            const v = f.values[(y * grid.tileW + x) * 3 + c];
            const o = (ty * tw + x0 + x) * 4;
            if (Number.isNaN(v)) out.set([255, 0, 255], o);
            else out[o + c] = toByte(v, lo, hi - lo);
            out[o + 3] = 255;
          }
        }
      }
    }
    texture.needsUpdate = true;
  }

  protected hasData(): boolean {
    return this.full !== null;
  }

  update(data: NodeTensors | null): void {
    const full = data?.full;
    this.full = full && full.shape.length >= 2 ? full : null;
    if (!this.full) {
      this.showNeutral();
      return;
    }
    const [h, w] = this.full.shape;
    const c = this.full.shape[2] ?? 1;
    this.sizeTexture(w, h);
    const [lo, hi] = displayRange(this.full.lo, this.full.hi);
    const span = hi - lo;
    const out = textureData(this.texture);
    const v = this.full.values;
    for (let y = 0; y < h; y++) {
      const ty = h - 1 - y;
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * c;
        const o = (ty * w + x) * 4;
        if (c >= 3) {
          out[o] = toByte(v[i], lo, span);
          out[o + 1] = toByte(v[i + 1], lo, span);
          out[o + 2] = toByte(v[i + 2], lo, span);
        } else {
          const g = toByte(v[i], lo, span);
          out[o] = g;
          out[o + 1] = g;
          out[o + 2] = g;
        }
        if (Number.isNaN(v[i])) {
          out[o] = 255;
          out[o + 1] = 0;
          out[o + 2] = 255;
        }
        out[o + 3] = 255;
      }
    }
    this.texture.needsUpdate = true;
    this.drawPlanes();
  }

  /** Open: the colour plane and its pixel under the ray; closed: the picture's pixel (every channel). */
  override elementAt(raycaster: Raycaster): ElementHit | null {
    const f = this.full;
    if (!f) return null;
    if (this.showingPlanes && this.planes) {
      const g = this.planes.grid;
      const hit = raycaster.intersectObject(this.planes.mesh, false)[0];
      if (!hit?.uv) return null;
      const [ax, y] = pixelAt(hit.uv.x, hit.uv.y, g.atlasW, g.atlasH);
      const c = Math.floor(ax / (g.tileW + g.padPx));
      const x = ax - c * (g.tileW + g.padPx);
      if (c > 2 || x >= g.tileW) return null;
      const value = f.values[(y * g.tileW + x) * 3 + c];
      return { index: [y, x, c], axes: ["row", "col", "channel"], values: [value], note: null, label: CHANNEL_NAMES[c] };
    }
    const [h, w] = f.shape;
    const c = f.shape[2] ?? 1;
    const pixel = this.pixelUnder(raycaster, w, h);
    if (!pixel) return null;
    const [x, y] = pixel;
    const i = (y * w + x) * c;
    return { index: [y, x], axes: ["row", "col"], values: Array.from(f.values.subarray(i, i + c)), note: null, label: null };
  }

  /** Every channel is in the one picture: the region's pixels on it. */
  override outlineRegion(region: Region, out: number[]): number {
    if (region.ranges.length !== 2 || this.showingPlanes) return 0;
    const [rows, cols] = region.ranges;
    const { width, height } = this.texture.image;
    this.pushTexelRect(out, width, height, cols.start, rows.start, cols.end + 1, rows.end + 1, this.size.d / 2 + OUTLINE_LIFT);
    return 1;
  }

  override legend(): LegendInfo | null {
    return null;
  }

  override dispose(): void {
    if (this.planes) {
      this.planes.texture.dispose();
      this.planes.material.dispose();
      this.planes.geometry.dispose();
      this.planes = null;
    }
    super.dispose();
  }

  override dataRows(): Array<[string, string]> {
    if (!this.full) return [];
    const [lo, hi] = displayRange(this.full.lo, this.full.hi);
    return [["pixels", `${formatNumber(this.full.lo)} … ${formatNumber(this.full.hi)} (shown on ${lo}…${formatNumber(hi)})`]];
  }
}
