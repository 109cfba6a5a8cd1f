/**
 * Volumes (D x H x W x C, e.g. Conv3D). Closed: a stack of depth slices receding along
 * -z, each plane showing that slice's summary (mean or max over channels); every k-th
 * slice when there are more than MAX_VOLUME_SLICES. Open: one tile per (depth, channel),
 * a row per depth slice and a column per channel. Each state is ONE texture atlas,
 * written in place on every prediction; the closed slices are planes sharing it through
 * their UVs.
 */

import {
  BufferAttribute,
  BufferGeometry,
  type DataTexture,
  DoubleSide,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  PlaneGeometry,
  type Raycaster,
  type Vector3,
} from "three";

import type { DecodedTensor, NodeTensors } from "../data/decode";
import { formatNumber } from "../data/format";
import {
  describeScale,
  finiteRange,
  LAYER_PLAN,
  PER_CHANNEL_NO_TILE,
  summaryScale,
  tileScales,
  type ScaleChoice,
  type ScalePlan,
} from "../data/scales";
import { dim, PLANE_DEPTH, volumeGrid, volumeSlices, type ChannelGrid, type NodeLayout, type Size3 } from "../layout";
import type { Palette } from "../render/palette";
import type { LegendInfo, VisualContext } from "./types";
import type { NodeSpec } from "../spec";
import { BaseVisual } from "./base";
import { fillSolid, makeDataTexture, pixelAt, textureData, writeImage } from "../render/textures";

/** Mean over channels of a (D, H, W, C) tensor, for payloads without a summary. */
export function volumeMean(t: DecodedTensor): DecodedTensor {
  const [d, h, w, c] = t.shape;
  const n = d * h * w;
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += t.values[i * c + k];
    values[i] = s / c;
  }
  const r = finiteRange(values) ?? { lo: 0, hi: 0 };
  return { shape: [d, h, w], values, lo: r.lo, hi: r.hi, channelsTotal: t.channelsTotal ?? c, reduce: "mean" };
}

/** Sets a unit plane's UVs to the texture rectangle [u0, u1] x [v0, v1]. */
function setPlaneUv(geometry: PlaneGeometry, u0: number, v0: number, u1: number, v1: number): void {
  // PlaneGeometry's vertices: top left, top right, bottom left, bottom right.
  geometry.setAttribute("uv", new BufferAttribute(new Float32Array([u0, v1, u1, v1, u0, v0, u1, v0]), 2));
}

/** Unit-square outlines, one per slice (scaled to the box and moved along z in place). */
function frameLines(): BufferGeometry {
  const c = [-0.5, -0.5, 0.5, -0.5, 0.5, 0.5, -0.5, 0.5];
  const points: number[] = [];
  for (let i = 0; i < 4; i++) {
    const j = (i + 1) % 4;
    points.push(c[i * 2], c[i * 2 + 1], 0, c[j * 2], c[j * 2 + 1], 0);
  }
  const g = new BufferGeometry();
  g.setAttribute("position", new BufferAttribute(new Float32Array(points), 3));
  return g;
}

interface Slice {
  depth: number;
  mesh: Mesh;
  frame: LineSegments;
}

