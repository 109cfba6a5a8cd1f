/**
 * Feature maps (H x W x C). Closed: one plane showing the summary (mean or max over
 * channels) on the front of a box whose thickness shows the channel count, with a
 * line per channel slice. Open: every channel in a grid, drawn as ONE texture atlas
 * on one plane, made when the layer opens and freed when it has closed. Textures are
 * written in place on every prediction.
 *
 * Colour scopes (see data/scales.ts): "layer" and "model" draw every tile with one
 * scale; "channel" gives each tile its own; the closed summary plane keeps its own
 * range unless the scope is "model".
 */

import {
  BufferAttribute,
  BufferGeometry,
  type LineBasicMaterial,
  LineSegments,
  Mesh,
  type MeshBasicMaterial,
  type Raycaster,
  type Vector3,
} from "three";

import { channelRun } from "../data/channels";
import type { NodeTensors } from "../data/decode";
import type { Region } from "../data/receptive";
import { LAYER_PLAN, type ScalePlan } from "../data/scales";
import { channelGrid, dim, type NodeLayout, type Size3 } from "../layout";
import { AtlasPlane, tileOrigin, type TileGrid } from "../render/atlas";
import { lineMaterial, whiteLines } from "../render/lines";
import type { Palette } from "../render/palette";
import { shadedBox, solidMaterial } from "../render/shading";
import type { ElementHit, LegendInfo, VisualContext } from "./types";
import type { NodeSpec } from "../spec";
import { BaseVisual, OUTLINE_LIFT } from "./base";
import { ChannelScales, summaryNote } from "./channel-scales";
import { tileLegend } from "./legend";

const FACE_OFFSET = 0.004;
const MAX_SLICES = 12;

