/** Every edge of the graph as thin lines: ONE LineSegments, rewritten in place. */

import { BufferAttribute, BufferGeometry, LineBasicMaterial, LineSegments } from "three";

import type { EdgeLayout } from "../layout";
import type { Palette } from "../scene/theme";

export class EdgeLines {
  readonly object: LineSegments;
  private readonly geometry = new BufferGeometry();
  private readonly material: LineBasicMaterial;
  private positions = new Float32Array(0);

  constructor(palette: Palette) {
    this.material = new LineBasicMaterial({ color: palette.edge, transparent: true, opacity: 0.85 });
    this.object = new LineSegments(this.geometry, this.material);
    this.object.frustumCulled = false;
    this.object.name = "edges";
  }

  update(edges: readonly EdgeLayout[]): void {
    let segments = 0;
    for (const e of edges) segments += Math.max(0, e.points.length - 1);
    const needed = segments * 6;
    if (needed > this.positions.length) {
      this.positions = new Float32Array(needed);
      this.geometry.setAttribute("position", new BufferAttribute(this.positions, 3));
    }
    let o = 0;
    for (const e of edges) {
      for (let i = 1; i < e.points.length; i++) {
        const a = e.points[i - 1];
        const b = e.points[i];
        this.positions[o++] = a.x;
        this.positions[o++] = a.y;
        this.positions[o++] = a.z;
        this.positions[o++] = b.x;
        this.positions[o++] = b.y;
        this.positions[o++] = b.z;
      }
    }
    const attribute = this.geometry.getAttribute("position");
    if (attribute) attribute.needsUpdate = true;
    this.geometry.setDrawRange(0, segments * 2);
  }

  setTheme(palette: Palette): void {
    this.material.color.setHex(palette.edge);
  }

  dispose(): void {
    this.object.removeFromParent();
    this.geometry.dispose();
    this.material.dispose();
  }
}
