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
  BoxGeometry,
  DataTexture,
  DoubleSide,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  MeshLambertMaterial,
  PlaneGeometry,
  type Raycaster,
  type Vector3,
} from "three";

import type { DecodedTensor, NodeTensors } from "../data/decode";
import type { Region } from "../data/receptive";
import {
  describeScale,
  LAYER_PLAN,
  PER_CHANNEL_NO_TILE,
  summaryScale,
  tileScales,
  type ScaleChoice,
  type ScalePlan,
} from "../data/scales";
import { channelGrid, dim, type ChannelGrid, type NodeLayout, type Size3 } from "../layout";
import type { Palette } from "../render/palette";
import type { ElementHit, LegendInfo, VisualContext } from "./types";
import type { NodeSpec } from "../spec";
import { BaseVisual, OUTLINE_LIFT } from "./base";
import { fillSolid, makeDataTexture, pixelAt, textureData, writeImage } from "../render/textures";

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

/** Mean over channels of a channels-last (H, W, C) tensor, for payloads without a summary. */
function meanOverChannels(t: DecodedTensor): DecodedTensor {
  const [h, w, c] = [t.shape[0] ?? 1, t.shape[1] ?? 1, t.shape[2] ?? 1];
  const values = new Float32Array(h * w);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < h * w; i++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += t.values[i * c + k];
    const v = s / c;
    values[i] = v;
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo > hi) lo = hi = 0;
  return { shape: [h, w], values, lo, hi, channelsTotal: t.channelsTotal, reduce: "mean" };
}

interface Atlas {
  grid: ChannelGrid;
  texture: DataTexture;
  mesh: Mesh;
  material: MeshBasicMaterial;
  geometry: PlaneGeometry;
}

export class FeatureMapVisual extends BaseVisual {
  override readonly canOpen = true;
  private readonly height: number;
  private readonly width: number;
  private readonly channels: number;
  private readonly box: Mesh;
  private readonly boxMaterial: MeshLambertMaterial;
  private readonly slices: LineSegments;
  private readonly sliceMaterial: LineBasicMaterial;
  private summaryTexture: DataTexture;
  private readonly summaryMaterial: MeshBasicMaterial;
  private readonly summaryMesh: Mesh;
  private atlas: Atlas | null = null;
  private data: NodeTensors | null = null;
  private summary: DecodedTensor | null = null;
  private plan: ScalePlan = LAYER_PLAN;
  /** The summary plane's scale, and the tiles' (made on first use after an update). */
  private summaryChoice: ScaleChoice | null = null;
  private tileChoices: ScaleChoice[] | null = null;
  private showingAtlas = false;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    super(node, layout, ctx);
    const s = node.output_shape;
    this.height = dim(s, 0);
    this.width = dim(s, 1);
    this.channels = dim(s, 2);

    this.boxMaterial = this.own(
      new MeshLambertMaterial({ color: ctx.palette.stack, polygonOffset: true, polygonOffsetFactor: 1, polygonOffsetUnits: 1 }),
    );
    this.box = new Mesh(this.own(new BoxGeometry(1, 1, 1)), this.boxMaterial);
    this.sliceMaterial = this.own(new LineBasicMaterial({ color: ctx.palette.stackLine, transparent: true, opacity: 0.7 }));
    this.slices = new LineSegments(this.own(sliceLines(Math.min(MAX_SLICES, this.channels))), this.sliceMaterial);