export class VolumeVisual extends BaseVisual {
  override readonly canOpen = true;
  override readonly openHint = "click to open: one tile per depth slice and channel";
  private readonly depth: number;
  private readonly height: number;
  private readonly width: number;
  private readonly channels: number;
  private readonly step: number;
  private readonly slices: Slice[] = [];
  private readonly sliceTexture: DataTexture;
  private readonly sliceMaterial: MeshBasicMaterial;
  private readonly frameMaterial: LineBasicMaterial;
  private readonly grid: ChannelGrid;
  private tileTexture: DataTexture | null = null;
  private tileMesh: Mesh | null = null;
  private tileMaterial: MeshBasicMaterial | null = null;
  private tileGeometry: PlaneGeometry | null = null;
  private data: NodeTensors | null = null;
  private summary: DecodedTensor | null = null;
  private plan: ScalePlan = LAYER_PLAN;
  private summaryChoice: ScaleChoice | null = null;
  private tileChoices: ScaleChoice[] | null = null;
  private showingTiles = false;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    super(node, layout, ctx);
    const s = node.output_shape;
    [this.depth, this.height, this.width, this.channels] = [dim(s, 0), dim(s, 1), dim(s, 2), dim(s, 3)];
    const { step, count } = volumeSlices(this.depth);
    this.step = step;
    this.grid = volumeGrid(this.depth, this.height, this.width, this.channels);
    this.sliceTexture = this.own(makeDataTexture(this.width, this.height * count));
    fillSolid(this.sliceTexture, ctx.palette.neutral);
    this.sliceMaterial = this.own(new MeshBasicMaterial({ map: this.sliceTexture, side: DoubleSide }));
    this.frameMaterial = this.own(new LineBasicMaterial({ color: ctx.palette.stackLine }));
    const frame = this.own(frameLines());
    for (let k = 0; k < count; k++) {
      const geometry = this.own(new PlaneGeometry(1, 1));
      setPlaneUv(geometry, 0, 1 - (k + 1) / count, 1, 1 - k / count);
      const mesh = new Mesh(geometry, this.sliceMaterial);
      mesh.userData.slice = k;
      const lines = new LineSegments(frame, this.frameMaterial);
      this.slices.push({ depth: k * step, mesh, frame: lines });
      this.group.add(mesh, lines);
    }
    this.place(layout);
  }

  protected layoutChildren({ w, h, d }: Size3): void {
    const n = this.slices.length;
    const gap = n > 1 ? Math.max(0, d - PLANE_DEPTH) / (n - 1) : 0;
    this.slices.forEach(({ mesh, frame }, k) => {
      const z = d / 2 - k * gap;
      mesh.scale.set(w, h, 1);
      mesh.position.z = z;
      frame.scale.set(w, h, 1);
      frame.position.z = z;
    });
    if (this.tileMesh) {
      this.tileMesh.scale.set(w, h, 1);
      this.tileMesh.position.z = d / 2;
    }
  }

  update(data: NodeTensors | null, plan: ScalePlan = LAYER_PLAN): void {
    this.data = data;
    this.plan = plan;
    const full = this.fullTensor();
    const summary = data?.summary && data.summary.shape.length === 3 ? data.summary : null;
    this.summary = summary ?? (full ? volumeMean(full) : null);
    this.summaryChoice = this.summary ? summaryScale(plan, this.summary) : null;
    this.tileChoices = null;
    this.drawSlices();
    if (this.tileTexture) this.drawTiles();
  }

  private fullTensor(): DecodedTensor | null {
    const full = this.data?.full;
    return full && full.shape.length === 4 ? full : null;
  }

  private drawSlices(): void {
    const s = this.summary;
    if (!s || !this.summaryChoice || s.shape[1] !== this.height || s.shape[2] !== this.width) {
      fillSolid(this.sliceTexture, this.palette.neutral);
      return;
    }
    const plane = this.height * this.width;
    this.slices.forEach(({ depth }, k) => {
      if (depth < s.shape[0]) {
        writeImage(this.sliceTexture, s.values, this.summaryChoice!.scale, this.width, this.height, 0, k * this.height, depth * plane);
      }
    });
  }

  private tiles(): ScaleChoice[] | null {
    const full = this.fullTensor();
    if (!full) return null;
    this.tileChoices ??= tileScales(this.plan, full);
    return this.tileChoices;
  }

  /** Tiles: row = depth slice, column = channel; gaps transparent, unsent channels dim. */
  private drawTiles(): void {
    const texture = this.tileTexture!;
    const g = this.grid;
    const data = textureData(texture);
    data.fill(0);
    const full = this.fullTensor();
    const scales = this.tiles();
    const sent = full ? full.shape[3] : 0;
    const plane = this.height * this.width;
    const neutral = this.palette.neutral;
    for (let r = 0; r < g.rows; r++) {
      for (let c = 0; c < g.cols; c++) {
        const x0 = c * (g.tileW + g.padPx);
        const y0 = r * (g.tileH + g.padPx);
        if (full && scales && c < sent && r < full.shape[0]) {
          writeImage(texture, full.values, scales[c].scale, g.tileW, g.tileH, x0, y0, r * plane * sent + c, sent);
          continue;
        }
        const k = full ? 0.55 : 1;
        for (let y = 0; y < g.tileH; y++) {
          const ty = texture.image.height - 1 - (y0 + y);
          for (let x = 0; x < g.tileW; x++) {
            const o = (ty * texture.image.width + x0 + x) * 4;
            data.set([((neutral >> 16) & 255) * k, ((neutral >> 8) & 255) * k, (neutral & 255) * k, 255], o);
          }
        }
      }
    }
    texture.needsUpdate = true;
  }

  override setOpen(open: boolean, t: number): void {
    const shown = open ? t > 0 : t < 1;
    if (shown && !this.tileTexture) {
      this.tileTexture = makeDataTexture(this.grid.atlasW, this.grid.atlasH);
      this.tileMaterial = new MeshBasicMaterial({ map: this.tileTexture, side: DoubleSide, alphaTest: 0.5 });
      this.tileGeometry = new PlaneGeometry(1, 1);
      this.tileMesh = new Mesh(this.tileGeometry, this.tileMaterial);
      this.group.add(this.tileMesh);
      this.drawTiles();
      this.layoutChildren(this.size);
    }
    this.showingTiles = shown;
    if (this.tileMesh) this.tileMesh.visible = shown;
    for (const { mesh, frame } of this.slices) {
      mesh.visible = !shown;
      frame.visible = !shown;
    }
  }

  protected override applyTheme(palette: Palette): void {
    this.frameMaterial.color.setHex(palette.stackLine);
    if (!this.summary) fillSolid(this.sliceTexture, palette.neutral);
    if (this.tileTexture) this.drawTiles();
  }

  /** The (depth, channel) tile and its pixel under the ray on the open atlas. */
  private tileUnder(raycaster: Raycaster): { depth: number; channel: number; px: number; py: number } | null {
    if (!this.tileMesh) return null;
    const hit = raycaster.intersectObject(this.tileMesh, false)[0];
    if (!hit?.uv) return null;
    const g = this.grid;
    const [x, y] = pixelAt(hit.uv.x, hit.uv.y, g.atlasW, g.atlasH);
    const col = Math.floor(x / (g.tileW + g.padPx));
    const row = Math.floor(y / (g.tileH + g.padPx));
    const px = x - col * (g.tileW + g.padPx);
    const py = y - row * (g.tileH + g.padPx);
    if (px >= g.tileW || py >= g.tileH || row >= g.rows || col >= g.cols) return null;
    return { depth: row, channel: col, px, py };
  }

  override valueAt(raycaster: Raycaster): string | null {
    if (this.showingTiles) {
      const tile = this.tileUnder(raycaster);
      const full = this.fullTensor();
      if (!tile) return null;
      const { depth, channel, px, py } = tile;
      if (!full || channel >= full.shape[3]) return `depth ${depth}, channel ${channel}: not sent`;
      const v = full.values[((depth * this.height + py) * this.width + px) * full.shape[3] + channel];
      return `depth ${depth}, channel ${channel} at (${py}, ${px}): ${formatNumber(v)}`;
    }
    const s = this.summary;
    if (!s) return null;
    const hits = raycaster.intersectObjects(this.slices.map((sl) => sl.mesh), false);
    const hit = hits[0];
    if (!hit?.uv) return null;
    const k = hit.object.userData.slice as number;
    const count = this.slices.length;
    // the slice's UVs cover rows [k, k + 1) / count of the atlas: back to the slice's own pixel
    const v = (hit.uv.y - (1 - (k + 1) / count)) * count;
    const [x, y] = pixelAt(hit.uv.x, v, this.width, this.height);
    const depth = this.slices[k].depth;
    const value = s.values[(depth * this.height + y) * this.width + x];
    return `${s.reduce ?? "mean"} at depth ${depth} (${y}, ${x}): ${formatNumber(value)}`;
  }

  override legend(raycaster?: Raycaster): LegendInfo | null {
    const total = this.data?.full?.channelsTotal ?? this.summary?.channelsTotal ?? this.channels;
    if (this.showingTiles) {
      const full = this.fullTensor();
      const scales = this.tiles();
      if (!full || !scales || scales.length === 0) return null;
      const sent = full.shape[3];
      const shown = Math.min(sent, this.grid.cols);
      const which = `rows: ${Math.min(this.depth, this.grid.rows)} depth slices; columns: ${shown < total ? `channels 0–${shown - 1} of ${total}` : `all ${total} channels`}`;
      if (this.plan.scope !== "channel") return { scale: scales[0].scale, note: which, scope: describeScale(scales[0]) };
      const tile = raycaster ? this.tileUnder(raycaster) : null;
      if (!tile || tile.channel >= sent) return { scale: null, note: which, scope: PER_CHANNEL_NO_TILE };
      return { scale: scales[tile.channel].scale, note: `${which}; channel ${tile.channel}`, scope: describeScale(scales[tile.channel]) };
    }
    const s = this.summary;
    if (!s || !this.summaryChoice) return null;
    const slices = this.step > 1 ? `1 in ${this.step} of ${this.depth} depth slices` : `${this.depth} depth slices`;
    return {
      scale: this.summaryChoice.scale,
      note: `${s.reduce ?? "mean"} over ${total} channel${total === 1 ? "" : "s"}, ${slices} (closed layer summary)`,
      scope: describeScale(this.summaryChoice),
    };
  }

  override focusPoint(out: Vector3): Vector3 {
    return out.set(this.group.position.x, this.group.position.y, this.group.position.z + this.size.d / 2);
  }

  override dispose(): void {
    this.tileTexture?.dispose();
    this.tileMaterial?.dispose();
    this.tileGeometry?.dispose();
    super.dispose();
  }
}
