/**
 * How each Flatten or Reshape moves elements: a short fan of lines per reshape layer,
 * each joining one element where the input draws it to where the output draws the same
 * element (same row-major index). A fan's lines run from the theme's edge colour at the
 * first element to its accent at the last, so the order reads along the fan. ONE line
 * buffer for every fan of the scene (in the scene only when the graph has a reshape),
 * rewritten in place whenever the layout moves (open/close tweens).
 */

import { Color, SRGBColorSpace, type Object3D } from "three";

import { elementCount, elementPoint, sampleIndices, type Layout } from "../layout";
import { LineBuffer, SEGMENT_FLOATS } from "../render/lines";
import type { Palette } from "../render/palette";
import type { GraphSpec } from "../spec";
import { reshapeSource } from "../visuals/reshape";

/** Lines drawn per fan: enough to see the order, few enough to stay a fan. */
export const FAN_LINES = 12;

interface Fan {
  source: string;
  target: string;
  /** Row-major element indices the lines join. */
  indices: number[];
}

export class ReshapeFans {
  private readonly lines = new LineBuffer("reshape-fans", { opacity: 0.9 });
  private fans: Fan[] = [];
  /** The fans drawn now (their source and target are in the layout shown), in buffer order. */
  private drawn: Fan[] = [];
  private first = new Color();
  private last = new Color();

  constructor(
    private readonly parent: Object3D,
    palette: Palette,
  ) {
    this.setColors(palette);
  }

  /** Fans drawn now (for tests). */
  get count(): number {
    return this.drawn.length;
  }

  get object(): LineBuffer["object"] {
    return this.lines.object;
  }

  /** A new graph: one fan per reshape layer that has one input. */
  setGraph(graph: GraphSpec | null, layout: Layout | null): void {
    this.fans = [];
    for (const node of graph?.nodes ?? []) {
      const source = node.reshape && graph ? reshapeSource(graph, node) : null;
      if (source)
        this.fans.push({
          source: source.id,
          target: node.id,
          indices: sampleIndices(elementCount(node.output_shape), FAN_LINES),
        });
    }
    this.place(layout);
  }

  /** The layout moved (open/close tween, new layout): fans follow their layers. */
  place(layout: Layout | null): void {
    this.drawn = layout ? this.fans.filter((f) => layout.nodes.has(f.source) && layout.nodes.has(f.target)) : [];
    if (!layout || this.drawn.length === 0) {
      this.object.removeFromParent();
      this.lines.clear();
      return;
    }
    const segments = this.drawn.reduce((n, f) => n + f.indices.length, 0);
    this.lines.setSegments(segments, (positions, colors) => {
      let o = 0;
      for (const fan of this.drawn) {
        const source = layout.nodes.get(fan.source)!;
        const target = layout.nodes.get(fan.target)!;
        for (const index of fan.indices) {
          const a = elementPoint(source, index);
          const b = elementPoint(target, index);
          positions.set([a.x, a.y, a.z, b.x, b.y, b.z], o);
          o += SEGMENT_FLOATS;
        }
      }
      this.paint(colors!);
    });
    if (this.object.parent !== this.parent) this.parent.add(this.object);
  }

  setTheme(palette: Palette): void {
    this.setColors(palette);
    this.lines.recolor((colors) => this.paint(colors));
  }

  private setColors(palette: Palette): void {
    this.first.setHex(palette.edge, SRGBColorSpace);
    this.last.setHex(palette.accent, SRGBColorSpace);
  }

  /** Each fan from the edge colour at its first line to the accent at its last. */
  private paint(colors: Float32Array): void {
    const c = new Color();
    let o = 0;
    for (const fan of this.drawn) {
      const n = fan.indices.length;
      for (let j = 0; j < n; j++) {
        c.copy(this.first).lerp(this.last, n > 1 ? j / (n - 1) : 0);
        colors.set([c.r, c.g, c.b, c.r, c.g, c.b], o);
        o += SEGMENT_FLOATS;
      }
    }
  }

  dispose(): void {
    this.fans = this.drawn = [];
    this.lines.dispose();
  }
}