/** Unit-box outline plus one rectangle per channel slice (scaled to the box). */
function sliceLines(slices: number): BufferGeometry {
  const points: number[] = [];
  const rect = (z: number): void => {
    const c = [
      [-0.5, -0.5],
      [0.5, -0.5],
      [0.5, 0.5],
      [-0.5, 0.5],
    ];
    for (let i = 0; i < 4; i++) {
      const [x0, y0] = c[i];
      const [x1, y1] = c[(i + 1) % 4];
      points.push(x0, y0, z, x1, y1, z);
    }
  };
  for (let i = 0; i <= slices; i++) rect(0.5 - i / slices);
  for (const [x, y] of [
    [-0.5, -0.5],
    [0.5, -0.5],
    [0.5, 0.5],
    [-0.5, 0.5],
  ]) {
    points.push(x, y, 0.5, x, y, -0.5);
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute("position", new BufferAttribute(new Float32Array(points), 3));
  return geometry;
}

export class FeatureMapVisual extends BaseVisual {
  private readonly height: number;
  private readonly width: number;
  private readonly channels: number;
  private readonly box: Mesh;
  private readonly boxMaterial: MeshBasicMaterial;
  private readonly slices: LineSegments;
  private readonly sliceMaterial: LineBasicMaterial;
  private readonly summaryPlane: AtlasPlane;
  private readonly scales = new ChannelScales(3);

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    super(node, layout, ctx);
    const s = node.output_shape;
    this.height = dim(s, 0);
    this.width = dim(s, 1);
    this.channels = dim(s, 2);

    this.boxMaterial = this.own(solidMaterial(ctx.palette.stack));
    this.boxMaterial.setValues({ polygonOffset: true, polygonOffsetFactor: 1, polygonOffsetUnits: 1 });
    this.box = new Mesh(this.own(shadedBox()), this.boxMaterial);
    this.sliceMaterial = this.own(lineMaterial(ctx.palette.stackLine, 0.7));
    this.slices = new LineSegments(
      this.own(whiteLines(sliceLines(Math.min(MAX_SLICES, this.channels)))),
      this.sliceMaterial,
    );

    this.summaryPlane = this.own(new AtlasPlane(this.width, this.height));
    this.summaryPlane.fill(ctx.palette.neutral);
    this.group.add(this.box, this.slices, this.summaryPlane.mesh);
    this.place(layout);
  }

  protected layoutChildren({ w, h, d }: Size3): void {
    this.box.scale.set(w, h, d);
    this.slices.scale.set(w, h, d);
    this.summaryPlane.place(w, h, d / 2 + FACE_OFFSET);
    this.openView?.place(w, h, d / 2 + FACE_OFFSET);
  }

  update(data: NodeTensors | null, plan: ScalePlan = LAYER_PLAN): void {
    this.scales.update(data, plan);
    this.drawSummary();
    if (this.openView) this.drawTiles(this.openView);
  }

  private drawSummary(): void {
    const { summary: s, summaryChoice } = this.scales;
    if (!s || !summaryChoice) {
      this.summaryPlane.fill(this.palette.neutral);
      return;
    }
    const [h, w] = s.shape;
    this.summaryPlane.resize(w, h);
    this.summaryPlane.write(s.values, summaryChoice.scale, w, h);
  }

  protected override makeOpenView(): AtlasPlane {
    const full = this.scales.full;
    const [h, w] = full ? [full.shape[0], full.shape[1]] : [this.height, this.width];
    const grid = channelGrid(h, w, this.channels);
    const view = new AtlasPlane(grid.atlasW, grid.atlasH, grid);
    this.drawTiles(view);
    return view;
  }

  /** The open view's tile grid (null while closed). */
  private get grid(): TileGrid | null {
    return this.openView?.grid ?? null;
  }

  /** Tiles: one per channel, row-major from the top left; gaps transparent, unsent channels dim. */
  private drawTiles(view: AtlasPlane): void {
    const grid = view.grid!;
    view.clear();
    const full = this.scales.full;
    const sent = full ? Math.min(full.shape[2], grid.channels) : 0;
    const scales = this.scales.tiles();
    for (let c = 0; c < grid.channels; c++) {
      if (full && scales && c < sent) view.writeTile(c, full.values, scales[c].scale, channelRun(full, c));
      else view.fillTile(c, this.palette.neutral, c < sent || !full ? 1 : 0.55);
    }
  }

  protected override showClosed(visible: boolean): void {
    this.box.visible = visible;
    this.slices.visible = visible;
    this.summaryPlane.show(visible);
  }

  protected override applyTheme(palette: Palette): void {
    this.boxMaterial.color.setHex(palette.stack);
    this.sliceMaterial.color.setHex(palette.stackLine);
    if (!this.scales.summary) this.summaryPlane.fill(palette.neutral);
    if (this.openView) this.drawTiles(this.openView);
  }

  override elementAt(raycaster: Raycaster): ElementHit | null {
    if (this.openView) {
      const tile = this.openView.tileAt(raycaster);
      if (!tile) return null;
      const { tile: channel, px, py } = tile;
      const full = this.scales.full;
      const sent = full !== null && channel < full.shape[2];
      const values = sent ? [full.values[(py * this.openView.grid!.tileW + px) * full.shape[2] + channel]] : [];
      return { index: [py, px, channel], axes: ["row", "col", "channel"], values, note: null, label: null };
    }
    const s = this.scales.summary;
    if (!s) return null;
    const pixel = this.summaryPlane.pixelUnder(raycaster);
    if (!pixel) return null;
    const [x, y] = pixel;
    const w = s.shape[1];
    const note = summaryNote(s, s.channelsTotal ?? this.channels);
    return { index: [y, x], axes: ["row", "col"], values: [s.values[y * w + x]], note, label: null };
  }

  /** Open: on the region's tile, or on every tile when it covers every channel. Closed: on the summary face. */
  override outlineRegion(region: Region, out: number[]): number {
    if (region.ranges.length !== 2) return 0;
    const [rows, cols] = region.ranges;
    const z = this.size.d / 2 + FACE_OFFSET + OUTLINE_LIFT;
    const g = this.grid;
    if (g) {
      const first = region.channel ?? 0;
      const last = region.channel ?? g.channels - 1;
      let drawn = 0;
      for (let c = first; c <= last && c < g.channels; c++) {
        const [x0, y0] = tileOrigin(g, c);
        this.pushTexelRect(
          out,
          g.atlasW,
          g.atlasH,
          x0 + cols.start,
          y0 + rows.start,
          x0 + cols.end + 1,
          y0 + rows.end + 1,
          z,
        );
        drawn++;
      }
      return drawn;
    }
    const [h, w] = this.scales.summary?.shape ?? [this.height, this.width];
    this.pushTexelRect(out, w, h, cols.start, rows.start, cols.end + 1, rows.end + 1, z);
    return 1;
  }

  /** World point of the middle of tile `channel` on the open view's face (at depth z in the group). */
  private tileCentre(g: TileGrid, channel: number, z: number, out: Vector3): Vector3 {
    const [x0, y0] = tileOrigin(g, channel);
    const cx = x0 + g.tileW / 2;
    const cy = y0 + g.tileH / 2;
    const p = this.group.position;
    return out.set(
      p.x - this.size.w / 2 + (cx / g.atlasW) * this.size.w,
      p.y + this.size.h / 2 - (cy / g.atlasH) * this.size.h,
      p.z + z,
    );
  }

  /** Open: the middle of the channel's tile. Closed: the channel's depth along the box's top edge. */
  override channelAnchor(channel: number, out: Vector3): Vector3 | null {
    const p = this.group.position;
    const g = this.grid;
    if (g) return channel >= g.channels ? null : this.tileCentre(g, channel, this.size.d / 2, out);
    if (channel >= this.channels) return null;
    return out.set(p.x, p.y + this.size.h / 2, p.z + this.size.d / 2 - ((channel + 0.5) / this.channels) * this.size.d);
  }

  override legend(raycaster?: Raycaster): LegendInfo | null {
    const total = this.scales.channelsTotal(this.channels);
    if (this.openView) {
      const full = this.scales.full;
      const scales = this.scales.tiles();
      if (!full || !scales || scales.length === 0) return null;
      const sent = full.shape[2];
      const which = sent < total ? `channels 0–${sent - 1} of ${total}` : `all ${total} channels`;
      const tile = raycaster ? this.openView.tileAt(raycaster) : null;
      return tileLegend(scales, this.scales.plan.scope, which, tile?.tile ?? null);
    }
    return this.scales.summaryLegend(total);
  }

  /** On the open view: the middle of a tile near the centre (a gap between tiles shows no value). */
  override focusPoint(out: Vector3): Vector3 {
    const g = this.grid;
    if (!g) return super.focusPoint(out);
    const col = Math.floor((g.cols - 1) / 2);
    const row = Math.floor((g.rows - 1) / 2);
    const channel = Math.min(g.channels - 1, row * g.cols + col);
    return this.tileCentre(g, channel, this.size.d / 2 + FACE_OFFSET, out);
  }
}
