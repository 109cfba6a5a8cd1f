/**
 * Where things in the scene land on the page, in client (viewport) coordinates: a
 * layer's box, a point on a layer, one of its elements, any world point. For the test
 * API and benchmarks; nothing here draws.
 */

import { Vector3, type Camera } from "three";

import type { Layout, NodeLayout } from "../layout";
import type { LayerVisual } from "../visuals/types";
import { WeightsVisual } from "../visuals/weights";
import { elementPoint } from "./relations";

export interface ClientPoint {
  x: number;
  y: number;
}

export interface ClientBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** What the projection needs of the canvas: where it is on the page. */
export interface ClientRectSource {
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
}

/** The layers whose places are asked for. */
export interface LayerPlaces {
  /** The view's layer visuals by id (its live map, read here). */
  visuals: ReadonlyMap<string, LayerVisual>;
  /** The layout drawn now (mid-tween while animating), null without a model. */
  shown(): Layout | null;
}

export class ScreenGeometry {
  private readonly tmp = new Vector3();

  constructor(
    private readonly camera: Camera,
    private readonly canvas: ClientRectSource,
    private readonly layers: LayerPlaces,
  ) {}

  /** Client rectangle of a layer's box as drawn now (its eight corners projected), or null. */
  layerBox(id: string): ClientBox | null {
    const n = this.layers.shown()?.nodes.get(id);
    return n ? this.box(n) : null;
  }

  /** Client coordinates of a point on a layer's visual (where picking hits it), or null. */
  layerPoint(id: string): ClientPoint | null {
    const visual = this.layers.visuals.get(id);
    return visual ? this.point(visual.focusPoint(new Vector3())) : null;
  }

  /** Client coordinates of the middle of element `index` of a layer (as elementAt indexes it), or null. */
  elementPoint(id: string, index: readonly number[]): ClientPoint | null {
    const visual = this.layers.visuals.get(id);
    const point = visual ? elementPoint(visual, index) : null;
    return point ? this.point(point) : null;
  }

  /** Client coordinates of one weight of a layer showing its weights, or null. */
  weightPoint(id: string, role: "kernel" | "bias", index: readonly number[]): ClientPoint | null {
    const visual = this.layers.visuals.get(id);
    const point = visual instanceof WeightsVisual ? visual.weightPoint(role, index, new Vector3()) : null;
    return point ? this.point(point) : null;
  }

  /** Client coordinates of a world point, or null when it is in front of the near or behind the far plane. */
  point(world: Vector3): ClientPoint | null {
    this.camera.updateMatrixWorld();
    const p = this.tmp.copy(world).project(this.camera);
    if (p.z < -1 || p.z > 1) return null;
    const rect = this.canvas.getBoundingClientRect();
    return { x: rect.left + ((p.x + 1) / 2) * rect.width, y: rect.top + ((1 - p.y) / 2) * rect.height };
  }

  /** Client rectangle of a layout box (its eight corners projected), or null when a corner is off the depth range. */
  box(n: Pick<NodeLayout, "position" | "size">): ClientBox | null {
    this.camera.updateMatrixWorld();
    const rect = this.canvas.getBoundingClientRect();
    return this.project(n, rect.left, rect.top, rect.width, rect.height);
  }

  /**
   * Every layer's box as drawn now, in the canvas's own pixels (0..width, 0..height:
   * the label overlay's), skipping boxes that reach off the depth range.
   */
  canvasBoxes(width: number, height: number): Array<ClientBox & { owner: string }> {
    const layout = this.layers.shown();
    if (!layout) return [];
    this.camera.updateMatrixWorld();
    const out: Array<ClientBox & { owner: string }> = [];
    for (const [id, n] of layout.nodes) {
      const b = this.project(n, 0, 0, width, height);
      if (b) out.push({ owner: id, ...b });
    }
    return out;
  }

  private project(
    n: Pick<NodeLayout, "position" | "size">,
    left: number,
    top: number,
    width: number,
    height: number,
  ): ClientBox | null {
    const out = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    const p = this.tmp;
    for (const sx of [-1, 1]) {
      for (const sy of [-1, 1]) {
        for (const sz of [-1, 1]) {
          p.set(
            n.position.x + (sx * n.size.w) / 2,
            n.position.y + (sy * n.size.h) / 2,
            n.position.z + (sz * n.size.d) / 2,
          ).project(this.camera);
          if (p.z < -1 || p.z > 1) return null;
          const cx = left + ((p.x + 1) / 2) * width;
          const cy = top + ((1 - p.y) / 2) * height;
          out.x0 = Math.min(out.x0, cx);
          out.x1 = Math.max(out.x1, cx);
          out.y0 = Math.min(out.y0, cy);
          out.y1 = Math.max(out.y1, cy);
        }
      }
    }
    return out;
  }
}
