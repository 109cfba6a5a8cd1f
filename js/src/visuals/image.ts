/**
 * An image input (H x W x 1 or 3): the real pixels on a plane, greyscale or RGB in
 * true colour. An RGB image opens into its three colour planes side by side (red,
 * green, blue: what adds up to the picture), one texture for the three.
 * A model input's pixel values are shown on their natural range: [0, 1] or [0, 255]
 * when they fit, otherwise stretched from their minimum to their maximum. A layer's
 * output drawn as a picture (Python's `images`) is shown on its node's `image_range`
 * (its activation's: tanh -1..1, sigmoid 0..1), or its data's range when that is null.
 * In a comparison the pixels are a difference (b − a): drawn on the diverging map centred
 * at zero, an RGB pixel by the mean of its three differences (its planes, open, each by
 * its own). Detections (`_boxes`) are outlined on it by `outlineBox`, closed or open.
 */

import type { Raycaster } from "three";

import { colorOf, type ColorScale } from "../data/colormap";
import { differenceScale } from "../data/compare";
import { displayRange, pictureRange, texelRectOnPlane, type PictureRange } from "../data/boxes";
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

export { displayRange };

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

  /** The range the picture is shown on now (the node's `image_range`, else the data's or the natural one). */
  private range(f: DecodedTensor): PictureRange {
    return pictureRange(this.node.image_range, f.lo, f.hi);
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
      const { lo, hi } = this.range(f);
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
    const { lo, hi } = this.range(this.full);
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

  /**
   * Appends the outline of the box [x0, x1) x [y0, y1) in the picture's pixels (y down)
   * as world line segments: on the picture, or on each colour plane while open. Returns
   * the rectangles drawn (0 when the box lies outside the picture).
   */
  outlineBox(x0: number, y0: number, x1: number, y1: number, out: number[]): number {
    const z = this.size.d / 2 + OUTLINE_LIFT;
    const { w, h } = this.size;
    const view = this.openView;
    if (view?.grid) {
      const g = view.grid;
      let drawn = 0;
      for (let c = 0; c < g.channels; c++) {
        const [ox, oy] = view.tileOrigin(c);
        const sx = Math.max(0, Math.min(g.tileW, x0));
        const sy = Math.max(0, Math.min(g.tileH, y0));
        const ex = Math.max(0, Math.min(g.tileW, x1));
        const ey = Math.max(0, Math.min(g.tileH, y1));
        const r = texelRectOnPlane(g.atlasW, g.atlasH, w, h, ox + sx, oy + sy, ox + ex, oy + ey);
        if (!r || !(ex > sx && ey > sy)) continue;
        this.pushRect(out, r.x0, r.y0, r.x1, r.y1, z);
        drawn++;
      }
      return drawn;
    }
    const r = texelRectOnPlane(this.plane.width, this.plane.height, w, h, x0, y0, x1, y1);
    if (!r) return 0;
    this.pushRect(out, r.x0, r.y0, r.x1, r.y1, z);
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
    const { lo, hi, source } = this.range(this.full);
    const why = source === "natural" ? "" : source === "data" ? ": the data's range" : `: its ${source}'s range`;
    return [
      [
        "pixels",
        `${formatNumber(this.full.lo)} … ${formatNumber(this.full.hi)} (shown on ${formatNumber(lo)}…${formatNumber(hi)}${why})`,
      ],
    ];
  }
}
