/**
 * A layer that can show its weights: the layer's own visual, and a picture of its
 * kernel and bias (data/weights.ts) drawn in the layer's place while the weights are
 * shown. Everything else (placing, opening, picking, theme) is the inner visual's; this
 * owns the weights picture and disposes it.
 */

import { Group, type Mesh, type Raycaster, type Vector3 } from "three";

import { scaleFor, type ColorScale } from "../data/colormap";
import type { NodeTensors } from "../data/decode";
import { formatShape } from "../data/format";
import type { Region } from "../data/receptive";
import type { ScalePlan } from "../data/scales";
import { paintWeights, weightAt, weightsPicture, type WeightsPicture } from "../data/weights";
import type { NodeLayout } from "../layout";
import { AtlasPlane } from "../render/atlas";
import type { Palette } from "../render/palette";
import type { NodeSpec, WeightsSpec } from "../spec";
import type { ElementHit, LayerVisual, LegendInfo } from "./types";

const AXES: Record<number, string[]> = { 4: ["kh", "kw", "in", "out"], 2: ["in", "out"] };

export class WeightsVisual implements LayerVisual {
  readonly group = new Group();
  private readonly holder = new Group();
  private plane: AtlasPlane | null = null;
  private picture: WeightsPicture | null = null;
  private kernel: Float32Array | null = null;
  private bias: Float32Array | null = null;
  private scale: ColorScale | null = null;
  private shown = false;
  private size = { w: 1, h: 1, d: 1 };

  constructor(
    private readonly inner: LayerVisual,
    private readonly spec: WeightsSpec,
    layout: NodeLayout,
    private palette: Palette,
  ) {
    this.group.name = `${inner.id}:weights`;
    this.group.add(inner.group, this.holder);
    this.holder.visible = false;
    this.place(layout);
  }

  get id(): string {
    return this.inner.id;
  }
  get node(): NodeSpec {
    return this.inner.node;
  }
  get canOpen(): boolean {
    return this.inner.canOpen && !this.shown;
  }
  get openHint(): string {
    return this.inner.openHint;
  }
  get pickProxy(): Mesh {
    return this.inner.pickProxy;
  }

  place(layout: NodeLayout): void {
    this.inner.place(layout);
    const { x, y, z } = layout.position;
    this.holder.position.set(x, y, z);
    this.size = { ...layout.size };
    this.fit();
  }

  /** The picture keeps its aspect ratio inside the layer's box, in front of it. */
  private fit(): void {
    if (!this.plane || !this.picture) return;
    const { w, h, d } = this.size;
    const aspect = this.picture.width / Math.max(1, this.picture.height);
    const [pw, ph] = aspect > w / h ? [w, w / aspect] : [h * aspect, h];
    this.plane.place(pw, ph, d / 2 + 0.02);
  }

  update(data: NodeTensors | null, plan?: ScalePlan): void {
    this.inner.update(data, plan);
    const kernel = data?.kernel ?? null;
    this.kernel = kernel ? kernel.values : null;
    this.bias = data?.bias?.values ?? null;
    if (!kernel) {
      this.scale = null;
      this.paint();
      return;
    }
    const m = Math.max(
      Math.abs(kernel.lo),
      Math.abs(kernel.hi),
      Math.abs(data?.bias?.lo ?? 0),
      Math.abs(data?.bias?.hi ?? 0),
    );
    this.scale = scaleFor(-m, m);
    if (!this.picture || this.picture.kernel.join() !== kernel.shape.join()) {
      this.picture = weightsPicture(kernel.shape, this.bias?.length ?? 0);
    }
    this.paint();
  }

  /** Draws the weights (or the neutral "not sent" picture) into the plane. */
  private paint(): void {
    if (!this.shown) return;
    const picture = this.picture ?? weightsPicture(this.spec.kernel, this.spec.bias?.[0] ?? 0);
    const grid = { channels: 1, cols: 1, rows: 1, tileW: picture.width, tileH: picture.height, padPx: 0 };
    if (!this.plane || this.plane.width !== picture.width || this.plane.height !== picture.height) {
      this.plane?.dispose();
      this.plane = new AtlasPlane(picture.width, picture.height, {
        ...grid,
        atlasW: picture.width,
        atlasH: picture.height,
      });
      this.holder.add(this.plane.mesh);
      this.fit();
    }
    const plane = this.plane;
    if (this.kernel && this.scale) {
      paintWeights(picture, this.kernel, this.bias, this.scale, plane.pixels, (y) => plane.offset(0, y));
      plane.written();
    } else {
      plane.fill(this.palette.neutral);
    }
  }

