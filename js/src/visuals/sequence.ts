/**
 * Sequences (T, C): closed, a T x C strip texture, time steps along x (the flow) and
 * channels down y. Open: one strip per channel, apart, so each channel's course over
 * time reads on its own (and, in "channel" scope, on its own scale). Both are one
 * texture each, written in place.
 */

import type { Raycaster, Vector3 } from "three";

import { channelRun } from "../data/channels";
import type { DecodedTensor, NodeTensors } from "../data/decode";
import type { Region } from "../data/receptive";
import { describeScale, LAYER_PLAN, layerScale, tileScales, type ScaleChoice, type ScalePlan } from "../data/scales";
import { dim, STRIP_PAD_PX, STRIP_PX, stripGrid, type NodeLayout, type StripGrid } from "../layout";
import { AtlasPlane, type TileGrid } from "../render/atlas";
import type { ElementHit, LegendInfo, VisualContext } from "./types";
import type { NodeSpec } from "../spec";
import { OUTLINE_LIFT } from "./base";
import { tileLegend } from "./legend";
import { TexturedPlaneVisual } from "./plane";

/** The strips as tiles: one column of strips, STRIP_PX rows each, STRIP_PAD_PX apart. */
function stripTiles(grid: StripGrid): TileGrid {
  return {
    channels: grid.strips,
    cols: 1,
    rows: grid.strips,
    tileW: grid.steps,
    tileH: STRIP_PX,
    padPx: STRIP_PAD_PX,
    atlasW: grid.texW,
    atlasH: grid.texH,
  };
}

export class SequenceVisual extends TexturedPlaneVisual {
  override readonly openHint = "click to open: one strip per channel";
  private full: DecodedTensor | null = null;
  private choice: ScaleChoice | null = null;
  private plan: ScalePlan = LAYER_PLAN;
  private stripChoices: ScaleChoice[] | null = null;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    super(node, layout, ctx, dim(node.output_shape, 0, 8), dim(node.output_shape, 1));
  }

  protected hasData(): boolean {
    return this.full !== null;
  }

  update(data: NodeTensors | null, plan: ScalePlan = LAYER_PLAN): void {
    const full = data?.full;
    this.full = full && full.shape.length === 2 ? full : null;
    this.plan = plan;
    this.stripChoices = null;
    if (!this.full) {
      this.choice = null;
      this.showNeutral();
    } else {
      const [t, f] = this.full.shape;
      this.plane.resize(t, f);
      this.choice = layerScale(plan, this.full);
      // texture pixel (x = step, y = channel) is value [step, channel]: a transposed image
      this.plane.write(this.full.values, this.choice.scale, t, f, 0, 0, { stride: f, rowStride: 1 });
    }
    if (this.openView) this.drawStrips(this.openView);
  }

  private scales(): ScaleChoice[] | null {
    if (!this.full) return null;
    this.stripChoices ??= tileScales(this.plan, this.full);
    return this.stripChoices;
  }

  protected override makeOpenView(): AtlasPlane {
    const [t, c] = this.full ? this.full.shape : [dim(this.node.output_shape, 0, 8), dim(this.node.output_shape, 1)];
    const grid = stripTiles(stripGrid(t, c, this.size.h));
    const view = new AtlasPlane(grid.atlasW, grid.atlasH, grid);
    this.drawStrips(view);
    return view;
  }

  /** Strip k: STRIP_PX texture rows of channel k over time; the rows between are transparent. */
  private drawStrips(view: AtlasPlane): void {
    const grid = view.grid!;
    view.clear();
    const full = this.full;
    const scales = this.scales();
    if (full && scales && full.shape[0] === grid.tileW) {
      for (let k = 0; k < Math.min(grid.channels, full.shape[1]); k++) {
        // every row of the strip is the channel's course over time
        view.writeTile(k, full.values, scales[k].scale, { ...channelRun(full, k), rowStride: 0 });
      }
    }
  }

  /** Step and channel under the ray (on the strips when open, on the strip texture when closed). */
  private cellUnder(raycaster: Raycaster): { step: number; channel: number } | null {
    const f = this.full;
    if (!f) return null;
    const channels = f.shape[1];
    if (this.openView) {
      const tile = this.openView.tileAt(raycaster);
      return tile && tile.tile < channels ? { step: tile.px, channel: tile.tile } : null;
    }
    const pixel = this.pixelUnder(raycaster);
    return pixel ? { step: pixel[0], channel: pixel[1] } : null;
  }

  override elementAt(raycaster: Raycaster): ElementHit | null {
    const f = this.full;
    const cell = this.cellUnder(raycaster);
    if (!f || !cell) return null;
    const value = f.values[cell.step * f.shape[1] + cell.channel];
    return { index: [cell.step, cell.channel], axes: ["step", "channel"], values: [value], note: null, label: null };
  }

  /** Steps across (x), the region's channel down (y), or every channel (closed strip only). */
  override outlineRegion(region: Region, out: number[]): number {
    if (region.ranges.length !== 1 || this.openView) return 0;
    const [steps] = region.ranges;
    const { width, height } = this.plane;
    const f0 = region.channel ?? 0;
    const f1 = region.channel ?? height - 1;
    if (f0 >= height) return 0;
    this.pushTexelRect(out, width, height, steps.start, f0, steps.end + 1, f1 + 1, this.size.d / 2 + OUTLINE_LIFT);
    return 1;
  }

  /** The middle of channel row `channel` on the closed strip. */
  override channelAnchor(channel: number, out: Vector3): Vector3 | null {
    const { height } = this.plane;
    if (channel >= height || this.openView) return null;
    const p = this.group.position;
    return out.set(p.x, p.y + this.size.h / 2 - ((channel + 0.5) / height) * this.size.h, p.z + this.size.d / 2);
  }

  override legend(raycaster?: Raycaster): LegendInfo | null {
    if (!this.full || !this.choice) return null;
    if (!this.openView)
      return { scale: this.choice.scale, note: "time steps → , channels ↓", scope: describeScale(this.choice) };
    const scales = this.scales();
    const note = `one strip per channel (${this.full.shape[1]}), time steps →`;
    if (!scales || this.plan.scope !== "channel")
      return { scale: this.choice.scale, note, scope: describeScale(this.choice) };
    const cell = raycaster ? this.cellUnder(raycaster) : null;
    return tileLegend(scales, this.plan.scope, note, cell?.channel ?? null);
  }
}
