/**
 * Which layer is under the pointer. Each visible layer's pick box is first tested
 * cheaply by its bounding sphere against the ray; only the layers the ray passes near
 * are raycast, nearest first.
 */

import { Raycaster, Sphere, Vector2, Vector3, type Camera, type Mesh } from "three";

import type { LayerVisual } from "../visuals";

export interface Pick {
  visual: LayerVisual;
  /** Set up for the pointer, for the visual's own value look-up. */
  raycaster: Raycaster;
}

/** The world-space sphere around a unit box proxy scaled and placed by its matrixWorld. */
function proxySphere(proxy: Mesh, out: Sphere): Sphere {
  const e = proxy.matrixWorld.elements;
  out.center.set(e[12], e[13], e[14]);
  // Half the diagonal of the transformed unit box (the columns are its scaled axes).
  const sx = e[0] * e[0] + e[1] * e[1] + e[2] * e[2];
  const sy = e[4] * e[4] + e[5] * e[5] + e[6] * e[6];
  const sz = e[8] * e[8] + e[9] * e[9] + e[10] * e[10];
  out.radius = 0.5 * Math.sqrt(sx + sy + sz);
  return out;
}

export class Picker {
  private readonly raycaster = new Raycaster();
  private readonly ndc = new Vector2();
  private readonly sphere = new Sphere();
  private readonly near = new Vector3();
  /** Reused between picks: the candidates that passed the sphere test. */
  private readonly candidates: Mesh[] = [];
  private readonly byProxy = new Map<Mesh, LayerVisual>();
  /** Layers raycast by the last pick (after the sphere test), for tests. */
  lastTested = 0;

  constructor(
    private readonly camera: Camera,
    private readonly canvas: HTMLElement,
  ) {}

  /** The visual under client (viewport) coordinates, or null. World matrices must be current. */
  pick(clientX: number, clientY: number, visuals: Iterable<LayerVisual>): Pick | null {
    const rect = this.canvas.getBoundingClientRect();
    if (rect.width <= 0 || rect.height <= 0) return null;
    this.ndc.set(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(this.ndc, this.camera);
    const ray = this.raycaster.ray;
    const candidates = this.candidates;
    const byProxy = this.byProxy;
    candidates.length = 0;
    byProxy.clear();
    for (const v of visuals) {
      if (!v.group.visible) continue;
      if (ray.intersectSphere(proxySphere(v.pickProxy, this.sphere), this.near) === null) continue;
      candidates.push(v.pickProxy);
      byProxy.set(v.pickProxy, v);
    }
    this.lastTested = candidates.length;
    if (candidates.length === 0) return null;
    // Proxies are hidden meshes: the raycast still tests them (it ignores `visible`).
    const hit = this.raycaster.intersectObjects(candidates, false)[0];
    candidates.length = 0;
    if (!hit) {
      byProxy.clear();
      return null;
    }
    const visual = byProxy.get(hit.object as Mesh);
    byProxy.clear();
    return visual ? { visual, raycaster: this.raycaster } : null;
  }
}