  setWeightsShown(on: boolean): void {
    if (on === this.shown) return;
    this.shown = on;
    this.inner.group.visible = !on;
    this.holder.visible = on;
    if (on) {
      this.paint();
    } else {
      // The picture is made again when shown: nothing held while hidden.
      this.plane?.dispose();
      this.plane = null;
    }
  }

  setOpen(open: boolean, t: number): void {
    this.inner.setOpen(open, t);
  }

  setTheme(palette: Palette): void {
    this.palette = palette;
    this.inner.setTheme(palette);
    if (!this.kernel) this.paint();
  }

  setHighlight(on: boolean): void {
    this.inner.setHighlight(on);
  }

  legend(raycaster?: Raycaster): LegendInfo | null {
    if (!this.shown) return this.inner.legend(raycaster);
    const bias = this.spec.bias ? `, bias ${this.spec.bias[0]}` : "";
    return {
      scale: this.scale,
      note: `weights: kernel ${formatShape(this.spec.kernel)}${bias}`,
      scope: this.scale ? `this layer's weights, ±${Number(this.scale.hi.toPrecision(3))}` : "weights not sent",
    };
  }

  dataRows(): Array<[string, string]> {
    if (!this.shown) return this.inner.dataRows();
    return [["showing", this.kernel ? "its weights" : "its weights (not sent)"]];
  }

  focusPoint(out: Vector3): Vector3 {
    return this.inner.focusPoint(out);
  }

  elementAt(raycaster: Raycaster): ElementHit | null {
    if (!this.shown) return this.inner.elementAt(raycaster);
    const pixel = this.plane?.pixelUnder(raycaster);
    const hit = pixel && this.picture ? weightAt(this.picture, pixel[0], pixel[1]) : null;
    if (!hit) return null;
    const values = hit.role === "kernel" ? this.kernel : this.bias;
    const value = values?.[hit.flat];
    const axes = hit.role === "bias" ? ["out"] : (AXES[hit.index.length] ?? []);
    return {
      index: hit.index,
      axes,
      values: value === undefined ? [] : [value],
      note: null,
      label: `${hit.role}[${hit.index.join(", ")}]${value === undefined ? "" : ` = ${value}`}`,
      weight: true,
    };
  }

  outlineRegion(region: Region, out: number[]): number {
    return this.shown ? 0 : this.inner.outlineRegion(region, out);
  }

  channelAnchor(channel: number, out: Vector3): Vector3 | null {
    return this.inner.channelAnchor(channel, out);
  }

  footprint(): Vector3[] {
    return this.inner.footprint();
  }

  /** The world point where kernel element `index` (or bias `[unit]`) is drawn, or null while not shown. */
  weightPoint(role: "kernel" | "bias", index: readonly number[], out: Vector3): Vector3 | null {
    const p = this.picture;
    const mesh = this.shown ? this.plane?.mesh : null;
    if (!p || !mesh) return null;
    const step = p.tileW + p.gap;
    let x: number;
    let y: number;
    if (role === "bias") [x, y] = [(index[0] ?? 0) * step, p.biasY];
    else if (index.length === 4)
      [x, y] = [(index[3] ?? 0) * step + (index[1] ?? 0), (index[2] ?? 0) * (p.tileH + p.gap) + (index[0] ?? 0)];
    else [x, y] = [index[1] ?? 0, index[0] ?? 0];
    // The plane is a unit square centred on its origin, its texture's top row at +y.
    out.set((x + 0.5) / p.width - 0.5, 0.5 - (y + 0.5) / p.height, 0);
    mesh.updateWorldMatrix(true, false);
    return out.applyMatrix4(mesh.matrixWorld);
  }

  dispose(): void {
    this.plane?.dispose();
    this.plane = null;
    this.inner.dispose();
    this.group.removeFromParent();
  }
}
