/** Sequences (T, F): a grid texture, time steps along x (the flow) and features down y. */

import {
  BoxGeometry,
  DataTexture,
  DoubleSide,
  EdgesGeometry,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  PlaneGeometry,
  type Raycaster,
} from "three";

import { scaleFor, type ColorScale } from "../data/colormap";
import type { DecodedTensor, NodeTensors } from "../data/decode";
import { formatNumber } from "../data/format";
import { dim, type NodeLayout, type Size3 } from "../layout";
import type { Palette } from "../scene/theme";
import type { LegendInfo } from "../scene/tooltip";
import type { NodeSpec } from "../spec";
import { BaseVisual, type VisualContext } from "./base";
import { fillSolid, makeDataTexture, pixelAt, writeImage } from "./textures";

export class SequenceVisual extends BaseVisual {
  private texture: DataTexture;
  private readonly material: MeshBasicMaterial;
  private readonly plane: Mesh;
  private readonly frame: LineSegments;
  private readonly frameMaterial: LineBasicMaterial;
  private full: DecodedTensor | null = null;
  private scale: ColorScale | null = null;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    super(node, layout, ctx);
    this.texture = makeDataTexture(dim(node.output_shape, 0, 8), dim(node.output_shape, 1));
    fillSolid(this.texture, ctx.palette.neutral);
    this.material = this.own(new MeshBasicMaterial({ map: this.texture, side: DoubleSide }));
    this.plane = new Mesh(this.own(new PlaneGeometry(1, 1)), this.material);
    this.frameMaterial = this.own(new LineBasicMaterial({ color: ctx.palette.stackLine }));
    this.frame = new LineSegments(this.own(new EdgesGeometry(this.own(new BoxGeometry(1, 1, 1)))), this.frameMaterial);
    this.group.add(this.plane, this.frame);
    this.place(layout);
  }

  protected layoutChildren({ w, h, d }: Size3): void {
    this.plane.scale.set(w, h, 1);
    this.plane.position.z = d / 2;
    this.frame.scale.set(w, h, d);
  }

  update(data: NodeTensors | null, scale: ColorScale | null = null): void {
    const full = data?.full;
    this.full = full && full.shape.length === 2 ? full : null;
    if (!this.full) {
      this.scale = null;
      fillSolid(this.texture, this.palette.neutral);
      return;
    }
    const [t, f] = this.full.shape;
    if (this.texture.image.width !== t || this.texture.image.height !== f) {
      this.texture.dispose();
      this.texture = makeDataTexture(t, f);
      this.material.map = this.texture;
      this.material.needsUpdate = true;
    }
    this.scale = scale ?? scaleFor(this.full.lo, this.full.hi);
    // texture pixel (x = step, y = feature) is value [step, feature]: a transposed image
    for (let k = 0; k < f; k++) {
      writeImage(this.texture, this.full.values, this.scale, t, 1, 0, k, k, f);
    }
  }

  protected override applyTheme(palette: Palette): void {
    this.frameMaterial.color.setHex(palette.stackLine);
    if (!this.full) fillSolid(this.texture, palette.neutral);
  }

  override valueAt(raycaster: Raycaster): string | null {
    const f = this.full;
    if (!f) return null;
    const hit = raycaster.intersectObject(this.plane, false)[0];
    if (!hit?.uv) return null;
    const [steps, features] = f.shape;
    const [x, y] = pixelAt(hit.uv.x, hit.uv.y, steps, features);
    return `step ${x}, feature ${y}: ${formatNumber(f.values[x * features + y])}`;
  }

  override legend(): LegendInfo | null {
    if (!this.full || !this.scale) return null;
    return { scale: this.scale, lo: this.full.lo, hi: this.full.hi, note: "time steps → , features ↓, one scale for the layer" };
  }

  override dispose(): void {
    this.texture.dispose();
    super.dispose();
  }
}
