/**
 * A layer that can show its weights: the layer's own visual, and a picture of its
 * kernel and bias (data/weights.ts) drawn in the layer's place while the weights are
 * shown, with a caption of its own (the inner visual's labels are kept off screen
 * meanwhile). The layout gives the layer its picture's footprint then
 * (layout/weights.ts). Placing, opening, picking and theme go on in the inner visual;
 * this owns the picture and its caption and disposes them.
 */

import { Group, type Mesh, type Raycaster, type Vector3 } from "three";

import { scaleFor, type ColorScale } from "../data/colormap";
import type { NodeTensors } from "../data/decode";
import { formatShape } from "../data/format";
import type { Region } from "../data/receptive";
import type { ScalePlan } from "../data/scales";
import { isRgbKernel, paintWeights, weightAt, weightPixel, weightsPicture, type WeightsPicture } from "../data/weights";
import type { NodeLayout } from "../layout";
import { AtlasPlane } from "../render/atlas";
import type { Label, LabelLine, LabelOverlay } from "../render/labels";
import type { Palette } from "../render/palette";
import type { NodeSpec, WeightsSpec } from "../spec";
import { captionFallbacks } from "./base";
import type { ElementHit, LayerVisual, LegendInfo, VisualContext } from "./types";

/** Axis names of a kernel's index; a transposed convolution keeps Keras' (kh, kw, out, in). */
function kernelAxes(node: NodeSpec, rank: number): string[] {
  if (rank === 2) return ["in", "out"];
  return node.class_name.includes("Transpose") ? ["kh", "kw", "out", "in"] : ["kh", "kw", "in", "out"];
}

/** Enough digits to tell float32 weights apart, without the float64 tail. */
function exact(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(9))) : String(v);
}

export class WeightsVisual implements LayerVisual {
  readonly group = new Group();
  private readonly holder = new Group();
  private readonly labels: LabelOverlay;
  private readonly caption: Label;
  private readonly rgb: boolean;
  private plane: AtlasPlane | null = null;
  private picture: WeightsPicture | null = null;
  private kernel: Float32Array | null = null;
  private bias: Float32Array | null = null;
  /** Output columns the layer has, when the payload sent only the first ones. */
  private columnsTotal: number | null = null;
  private scale: ColorScale | null = null;
  private shown = false;
  private labelsShown = true;
  private palette: Palette;
  private size = { w: 1, h: 1, d: 1 };

  constructor(
    private readonly inner: LayerVisual,
    private readonly spec: WeightsSpec,
    layout: NodeLayout,
    ctx: VisualContext,
  ) {
    this.palette = ctx.palette;
    this.labels = ctx.labels;
    this.rgb = isRgbKernel(ctx.graph, inner.node);
    this.group.name = `${inner.id}:weights`;
    this.group.add(inner.group, this.holder);
    this.holder.visible = false;
    // Where the layer's own caption would go (visuals/base.ts): under the picture, above
    // it, then the same smaller.
    const p = this.holder.position;
    const below = (out: Vector3): Vector3 => out.set(p.x, p.y - this.size.h / 2, p.z + this.size.d / 2);
    const above = (out: Vector3): Vector3 => out.set(p.x, p.y + this.size.h / 2, p.z + this.size.d / 2);
    this.caption = this.labels.add(
      {
        className: "ls-caption",
        align: "below",
        priority: 1,
        anchor: below,
        fallbacks: captionFallbacks(below, above),
        clearOfLayers: true,
      },
      this.captionLines(),
    );
    this.caption.setHidden(true);
    this.place(layout);
  }

  get id(): string {
    return this.inner.id;
  }
  get node(): NodeSpec {
    return this.inner.node;
  }
  /** As the inner visual: the layer stays open (or closed) underneath its weights. */
  get canOpen(): boolean {
    return this.inner.canOpen;
  }
  get openHint(): string {
    return this.inner.openHint;
  }
  get pickProxy(): Mesh {
    return this.inner.pickProxy;
  }
  get showingWeights(): boolean {
    return this.shown;
  }

