/**
 * How a Flatten or Reshape moves elements: a short fan of lines, each joining one
 * element where the input draws it to where the output draws the same element (same
 * row-major index). The lines run from the theme's edge colour at the first element to
 * its accent at the last, so the order reads along the fan. ONE LineSegments,
 * rewritten in place whenever the layout moves (open/close tweens).
 */

import { BufferAttribute, BufferGeometry, Color, LineBasicMaterial, LineSegments, SRGBColorSpace } from "three";

import { elementCount, elementPoint, sampleIndices, type Layout, type NodeLayout } from "../layout";
import type { Palette } from "../render/palette";
import type { GraphSpec, NodeSpec } from "../spec";

/** Lines drawn: enough to see the order, few enough to stay a fan. */
export const FAN_LINES = 12;

/** The node a reshape reads from (its only input), or null. */
export function reshapeSource(graph: GraphSpec, node: NodeSpec): NodeSpec | null {
  const sources = graph.edges.filter((e) => e.target === node.id).map((e) => e.source);
  if (sources.length !== 1) return null;
  return graph.nodes.find((n) => n.id === sources[0]) ?? null;
}

export class ReshapeFan {
  readonly object: LineSegments;
  private readonly geometry = new BufferGeometry();
  private readonly material = new LineBasicMaterial({ vertexColors: true, transparent: true, opacity: 0.9 });
  private readonly positions: Float32Array;
  private readonly colors: Float32Array;
  private readonly indices: number[];

  constructor(
    private readonly sourceId: string,
    target: NodeSpec,
    palette: Palette,
  ) {
    this.indices = sampleIndices(elementCount(target.output_shape), FAN_LINES);
    this.positions = new Float32Array(this.indices.length * 6);
    this.colors = new Float32Array(this.indices.length * 6);
    this.geometry.setAttribute("position", new BufferAttribute(this.positions, 3));
    this.geometry.setAttribute("color", new BufferAttribute(this.colors, 3));
    this.object = new LineSegments(this.geometry, this.material);
    this.object.frustumCulled = false;
    this.object.name = `${target.id}:reshape-fan`;
    this.setTheme(palette);
  }

  /** Points of the fan for the layout shown, relative to the target's group origin. */
  place(all: Layout, target: NodeLayout): void {
    const source = all.nodes.get(this.sourceId);
    if (!source) {
      this.object.visible = false;
      return;
    }
    this.object.visible = true;
    const o = target.position;
    this.indices.forEach((index, j) => {
      const a = elementPoint(source, index);
      const b = elementPoint(target, index);
      this.positions.set([a.x - o.x, a.y - o.y, a.z - o.z, b.x - o.x, b.y - o.y, b.z - o.z], j * 6);
    });
    this.geometry.getAttribute("position").needsUpdate = true;
  }

  setTheme(palette: Palette): void {
    const first = new Color().setHex(palette.edge, SRGBColorSpace);
    const last = new Color().setHex(palette.accent, SRGBColorSpace);
    const c = new Color();
    const n = this.indices.length;
    for (let j = 0; j < n; j++) {
      c.copy(first).lerp(last, n > 1 ? j / (n - 1) : 0);
      this.colors.set([c.r, c.g, c.b, c.r, c.g, c.b], j * 6);
    }
    this.geometry.getAttribute("color").needsUpdate = true;
  }

  dispose(): void {
    this.object.removeFromParent();
    this.geometry.dispose();
    this.material.dispose();
  }
}
