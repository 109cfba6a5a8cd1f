/**
 * Feature maps (H x W x C). Closed: one plane showing the summary (mean or max over
 * channels) on the front of a box whose thickness shows the channel count, with a
 * line per channel slice. Open: every channel in a grid, drawn as ONE texture atlas
 * on one plane. Textures are written in place on every prediction.
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
} from "three";

import { scaleFor, type ColorScale } from "../data/colormap";
import type { DecodedTensor, NodeTensors } from "../data/decode";
import { formatNumber } from "../data/format";
import { channelGrid, dim, type ChannelGrid, type NodeLayout, type Size3 } from "../layout";
import type { Palette } from "../scene/theme";
import type { LegendInfo } from "../scene/tooltip";
import type { NodeSpec } from "../spec";
import { BaseVisual, type VisualContext } from "./base";
import { fillSolid, makeDataTexture, pixelAt, textureData, writeImage } from "./textures";

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
  private scaleOverride: ColorScale | null = null;
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

  update(data: NodeTensors | null, scale: ColorScale | null = null): void {
    this.data = data;
    this.scaleOverride = scale;
    this.summary = data?.summary ?? (data?.full && data.full.shape.length === 3 ? meanOverChannels(data.full) : null);
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
    writeImage(this.summaryTexture, s.values, this.scaleOverride ?? scaleFor(s.lo, s.hi), w, h);
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
    const full = this.data?.full && this.data.full.shape.length === 3 ? this.data.full : null;
    const sent = full ? Math.min(full.shape[2], grid.channels) : 0;
    const scale = full ? (this.scaleOverride ?? scaleFor(full.lo, full.hi)) : null;
    const step = grid.tileW + grid.padPx;
    const stepY = grid.tileH + grid.padPx;
    const neutral = this.palette.neutral;
    for (let c = 0; c < grid.channels; c++) {
      const x0 = (c % grid.cols) * step;
      const y0 = Math.floor(c / grid.cols) * stepY;
      if (full && scale && c < sent) {
        writeImage(texture, full.values, scale, grid.tileW, grid.tileH, x0, y0, c, full.shape[2]);
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

  override setOpen(open: boolean, t: number): void {
    const atlasShown = open ? t > 0 : t < 1;
    if (atlasShown && !this.atlas) {
      this.atlas = this.makeAtlas();
      this.layoutChildren(this.size);
    }
    this.showingAtlas = atlasShown;
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

  override valueAt(raycaster: Raycaster): string | null {
    if (this.showingAtlas && this.atlas) {
      const hit = raycaster.intersectObject(this.atlas.mesh, false)[0];
      const full = this.data?.full;
      if (!hit?.uv) return null;
      const g = this.atlas.grid;
      const [x, y] = pixelAt(hit.uv.x, hit.uv.y, g.atlasW, g.atlasH);
      const col = Math.floor(x / (g.tileW + g.padPx));
      const row = Math.floor(y / (g.tileH + g.padPx));
      const px = x - col * (g.tileW + g.padPx);
      const py = y - row * (g.tileH + g.padPx);
      const channel = row * g.cols + col;
      if (px >= g.tileW || py >= g.tileH || channel >= g.channels) return null;
      if (!full || full.shape.length !== 3 || channel >= full.shape[2]) return `channel ${channel}: not sent`;
      const v = full.values[(py * g.tileW + px) * full.shape[2] + channel];
      return `channel ${channel} at (${py}, ${px}): ${formatNumber(v)}`;
    }
    const s = this.summary;
    if (!s || s.shape.length !== 2 || !this.summaryMesh.visible) return null;
    const hit = raycaster.intersectObject(this.summaryMesh, false)[0];
    if (!hit?.uv) return null;
    const [h, w] = s.shape;
    const [x, y] = pixelAt(hit.uv.x, hit.uv.y, w, h);
    return `${s.reduce ?? "mean"} at (${y}, ${x}): ${formatNumber(s.values[y * w + x])}`;
  }

  override legend(): LegendInfo | null {
    const total = this.data?.full?.channelsTotal ?? this.summary?.channelsTotal ?? this.channels;
    if (this.showingAtlas) {
      const full = this.data?.full;
      if (!full || full.shape.length !== 3) return null;
      const sent = full.shape[2];
      const which = sent < total ? `channels 0–${sent - 1} of ${total}` : `all ${total} channels`;
      return {
        scale: this.scaleOverride ?? scaleFor(full.lo, full.hi),
        lo: full.lo,
        hi: full.hi,
        note: `${which}, one scale for the layer`,
      };
    }
    const s = this.summary;
    if (!s) return null;
    return {
      scale: this.scaleOverride ?? scaleFor(s.lo, s.hi),
      lo: s.lo,
      hi: s.hi,
      note: `${s.reduce ?? "mean"} over ${total} channel${total === 1 ? "" : "s"} (closed layer summary)`,
    };
  }

  override dispose(): void {
    if (this.atlas) {
      this.atlas.texture.dispose();
      this.atlas.material.dispose();
      this.atlas.geometry.dispose();
      this.atlas = null;
    }
    this.summaryTexture.dispose();
    super.dispose();
  }
}
