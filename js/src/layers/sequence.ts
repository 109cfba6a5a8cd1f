/** Sequences (T, F): a grid texture, time steps along x (the flow) and features down y. */

import type { Raycaster } from "three";

import type { DecodedTensor, NodeTensors } from "../data/decode";
import { formatNumber } from "../data/format";
import { describeScale, LAYER_PLAN, layerScale, type ScaleChoice, type ScalePlan } from "../data/scales";
import { dim, type NodeLayout } from "../layout";
import type { LegendInfo } from "../scene/tooltip";
import type { NodeSpec } from "../spec";
import type { VisualContext } from "./base";
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

  override legend(): LegendInfo | null {
    if (!this.full || !this.choice) return null;
    return { scale: this.choice.scale, note: "time steps → , features ↓", scope: describeScale(this.choice) };
  }
}
