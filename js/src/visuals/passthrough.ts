/**
 * Layers that return their input unchanged at inference (Dropout, SpatialDropout,
 * GaussianNoise, ActivityRegularization, ...): a thin translucent slab as tall as the
 * values it passes on, captioned with what it does in training (its rate). Drawing
 * the same activations again would add nothing, so the payload does not carry them.
 */

import { EdgesGeometry, type LineBasicMaterial, LineSegments, Mesh, type MeshBasicMaterial } from "three";

import type { NodeTensors } from "../data/decode";
import { formatConfigValue } from "../data/format";
import type { NodeLayout, Size3 } from "../layout";
import { lineMaterial, whiteLines } from "../render/lines";
import type { Palette } from "../render/palette";
import { shadedBox, solidMaterial } from "../render/shading";
import type { NodeSpec } from "../spec";
import { BaseVisual } from "./base";
import type { LabelLine } from "../render/labels";
import type { VisualContext } from "./types";

/** The config entry that says how strongly the layer acts in training. */
const STRENGTH_KEYS: ReadonlyArray<[string, string]> = [
  ["rate", "rate"],
  ["stddev", "stddev"],
  ["l1", "l1"],
  ["l2", "l2"],
];

/** "rate 0.5", "stddev 0.1", "l1 0.01 · l2 0": what the layer does in training. */
export function strengthText(node: NodeSpec): string {
  const parts = STRENGTH_KEYS.filter(([key]) => node.config[key] !== undefined).map(
    ([key, word]) => `${word} ${formatConfigValue(node.config[key])}`,
  );
  return parts.join(" · ");
}

export class PassthroughVisual extends BaseVisual {
  private readonly slab: Mesh;
  private readonly material: MeshBasicMaterial;
  private readonly edges: LineSegments;
  private readonly edgeMaterial: LineBasicMaterial;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    super(node, layout, ctx);
    const geometry = this.own(shadedBox());
    this.material = this.own(solidMaterial(ctx.palette.generic, 0.35));
    this.slab = new Mesh(geometry, this.material);
    this.edgeMaterial = this.own(lineMaterial(ctx.palette.stackLine));
    this.edges = new LineSegments(this.own(whiteLines(new EdgesGeometry(geometry))), this.edgeMaterial);
    this.group.add(this.slab, this.edges);
    this.place(layout);
  }

  protected layoutChildren({ w, h, d }: Size3): void {
    this.slab.scale.set(w, h, d);
    this.edges.scale.set(w, h, d);
  }

  update(_data: NodeTensors | null): void {}

  protected override captionLines(): LabelLine[] {
    const strength = strengthText(this.node);
    return [
      { text: this.node.name, className: "ls-caption-name" },
      { text: strength ? `${this.node.class_name} ${strength}` : this.node.class_name, className: "ls-caption-shape" },
    ];
  }

  protected override applyTheme(palette: Palette): void {
    this.material.color.setHex(palette.generic);
    this.edgeMaterial.color.setHex(palette.stackLine);
  }

  override dataRows(): Array<[string, string]> {
    return [["at inference", "passes its input on unchanged (acts only in training)"]];
  }
}
