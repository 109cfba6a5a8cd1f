/** Perspective camera + OrbitControls, fitted to the model from a 3/4 view. */

import { PerspectiveCamera, Vector3 } from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";

import type { Bounds } from "../layout";
import { easeInOut } from "./easing";

/** From the target towards the camera: in front (+z), to the right (output side) and above. */
export const DEFAULT_VIEW = new Vector3(0.7, 0.4, 1).normalize();
export const FOV = 35;
/** For very long models, a more frontal view that uses the width of the view. */
export const LONG_VIEW = new Vector3(0.22, 0.3, 1).normalize();

/** For a model wrapped into rows: nearly frontal, so that the rows stay level and fill the view. */
export const WRAP_VIEW = new Vector3(0.1, 0.14, 1).normalize();

/** In a narrow view, a view further round to the side, so that the model recedes. */
export const NARROW_VIEW = new Vector3(1.4, 0.45, 1).normalize();

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/**
 * The default view for a model of these bounds: the 3/4 view, turning towards the
 * front as the model gets longer than it is tall (x-extent over y-extent 8 → 30), and
 * further to the side in a narrow viewport (aspect 1.6 → 0.8). A model wrapped into
 * `rows` > 1 rows is seen from the front: from the side, its rows would shear into a
 * parallelogram that fills the view far less.
 */
export function viewDirection(bounds: Bounds, aspect = 2, rows = 1): Vector3 {
  const length = bounds.max.x - bounds.min.x;
  const height = Math.max(1e-6, bounds.max.y - bounds.min.y);
  if (rows > 1) return WRAP_VIEW.clone();
  const long = clamp01((length / height - 8) / 22);
  const narrow = clamp01((1.6 - aspect) / 0.8);
  return DEFAULT_VIEW.clone()
    .lerp(LONG_VIEW, long)
    .lerp(NARROW_VIEW, narrow * (1 - long))
    .normalize();
}

