/** Sequences (T, F): a grid texture, time steps along x (the flow) and features down y. */

import type { Raycaster } from "three";

import { scaleFor, type ColorScale } from "../data/colormap";
import type { DecodedTensor, NodeTensors } from "../data/decode";
import { formatNumber } from "../data/format";
import { dim, type NodeLayout } from "../layout";
import type { LegendInfo } from "../scene/tooltip";
import type { NodeSpec } from "../spec";
import type { VisualContext } from "./base";
import { TexturedPlaneVisual } from "./plane";
import { writeImage } from "./textures";

export class SequenceVisual extends TexturedPlaneVisual {
  private full: DecodedTensor | null = null;
  private scale: ColorScale | null = null;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    super(node, layout, ctx, dim(node.output_shape, 0, 8), dim(node.output_shape, 1));
  }

  protected hasData(): boolean {
    return this.full !== null;
  }

  update(data: NodeTensors | null, scale: ColorScale | null = null): void {
    const full = data?.full;
    this.full = full && full.shape.length === 2 ? full : null;
    if (!this.full) {
      this.scale = null;
      this.showNeutral();
      return;
    }
    const [t, f] = this.full.shape;
    this.sizeTexture(t, f);
    this.scale = scale ?? scaleFor(this.full.lo, this.full.hi);
    // texture pixel (x = step, y = feature) is value [step, feature]: a transposed image
    for (let k = 0; k < f; k++) {
      writeImage(this.texture, this.full.values, this.scale, t, 1, 0, k, k, f);
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
    if (!this.full || !this.scale) return null;
    return { scale: this.scale, lo: this.full.lo, hi: this.full.hi, note: "time steps → , features ↓, one scale for the layer" };
  }
}
