/**
 * An image input (H x W x 1 or 3): the real pixels on a plane, greyscale or RGB in
 * true colour. An RGB image opens into its three colour planes side by side (red,
 * green, blue: what adds up to the picture), one texture for the three.
 * Pixel values are shown on their natural range: [0, 1] or [0, 255] when they fit,
 * otherwise stretched from their minimum to their maximum. In a comparison the pixels
 * are a difference (b − a): drawn on the diverging map centred at zero, an RGB pixel by
 * the mean of its three differences (its planes, open, each by its own).
 */

import type { Raycaster } from "three";

import { colorOf, type ColorScale } from "../data/colormap";
import { differenceScale } from "../data/compare";
import type { DecodedTensor, NodeTensors } from "../data/decode";
import { LAYER_PLAN, type ScalePlan } from "../data/scales";
import type { Region } from "../data/receptive";
import { formatNumber } from "../data/format";
import { colorPlanesGrid, dim, type NodeLayout } from "../layout";
import { AtlasPlane } from "../render/atlas";
import type { ElementHit, LegendInfo, VisualContext } from "./types";
import type { NodeSpec } from "../spec";
import { OUTLINE_LIFT } from "./base";
import { TexturedPlaneVisual } from "./plane";

const CHANNEL_NAMES = ["red", "green", "blue"];

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
  override readonly openHint = "click to open: its red, green and blue planes";
  private full: DecodedTensor | null = null;
  /** In a comparison: the diverging scale of the difference (null: real pixels). */
  private difference: ColorScale | null = null;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    super(node, layout, ctx, dim(node.output_shape, 1), dim(node.output_shape, 0));
  }

  protected override makeOpenView(): AtlasPlane {
    const grid = colorPlanesGrid(dim(this.node.output_shape, 0), dim(this.node.output_shape, 1));
    const view = new AtlasPlane(grid.atlasW, grid.atlasH, grid);
    this.drawPlanes(view);
    return view;
  }

  /** Channel c of the picture in its own colour (black to pure red, green or blue). */
  private drawPlanes(view: AtlasPlane): void {
    const grid = view.grid!;
    view.clear();
    const out = view.pixels;
    const f = this.full;
    if (f && f.shape.length === 3 && f.shape[2] === 3 && f.shape[0] === grid.tileH && f.shape[1] === grid.tileW) {
      const [lo, hi] = displayRange(f.lo, f.hi);
      for (let c = 0; c < 3; c++) {
        const [x0, y0] = view.tileOrigin(c);
        for (let y = 0; y < grid.tileH; y++) {
          for (let x = 0; x < grid.tileW; x++) {
            const v = f.values[(y * grid.tileW + x) * 3 + c];
            const o = view.offset(x0 + x, y0 + y);
            if (this.difference) out.set(colorOf(v, this.difference), o);
            else if (Number.isNaN(v)) out.set([255, 0, 255], o);
            else out[o + c] = toByte(v, lo, hi - lo);
            out[o + 3] = 255;
          }
        }
      }
    }
    view.written();
  }

  protected hasData(): boolean {
    return this.full !== null;
  }

  update(data: NodeTensors | null, plan: ScalePlan = LAYER_PLAN): void {
    const full = data?.full;
    this.full = full && full.shape.length >= 2 ? full : null;
    this.difference = this.full && plan.centered ? differenceScale(this.full.lo, this.full.hi) : null;
    if (!this.full) {
      this.showNeutral();
      return;
    }
    const [h, w] = this.full.shape;
    const c = this.full.shape[2] ?? 1;
    this.plane.resize(w, h);
    if (this.difference) {
      this.drawDifference(this.full, this.difference);
      return;
    }
    const [lo, hi] = displayRange(this.full.lo, this.full.hi);
    const span = hi - lo;
    const out = this.plane.pixels;
    const v = this.full.values;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * c;
        const o = this.plane.offset(x, y);
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
    this.plane.written();
    if (this.openView) this.drawPlanes(this.openView);
  }

  /** A comparison's pixels: each the (mean over channels of the) difference, on the diverging map. */
  private drawDifference(f: DecodedTensor, scale: ColorScale): void {
    const [h, w] = f.shape;
    const c = f.shape[2] ?? 1;
    const out = this.plane.pixels;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let sum = 0;
        for (let k = 0; k < c; k++) sum += f.values[(y * w + x) * c + k];
        const o = this.plane.offset(x, y);
        out.set(colorOf(sum / c, scale), o);
        out[o + 3] = 255;
      }
    }
    this.plane.written();
    if (this.openView) this.drawPlanes(this.openView);
  }

  /** Open: the colour plane and its pixel under the ray; closed: the picture's pixel (every channel). */
  override elementAt(raycaster: Raycaster): ElementHit | null {
    const f = this.full;
    if (!f) return null;
    if (this.openView) {
      const tile = this.openView.tileAt(raycaster);
      if (!tile) return null;
      const { tile: c, px: x, py: y } = tile;
      const value = f.values[(y * this.openView.grid!.tileW + x) * 3 + c];
      return {
        index: [y, x, c],
        axes: ["row", "col", "channel"],
        values: [value],
        note: null,
        label: CHANNEL_NAMES[c],
      };
    }
    const w = f.shape[1];
    const c = f.shape[2] ?? 1;
    const pixel = this.pixelUnder(raycaster);
    if (!pixel) return null;
    const [x, y] = pixel;
    const i = (y * w + x) * c;
    return {
      index: [y, x],
      axes: ["row", "col"],
      values: Array.from(f.values.subarray(i, i + c)),
      note: null,
      label: null,
    };
  }

  /** Every channel is in the one picture: the region's pixels on it. */
  override outlineRegion(region: Region, out: number[]): number {
    if (region.ranges.length !== 2 || this.openView) return 0;
    const [rows, cols] = region.ranges;
    const { width, height } = this.plane;
    this.pushTexelRect(
      out,
      width,
      height,
      cols.start,
      rows.start,
      cols.end + 1,
      rows.end + 1,
      this.size.d / 2 + OUTLINE_LIFT,
    );
    return 1;
  }

  override legend(): LegendInfo | null {
    if (!this.difference || !this.full) return null;
    const c = this.full.shape[2] ?? 1;
    const note = c > 1 && !this.openView ? "pixels, mean over red, green and blue" : "pixels";
    const scope = `one scale for this input, centred at zero (${formatNumber(this.full.lo)} … ${formatNumber(this.full.hi)})`;
    return { scale: this.difference, note, scope };
  }

  override dataRows(): Array<[string, string]> {
    if (!this.full) return [];
    if (this.difference) return [["b − a", `${formatNumber(this.full.lo)} … ${formatNumber(this.full.hi)}`]];
    const [lo, hi] = displayRange(this.full.lo, this.full.hi);
    return [
      ["pixels", `${formatNumber(this.full.lo)} … ${formatNumber(this.full.hi)} (shown on ${lo}…${formatNumber(hi)})`],
    ];
  }
}
