/**
 * Thin wireframe boxes around the layers of each nested model, with the nested
 * model's name above each box: ONE LineSegments for all boxes (added to the scene
 * only when the graph has nested models), captions through the label overlay.
 * Not pickable: clicks and hovers go to the layers inside.
 */

import { BufferAttribute, BufferGeometry, LineBasicMaterial, LineSegments, type Object3D, type Vector3 } from "three";

import { groupBoxes, type GroupBox, type Layout } from "../layout";
import type { Label, LabelOverlay } from "../render/labels";
import type { Palette } from "../render/palette";
import type { GraphSpec } from "../spec";

/** 12 edges of a box, as pairs of corner indices (bit 0: x, bit 1: y, bit 2: z). */
const BOX_EDGES = [0, 1, 2, 3, 4, 5, 6, 7, 0, 2, 1, 3, 4, 6, 5, 7, 0, 4, 1, 5, 2, 6, 3, 7];
const FLOATS_PER_BOX = BOX_EDGES.length * 3;
/** Outer groups' captions win collisions with inner ones and with layer captions. */
const CAPTION_PRIORITY = 1.5;

export class GroupFrames {
  readonly object: LineSegments;
  private geometry = new BufferGeometry();
  private readonly material: LineBasicMaterial;
  private positions = new Float32Array(0);
  private graph: GraphSpec | null = null;
  private boxes = new Map<string, GroupBox>();
  private readonly captions: Label[] = [];

  constructor(
    private readonly parent: Object3D,
    palette: Palette,
    private readonly labels: LabelOverlay,
  ) {
    this.material = new LineBasicMaterial({ color: palette.group, transparent: true, opacity: 0.8, depthWrite: false });
    this.object = new LineSegments(this.geometry, this.material);
    this.object.frustumCulled = false;
    this.object.name = "groups";
    this.object.raycast = () => {};
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
    const needed = boxes.length * FLOATS_PER_BOX;
    if (needed > this.positions.length) {
      // A new geometry rather than a new attribute: dispose() frees the old GL buffer.
      this.geometry.dispose();
      this.geometry = new BufferGeometry();
      this.object.geometry = this.geometry;
      this.positions = new Float32Array(needed);
      this.geometry.setAttribute("position", new BufferAttribute(this.positions, 3));
    }
    let o = 0;
    for (const b of boxes) {
      for (const c of BOX_EDGES) {
        this.positions[o++] = c & 1 ? b.max[0] : b.min[0];
        this.positions[o++] = c & 2 ? b.max[1] : b.min[1];
        this.positions[o++] = c & 4 ? b.max[2] : b.min[2];
      }
    }
    this.geometry.getAttribute("position").needsUpdate = true;
    this.geometry.setDrawRange(0, boxes.length * BOX_EDGES.length);
    if (this.object.parent !== this.parent) this.parent.add(this.object);
  }

  setTheme(palette: Palette): void {
    this.material.color.setHex(palette.group);
  }

  private clearCaptions(): void {
    for (const label of this.captions) this.labels.remove(label);
    this.captions.length = 0;
  }

  dispose(): void {
    this.clearCaptions();
    this.object.removeFromParent();
    this.geometry.dispose();
    this.material.dispose();
  }
}