    this.summaryTexture = makeDataTexture(this.width, this.height);
    fillSolid(this.summaryTexture, ctx.palette.neutral);
    this.summaryMaterial = this.own(new MeshBasicMaterial({ map: this.summaryTexture, side: DoubleSide }));
    this.summaryMesh = new Mesh(this.own(new PlaneGeometry(1, 1)), this.summaryMaterial);
    this.group.add(this.box, this.slices, this.summaryMesh);
    this.place(layout);
  }

  protected layoutChildren({ w, h, d }: Size3): void {
    this.box.scale.set(w, h, d);
    this.slices.scale.set(w, h, d);
    this.summaryMesh.scale.set(w, h, 1);
    this.summaryMesh.position.z = d / 2 + FACE_OFFSET;
    if (this.atlas) {
      this.atlas.mesh.scale.set(w, h, 1);
      this.atlas.mesh.position.z = d / 2 + FACE_OFFSET;
    }
  }

  update(data: NodeTensors | null, plan: ScalePlan = LAYER_PLAN): void {
    this.data = data;
    this.plan = plan;
    this.summary = data?.summary ?? (data?.full && data.full.shape.length === 3 ? meanOverChannels(data.full) : null);
    this.summaryChoice = this.summary ? summaryScale(plan, this.summary) : null;
    this.tileChoices = null;
    this.drawSummary();
    if (this.atlas) this.drawAtlas(this.atlas);
  }

  private drawSummary(): void {
    const s = this.summary;
    if (!s || s.shape.length !== 2) {
      fillSolid(this.summaryTexture, this.palette.neutral);
      return;
    }
    const [h, w] = s.shape;
    if (this.summaryTexture.image.width !== w || this.summaryTexture.image.height !== h) {
      this.summaryTexture.dispose();
      this.summaryTexture = makeDataTexture(w, h);
      this.summaryMaterial.map = this.summaryTexture;
      this.summaryMaterial.needsUpdate = true;
    }
    writeImage(this.summaryTexture, s.values, this.summaryChoice!.scale, w, h);
  }

  private makeAtlas(): Atlas {
    const full = this.data?.full;
    const [h, w] = full && full.shape.length === 3 ? [full.shape[0], full.shape[1]] : [this.height, this.width];
    const grid = channelGrid(h, w, this.channels);
    const texture = makeDataTexture(grid.atlasW, grid.atlasH);
    const material = new MeshBasicMaterial({ map: texture, side: DoubleSide, alphaTest: 0.5 });
    const geometry = new PlaneGeometry(1, 1);
    const mesh = new Mesh(geometry, material);
    mesh.visible = false;
    this.group.add(mesh);
    const atlas = { grid, texture, mesh, material, geometry };
    this.drawAtlas(atlas);
    return atlas;
  }

  /** Tiles: one per channel, row-major from the top left; gaps transparent. */
  private drawAtlas(atlas: Atlas): void {
    const { grid, texture } = atlas;
    const data = textureData(texture);
    data.fill(0);
    const full = this.openTensor();
    const sent = full ? Math.min(full.shape[2], grid.channels) : 0;
    const scales = this.tiles();
    const step = grid.tileW + grid.padPx;
    const stepY = grid.tileH + grid.padPx;
    const neutral = this.palette.neutral;
    for (let c = 0; c < grid.channels; c++) {
      const x0 = (c % grid.cols) * step;
      const y0 = Math.floor(c / grid.cols) * stepY;
      if (full && scales && c < sent) {
        writeImage(texture, full.values, scales[c].scale, grid.tileW, grid.tileH, x0, y0, c, full.shape[2]);
      } else {
        const dim = c < sent || !full ? 1 : 0.55;
        const r = ((neutral >> 16) & 255) * dim;
        const g = ((neutral >> 8) & 255) * dim;
        const b = (neutral & 255) * dim;
        for (let y = 0; y < grid.tileH; y++) {
          const ty = texture.image.height - 1 - (y0 + y);
          for (let x = 0; x < grid.tileW; x++) {
            const o = (ty * texture.image.width + x0 + x) * 4;
            data[o] = r;
            data[o + 1] = g;
            data[o + 2] = b;
            data[o + 3] = 255;
          }
        }
      }
    }
    texture.needsUpdate = true;
  }

  /** The channels sent for the open view, when there are any. */
  private openTensor(): DecodedTensor | null {
    const full = this.data?.full;
    return full && full.shape.length === 3 ? full : null;
  }

  /** One scale per sent channel (all the same unless the scope is "channel"). */
  private tiles(): ScaleChoice[] | null {
    const full = this.openTensor();
    if (!full) return null;
    this.tileChoices ??= tileScales(this.plan, full);
    return this.tileChoices;
  }

  /** The tile (channel) and its pixel under the ray on the open atlas, if any. */
  private tileUnder(raycaster: Raycaster): { channel: number; px: number; py: number } | null {
    if (!this.atlas) return null;
    const hit = raycaster.intersectObject(this.atlas.mesh, false)[0];
    if (!hit?.uv) return null;
    const g = this.atlas.grid;
    const [x, y] = pixelAt(hit.uv.x, hit.uv.y, g.atlasW, g.atlasH);
    const col = Math.floor(x / (g.tileW + g.padPx));
    const row = Math.floor(y / (g.tileH + g.padPx));
    const px = x - col * (g.tileW + g.padPx);
    const py = y - row * (g.tileH + g.padPx);
    const channel = row * g.cols + col;
    if (px >= g.tileW || py >= g.tileH || channel >= g.channels) return null;
    return { channel, px, py };
  }

  override setOpen(open: boolean, t: number): void {
    const atlasShown = open ? t > 0 : t < 1;
    if (atlasShown && !this.atlas) {
      this.atlas = this.makeAtlas();
      this.layoutChildren(this.size);
    }
    this.showingAtlas = atlasShown;
    // A closed layer frees its atlas (one texture of every channel: megabytes on a
    // large layer); opening it again draws a new one.
    if (!atlasShown) this.disposeAtlas();
    if (this.atlas) this.atlas.mesh.visible = atlasShown;
    this.box.visible = !atlasShown;
    this.slices.visible = !atlasShown;
    this.summaryMesh.visible = !atlasShown;
  }

  protected override applyTheme(palette: Palette): void {
    this.boxMaterial.color.setHex(palette.stack);
    this.sliceMaterial.color.setHex(palette.stackLine);
    if (!this.summary) fillSolid(this.summaryTexture, palette.neutral);
    if (this.atlas) this.drawAtlas(this.atlas);
  }

  override elementAt(raycaster: Raycaster): ElementHit | null {
    if (this.showingAtlas && this.atlas) {
      const tile = this.tileUnder(raycaster);
      if (!tile) return null;
      const { channel, px, py } = tile;
      const full = this.openTensor();
      const sent = full !== null && channel < full.shape[2];
      const values = sent ? [full.values[(py * this.atlas.grid.tileW + px) * full.shape[2] + channel]] : [];
      return { index: [py, px, channel], axes: ["row", "col", "channel"], values, note: null, label: null };
    }
    const s = this.summary;
    if (!s || s.shape.length !== 2 || !this.summaryMesh.visible) return null;
    const hit = raycaster.intersectObject(this.summaryMesh, false)[0];
    if (!hit?.uv) return null;
    const [h, w] = s.shape;
    const [x, y] = pixelAt(hit.uv.x, hit.uv.y, w, h);
    const total = s.channelsTotal ?? this.channels;
    const note = `${s.reduce ?? "mean"} over ${total} channel${total === 1 ? "" : "s"}`;
    return { index: [y, x], axes: ["row", "col"], values: [s.values[y * w + x]], note, label: null };
  }

  /** Open: on the region's tile, or on every tile when it covers every channel. Closed: on the summary face. */
  override outlineRegion(region: Region, out: number[]): number {
    if (region.ranges.length !== 2) return 0;
    const [rows, cols] = region.ranges;
    const z = this.size.d / 2 + FACE_OFFSET + OUTLINE_LIFT;
    const g = this.atlas?.grid;
    if (this.showingAtlas && g) {
      const first = region.channel ?? 0;
      const last = region.channel ?? g.channels - 1;
      let drawn = 0;
      for (let c = first; c <= last && c < g.channels; c++) {
        const x0 = (c % g.cols) * (g.tileW + g.padPx);
        const y0 = Math.floor(c / g.cols) * (g.tileH + g.padPx);
        this.pushTexelRect(out, g.atlasW, g.atlasH, x0 + cols.start, y0 + rows.start, x0 + cols.end + 1, y0 + rows.end + 1, z);
        drawn++;
      }
      return drawn;
    }
    const [h, w] = this.summary?.shape.length === 2 ? this.summary.shape : [this.height, this.width];
    this.pushTexelRect(out, w, h, cols.start, rows.start, cols.end + 1, rows.end + 1, z);
    return 1;
  }

  /** Open: the middle of the channel's tile. Closed: the channel's depth along the box's top edge. */
  override channelAnchor(channel: number, out: Vector3): Vector3 | null {
    const p = this.group.position;
    const g = this.atlas?.grid;
    if (this.showingAtlas && g) {
      if (channel >= g.channels) return null;
      const cx = (channel % g.cols) * (g.tileW + g.padPx) + g.tileW / 2;
      const cy = Math.floor(channel / g.cols) * (g.tileH + g.padPx) + g.tileH / 2;
      return out.set(p.x - this.size.w / 2 + (cx / g.atlasW) * this.size.w, p.y + this.size.h / 2 - (cy / g.atlasH) * this.size.h, p.z + this.size.d / 2);
    }
    if (channel >= this.channels) return null;
    return out.set(p.x, p.y + this.size.h / 2, p.z + this.size.d / 2 - ((channel + 0.5) / this.channels) * this.size.d);
  }

  override legend(raycaster?: Raycaster): LegendInfo | null {
    const total = this.data?.full?.channelsTotal ?? this.summary?.channelsTotal ?? this.channels;
    if (this.showingAtlas) {
      const full = this.openTensor();
      const scales = this.tiles();
      if (!full || !scales || scales.length === 0) return null;
      const sent = full.shape[2];
      const which = sent < total ? `channels 0–${sent - 1} of ${total}` : `all ${total} channels`;
      if (this.plan.scope !== "channel") return { scale: scales[0].scale, note: which, scope: describeScale(scales[0]) };
      const tile = raycaster ? this.tileUnder(raycaster) : null;
      if (!tile || tile.channel >= sent) return { scale: null, note: which, scope: PER_CHANNEL_NO_TILE };
      const choice = scales[tile.channel];
      return { scale: choice.scale, note: `${which}; channel ${tile.channel}`, scope: describeScale(choice) };
    }
    const s = this.summary;
    if (!s || !this.summaryChoice) return null;
    return {
      scale: this.summaryChoice.scale,
      note: `${s.reduce ?? "mean"} over ${total} channel${total === 1 ? "" : "s"} (closed layer summary)`,
      scope: describeScale(this.summaryChoice),
    };
  }

  /** On the open atlas: the middle of a tile near the centre (a gap between tiles shows no value). */
  override focusPoint(out: Vector3): Vector3 {
    const g = this.atlas?.grid;
    if (!this.showingAtlas || !g) return super.focusPoint(out);
    const col = Math.floor((g.cols - 1) / 2);
    const row = Math.floor((g.rows - 1) / 2);
    const channel = Math.min(g.channels - 1, row * g.cols + col);
    const cx = (channel % g.cols) * (g.tileW + g.padPx) + g.tileW / 2;
    const cy = Math.floor(channel / g.cols) * (g.tileH + g.padPx) + g.tileH / 2;
    const p = this.group.position;
    return out.set(
      p.x - this.size.w / 2 + (cx / g.atlasW) * this.size.w,
      p.y + this.size.h / 2 - (cy / g.atlasH) * this.size.h,
      p.z + this.size.d / 2 + FACE_OFFSET,
    );
  }

  private disposeAtlas(): void {
    if (!this.atlas) return;
    this.atlas.mesh.removeFromParent();
    this.atlas.texture.dispose();
    this.atlas.material.dispose();
    this.atlas.geometry.dispose();
    this.atlas = null;
  }

  override dispose(): void {
    this.disposeAtlas();
    this.summaryTexture.dispose();
    super.dispose();
  }
}
