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
  type LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  PlaneGeometry,
  type Raycaster,
  type Vector3,
} from "three";

import { channelRun } from "../data/channels";
import type { NodeTensors } from "../data/decode";
import { LAYER_PLAN, type ScalePlan } from "../data/scales";
import { dim, PLANE_DEPTH, volumeGrid, volumeSlices, type ChannelGrid, type NodeLayout, type Size3 } from "../layout";
import { AtlasPlane } from "../render/atlas";
import type { Palette } from "../render/palette";
import { fillSolid, makeDataTexture, pixelAt, writeImage } from "../render/textures";
import type { ElementHit, LegendInfo, VisualContext } from "./types";
import type { NodeSpec } from "../spec";
import { lineMaterial, whiteLines } from "../render/lines";
import { BaseVisual } from "./base";
import { ChannelScales, summaryNote } from "./channel-scales";
import { tileLegend } from "./legend";

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
  private readonly scales = new ChannelScales(4);

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
    this.frameMaterial = this.own(lineMaterial(ctx.palette.stackLine));
    const frame = this.own(whiteLines(frameLines()));
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
    this.openView?.place(w, h, d / 2);
  }

  update(data: NodeTensors | null, plan: ScalePlan = LAYER_PLAN): void {
    this.scales.update(data, plan);
    this.drawSlices();
    if (this.openView) this.drawTiles(this.openView);
  }

  private drawSlices(): void {
    const { summary: s, summaryChoice } = this.scales;
    if (!s || !summaryChoice || s.shape[1] !== this.height || s.shape[2] !== this.width) {
      fillSolid(this.sliceTexture, this.palette.neutral);
      return;
    }
    const plane = this.height * this.width;
    this.slices.forEach(({ depth }, k) => {
      if (depth < s.shape[0]) {
        writeImage(
          this.sliceTexture,
          s.values,
          summaryChoice.scale,
          this.width,
          this.height,
          0,
          k * this.height,
          depth * plane,
        );
      }
    });
  }

  protected override makeOpenView(): AtlasPlane {
    const view = new AtlasPlane(this.grid.atlasW, this.grid.atlasH, this.grid);
    this.drawTiles(view);
    return view;
  }

  /** Tiles: row = depth slice, column = channel; gaps transparent, unsent channels dim. */
  private drawTiles(view: AtlasPlane): void {
    const g = this.grid;
    view.clear();
    const full = this.scales.full;
    const scales = this.scales.tiles();
    const sent = full ? full.shape[3] : 0;
    for (let r = 0; r < g.rows; r++) {
      for (let c = 0; c < g.cols; c++) {
        const tile = r * g.cols + c;
        if (full && scales && c < sent && r < full.shape[0])
          view.writeTile(tile, full.values, scales[c].scale, channelRun(full, c, r));
        else view.fillTile(tile, this.palette.neutral, full ? 0.55 : 1);
      }
    }
  }

  protected override showClosed(visible: boolean): void {
    for (const { mesh, frame } of this.slices) {
      mesh.visible = visible;
      frame.visible = visible;
    }
  }

  protected override applyTheme(palette: Palette): void {
    this.frameMaterial.color.setHex(palette.stackLine);
    if (!this.scales.summary) fillSolid(this.sliceTexture, palette.neutral);
    if (this.openView) this.drawTiles(this.openView);
  }

  /** The (depth, channel) tile and its pixel under the ray on the open view. */
  private tileUnder(raycaster: Raycaster): { depth: number; channel: number; px: number; py: number } | null {
    const tile = this.openView?.tileAt(raycaster);
    return tile ? { depth: tile.row, channel: tile.col, px: tile.px, py: tile.py } : null;
  }

  /** The depth slice and its pixel under the ray on the closed stack. */
  private slicePixelUnder(raycaster: Raycaster): { depth: number; row: number; col: number } | null {
    // A raycast ignores `visible`: hidden slices must not answer for the open view.
    const hit = raycaster.intersectObjects(
      this.slices.filter((sl) => sl.mesh.visible).map((sl) => sl.mesh),
      false,
    )[0];
    if (!hit?.uv) return null;
    const k = hit.object.userData.slice as number;
    const count = this.slices.length;
    // the slice's UVs cover rows [k, k + 1) / count of the texture: back to the slice's own pixel
    const v = (hit.uv.y - (1 - (k + 1) / count)) * count;
    const [col, row] = pixelAt(hit.uv.x, v, this.width, this.height);
    return { depth: this.slices[k].depth, row, col };
  }

  /** Open: depth slice, row, col and channel of the tile's pixel; closed: depth slice, row and col of the summary. */
  override elementAt(raycaster: Raycaster): ElementHit | null {
    if (this.openView) {
      const tile = this.tileUnder(raycaster);
      if (!tile) return null;
      const { depth, channel, px, py } = tile;
      const full = this.scales.full;
      const sent = full !== null && channel < full.shape[3] && depth < full.shape[0];
      const values = sent
        ? [full.values[((depth * this.height + py) * this.width + px) * full.shape[3] + channel]]
        : [];
      return {
        index: [depth, py, px, channel],
        axes: ["depth", "row", "col", "channel"],
        values,
        note: null,
        label: null,
      };
    }
    const s = this.scales.summary;
    if (!s) return null;
    const pixel = this.slicePixelUnder(raycaster);
    if (!pixel) return null;
    const { depth, row, col } = pixel;
    const note = summaryNote(s, s.channelsTotal ?? this.channels);
    const value = s.values[(depth * this.height + row) * this.width + col];
    return { index: [depth, row, col], axes: ["depth", "row", "col"], values: [value], note, label: null };
  }

  override legend(raycaster?: Raycaster): LegendInfo | null {
    const total = this.scales.channelsTotal(this.channels);
    if (this.openView) {
      const full = this.scales.full;
      const scales = this.scales.tiles();
      if (!full || !scales || scales.length === 0) return null;
      const sent = full.shape[3];
      const shown = Math.min(sent, this.grid.cols);
      const which = `rows: ${Math.min(this.depth, this.grid.rows)} depth slices; columns: ${shown < total ? `channels 0–${shown - 1} of ${total}` : `all ${total} channels`}`;
      const tile = raycaster ? this.tileUnder(raycaster) : null;
      return tileLegend(scales, this.scales.plan.scope, which, tile?.channel ?? null);
    }
    const slices = this.step > 1 ? `1 in ${this.step} of ${this.depth} depth slices` : `${this.depth} depth slices`;
    return this.scales.summaryLegend(total, `, ${slices}`);
  }

  override focusPoint(out: Vector3): Vector3 {
    return out.set(this.group.position.x, this.group.position.y, this.group.position.z + this.size.d / 2);
  }
}
