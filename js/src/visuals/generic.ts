/**
 * Anything we cannot picture (scalars, rank >= 4, several outputs, unknown layers): a
 * neutral box with the class name. Never fails on the shape; the tooltip shows the
 * data's range when there is data.
 */

import { EdgesGeometry, type LineBasicMaterial, LineSegments, Mesh, type MeshBasicMaterial } from "three";

import type { NodeTensors } from "../data/decode";
import { formatNumber, formatShape } from "../data/format";
import type { NodeLayout, Size3 } from "../layout";
import { lineMaterial, whiteLines } from "../render/lines";
import type { Palette } from "../render/palette";
import { shadedBox, solidMaterial } from "../render/shading";
import type { NodeSpec } from "../spec";
import { BaseVisual } from "./base";
import type { LabelLine } from "../render/labels";
import type { VisualContext } from "./types";

export class GenericVisual extends BaseVisual {
  /** Also the fallback for a node whose own visual failed: a box has no open view. */
  override readonly canOpen = false;
  private readonly box: Mesh;
  private readonly material: MeshBasicMaterial;
  private readonly edges: LineSegments;
  private readonly edgeMaterial: LineBasicMaterial;
  private data: NodeTensors | null = null;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    super(node, layout, ctx);
    const geometry = this.own(shadedBox());
    this.material = this.own(solidMaterial(ctx.palette.generic));
    this.box = new Mesh(geometry, this.material);
    this.edgeMaterial = this.own(lineMaterial(ctx.palette.stackLine));
    this.edges = new LineSegments(this.own(whiteLines(new EdgesGeometry(geometry))), this.edgeMaterial);
    this.group.add(this.box, this.edges);
    this.place(layout);
  }

  protected layoutChildren({ w, h, d }: Size3): void {
    this.box.scale.set(w, h, d);
    this.edges.scale.set(w, h, d);
  }

  update(data: NodeTensors | null): void {
    this.data = data;
  }

  protected override applyTheme(palette: Palette): void {
    this.material.color.setHex(palette.generic);
    this.edgeMaterial.color.setHex(palette.stackLine);
  }

  /** The class name on the caption too: a box alone says nothing. */
  protected override captionLines(): LabelLine[] {
    return [
      { text: this.node.name, className: "ls-caption-name" },
      { text: `${this.node.class_name} ${formatShape(this.node.output_shape)}`, className: "ls-caption-shape" },
    ];
  }

  override dataRows(): Array<[string, string]> {
    const rows: Array<[string, string]> = [];
    const full = this.data?.full;
    if (full) rows.push(["values", `${formatNumber(full.lo)} … ${formatNumber(full.hi)}`]);
    return rows;
  }
}
