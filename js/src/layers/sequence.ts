/** Sequences (T, F): a grid texture, time steps along x (the flow) and features down y. */

import type { Raycaster, Vector3 } from "three";

import type { DecodedTensor, NodeTensors } from "../data/decode";
import type { Region } from "../data/receptive";
import { formatNumber } from "../data/format";
import { describeScale, LAYER_PLAN, layerScale, type ScaleChoice, type ScalePlan } from "../data/scales";
import { dim, type NodeLayout } from "../layout";
import type { LegendInfo } from "../scene/tooltip";
import type { NodeSpec } from "../spec";
import { OUTLINE_LIFT, type ElementHit, type VisualContext } from "./base";
import { TexturedPlaneVisual } from "./plane";
import { writeImage } from "./textures";

export class SequenceVisual extends TexturedPlaneVisual {
  private full: DecodedTensor | null = null;
  private choice: ScaleChoice | null = null;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    super(node, layout, ctx, dim(node.output_shape, 0, 8), dim(node.output_shape, 1));
  }

  protected hasData(): boolean {
    return this.full !== null;
  }

  update(data: NodeTensors | null, plan: ScalePlan = LAYER_PLAN): void {
    const full = data?.full;
    this.full = full && full.shape.length === 2 ? full : null;
    if (!this.full) {
      this.choice = null;
      this.showNeutral();
      return;
    }
    const [t, f] = this.full.shape;
    this.sizeTexture(t, f);
    this.choice = layerScale(plan, this.full);
    const scale = this.choice.scale;
    // texture pixel (x = step, y = feature) is value [step, feature]: a transposed image
    for (let k = 0; k < f; k++) {
      writeImage(this.texture, this.full.values, scale, t, 1, 0, k, k, f);
    }
  }

  override valueAt(raycaster: Raycaster): string | null {
    const f = this.full;
    if (!f) return null;
    const [steps, features] = f.shape;
    const pixel = this.pixelUnder(raycaster, steps, features);
    if (!pixel) return null;
    const [x, y] = pixel;
    return `step ${x}, feature ${y}: ${formatNumber(f.values[x * features + y])}`;
  }

  override elementAt(raycaster: Raycaster): ElementHit | null {
    const f = this.full;
    if (!f) return null;
    const [steps, features] = f.shape;
    const pixel = this.pixelUnder(raycaster, steps, features);
    if (!pixel) return null;
    const [x, y] = pixel;
    return { index: [x, y], axes: ["step", "feature"], values: [f.values[x * features + y]], note: null, label: null };
  }

  /** Steps across (x), the region's feature down (y), or every feature. */
  override outlineRegion(region: Region, out: number[]): number {
    if (region.ranges.length !== 1) return 0;
    const [steps] = region.ranges;
    const { width, height } = this.texture.image;
    const f0 = region.channel ?? 0;
    const f1 = region.channel ?? height - 1;
    if (f0 >= height) return 0;
    this.pushTexelRect(out, width, height, steps.start, f0, steps.end + 1, f1 + 1, this.size.d / 2 + OUTLINE_LIFT);
    return 1;
  }

  /** The middle of feature row `channel`. */
  override channelAnchor(channel: number, out: Vector3): Vector3 | null {
    const { height } = this.texture.image;
    if (channel >= height) return null;
    const p = this.group.position;
    return out.set(p.x, p.y + this.size.h / 2 - ((channel + 0.5) / height) * this.size.h, p.z + this.size.d / 2);
  }

  override legend(): LegendInfo | null {
    if (!this.full || !this.choice) return null;
    return { scale: this.choice.scale, note: "time steps → , features ↓", scope: describeScale(this.choice) };
  }
}
