/**
 * A model output with class labels: bigger units, a label (and probability) next to
 * each unit when there are few, a frame around the top unit, and the top class named
 * above the layer ("predicted: 7 (98.2%)"). Labels are DOM text (textContent).
 */

import { BoxGeometry, EdgesGeometry, type LineBasicMaterial, LineSegments, type Raycaster } from "three";

import { formatNumber, formatPercent } from "../data/format";
import { hasUnitLabels, type NodeLayout } from "../layout";
import type { Label } from "../render/labels";
import type { Palette } from "../render/palette";
import type { NodeSpec } from "../spec";
import { lineMaterial, whiteLines } from "../render/lines";
import type { ElementHit, VisualContext } from "./types";
import { NeuronsVisual } from "./neurons";

const SUM_TOLERANCE = 1e-2;

/** A difference with its sign: "+0.42", "-0.1", "0". */
function signed(v: number): string {
  return v > 0 ? `+${formatNumber(v)}` : formatNumber(v);
}

export class OutputVisual extends NeuronsVisual {
  private readonly classLabels: readonly string[];
  private readonly unitLabels: Label[] = [];
  private readonly badge: Label;
  private readonly marker: LineSegments;
  private readonly markerMaterial: LineBasicMaterial;
  private probabilities = false;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext) {
    const labelled = hasUnitLabels(node, ctx.graph.labels);
    super(node, layout, ctx, labelled);
    this.classLabels = ctx.graph.labels ?? [];
    if (labelled) {
      for (let i = 0; i < this.shown; i++) {
        this.unitLabels.push(
          this.addLabel(
            {
              className: "ls-unit",
              align: "right",
              priority: 2,
              anchor: (out) => {
                const [x, y] = this.cellCentre(i);
                const p = this.group.position;
                // The back right edge: in the 3/4 view the cube's right face projects
                // past its front edge, and a label there would sit under it.
                return out.set(p.x + x + this.cells.neuron / 2, p.y + y, p.z - this.cells.neuron / 2);
              },
            },
            [{ text: this.unitName(i) }],
          ),
        );
      }
    }
    this.badge = this.addLabel(
      {
        className: "ls-badge",
        align: "above",
        priority: 3,
        keepInside: true,
        anchor: (out) => {
          const p = this.group.position;
          const [x] = this.cellCentre(0);
          const top = (this.cells.rows * this.cells.pitch) / 2;
          return out.set(p.x + (labelled ? x : 0), p.y + top, p.z + this.cells.neuron / 2);
        },
      },
      [],
    );
    this.badge.setHidden(true);
    const s = this.cells.neuron * 1.5;
    this.markerMaterial = this.own(lineMaterial(ctx.palette.accent));
    const box = this.own(new BoxGeometry(s, s, s));
    this.marker = new LineSegments(this.own(whiteLines(new EdgesGeometry(box))), this.markerMaterial);
    this.marker.visible = false;
    this.group.add(this.marker);
  }

  protected override unitName(i: number): string {
    const label = this.classLabels[i];
    return label !== undefined ? label : `unit ${i}`;
  }

  private tooltipName(i: number): string {
    const label = this.classLabels[i];
    return label !== undefined ? `class ${label} (unit ${i})` : `unit ${i}`;
  }

  private formatScore(v: number): string {
    return this.probabilities ? formatPercent(v) : formatNumber(v);
  }

  protected override afterUpdate(): void {
    const values = this.full?.values ?? null;
    if (!values || values.length === 0) {
      this.marker.visible = false;
      this.badge.setHidden(true);
      this.unitLabels.forEach((l, i) => l.setLines([{ text: this.unitName(i) }]));
      return;
    }
    if (this.plan.centered) {
      this.showDifference(values);
      return;
    }
    const activation = this.node.config.activation;
    let sum = 0;
    let inUnit = true;
    let top = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      sum += v;
      if (!(v >= 0 && v <= 1)) inUnit = false;
      if (v > values[top] || Number.isNaN(values[top])) top = i;
    }
    this.probabilities =
      activation === "softmax" || activation === "sigmoid" || (inUnit && Math.abs(sum - 1) < SUM_TOLERANCE);
    this.badge.setLines([{ text: `predicted: ${this.unitName(top)} (${this.formatScore(values[top])})` }]);
    this.badge.setHidden(false);
    this.unitLabels.forEach((label, i) => {
      const v = i < values.length ? this.formatScore(values[i]) : "";
      label.setLines([{ text: `${this.unitName(i)}  ${v}`, className: i === top ? "ls-unit-top" : undefined }]);
    });
    if (top < this.shown) {
      const [x, y] = this.cellCentre(top);
      this.marker.position.set(x, y, 0);
      this.marker.visible = true;
    } else {
      this.marker.visible = false;
    }
  }

  /** A comparison's output: b − a per class; the badge names the class that gained most. */
  private showDifference(values: Float32Array): void {
    this.probabilities = false;
    let top = 0;
    for (let i = 0; i < values.length; i++) if (values[i] > values[top] || Number.isNaN(values[top])) top = i;
    this.badge.setLines([{ text: `b − a, most raised: ${this.unitName(top)} (${signed(values[top])})` }]);
    this.badge.setHidden(false);
    this.unitLabels.forEach((label, i) => {
      const v = i < values.length ? signed(values[i]) : "";
      label.setLines([{ text: `${this.unitName(i)}  ${v}`, className: i === top ? "ls-unit-top" : undefined }]);
    });
    this.marker.visible = false;
  }

  protected override applyTheme(palette: Palette): void {
    super.applyTheme(palette);
    this.markerMaterial.color.setHex(palette.accent);
  }

  override elementAt(raycaster: Raycaster): ElementHit | null {
    const hit = super.elementAt(raycaster);
    if (!hit) return null;
    const [i] = hit.index;
    const v = hit.values[0];
    const score = this.probabilities && v !== undefined ? ` (${formatPercent(v)})` : "";
    return { ...hit, label: `${this.tooltipName(i)}${score}` };
  }

  override dataRows(): Array<[string, string]> {
    const values = this.full?.values;
    if (!values || values.length === 0) return [];
    const order = Array.from(values.keys())
      .filter((i) => !Number.isNaN(values[i]))
      .sort((a, b) => values[b] - values[a])
      .slice(0, 3);
    if (this.plan.centered) {
      return order.map((i, rank) => [`b − a top ${rank + 1}`, `${this.unitName(i)} (${signed(values[i])})`]);
    }
    return order.map((i, rank) => [`top ${rank + 1}`, `${this.unitName(i)} (${this.formatScore(values[i])})`]);
  }
}
