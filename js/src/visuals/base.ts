/**
 * What every layer visual shares: its group, a hidden pick proxy sized to its layout
 * box, a hover outline, a caption (name + shape), the list of GPU resources it owns
 * and disposes, and the life of the open view of a layer that opens (one AtlasPlane,
 * made when the layer starts opening and freed when it has closed).
 */

import {
  BoxGeometry,
  EdgesGeometry,
  Group,
  type LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  Vector3,
  type Raycaster,
} from "three";

import type { NodeTensors } from "../data/decode";
import type { Region } from "../data/receptive";
import type { ScalePlan } from "../data/scales";
import { formatShape } from "../data/format";
import { canOpen, type NodeLayout, type Size3 } from "../layout";
import type { AtlasPlane } from "../render/atlas";
import type { Label, LabelLine, LabelOverlay, LabelPlacement } from "../render/labels";
import type { Palette } from "../render/palette";
import type { GraphSpec, NodeSpec } from "../spec";
import { lineMaterial, whiteLines } from "../render/lines";
import { reshapeSource } from "./reshape";
import type { Disposable, ElementHit, LayerVisual, LegendInfo, VisualContext } from "./types";

/** Lift of hover outlines off the face they mark, so that they are not hidden in it. */
export const OUTLINE_LIFT = 0.02;

/** Where a layer's caption goes when under the layer is taken: above, smaller, then the name alone. */
export function captionFallbacks(below: (out: Vector3) => Vector3, above: (out: Vector3) => Vector3): LabelPlacement[] {
  return [
    { align: "above", anchor: above },
    { align: "below", anchor: below, compact: true },
    { align: "above", anchor: above, compact: true },
    { align: "below", anchor: below, short: true },
    { align: "above", anchor: above, short: true },
  ];
}

export abstract class BaseVisual implements LayerVisual {
  readonly id: string;
  readonly group = new Group();
  readonly pickProxy: Mesh;
  /** From the graph spec's `opens` (layout/sizes.ts canOpen): one rule for layout, visuals and scene. */
  readonly canOpen: boolean;
  readonly openHint: string = "click to open: one tile per channel";
  protected size: Size3;
  protected palette: Palette;
  protected readonly labels: LabelOverlay;
  protected readonly graph: GraphSpec;
  private readonly owned: Disposable[] = [];
  private readonly ownedLabels: Label[] = [];
  private readonly outline: LineSegments;
  private readonly outlineMaterial: LineBasicMaterial;
  protected readonly caption: Label;
  /** A folded block's own name (its caption's short form), null for a layer. */
  private readonly foldName: string | null;
  /** The open view while it is drawn (from the first frame of opening to the end of closing). */
  protected openView: AtlasPlane | null = null;

