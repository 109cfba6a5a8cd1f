/**
 * Light baked into vertex colours. Every solid in the scene is an axis-aligned box or a
 * plane, so lighting is one factor per face; drawing them unlit (MeshBasicMaterial with
 * vertexColors) with those factors in the colour attribute gives the picture a lit
 * material would, without its shader. On a software GPU (SwiftShader) each distinct
 * shader program costs tens of milliseconds to link before the first frame, and the
 * lit materials were two of them (three of VGG16's eight).
 *
 * The factors are those of the lights the scene used to hold (white ambient 0.65 and a
 * white sun 0.45 from SUN_DIRECTION) under three.js's Lambert model: the diffuse colour
 * times (ambient + sun · max(0, n·l)) / π, in linear RGB.
 */

import { BoxGeometry, BufferAttribute, type BufferGeometry, MeshBasicMaterial, PlaneGeometry, Vector3 } from "three";

export const AMBIENT = 0.65;
export const SUN = 0.45;
export const SUN_DIRECTION = new Vector3(0.3, 0.6, 1).normalize();

/** What a face whose (world) normal is (x, y, z) reflects of its colour. */
export function shade(x: number, y: number, z: number): number {
  const dot = x * SUN_DIRECTION.x + y * SUN_DIRECTION.y + z * SUN_DIRECTION.z;
  return (AMBIENT + SUN * Math.max(0, dot)) / Math.PI;
}

/** Writes each vertex's shade (from its normal) into `out`, three floats a vertex. */
export function writeShades(normals: ArrayLike<number>, out: Float32Array, scale = 1): void {
  for (let i = 0; i + 2 < normals.length; i += 3) {
    const s = shade(normals[i] * scale, normals[i + 1] * scale, normals[i + 2] * scale);
    out[i] = out[i + 1] = out[i + 2] = s;
  }
}

/** A unit box whose colour attribute is its faces' shades. */
export function shadedBox(): BoxGeometry {
  const box = new BoxGeometry(1, 1, 1);
  const normals = box.getAttribute("normal").array;
  const colors = new Float32Array(normals.length);
  writeShades(normals, colors);
  box.setAttribute("color", new BufferAttribute(colors, 3));
  return box;
}

/**
 * A w x h plane seen from both sides, unlit (white vertex colours): its back is drawn
 * by triangles of its own rather than by DoubleSide, so that it shares the program of
 * the shaded boxes.
 */
export function twoSidedPlane(w: number, h: number): BufferGeometry {
  const plane = new PlaneGeometry(w, h);
  const front = Array.from(plane.getIndex()?.array ?? []);
  const back: number[] = [];
  for (let t = 0; t < front.length; t += 3) back.push(front[t], front[t + 2], front[t + 1]);
  plane.setIndex([...front, ...back]);
  const count = plane.getAttribute("position").count;
  plane.setAttribute("color", new BufferAttribute(new Float32Array(count * 3).fill(1), 3));
  return plane;
}

/**
 * The material of every solid: unlit, its colour times the vertex colours. Opaque
 * solids all share one program; `opacity` below 1 makes a translucent one.
 */
export function solidMaterial(color: number, opacity = 1): MeshBasicMaterial {
  const translucent = opacity < 1 ? { transparent: true, opacity, depthWrite: false } : {};
  return new MeshBasicMaterial({ color, vertexColors: true, ...translucent });
}
