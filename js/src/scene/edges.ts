/**
 * Every edge of the graph as thin lines (ONE LineSegments, rewritten in place), and
 * a badge with the operator ("+", "×", "concat", ...) where the branches of a merge
 * layer join (DOM text through the label overlay).
 */

import type { Vector3 } from "three";

import { mergeSymbol, type EdgeLayout, type Layout } from "../layout";
import type { Label, LabelOverlay } from "../render/labels";
import { LineBuffer } from "../render/lines";
import type { Palette } from "../render/palette";
import type { GraphSpec } from "../spec";

export class EdgeLines {
  private readonly lines: LineBuffer;

  constructor(palette: Palette) {
    this.lines = new LineBuffer("edges", { color: palette.edge, opacity: 0.85 });
  }

  get object(): LineBuffer["object"] {
    return this.lines.object;
  }

  update(edges: readonly EdgeLayout[]): void {
    let segments = 0;
    for (const e of edges) segments += Math.max(0, e.points.length - 1);
    this.lines.setSegments(segments, (out) => {
      let o = 0;
      for (const e of edges) {
        const pts = e.points;
        for (let i = 1; i < pts.length; i++) {
          const a = pts[i - 1];
          const b = pts[i];
          out[o++] = a.x;
          out[o++] = a.y;
          out[o++] = a.z;
          out[o++] = b.x;
          out[o++] = b.y;
          out[o++] = b.z;
        }
      }
    });
  }

  setTheme(palette: Palette): void {
    this.lines.setColor(palette.edge);
  }

  dispose(): void {
    this.lines.dispose();
  }
}

/** Badges win collisions with layer captions (1) and lose to the output's badge (3). */
const MERGE_PRIORITY = 2.5;

/** One operator badge per merge layer, at the point where its incoming edges meet. */
export class MergeBadges {
  private readonly badges: Label[] = [];
  private layout: Layout | null = null;

  constructor(private readonly labels: LabelOverlay) {}

  setGraph(graph: GraphSpec | null, layout: Layout | null): void {
    this.clear();
    this.layout = layout;
    if (!graph) return;
    const incoming = new Map<string, number>();
    for (const e of graph.edges) incoming.set(e.target, (incoming.get(e.target) ?? 0) + 1);
    for (const node of graph.nodes) {
      const symbol = mergeSymbol(node.class_name);
      if (symbol === null || (incoming.get(node.id) ?? 0) < 2) continue;
      const id = node.id;
      const anchor = (out: Vector3): Vector3 => {
        const n = this.layout?.nodes.get(id);
        // On the left edge of the front face: in sight from the usual views, next
        // to where the incoming edges end.
        return n ? out.set(n.position.x - n.size.w / 2, n.position.y, n.position.z + n.size.d / 2) : out.set(0, 0, 0);
      };
      const label = this.labels.add(
        { className: "ls-merge", align: "center", priority: MERGE_PRIORITY, anchor, owner: id },
        [{ text: symbol }],
      );
      this.badges.push(label);
    }
  }

  /** The layout moved (open/close tween): badges follow their layers. */
  place(layout: Layout): void {
    this.layout = layout;
  }

  get count(): number {
    return this.badges.length;
  }

  private clear(): void {
    for (const label of this.badges) this.labels.remove(label);
    this.badges.length = 0;
  }

  dispose(): void {
    this.clear();
    this.layout = null;
  }
}
