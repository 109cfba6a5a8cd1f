/**
 * Sequences (T, C): closed, a T x C strip texture, time steps along x (the flow) and
 * channels down y. Open: one strip per channel, apart, so each channel's course over
 * time reads on its own (and, in "channel" scope, on its own scale). Both are one
 * texture each, written in place.
 */

import { DoubleSide, Mesh, MeshBasicMaterial, PlaneGeometry, type DataTexture, type Raycaster, type Vector3 } from "three";

import type { DecodedTensor, NodeTensors } from "../data/decode";
import type { Region } from "../data/receptive";
import {
  describeScale,
  LAYER_PLAN,
  layerScale,
  PER_CHANNEL_NO_TILE,
  tileScales,
  type ScaleChoice,
  type ScalePlan,
} from "../data/scales";
import { dim, STRIP_PAD_PX, STRIP_PX, stripGrid, type NodeLayout, type Size3, type StripGrid } from "../layout";
import type { ElementHit, LegendInfo, VisualContext } from "./types";
import type { NodeSpec } from "../spec";
import { OUTLINE_LIFT } from "./base";
import { TexturedPlaneVisual } from "./plane";
import { makeDataTexture, pixelAt, textureData, writeImage } from "../render/textures";

interface Strips {
  grid: StripGrid;
  texture: DataTexture;
  mesh: Mesh;
  material: MeshBasicMaterial;
  geometry: PlaneGeometry;
}

export class SequenceVisual extends TexturedPlaneVisual {
  override readonly canOpen: boolean;
  override readonly openHint = "click to open: one strip per channel";
  private full: DecodedTensor | null = null;
  private choice: ScaleChoice | null = null;
  private plan: ScalePlan = LAYER_PLAN;
  private stripChoices: ScaleChoice[] | null = null;
  private strips: Strips | null = null;
  private showingStrips = false;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    super(node, layout, ctx, dim(node.output_shape, 0, 8), dim(node.output_shape, 1));
    this.canOpen = !node.passthrough;
  }

  protected hasData(): boolean {
    return this.full !== null;
  }

  protected override layoutChildren(size: Size3): void {
    super.layoutChildren(size);
    if (this.strips) {
      this.strips.mesh.scale.set(size.w, size.h, 1);
      this.strips.mesh.position.z = size.d / 2;
    }
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
      this.sizeTexture(t, f);
      this.choice = layerScale(plan, this.full);
      // texture pixel (x = step, y = channel) is value [step, channel]: a transposed image
      for (let k = 0; k < f; k++) writeImage(this.texture, this.full.values, this.choice.scale, t, 1, 0, k, k, f);
    }
    if (this.strips) this.drawStrips(this.strips);
  }

  private scales(): ScaleChoice[] | null {
    if (!this.full) return null;
    this.stripChoices ??= tileScales(this.plan, this.full);
    return this.stripChoices;
  }

  private makeStrips(): Strips {
    const [t, c] = this.full ? this.full.shape : [dim(this.node.output_shape, 0, 8), dim(this.node.output_shape, 1)];
    const grid = stripGrid(t, c, this.size.h);
    const texture = makeDataTexture(grid.texW, grid.texH);
    const material = new MeshBasicMaterial({ map: texture, side: DoubleSide, alphaTest: 0.5 });
    const geometry = new PlaneGeometry(1, 1);
    const mesh = new Mesh(geometry, material);
    this.group.add(mesh);
    const strips = { grid, texture, mesh, material, geometry };
    this.drawStrips(strips);
    return strips;
  }

  /** Strip k: STRIP_PX texture rows of channel k over time; the rows between are transparent. */
  private drawStrips({ grid, texture }: Strips): void {
    textureData(texture).fill(0);
    const full = this.full;
    const scales = this.scales();
    if (full && scales && full.shape[0] === grid.steps) {
      const channels = full.shape[1];
      for (let k = 0; k < Math.min(grid.strips, channels); k++) {
        for (let r = 0; r < STRIP_PX; r++) {
          writeImage(texture, full.values, scales[k].scale, grid.steps, 1, 0, k * (STRIP_PX + STRIP_PAD_PX) + r, k, channels);
        }
      }
    }
    texture.needsUpdate = true;
  }

  override setOpen(open: boolean, t: number): void {
    const shown = open ? t > 0 : t < 1;
    if (shown && !this.strips) {
      this.strips = this.makeStrips();
      this.layoutChildren(this.size);
    }
    this.showingStrips = shown;
    if (this.strips) this.strips.mesh.visible = shown;
    this.plane.visible = !shown;
  }

  /** Step and channel under the ray (on the strips when open, on the strip texture when closed). */
  private cellUnder(raycaster: Raycaster): { step: number; channel: number } | null {
    const f = this.full;
    if (!f) return null;
    const [steps, channels] = f.shape;
    if (this.showingStrips && this.strips) {
      const hit = raycaster.intersectObject(this.strips.mesh, false)[0];
      if (!hit?.uv) return null;
      const [x, y] = pixelAt(hit.uv.x, hit.uv.y, this.strips.grid.texW, this.strips.grid.texH);
      const channel = Math.floor(y / (STRIP_PX + STRIP_PAD_PX));
      if (y % (STRIP_PX + STRIP_PAD_PX) >= STRIP_PX || channel >= channels) return null;
      return { step: x, channel };
    }
    const pixel = this.pixelUnder(raycaster, steps, channels);
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
    if (region.ranges.length !== 1 || this.showingStrips) return 0;
    const [steps] = region.ranges;
    const { width, height } = this.texture.image;
    const f0 = region.channel ?? 0;
    const f1 = region.channel ?? height - 1;
    if (f0 >= height) return 0;
    this.pushTexelRect(out, width, height, steps.start, f0, steps.end + 1, f1 + 1, this.size.d / 2 + OUTLINE_LIFT);
    return 1;
  }

  /** The middle of channel row `channel` on the closed strip. */
  override channelAnchor(channel: number, out: Vector3): Vector3 | null {
    const { height } = this.texture.image;
    if (channel >= height || this.showingStrips) return null;
    const p = this.group.position;
    return out.set(p.x, p.y + this.size.h / 2 - ((channel + 0.5) / height) * this.size.h, p.z + this.size.d / 2);
  }

  override legend(raycaster?: Raycaster): LegendInfo | null {
    if (!this.full || !this.choice) return null;
    if (!this.showingStrips) return { scale: this.choice.scale, note: "time steps → , channels ↓", scope: describeScale(this.choice) };
    const scales = this.scales();
    const note = `one strip per channel (${this.full.shape[1]}), time steps →`;
    if (!scales || this.plan.scope !== "channel") return { scale: this.choice.scale, note, scope: describeScale(this.choice) };
    const cell = raycaster ? this.cellUnder(raycaster) : null;
    if (!cell) return { scale: null, note, scope: PER_CHANNEL_NO_TILE };
    const choice = scales[cell.channel];
    return { scale: choice.scale, note: `${note}; channel ${cell.channel}`, scope: describeScale(choice) };
  }

  override dispose(): void {
    if (this.strips) {
      this.strips.texture.dispose();
      this.strips.material.dispose();
      this.strips.geometry.dispose();
      this.strips = null;
    }
    super.dispose();
  }
}
