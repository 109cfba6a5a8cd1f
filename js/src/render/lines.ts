/**
 * ONE LineSegments whose buffer is rewritten in place and grows by doubling: the edges,
 * the nested models' boxes, the hover's relation lines and the reshape fans each draw
 * all their segments through one of these (one draw call each). The owner adds
 * `object` to the scene and decides when it is there.
 */

import { BufferAttribute, BufferGeometry, LineBasicMaterial, LineSegments } from "three";

/** Floats per segment: two endpoints (x, y, z). */
export const SEGMENT_FLOATS = 6;

export interface LineStyle {
  /** One colour for every segment; without it, per-vertex colours (see `setSegments`). */
  color?: number;
  opacity: number;
  depthWrite?: boolean;
}

/**
 * The material of every line: its colour times the vertex colours (white for one-colour
 * lines, see `whiteLines`), always `transparent`, also at opacity 1. three.js links a
 * program for each variant of a material (opaque or not, vertex colours or not), and on
 * a software GPU each program costs tens of milliseconds before the first frame; so all
 * lines share one. Blending at opacity 1 draws the same pixels; such lines only move to
 * the transparent pass.
 */
export function lineMaterial(color = 0xffffff, opacity = 1): LineBasicMaterial {
  return new LineBasicMaterial({ color, vertexColors: true, transparent: true, opacity });
}

/** Gives `geometry` white vertex colours, so that `lineMaterial`'s colour is drawn as it is. */
export function whiteLines<T extends BufferGeometry>(geometry: T): T {
  const count = geometry.getAttribute("position").count;
  geometry.setAttribute("color", new BufferAttribute(new Float32Array(count * 3).fill(1), 3));
  return geometry;
}

/** Writes `segments` segments: 6 floats each into `positions`, and (per-vertex colours) 6 into `colors`. */
export type SegmentWriter = (positions: Float32Array, colors: Float32Array | null) => void;

export class LineBuffer {
  readonly object: LineSegments;
  private geometry = new BufferGeometry();
  private readonly material: LineBasicMaterial;
  private readonly vertexColors: boolean;
  private positions = new Float32Array(0);
  private colors: Float32Array | null = null;
  private count = 0;

  constructor(name: string, style: LineStyle) {
    this.vertexColors = style.color === undefined;
    this.material = lineMaterial(style.color, style.opacity);
    if (style.depthWrite !== undefined) this.material.depthWrite = style.depthWrite;
    this.object = new LineSegments(this.geometry, this.material);
    this.object.name = name;
    // Empty, it is not drawn: three.js would still link a program for its bare geometry.
    this.object.visible = false;
    // Lines span the scene and change every frame of a tween: no culling box to keep up,
    // and picking goes to the layers, never to lines.
    this.object.frustumCulled = false;
    this.object.raycast = () => {};
  }

  /** Segments drawn now. */
  get segments(): number {
    return this.count;
  }

  /** Draws `segments` segments, written by `write`; the buffer is reused, or grown by doubling. */
  setSegments(segments: number, write: SegmentWriter): void {
    const floats = segments * SEGMENT_FLOATS;
    if (floats > this.positions.length) {
      // A new geometry rather than a new attribute: dispose() frees the old GL buffer.
      // Doubling: a moving pointer or a growing graph does not reallocate every time.
      const size = Math.max(floats, this.positions.length * 2);
      this.geometry.dispose();
      this.geometry = new BufferGeometry();
      this.object.geometry = this.geometry;
      this.positions = new Float32Array(size);
      this.geometry.setAttribute("position", new BufferAttribute(this.positions, 3));
      // One-colour lines too (white): every line shares one program (see lineMaterial).
      const colors = new Float32Array(size);
      if (this.vertexColors) this.colors = colors;
      else colors.fill(1);
      this.geometry.setAttribute("color", new BufferAttribute(colors, 3));
    }
    this.count = segments;
    this.object.visible = segments > 0;
    if (segments > 0) write(this.positions, this.colors);
    this.geometry.setDrawRange(0, segments * 2);
    this.changed(true);
  }

  /** Rewrites the per-vertex colours of the segments drawn now (a new theme). */
  recolor(write: (colors: Float32Array) => void): void {
    if (!this.colors || this.count === 0) return;
    write(this.colors);
    this.changed(false);
  }

  /** One colour for every segment (a line buffer made with `color`). */
  setColor(hex: number): void {
    this.material.color.setHex(hex);
  }

  /** Draws nothing and frees the buffer (GPU and memory) until segments come again. */
  clear(): void {
    this.count = 0;
    this.object.visible = false;
    if (this.positions.length === 0) return;
    this.geometry.dispose();
    this.geometry = new BufferGeometry();
    this.object.geometry = this.geometry;
    this.positions = new Float32Array(0);
    this.colors = null;
  }

  private changed(positions: boolean): void {
    const position = this.geometry.getAttribute("position");
    if (positions && position) position.needsUpdate = true;
    const color = this.geometry.getAttribute("color");
    if (color && this.vertexColors) color.needsUpdate = true;
  }

  dispose(): void {
    this.object.removeFromParent();
    this.geometry.dispose();
    this.material.dispose();
  }
}
