/**
 * Vectors (N,): one InstancedMesh of small boxes, coloured per instance and updated
 * in place. One column up to VECTOR_WRAP units, wrapped columns and then a
 * near-square grid above (see vectorGrid).
 */

import { Color, Mesh, type MeshBasicMaterial, SRGBColorSpace, type Vector3, type Raycaster } from "three";

import { fillRgba } from "../data/colormap";
import type { DecodedTensor, NodeTensors } from "../data/decode";
import type { Region } from "../data/receptive";
import { formatCount } from "../data/format";
import { describeScale, LAYER_PLAN, layerScale, type ScaleChoice, type ScalePlan } from "../data/scales";
import { dim, neuronLayout, type NeuronLayout, type NodeLayout, type Size3 } from "../layout";
import type { Palette } from "../render/palette";
import { solidMaterial, twoSidedPlane } from "../render/shading";
import { UnitGrid } from "../render/unit-grid";
import type { ElementHit, LegendInfo, VisualContext } from "./types";
import type { NodeSpec } from "../spec";
import { BaseVisual, OUTLINE_LIFT } from "./base";

export class NeuronsVisual extends BaseVisual {
  protected readonly units: number;
  protected readonly shown: number;
  protected readonly cells: NeuronLayout;
  protected readonly grid: UnitGrid;
  private readonly material: MeshBasicMaterial;
  protected full: DecodedTensor | null = null;
  protected choice: ScaleChoice | null = null;
  /** The plan of the last update (a comparison's is `centered`). */
  protected plan: ScalePlan = LAYER_PLAN;
  private readonly rgba: Uint8Array;
  private readonly plate: Mesh;
  private readonly plateMaterial: MeshBasicMaterial;
  private readonly color = new Color();

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext, labelled = false) {
    super(node, layout, ctx);
    this.units = dim(node.output_shape, 0);
    this.cells = neuronLayout(this.units, labelled);
    this.shown = this.cells.count;
    this.rgba = new Uint8Array(this.shown * 4);
    const s = this.cells.neuron;
    // White: each unit's colour, shaded, is its vertices' (the material multiplies by it).
    this.material = this.own(solidMaterial(0xffffff));
    this.grid = this.own(new UnitGrid(this.shown, s, (i) => this.cellCentre(i), this.material));
    this.grid.mesh.userData.nodeId = node.id;
    this.group.add(this.grid.mesh);

    // A plate behind the units, so that dark units read against any background.
    const { cols, rows, pitch } = this.cells;
    this.plateMaterial = this.own(solidMaterial(ctx.palette.stack));
    this.plate = new Mesh(
      this.own(twoSidedPlane(cols * pitch + pitch * 0.3, rows * pitch + pitch * 0.3)),
      this.plateMaterial,
    );
    const [x0] = this.cellCentre(0);
    this.plate.position.set(x0 - pitch / 2 + (cols * pitch) / 2, 0, -this.cells.neuron / 2 - 0.02);
    this.group.add(this.plate);
    this.paintNeutral();
    this.place(layout);
  }

  /** Centre of unit i in the group's frame: row-major from the top left of the grid. */
  protected cellCentre(i: number): [number, number] {
    const { cols, rows, pitch } = this.cells;
    const col = i % cols;
    const row = Math.floor(i / cols);
    const w = this.size.w;
    return [-w / 2 + pitch / 2 + col * pitch, (rows * pitch) / 2 - pitch / 2 - row * pitch];
  }

  /** Under the units, not the room kept right of them for their labels. */
  protected override captionX(): number {
    const { cols, pitch } = this.cells;
    return this.cellCentre(0)[0] - pitch / 2 + (cols * pitch) / 2;
  }

  protected layoutChildren(_size: Size3): void {}

  private paintNeutral(): void {
    const p = this.palette.neutral;
    this.color.setHex(p, SRGBColorSpace);
    for (let i = 0; i < this.shown; i++) this.grid.setColor(i, this.color);
    this.grid.commit();
  }

  update(data: NodeTensors | null, plan: ScalePlan = LAYER_PLAN): void {
    this.plan = plan;
    const full = data?.full ?? null;
    this.full = full && full.values.length > 0 ? full : null;
    if (!this.full) {
      this.choice = null;
      this.paintNeutral();
      this.afterUpdate();
      return;
    }
    this.choice = layerScale(plan, this.full);
    const n = Math.min(this.shown, this.full.values.length);
    fillRgba(this.full.values, this.choice.scale, this.rgba, 0, 0, 1, n);
    for (let i = 0; i < this.shown; i++) {
      if (i < n) {
        this.color.setRGB(
          this.rgba[i * 4] / 255,
          this.rgba[i * 4 + 1] / 255,
          this.rgba[i * 4 + 2] / 255,
          SRGBColorSpace,
        );
      } else {
        this.color.setHex(this.palette.neutral, SRGBColorSpace);
      }
      this.grid.setColor(i, this.color);
    }
    this.grid.commit();
    this.afterUpdate();
  }

  /** Hook for subclasses (labels, the predicted class). */
  protected afterUpdate(): void {}

  protected override applyTheme(palette: Palette): void {
    this.plateMaterial.color.setHex(palette.stack);
    if (!this.full) this.paintNeutral();
  }

  protected unitName(i: number): string {
    return `unit ${i}`;
  }

  override elementAt(raycaster: Raycaster): ElementHit | null {
    const hit = raycaster.intersectObject(this.grid.mesh, false)[0];
    const i = hit ? this.grid.unitAt(hit) : null;
    if (i === null || i >= this.shown) return null;
    const values = this.full && i < this.full.values.length ? [this.full.values[i]] : [];
    return { index: [i], axes: ["unit"], values, note: null, label: null };
  }

  /** A unit (the region's channel) as a square around it; every unit: the plate. */
  override outlineRegion(region: Region, out: number[]): number {
    if (region.ranges.length !== 0) return 0;
    const { pitch, neuron } = this.cells;
    const z = neuron / 2 + OUTLINE_LIFT;
    if (region.channel === null) {
      const w = this.cells.cols * pitch;
      const h = this.cells.rows * pitch;
      const [x0, y0] = this.cellCentre(0);
      this.pushRect(out, x0 - pitch / 2, y0 + pitch / 2, x0 - pitch / 2 + w, y0 + pitch / 2 - h, z);
      return 1;
    }
    if (region.channel >= this.shown) return 0;
    const [x, y] = this.cellCentre(region.channel);
    const r = pitch * 0.45;
    this.pushRect(out, x - r, y - r, x + r, y + r, z);
    return 1;
  }

  override channelAnchor(channel: number, out: Vector3): Vector3 | null {
    if (channel >= this.shown) return null;
    const [x, y] = this.cellCentre(channel);
    return out.set(this.group.position.x + x, this.group.position.y + y, this.group.position.z + this.cells.neuron / 2);
  }

  override legend(): LegendInfo | null {
    if (!this.full || !this.choice) return null;
    const note =
      this.shown < this.units
        ? `first ${formatCount(this.shown)} of ${formatCount(this.units)} units`
        : `${formatCount(this.units)} units`;
    return { scale: this.choice.scale, note, scope: describeScale(this.choice) };
  }

  override focusPoint(out: Vector3): Vector3 {
    const [x, y] = this.cellCentre(Math.floor((this.shown - 1) / 2));
    return out.set(this.group.position.x + x, this.group.position.y + y, this.group.position.z + this.cells.neuron / 2);
  }
}