  constructor(
    readonly node: NodeSpec,
    layout: NodeLayout,
    ctx: VisualContext,
  ) {
    this.id = node.id;
    this.canOpen = canOpen(node);
    this.size = { ...layout.size };
    this.palette = ctx.palette;
    this.labels = ctx.labels;
    this.graph = ctx.graph;
    this.foldName = ctx.folds?.get(node.id)?.group.name ?? null;
    this.group.name = node.id;
    this.group.userData.nodeId = node.id;

    const unitBox = this.own(new BoxGeometry(1, 1, 1));
    this.pickProxy = new Mesh(unitBox, this.own(new MeshBasicMaterial({ visible: false })));
    this.pickProxy.visible = false;
    this.pickProxy.userData.nodeId = node.id;
    this.group.add(this.pickProxy);

    this.outlineMaterial = this.own(lineMaterial(ctx.palette.highlight));
    this.outline = new LineSegments(this.own(whiteLines(new EdgesGeometry(unitBox))), this.outlineMaterial);
    this.outline.visible = false;
    this.group.add(this.outline);

    // Under the layer, then above it, the same one font step smaller, then the name
    // alone; hidden only when none of these is free. No second row further down: a
    // caption that hangs under its neighbour's caption reads as the neighbour's.
    const below = (out: Vector3): Vector3 =>
      out.set(
        this.group.position.x + this.captionX(),
        this.group.position.y - this.size.h / 2,
        this.group.position.z + this.size.d / 2,
      );
    // the top back edge, so that the caption clears the top of a thick stack
    const above = (out: Vector3): Vector3 =>
      out.set(
        this.group.position.x + this.captionX(),
        this.group.position.y + this.size.h / 2,
        this.group.position.z - this.size.d / 2,
      );
    this.caption = this.addLabel(
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
  }

  /** Where along x (from the box's centre) the caption hangs: under what is drawn. */
  protected captionX(): number {
    return 0;
  }

  protected captionLines(): LabelLine[] {
    return [
      { text: this.node.name, className: "ls-caption-name", short: this.foldName ?? undefined },
      { text: this.shapeCaption(), className: "ls-caption-shape" },
    ];
  }

  /** The output shape; for a reshape, the input's shape → the output's. */
  protected shapeCaption(): string {
    const source = this.node.reshape ? reshapeSource(this.graph, this.node) : null;
    const out = formatShape(this.node.output_shape);
    return source ? `${formatShape(source.output_shape)} → ${out}` : out;
  }

  /** Registers a GPU resource (geometry, material, texture) for disposal. */
  protected own<T extends Disposable>(resource: T): T {
    this.owned.push(resource);
    return resource;
  }

  protected addLabel(options: Parameters<LabelOverlay["add"]>[0], lines: Parameters<LabelOverlay["add"]>[1]): Label {
    const label = this.labels.add(options, lines);
    this.ownedLabels.push(label);
    return label;
  }

  place(layout: NodeLayout): void {
    this.size = { ...layout.size };
    const { x, y, z } = layout.position;
    this.group.position.set(x, y, z);
    const { w, h, d } = this.size;
    this.pickProxy.scale.set(w, h, d);
    const m = 0.12;
    this.outline.scale.set(w + m, h + m, d + m);
    this.layoutChildren(this.size);
  }

  /** Sizes the visual's own meshes to its box (centred on the group's origin). */
  protected abstract layoutChildren(size: Size3): void;

  abstract update(data: NodeTensors | null, plan?: ScalePlan): void;

  /**
   * The open view shows from the first frame of opening until the close tween ends;
   * then it is freed (one texture of every channel: megabytes on a large layer), and
   * opening again makes a new one.
   */
  setOpen(open: boolean, t: number): void {
    if (!this.canOpen) return;
    const shown = open ? t > 0 : t < 1;
    if (shown && !this.openView) {
      this.openView = this.makeOpenView();
      this.group.add(this.openView.mesh);
      this.layoutChildren(this.size);
    }
    if (!shown) this.freeOpenView();
    this.showClosed(!shown);
  }

  /** The open view of a layer that opens, drawn with the data it has now. */
  protected makeOpenView(): AtlasPlane {
    throw new Error(`${this.node.class_name} has no open view`);
  }

  /** Shows or hides what the closed layer draws (the open view replaces it). */
  protected showClosed(_visible: boolean): void {}

  private freeOpenView(): void {
    this.openView?.dispose();
    this.openView = null;
  }

  setTheme(palette: Palette): void {
    this.palette = palette;
    this.outlineMaterial.color.setHex(palette.highlight);
    this.applyTheme(palette);
  }

  protected applyTheme(_palette: Palette): void {}

  setHighlight(on: boolean): void {
    this.outline.visible = on;
  }

  setLabelsShown(shown: boolean): void {
    for (const label of this.ownedLabels) label.setSuppressed(!shown);
  }

  legend(_raycaster?: Raycaster): LegendInfo | null {
    return null;
  }

  dataRows(): Array<[string, string]> {
    return [];
  }

  focusPoint(out: Vector3): Vector3 {
    return out.set(this.group.position.x, this.group.position.y, this.group.position.z + this.size.d / 2);
  }

  elementAt(_raycaster: Raycaster): ElementHit | null {
    return null;
  }

  outlineRegion(_region: Region, _out: number[]): number {
    return 0;
  }

  channelAnchor(_channel: number, _out: Vector3): Vector3 | null {
    return null;
  }

  /** A 4 x 4 grid over the front face. */
  footprint(): Vector3[] {
    const p = this.group.position;
    const { w, h, d } = this.size;
    const points: Vector3[] = [];
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        points.push(new Vector3(p.x - w / 2 + ((j + 0.5) / 4) * w, p.y + h / 2 - ((i + 0.5) / 4) * h, p.z + d / 2));
      }
    }
    return points;
  }

  /** Appends a rectangle (4 segments) in the group's frame at depth z, corners (x0, y0), (x1, y1). */
  protected pushRect(out: number[], x0: number, y0: number, x1: number, y1: number, z: number): void {
    const p = this.group.position;
    const c = [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ];
    for (let i = 0; i < 4; i++) {
      const [ax, ay] = c[i];
      const [bx, by] = c[(i + 1) % 4];
      out.push(p.x + ax, p.y + ay, p.z + z, p.x + bx, p.y + by, p.z + z);
    }
  }

  /**
   * Appends the outline of texels [x0, x1) x [y0, y1) (y from the top) of a
   * texW x texH image that covers the front face (w x h) at depth z.
   */
  protected pushTexelRect(
    out: number[],
    texW: number,
    texH: number,
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    z: number,
  ): void {
    const { w, h } = this.size;
    this.pushRect(
      out,
      -w / 2 + (x0 / texW) * w,
      h / 2 - (y0 / texH) * h,
      -w / 2 + (x1 / texW) * w,
      h / 2 - (y1 / texH) * h,
      z,
    );
  }

  dispose(): void {
    this.freeOpenView();
    this.group.removeFromParent();
    for (const resource of this.owned) resource.dispose();
    this.owned.length = 0;
    for (const label of this.ownedLabels) this.labels.remove(label);
    this.ownedLabels.length = 0;
  }
}
