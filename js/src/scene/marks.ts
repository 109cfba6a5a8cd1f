/**
 * Outlines around the layers that find marked (every match of "All Conv2D") and around
 * the focused layer (the one find or the arrow keys went to): ONE LineSegments for the
 * matches and one for the focused layer, boxes a little larger than the layers so that
 * they read as a frame. In the scene only while something is marked; not pickable.
 */

import type { Object3D } from "three";

import type { Layout } from "../layout";
import { LineBuffer } from "../render/lines";
import type { Palette } from "../render/palette";

/** 12 edges of a box, as pairs of corner indices (bit 0: x, bit 1: y, bit 2: z). */
const BOX_EDGES = [0, 1, 2, 3, 4, 5, 6, 7, 0, 2, 1, 3, 4, 6, 5, 7, 0, 4, 1, 5, 2, 6, 3, 7];
/** Room between a layer and its outline, as a share of its size and at least this much. */
const PAD_SHARE = 0.06;
const PAD_MIN = 0.12;

export class LayerMarks {
  private readonly matches: LineBuffer;
  private readonly focus: LineBuffer;
  private matched: string[] = [];
  private focused: string | null = null;
  private layout: Layout | null = null;

  constructor(
    private readonly parent: Object3D,
    palette: Palette,
  ) {
    this.matches = new LineBuffer("find-matches", { color: palette.accent, opacity: 0.9, depthWrite: false });
    this.focus = new LineBuffer("focused-layer", { color: palette.highlight, opacity: 1, depthWrite: false });
  }

  /** Marks `matched` (ids) and `focused`; ids not in the layout are skipped. */
  set(matched: readonly string[], focused: string | null): void {
    this.matched = [...matched];
    this.focused = focused;
    this.place(this.layout);
  }

  /** Ids marked now (the matches), and the focused one. */
  get marked(): { matches: string[]; focused: string | null } {
    return { matches: [...this.matched], focused: this.focused };
  }

  /** The layout moved (a tween's frame, a new graph): the outlines follow their layers. */
  place(layout: Layout | null): void {
    this.layout = layout;
    const others = this.matched.filter((id) => id !== this.focused);
    this.draw(this.matches, layout, others, 1);
    this.draw(this.focus, layout, this.focused ? [this.focused] : [], 1.6);
  }

  private draw(lines: LineBuffer, layout: Layout | null, ids: readonly string[], padScale: number): void {
    const boxes = layout ? ids.map((id) => layout.nodes.get(id)).filter((n) => n !== undefined) : [];
    if (boxes.length === 0) {
      lines.clear();
      lines.object.removeFromParent();
      return;
    }
    lines.setSegments((boxes.length * BOX_EDGES.length) / 2, (out) => {
      let o = 0;
      for (const n of boxes) {
        const { x, y, z } = n.position;
        const { w, h, d } = n.size;
        const pad = padScale * Math.max(PAD_MIN, PAD_SHARE * Math.max(w, h));
        const min = [x - w / 2 - pad, y - h / 2 - pad, z - d / 2 - pad];
        const max = [x + w / 2 + pad, y + h / 2 + pad, z + d / 2 + pad];
        for (const c of BOX_EDGES) {
          out[o++] = c & 1 ? max[0] : min[0];
          out[o++] = c & 2 ? max[1] : min[1];
          out[o++] = c & 4 ? max[2] : min[2];
        }
      }
    });
    if (lines.object.parent !== this.parent) this.parent.add(lines.object);
  }

  setTheme(palette: Palette): void {
    this.matches.setColor(palette.accent);
    this.focus.setColor(palette.highlight);
  }

  dispose(): void {
    this.matches.dispose();
    this.focus.dispose();
  }
}
