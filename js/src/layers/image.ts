/**
 * An image input (H x W x 1 or 3): the real pixels on a plane, greyscale or RGB.
 * Pixel values are shown on their natural range: [0, 1] or [0, 255] when they fit,
 * otherwise stretched from their minimum to their maximum.
 */

import type { Raycaster } from "three";

import type { DecodedTensor, NodeTensors } from "../data/decode";
import type { Region } from "../data/receptive";
import { formatNumber } from "../data/format";
import { dim, type NodeLayout } from "../layout";
import type { LegendInfo } from "../scene/tooltip";
import type { NodeSpec } from "../spec";
import { OUTLINE_LIFT, type ElementHit, type VisualContext } from "./base";
import { TexturedPlaneVisual } from "./plane";
import { textureData } from "./textures";

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
  private full: DecodedTensor | null = null;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    super(node, layout, ctx, dim(node.output_shape, 1), dim(node.output_shape, 0));
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
  }

  override valueAt(raycaster: Raycaster): string | null {
    const f = this.full;
    if (!f) return null;
    const [h, w] = f.shape;
    const c = f.shape[2] ?? 1;
    const pixel = this.pixelUnder(raycaster, w, h);
    if (!pixel) return null;
    const [x, y] = pixel;
    const i = (y * w + x) * c;
    const values = Array.from(f.values.subarray(i, i + c), formatNumber);
    return `pixel (${y}, ${x}): ${values.join(", ")}`;
  }

  override elementAt(raycaster: Raycaster): ElementHit | null {
    const f = this.full;
    if (!f) return null;
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
    if (region.ranges.length !== 2) return 0;
    const [rows, cols] = region.ranges;
    const { width, height } = this.texture.image;
    this.pushTexelRect(out, width, height, cols.start, rows.start, cols.end + 1, rows.end + 1, this.size.d / 2 + OUTLINE_LIFT);
    return 1;
  }

  override legend(): LegendInfo | null {
    return null;
  }

  override dataRows(): Array<[string, string]> {
    if (!this.full) return [];
    const [lo, hi] = displayRange(this.full.lo, this.full.hi);
    return [["pixels", `${formatNumber(this.full.lo)} … ${formatNumber(this.full.hi)} (shown on ${lo}…${formatNumber(hi)})`]];
  }
}