/** Part of the view (per side, in CSS pixels) kept for text drawn around the model's box. */
export interface ScreenMargins {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface FitOptions {
  /** Vertical field of view in degrees. */
  fov: number;
  /** Width over height of the view. */
  aspect: number;
  /** Share of the view's width or height (whichever binds) the fitted box spans. */
  fill?: number;
  /** Room kept for text around the box (captions below, badges above), with the view's size in pixels. */
  margins?: ScreenMargins;
  viewWidth?: number;
  viewHeight?: number;
}

export interface CameraFit {
  position: Vector3;
  target: Vector3;
  /** From the camera to the target, along the view direction. */
  distance: number;
}

/** Share of the view the model fills by default (the rest is an even margin). */
export const FIT_FILL = 0.88;
/** Share of the view a layer the camera flies to fills: its neighbours stay in sight. */
export const FLY_FILL = 0.4;
export const FLY_DURATION_MS = 700;

/** Where the camera stands and what it looks at. */
export interface CameraPose {
  position: Vector3;
  target: Vector3;
}

/** The pose `t` (0..1, eased) of the way from `from` to `to`. */
export function flightPose(from: CameraPose, to: CameraPose, t: number): CameraPose {
  const e = easeInOut(Math.min(1, Math.max(0, t)));
  return {
    position: from.position.clone().lerp(to.position, e),
    target: from.target.clone().lerp(to.target, e),
  };
}

/**
 * Where a camera looking along -`direction` (world up +y) must stand so that the eight
 * corners of `bounds`, projected in perspective, fill the window
 * [-fill, fill] x [-fill, fill] of normalised device coordinates (less the text margins)
 * on the binding axis, centred in it on both axes. Pure: no camera is touched.
 *
 * In camera space (right r, up u, back d), a corner p is inside x <= s when
 * p.r - c.r <= s tan(hfov/2) (c.d - p.d): linear in the camera position c, so the
 * closest position is the smallest c.d that satisfies both sides of both axes;
 * the offsets across the view are then set by bisection so that the projection is
 * centred in its window.
 */
export function fitCamera(bounds: Bounds, direction: Vector3, options: FitOptions): CameraFit {
  const dir = direction.clone().normalize();
  const right = new Vector3().crossVectors(new Vector3(0, 1, 0), dir);
  if (right.lengthSq() < 1e-12) right.set(1, 0, 0);
  right.normalize();
  const up = new Vector3().crossVectors(dir, right).normalize();
  const { min, max } = bounds;
  const centre = new Vector3((min.x + max.x) / 2, (min.y + max.y) / 2, (min.z + max.z) / 2);
  // Corners relative to the centre, in the camera's axes: [across, up, towards the camera].
  const pts: Array<[number, number, number]> = [];
  for (const x of [min.x, max.x]) {
    for (const y of [min.y, max.y]) {
      for (const z of [min.z, max.z]) {
        const p = new Vector3(x, y, z).sub(centre);
        pts.push([p.dot(right), p.dot(up), p.dot(dir)]);
      }
    }
  }
  const fill = options.fill ?? FIT_FILL;
  const m = options.margins ?? { top: 0, bottom: 0, left: 0, right: 0 };
  const w = Math.max(1, options.viewWidth ?? 1);
  const h = Math.max(1, options.viewHeight ?? 1);
  const aspect = options.aspect > 0 && Number.isFinite(options.aspect) ? options.aspect : 1;
  const tanV = Math.tan(((options.fov / 2) * Math.PI) / 180);
  const tanH = tanV * aspect;
  // The window in NDC the box must stay inside; text margins never take more than half of it.
  const shrink = (lo: number, hi: number, a: number, b: number): [number, number] => {
    const room = hi - lo;
    const k = Math.min(1, (0.5 * room) / Math.max(1e-9, a + b));
    return [lo + a * k, hi - b * k];
  };
  const [x0, x1] = shrink(-fill, fill, (2 * m.left) / w, (2 * m.right) / w);
  const [y0, y1] = shrink(-fill, fill, (2 * m.bottom) / h, (2 * m.top) / h);

  // Smallest camera depth for one axis: window [lo, hi] of NDC, half-angle tangent t.
  const depthFor = (axis: 0 | 1, lo: number, hi: number, t: number): number => {
    const k1 = hi * t;
    const k0 = -lo * t;
    let a = -Infinity;
    let b = -Infinity;
    for (const p of pts) {
      a = Math.max(a, p[axis] + k1 * p[2]);
      b = Math.max(b, -p[axis] + k0 * p[2]);
    }
    return (a + b) / (k0 + k1);
  };
  const nearest = Math.max(...pts.map((p) => p[2]));
  const size = Math.hypot(max.x - min.x, max.y - min.y, max.z - min.z);
  const depth = Math.max(depthFor(0, x0, x1, tanH), depthFor(1, y0, y1, tanV), nearest + Math.max(0.5, size * 0.05));

  // Offset across one axis so that the projection is centred in [lo, hi].
  const centreAxis = (axis: 0 | 1, lo: number, hi: number, t: number): number => {
    const mid = (lo + hi) / 2;
    const imbalance = (c: number): number => {
      let pMax = -Infinity;
      let pMin = Infinity;
      for (const p of pts) {
        const v = (p[axis] - c) / ((depth - p[2]) * t);
        pMax = Math.max(pMax, v);
        pMin = Math.min(pMin, v);
      }
      return (pMax + pMin) / 2 - mid; // decreases as c grows
    };
    let a = -size - 1;
    let b = size + 1;
    for (let i = 0; i < 60; i++) {
      const c = (a + b) / 2;
      if (imbalance(c) > 0) a = c;
      else b = c;
    }
    return (a + b) / 2;
  };
  const cx = centreAxis(0, x0, x1, tanH);
  const cy = centreAxis(1, y0, y1, tanV);
  const target = centre.clone().addScaledVector(right, cx).addScaledVector(up, cy);
  return { position: target.clone().addScaledVector(dir, depth), target, distance: depth };
}

interface Flight {
  from: CameraPose;
  to: CameraPose;
  start: number;
  duration: number;
}

export class CameraRig {
  readonly camera: PerspectiveCamera;
  readonly controls: OrbitControls;
  private flight: Flight | null = null;
  private bounds: Bounds | null = null;
  private margins: ScreenMargins | undefined;
  private viewWidth = 1;
  private viewHeight = 1;

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

  /** The view's size in CSS pixels (sets the aspect). */
  setViewSize(width: number, height: number): void {
    this.viewWidth = width > 0 && Number.isFinite(width) ? width : 1;
    this.viewHeight = height > 0 && Number.isFinite(height) ? height : 1;
    this.setAspect(this.viewWidth / this.viewHeight);
  }