  private captionLines(): LabelLine[] {
    const bias = this.spec.bias ? ` + bias ${formatShape(this.spec.bias)}` : "";
    const sent = this.shown && !this.kernel ? " · not sent" : "";
    return [
      { text: this.node.name, className: "ls-caption-name" },
      { text: `kernel ${formatShape(this.spec.kernel)}${bias}${sent}`, className: "ls-caption-shape" },
    ];
  }

  place(layout: NodeLayout): void {
    this.inner.place(layout);
    const { x, y, z } = layout.position;
    this.holder.position.set(x, y, z);
    this.size = { ...layout.size };
    this.fit();
  }

  /** The picture keeps its aspect ratio inside the layer's box, on its front. */
  private fit(): void {
    if (!this.plane) return;
    const { width, height } = this.plane;
    const { w, h, d } = this.size;
    const aspect = width / Math.max(1, height);
    const [pw, ph] = aspect > w / h ? [w, w / aspect] : [h * aspect, h];
    this.plane.place(pw, ph, d / 2 + 0.02);
  }

  update(data: NodeTensors | null, plan?: ScalePlan): void {
    this.inner.update(data, plan);
    const kernel = data?.kernel ?? null;
    this.kernel = kernel ? kernel.values : null;
    this.bias = data?.bias?.values ?? null;
    this.columnsTotal = kernel?.channelsTotal ?? null;
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
      this.picture = weightsPicture(kernel.shape, this.bias?.length ?? 0, this.rgb);
    }
    this.paint();
  }

  /** Draws the weights (or the neutral "not sent" picture) into the plane. */
  private paint(): void {
    this.caption.setLines(this.captionLines());
    if (!this.shown) return;
    const picture = this.kernel && this.picture ? this.picture : this.unsentPicture();
    if (!this.plane || this.plane.width !== picture.width || this.plane.height !== picture.height) {
      this.plane?.dispose();
      const grid = { channels: 1, cols: 1, rows: 1, tileW: picture.width, tileH: picture.height, padPx: 0 };
      this.plane = new AtlasPlane(picture.width, picture.height, {
        ...grid,
        atlasW: picture.width,
        atlasH: picture.height,
      });
      this.holder.add(this.plane.mesh);
      this.fit();
    }
    const plane = this.plane;
    if (this.kernel && this.scale && this.picture) {
      paintWeights(this.picture, this.kernel, this.bias, this.scale, plane.pixels, (y) => plane.offset(0, y));
      plane.written();
    } else {
      plane.fill(this.palette.neutral);
    }
  }

  /** What stands in for weights that were not sent: one flat tile of the picture's shape (small: no texture of a large kernel's size). */
  private unsentPicture(): WeightsPicture {
    const full = weightsPicture(this.spec.kernel, this.spec.bias?.[0] ?? 0, this.rgb);
    const k = Math.max(1, Math.ceil(Math.max(full.width, full.height) / 64));
    return {
      ...full,
      width: Math.max(1, Math.round(full.width / k)),
      height: Math.max(1, Math.round(full.height / k)),
    };
  }

  setWeightsShown(on: boolean): void {
    if (on === this.shown) return;
    this.shown = on;
    this.inner.group.visible = !on;
    this.holder.visible = on;
    this.applyLabels();
    if (on) {
      this.paint();
    } else {
      // The picture is made again when shown: nothing held while hidden.
      this.plane?.dispose();
      this.plane = null;
    }
  }

  setLabelsShown(shown: boolean): void {
    this.labelsShown = shown;
    this.applyLabels();
  }

  /** Either the inner visual's labels or the weights caption, never both. */
  private applyLabels(): void {
    this.inner.setLabelsShown(this.labelsShown && !this.shown);
    this.caption.setHidden(!(this.labelsShown && this.shown));
    this.caption.setLines(this.captionLines());
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
    const bias = this.spec.bias ? `, bias ${formatShape(this.spec.bias)}` : "";
    const sent = this.kernel?.length ?? 0;
    const columns =
      this.columnsTotal !== null && this.picture && this.picture.kernel.at(-1)! < this.columnsTotal
        ? ` (first ${this.picture.kernel.at(-1)} of ${this.columnsTotal} outputs sent)`
        : "";
    const rgb = this.rgb ? "; tiles: red, green, blue = 0.5 + w / (2 max|w|)" : "";
    return {
      scale: this.scale,
      note: `weights: kernel ${formatShape(this.spec.kernel)}${bias}${columns}${rgb}`,
      scope:
        this.scale && sent > 0 ? `this layer's weights, ±${Number(this.scale.hi.toPrecision(3))}` : "weights not sent",
    };
  }

  dataRows(): Array<[string, string]> {
    if (!this.shown) return this.inner.dataRows();
    return [["showing", this.kernel ? "its weights" : "its weights (not sent)"]];
  }

  focusPoint(out: Vector3): Vector3 {
    if (!this.shown) return this.inner.focusPoint(out);
    return out.set(this.holder.position.x, this.holder.position.y, this.holder.position.z + this.size.d / 2);
  }

  elementAt(raycaster: Raycaster): ElementHit | null {
    if (!this.shown) return this.inner.elementAt(raycaster);
    const pixel = this.plane?.pixelUnder(raycaster);
    const hit = pixel && this.picture && this.kernel ? weightAt(this.picture, pixel[0], pixel[1]) : null;
    if (!hit) return null;
    const source = hit.role === "kernel" ? this.kernel : this.bias;
    const flats = hit.stride ? [0, 1, 2].map((c) => hit.flat + c * hit.stride!) : [hit.flat];
    const values = source ? flats.map((f) => source[f]).filter((v): v is number => v !== undefined) : [];
    const axes =
      hit.role === "bias" ? ["out"] : hit.stride ? ["kh", "kw", "out"] : kernelAxes(this.node, hit.index.length);
    const where = hit.stride
      ? `${hit.role}[${hit.index[0]}, ${hit.index[1]}, :, ${hit.index[2]}]`
      : `${hit.role}[${hit.index.join(", ")}]`;
    const shown =
      values.length === 0 ? "" : ` = ${values.length > 1 ? `(${values.map(exact).join(", ")})` : exact(values[0]!)}`;
    return { index: hit.index, axes, values, note: null, label: `${where}${shown}`, weight: true };
  }

  outlineRegion(region: Region, out: number[]): number {
    return this.shown ? 0 : this.inner.outlineRegion(region, out);
  }

  channelAnchor(channel: number, out: Vector3): Vector3 | null {
    return this.shown ? null : this.inner.channelAnchor(channel, out);
  }

  footprint(): Vector3[] {
    return this.inner.footprint();
  }

  /** The world point where kernel element `index` (or bias `[unit]`) is drawn, or null while not shown. */
  weightPoint(role: "kernel" | "bias", index: readonly number[], out: Vector3): Vector3 | null {
    const p = this.picture;
    const mesh = this.shown && this.kernel ? this.plane?.mesh : null;
    const pixel = p && mesh ? weightPixel(p, role, index) : null;
    if (!p || !mesh || !pixel) return null;
    const [x, y] = pixel;
    // The plane is a unit square centred on its origin, its texture's top row at +y.
    out.set((x + 0.5) / p.width - 0.5, 0.5 - (y + 0.5) / p.height, 0);
    mesh.updateWorldMatrix(true, false);
    return out.applyMatrix4(mesh.matrixWorld);
  }

  dispose(): void {
    this.plane?.dispose();
    this.plane = null;
    this.labels.remove(this.caption);
    this.inner.dispose();
    this.group.removeFromParent();
  }
}
