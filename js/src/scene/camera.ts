/** Perspective camera + OrbitControls, fitted to the model from a 3/4 view. */

import { PerspectiveCamera, Vector3 } from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";

import type { Bounds } from "../layout";

/** From the target towards the camera: in front (+z), to the right (output side) and above. */
export const DEFAULT_VIEW = new Vector3(0.7, 0.4, 1).normalize();
export const FOV = 35;
/** For very long models, a more frontal view that uses the width of the view. */
export const LONG_VIEW = new Vector3(0.22, 0.3, 1).normalize();

/** In a narrow view, a view further round to the side, so that the model recedes. */
export const NARROW_VIEW = new Vector3(1.4, 0.45, 1).normalize();

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/**
 * The default view for a model of these bounds: the 3/4 view, turning towards the
 * front as the model gets longer than it is tall (x-extent over y-extent 8 → 30), and
 * further to the side in a narrow viewport (aspect 1.6 → 0.8).
 */
export function viewDirection(bounds: Bounds, aspect = 2): Vector3 {
  const length = bounds.max.x - bounds.min.x;
  const height = Math.max(1e-6, bounds.max.y - bounds.min.y);
  const long = clamp01((length / height - 8) / 22);
  const narrow = clamp01((1.6 - aspect) / 0.8);
  return DEFAULT_VIEW.clone().lerp(LONG_VIEW, long).lerp(NARROW_VIEW, narrow * (1 - long)).normalize();
}

export class CameraRig {
  readonly camera: PerspectiveCamera;
  readonly controls: OrbitControls;
  private bounds: Bounds | null = null;

  constructor(dom: HTMLElement, onChange: () => void) {
    this.camera = new PerspectiveCamera(FOV, 1, 0.1, 1000);
    this.camera.position.copy(DEFAULT_VIEW).multiplyScalar(30);
    this.controls = new OrbitControls(this.camera, dom);
    this.controls.enableDamping = true;
    this.controls.dampingFactor = 0.15;
    this.controls.screenSpacePanning = true;
    this.controls.zoomToCursor = true;
    this.controls.addEventListener("change", onChange);
  }

  setAspect(aspect: number): void {
    this.camera.aspect = aspect > 0 && Number.isFinite(aspect) ? aspect : 1;
    this.camera.updateProjectionMatrix();
  }

  /** Frames `bounds` from `direction` (target → camera) so that all of it is in view. */
  fit(bounds: Bounds, direction: Vector3 = viewDirection(bounds, this.camera.aspect), margin = 1.06): void {
    this.bounds = bounds;
    const dir = direction.clone().normalize();
    const worldUp = new Vector3(0, 1, 0);
    const right = new Vector3().crossVectors(worldUp, dir).normalize();
    const up = new Vector3().crossVectors(dir, right).normalize();
    const { min, max } = bounds;
    const corners: Vector3[] = [];
    for (const x of [min.x, max.x]) for (const y of [min.y, max.y]) for (const z of [min.z, max.z]) corners.push(new Vector3(x, y, z));
    const centre = new Vector3((min.x + max.x) / 2, (min.y + max.y) / 2, (min.z + max.z) / 2);

    // Re-centre on the box's extent across the view, then back off until every corner fits.
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const c of corners) {
      const p = c.clone().sub(centre);
      x0 = Math.min(x0, p.dot(right));
      x1 = Math.max(x1, p.dot(right));
      y0 = Math.min(y0, p.dot(up));
      y1 = Math.max(y1, p.dot(up));
    }
    const target = centre.clone().addScaledVector(right, (x0 + x1) / 2).addScaledVector(up, (y0 + y1) / 2);
    const tanV = Math.tan(((this.camera.fov / 2) * Math.PI) / 180);
    const tanH = tanV * this.camera.aspect;
    let dist = 1;
    for (const c of corners) {
      const p = c.clone().sub(target);
      const depth = p.dot(dir);
      dist = Math.max(dist, depth + Math.abs(p.dot(right)) / tanH, depth + Math.abs(p.dot(up)) / tanV);
    }
    dist *= margin;
    const size = new Vector3(max.x - min.x, max.y - min.y, max.z - min.z).length();
    this.camera.near = Math.max(0.01, dist / 200);
    this.camera.far = dist * 4 + size * 4;
    this.camera.position.copy(target).addScaledVector(dir, dist);
    this.camera.up.set(0, 1, 0);
    this.camera.updateProjectionMatrix();
    this.controls.target.copy(target);
    this.controls.minDistance = Math.max(0.5, size * 0.02);
    this.controls.maxDistance = dist * 6;
    this.controls.update();
  }

  /** Back to the fitted 3/4 view of the last bounds (or of `bounds` when given). */
  reset(bounds?: Bounds): void {
    const b = bounds ?? this.bounds;
    if (b) this.fit(b);
  }

  dispose(): void {
    this.controls.dispose();
  }
}