  setAspect(aspect: number): void {
    this.camera.aspect = aspect > 0 && Number.isFinite(aspect) ? aspect : 1;
    this.camera.updateProjectionMatrix();
  }

  /**
   * Frames `bounds` from `direction` (target → camera) so that it fills FIT_FILL of
   * the view on the binding axis, keeping `margins` (pixels) free for text around it.
   */
  fit(bounds: Bounds, margins?: ScreenMargins, direction: Vector3 = viewDirection(bounds, this.camera.aspect)): void {
    this.flight = null;
    this.bounds = bounds;
    this.margins = margins;
    const { position, target, distance } = fitCamera(bounds, direction, {
      fov: this.camera.fov,
      aspect: this.camera.aspect,
      margins,
      viewWidth: this.viewWidth,
      viewHeight: this.viewHeight,
    });
    const { min, max } = bounds;
    const size = new Vector3(max.x - min.x, max.y - min.y, max.z - min.z).length();
    this.camera.near = Math.max(0.01, distance / 200);
    this.camera.far = distance * 4 + size * 4;
    this.camera.position.copy(position);
    this.camera.up.set(0, 1, 0);
    this.camera.updateProjectionMatrix();
    this.controls.target.copy(target);
    this.controls.minDistance = Math.max(0.5, size * 0.02);
    this.controls.maxDistance = distance * 6;
    this.controls.update();
  }

  /**
   * Starts flying to frame `box` (one layer) from the 3/4 view, filling `fill` (FLY_FILL) of
   * the view; `stepFlight` moves the camera each frame until it lands.
   */
  flyTo(
    box: Bounds,
    margins?: ScreenMargins,
    now = performance.now(),
    duration = FLY_DURATION_MS,
    fill = FLY_FILL,
  ): CameraPose {
    const goal = fitCamera(box, DEFAULT_VIEW, {
      fov: this.camera.fov,
      aspect: this.camera.aspect,
      fill,
      margins: margins ?? this.margins,
      viewWidth: this.viewWidth,
      viewHeight: this.viewHeight,
    });
    // Close enough to a small layer: the fitted whole-model limits would stop short.
    this.camera.near = Math.min(this.camera.near, Math.max(0.005, goal.distance / 200));
    this.camera.far = Math.max(this.camera.far, goal.distance * 4);
    this.camera.updateProjectionMatrix();
    this.controls.minDistance = Math.min(this.controls.minDistance, goal.distance * 0.5);
    this.controls.maxDistance = Math.max(this.controls.maxDistance, goal.distance * 2);
    const to = { position: goal.position, target: goal.target };
    this.flight = {
      from: { position: this.camera.position.clone(), target: this.controls.target.clone() },
      to,
      start: now,
      duration: Math.max(0, duration),
    };
    return to;
  }

  /** Starts flying to `to` as it is (no fit): the overview's pan keeps direction and distance. */
  flyToPose(to: CameraPose, now = performance.now(), duration = FLY_DURATION_MS): void {
    this.flight = {
      from: { position: this.camera.position.clone(), target: this.controls.target.clone() },
      to: { position: to.position.clone(), target: to.target.clone() },
      start: now,
      duration: Math.max(0, duration),
    };
  }

  get flying(): boolean {
    return this.flight !== null;
  }

  /** The user took the controls: the camera stays where it is. */
  cancelFlight(): void {
    this.flight = null;
  }

  /** Moves the camera along its flight; true while the flight goes on after this frame. */
  stepFlight(now: number): boolean {
    const f = this.flight;
    if (!f) return false;
    const t = f.duration > 0 ? (now - f.start) / f.duration : 1;
    const pose = flightPose(f.from, f.to, t);
    this.camera.position.copy(pose.position);
    this.controls.target.copy(pose.target);
    this.camera.up.set(0, 1, 0);
    this.camera.lookAt(pose.target);
    if (t >= 1) {
      this.flight = null;
      return false;
    }
    return true;
  }

  /** Back to the fitted 3/4 view of the last bounds (or of `bounds` when given). */
  reset(bounds?: Bounds): void {
    const b = bounds ?? this.bounds;
    if (b) this.fit(b, this.margins);
  }

  dispose(): void {
    this.controls.dispose();
  }
}
