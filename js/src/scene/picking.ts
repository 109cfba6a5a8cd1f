/** Which layer is under the pointer: a ray against each layer's pick box, nearest first. */

import { Raycaster, Vector2, type Camera, type Mesh } from "three";

import type { LayerVisual } from "../layers";

export interface Pick {
  visual: LayerVisual;
  /** Set up for the pointer, for the visual's own value look-up. */
  raycaster: Raycaster;
}

export class Picker {
  private readonly raycaster = new Raycaster();
  private readonly ndc = new Vector2();

  constructor(
    private readonly camera: Camera,
    private readonly canvas: HTMLElement,
  ) {}

  /** The visual under client (viewport) coordinates, or null. */
  pick(clientX: number, clientY: number, visuals: Iterable<LayerVisual>): Pick | null {
    const rect = this.canvas.getBoundingClientRect();
    if (rect.width <= 0 || rect.height <= 0) return null;
    this.ndc.set(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.raycaster.setFromCamera(this.ndc, this.camera);
    const proxies: Mesh[] = [];
    const byProxy = new Map<Mesh, LayerVisual>();
    for (const v of visuals) {
      if (!v.group.visible) continue;
      proxies.push(v.pickProxy);
      byProxy.set(v.pickProxy, v);
    }
    // Proxies are hidden meshes: the raycast still tests them (it ignores `visible`).
    const hit = this.raycaster.intersectObjects(proxies, false)[0];
    if (!hit) return null;
    const visual = byProxy.get(hit.object as Mesh);
    return visual ? { visual, raycaster: this.raycaster } : null;
  }
}
