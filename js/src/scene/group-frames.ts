/**
 * Thin wireframe boxes around the layers of each nested model, with the nested
 * model's name above each box: ONE LineSegments for all boxes (added to the scene
 * only when the graph has nested models), captions through the label overlay.
 * Not pickable: clicks and hovers go to the layers inside.
 */

import type { Object3D, Vector3 } from "three";

import { groupBoxes, type GroupBox, type Layout } from "../layout";
import type { Label, LabelOverlay } from "../render/labels";
import { LineBuffer } from "../render/lines";
import type { Palette } from "../render/palette";
import type { GraphSpec } from "../spec";

/** 12 edges of a box, as pairs of corner indices (bit 0: x, bit 1: y, bit 2: z). */
const BOX_EDGES = [0, 1, 2, 3, 4, 5, 6, 7, 0, 2, 1, 3, 4, 6, 5, 7, 0, 4, 1, 5, 2, 6, 3, 7];
/** Outer groups' captions win collisions with inner ones and with layer captions. */
const CAPTION_PRIORITY = 1.5;

export class GroupFrames {
  private readonly lines: LineBuffer;
  private graph: GraphSpec | null = null;
  private boxes = new Map<string, GroupBox>();
  private readonly captions: Label[] = [];

  constructor(
    private readonly parent: Object3D,
    palette: Palette,
    private readonly labels: LabelOverlay,
  ) {
    this.lines = new LineBuffer("groups", { color: palette.group, opacity: 0.8, depthWrite: false });
  }

  get object(): LineBuffer["object"] {
    return this.lines.object;
  }

  /** The current boxes (for fitting the camera); empty for models without nested models. */
  get list(): GroupBox[] {
    return [...this.boxes.values()];
  }

  /** A new graph: new boxes and captions. */
  setGraph(graph: GraphSpec | null, layout: Layout | null): void {
    this.clearCaptions();
    this.graph = graph;
    this.boxes.clear();
    this.place(layout);
    for (const box of this.boxes.values()) {
      const id = box.id;
      // The caption may lie over its own layers (seen from above, the back of the box rises over its top front edge).
      const members = new Set(
        (graph?.nodes ?? []).filter((n) => n.parent === id || n.parent?.startsWith(`${id}/`)).map((n) => n.id),
      );
      const anchor = (out: Vector3, back = false): Vector3 => {
        const b = this.boxes.get(id) ?? box;
        return out.set((b.min[0] + b.max[0]) / 2, b.max[1], back ? b.min[2] : b.max[2]);
      };
      const label = this.labels.add(
        {
          className: "ls-group-caption",
          align: "above",
          priority: CAPTION_PRIORITY - 0.01 * box.level,
          anchor: (out) => anchor(out),
          fallbacks: [
            { align: "above", anchor: (out) => anchor(out), compact: true },
            { align: "above", anchor: (out) => anchor(out, true), compact: true },
          ],
          clearOfLayers: true,
          mayCover: members,
        },
        [{ text: box.name }],
      );
      this.captions.push(label);
    }
  }

  /** The layout moved (open/close tween, new layout): boxes follow their layers. */
  place(layout: Layout | null): void {
    const boxes = this.graph && layout ? groupBoxes(this.graph, layout) : [];
    this.boxes = new Map(boxes.map((b) => [b.id, b]));
    if (boxes.length === 0) {
      this.object.removeFromParent();
      return;
    }
    this.lines.setSegments((boxes.length * BOX_EDGES.length) / 2, (out) => {
      let o = 0;
      for (const b of boxes) {
        for (const c of BOX_EDGES) {
          out[o++] = c & 1 ? b.max[0] : b.min[0];
          out[o++] = c & 2 ? b.max[1] : b.min[1];
          out[o++] = c & 4 ? b.max[2] : b.min[2];
        }
      }
    });
    if (this.object.parent !== this.parent) this.parent.add(this.object);
  }

  setTheme(palette: Palette): void {
    this.lines.setColor(palette.group);
  }

  private clearCaptions(): void {
    for (const label of this.captions) this.labels.remove(label);
    this.captions.length = 0;
  }

  dispose(): void {
    this.clearCaptions();
    this.lines.dispose();
  }
}
