/**
 * Many small units of one shape in one mesh, each coloured on its own: a dense layer's
 * neurons. One merged geometry with a colour per vertex, not an InstancedMesh: on a
 * software GPU (SwiftShader) every instance of an instanced draw costs its own set-up,
 * and VGG16's 34,000 neurons took half a second of its first frame that way; merged,
 * they are one ordinary draw. Units of a layer of more than FLAT_UNITS keep only their
 * front and back faces: a few pixels wide wherever the whole grid is in view, their
 * sides would be under a pixel. Units are drawn unlit: each vertex's colour is the
 * unit's times its face's shade (render/shading.ts).
 */

import {
  BoxGeometry,
  BufferAttribute,
  BufferGeometry,
  type Color,
  type Intersection,
  type Material,
  Mesh,
} from "three";

import { writeShades } from "./shading";

export const FLAT_UNITS = 2048;

/** One unit of side `s` as triangles (no index): a cube, or its front and back faces only. */
export function unitGeometry(s: number, units: number): BufferGeometry {
  const box = new BoxGeometry(s, s, s);
  // BoxGeometry's faces come as +x, -x, +y, -y, +z, -z, six indices each.
  const index = box.getIndex();
  if (units > FLAT_UNITS && index) box.setIndex(Array.from(index.array.slice(24, 36)));
  const triangles = box.toNonIndexed();
  box.dispose();
  return triangles;
}

export class UnitGrid {
  readonly mesh: Mesh;
  private readonly geometry: BufferGeometry;
  private readonly colors: Float32Array;
  /** Each vertex's shade (three equal floats), which `setColor` multiplies in. */
  private readonly shades: Float32Array;
  /** Vertices per unit. */
  private readonly stride: number;

  /** `count` units of side `side`, unit i centred at `centre(i)` (z = 0). */
  constructor(count: number, side: number, centre: (i: number) => [number, number], material: Material) {
    const unit = unitGeometry(side, count);
    const from = unit.getAttribute("position").array as Float32Array;
    const normals = unit.getAttribute("normal").array as Float32Array;
    this.stride = from.length / 3;
    const positions = new Float32Array(count * from.length);
    // Axis-aligned unit normals are exact as bytes: a quarter of the memory.
    const normal = new Int8Array(count * from.length);
    const normalBytes = Int8Array.from(normals, (n) => Math.round(n * 127));
    for (let i = 0; i < count; i++) {
      const [x, y] = centre(i);
      const at = i * from.length;
      for (let k = 0; k < from.length; k += 3) {
        positions[at + k] = from[k] + x;
        positions[at + k + 1] = from[k + 1] + y;
        positions[at + k + 2] = from[k + 2];
      }
      normal.set(normalBytes, at);
    }
    unit.dispose();
    this.shades = new Float32Array(from.length);
    writeShades(normals, this.shades);
    this.colors = new Float32Array(count * from.length);
    this.geometry = new BufferGeometry();
    this.geometry.setAttribute("position", new BufferAttribute(positions, 3));
    this.geometry.setAttribute("normal", new BufferAttribute(normal, 3, true));
    this.geometry.setAttribute("color", new BufferAttribute(this.colors, 3));
    this.geometry.computeBoundingSphere();
    this.mesh = new Mesh(this.geometry, material);
  }

  /** Colours unit `i` (linear RGB, as Color holds it), shaded; `commit` sends the colours. */
  setColor(i: number, color: Color): void {
    const c = this.colors;
    const shades = this.shades;
    const first = i * this.stride;
    for (let k = 0; k < this.stride; k++) {
      const s = shades[k * 3];
      const v = (first + k) * 3;
      c[v] = color.r * s;
      c[v + 1] = color.g * s;
      c[v + 2] = color.b * s;
    }
  }

  commit(): void {
    (this.geometry.getAttribute("color") as BufferAttribute).needsUpdate = true;
  }

  /** The unit a raycast hit on `mesh` landed on, or null. */
  unitAt(hit: Intersection): number | null {
    if (hit.object !== this.mesh || hit.faceIndex === undefined || hit.faceIndex === null) return null;
    return Math.floor((hit.faceIndex * 3) / this.stride);
  }

  dispose(): void {
    this.geometry.dispose();
  }
}
