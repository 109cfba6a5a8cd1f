/**
 * Detections in the scene (Python's `ModelView(boxes=fn)`, the `_boxes` trait): each box
 * outlined on the input picture with its caption ("square 0.93"), and the grid output's
 * cell that produced it outlined there. The outlines follow the layers every frame (a
 * tween, a layer opening or closing, a new layout), drawn by the visuals' own geometry
 * (`outlineBox` on the picture, `outlineRegion` on the grid). Owns its line buffers and
 * labels and disposes them.
 */

import { Vector3 } from "three";

import { boxLabel } from "../data/boxes";
import type { Label, LabelOverlay } from "../render/labels";
import { LineBuffer, SEGMENT_FLOATS } from "../render/lines";
import type { Scene } from "three";
import type { BoxesState } from "../spec";
import type { LayerVisual } from "../visuals";

/** The outline colour of boxes and their cells (cyan: apart from both palettes and the colour maps' ends). */
export const BOX_COLOR = 0x00d5ff;
/** Floats of one rectangle: 4 segments. */
const RECT_FLOATS = 4 * SEGMENT_FLOATS;

export class BoxOverlay {
  private state: BoxesState | null = null;
  private readonly lines = new LineBuffer("boxes", { color: BOX_COLOR, opacity: 1 });
  private readonly captions: Label[] = [];
  /** World points the captions hang from (the top left corner of each box's first outline). */
  private readonly anchors: Vector3[] = [];
  private readonly points: number[] = [];
  /** Boxes outlined on the picture in the last frame. */
  drawnBoxes = 0;
  /** Cells outlined on the grid in the last frame. */
  drawnCells = 0;

  constructor(
    scene: Scene,
    private readonly labels: LabelOverlay,
  ) {
    scene.add(this.lines.object);
  }

  /** The boxes to draw (null: none); captions are made for them now, outlines at the next `layout`. */
  set(state: BoxesState | null): void {
    this.state = state;
    const boxes = state?.boxes ?? [];
    while (this.captions.length > boxes.length) {
      const label = this.captions.pop();
      if (label) this.labels.remove(label);
      this.anchors.pop();
    }
    while (this.captions.length < boxes.length) {
      const anchor = new Vector3();
      this.anchors.push(anchor);
      this.captions.push(
        this.labels.add(
          { className: "ls-box-label", align: "above", priority: 4, anchor: (out) => out.copy(anchor) },
          [],
        ),
      );
    }
    boxes.forEach((box, i) => this.captions[i].setLines([{ text: boxLabel(box) }]));
  }

  /** Outlines every box and cell where the visuals are drawn now; call before each frame. */
  layout(visuals: ReadonlyMap<string, LayerVisual>): void {
    const state = this.state;
    const out = this.points;
    out.length = 0;
    this.drawnBoxes = 0;
    this.drawnCells = 0;
    if (!state || state.boxes.length === 0) {
      if (this.lines.segments > 0) this.lines.clear();
      return;
    }
    const image = state.image ? visuals.get(state.image) : undefined;
    const grid = state.grid ? visuals.get(state.grid) : undefined;
    state.boxes.forEach((box, i) => {
      const start = out.length;
      const drawn = image?.outlineBox?.(box.x0, box.y0, box.x1, box.y1, out) ?? 0;
      const caption = this.captions[i];
      if (drawn > 0) {
        this.drawnBoxes++;
        this.anchors[i].set(out[start], out[start + 1], out[start + 2]);
      }
      caption?.setHidden(drawn === 0);
      if (box.cell && grid) {
        const [row, col] = box.cell;
        const region = {
          ranges: [
            { start: row, end: row, step: 1 },
            { start: col, end: col, step: 1 },
          ],
          channel: null,
        };
        if (grid.outlineRegion(region, out) > 0) this.drawnCells++;
      }
    });
    const rects = out.length / RECT_FLOATS;
    this.lines.setSegments(rects * 4, (positions) => positions.set(out));
  }

  dispose(): void {
    this.set(null);
    this.lines.dispose();
  }
}
