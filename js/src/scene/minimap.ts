/**
 * The overview: a small SVG drawing in the view's corner (SVG, not a canvas: the
 * view's one canvas stays the only one, and it is redrawn only in the parts that
 * change) that draws the whole model from
 * its layout (each layer's front face, the plane z = 0, seen from the front; edges as
 * their routes), the layers find marked, the focused layer, and the camera's view as the
 * quadrilateral where the view's corners meet that plane. A click (or a drag) on it moves
 * the camera there, keeping its direction and distance (`panTo`). Redrawn with each frame
 * of the view; hidden in views too small to spare the room.
 */

import { Vector3, type PerspectiveCamera } from "three";

import type { Bounds, Layout } from "../layout";
import type { Rect } from "../render/labels";
import type { Palette } from "../render/palette";

/** CSS pixels of the overview. */
export const MINIMAP_WIDTH = 180;
/** Its distance from the view's left and bottom edges, and its border (style.ts draws them). */
export const MINIMAP_MARGIN = 10;
export const MINIMAP_BORDER = 1;
export const MINIMAP_HEIGHT = 96;
const PAD = 6;
/** The overview is as tall as the model's shape needs (a long chain: a strip), at least this. */
export const MINIMAP_MIN_HEIGHT = 30;
/** Views smaller than this (CSS pixels) show no overview. */
export const MINIMAP_MIN_VIEW = { width: 480, height: 260 };

/** World (x, y) to overview pixels: x right, y up in the world, down on the canvas. */
export interface MapFrame {
  scale: number;
  /** The world point drawn at the overview's centre. */
  cx: number;
  cy: number;
  width: number;
  height: number;
}

export function mapFrame(bounds: Bounds, width: number, height: number, pad = PAD): MapFrame {
  const w = Math.max(1e-6, bounds.max.x - bounds.min.x);
  const h = Math.max(1e-6, bounds.max.y - bounds.min.y);
  const scale = Math.min((width - 2 * pad) / w, (height - 2 * pad) / h);
  return {
    scale: Math.max(1e-6, scale),
    cx: (bounds.min.x + bounds.max.x) / 2,
    cy: (bounds.min.y + bounds.max.y) / 2,
    width,
    height,
  };
}

/** The overview's height in CSS pixels for a model of `bounds`: its shape at MINIMAP_WIDTH, within limits. */
export function mapHeight(bounds: Bounds, width = MINIMAP_WIDTH, pad = PAD): number {
  const w = Math.max(1e-6, bounds.max.x - bounds.min.x);
  const h = Math.max(0, bounds.max.y - bounds.min.y);
  const fit = (width - 2 * pad) * (h / w) + 2 * pad;
  return Math.round(Math.min(MINIMAP_HEIGHT, Math.max(MINIMAP_MIN_HEIGHT, fit)));
}

export function toMap(f: MapFrame, x: number, y: number): [number, number] {
  return [f.width / 2 + (x - f.cx) * f.scale, f.height / 2 - (y - f.cy) * f.scale];
}

export function fromMap(f: MapFrame, px: number, py: number): [number, number] {
  return [f.cx + (px - f.width / 2) / f.scale, f.cy - (py - f.height / 2) / f.scale];
}

/**
 * Where the rays through the view's four corners meet the plane z = 0, as world (x, y),
 * in the order bottom left, bottom right, top right, top left. A ray that never meets
 * the plane (it points away from it) stops at the camera's far distance.
 */
export function viewFootprint(camera: PerspectiveCamera): Array<[number, number]> {
  camera.updateMatrixWorld();
  const origin = camera.position;
  const corners: Array<[number, number]> = [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ];
  const point = new Vector3();
  return corners.map(([nx, ny]) => {
    const dir = point.set(nx, ny, 0.5).unproject(camera).sub(origin).normalize();
    const t = Math.abs(dir.z) > 1e-9 ? -origin.z / dir.z : Number.POSITIVE_INFINITY;
    const reach = t > 0 && Number.isFinite(t) ? Math.min(t, camera.far) : camera.far;
    return [origin.x + dir.x * reach, origin.y + dir.y * reach];
  });
}

const SVG = "http://www.w3.org/2000/svg";
const hex = (n: number): string => `#${n.toString(16).padStart(6, "0")}`;
const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : "0");

export interface MinimapHooks {
  /** The layout drawn now (mid-tween while animating). */
  layout(): Layout | null;
  camera: PerspectiveCamera;
  /** Move the camera to look at world (x, y) on the model's plane, animated or at once. */
  panTo(x: number, y: number, animate: boolean): void;
}

export class Minimap {
  readonly element: SVGSVGElement;
  private readonly edges: SVGPathElement;
  private readonly nodes: SVGPathElement;
  private readonly matched: SVGPathElement;
  private readonly focus: SVGPathElement;
  private readonly view: SVGPolygonElement;
  private frame: MapFrame | null = null;
  /** What the layer paths were drawn for (redrawn when one changes). */
  private drawnLayout: Layout | null = null;
  private marksChanged = true;
  private matches: string[] = [];
  private focused: string | null = null;
  private connected = false;
  private dragging = false;

  constructor(
    private readonly container: HTMLElement,
    palette: Palette,
    private readonly hooks: MinimapHooks,
  ) {
    const make = <K extends keyof SVGElementTagNameMap>(tag: K): SVGElementTagNameMap[K] =>
      document.createElementNS(SVG, tag);
    this.element = make("svg");
    this.element.setAttribute("class", "ls-minimap");
    this.element.setAttribute("width", String(MINIMAP_WIDTH));
    this.element.setAttribute("height", String(MINIMAP_HEIGHT));
    this.element.setAttribute("viewBox", `0 0 ${MINIMAP_WIDTH} ${MINIMAP_HEIGHT}`);
    this.element.setAttribute("role", "img");
    this.element.setAttribute("aria-label", "Overview of the whole model; click to move the view there");
    this.edges = make("path");
    this.nodes = make("path");
    this.matched = make("path");
    this.focus = make("path");
    this.view = make("polygon");
    this.edges.setAttribute("fill", "none");
    this.edges.setAttribute("stroke-width", "0.75");
    this.view.setAttribute("stroke-width", "1.25");
    this.view.setAttribute("fill-opacity", "0.08");
    this.element.append(this.edges, this.nodes, this.matched, this.focus, this.view);
    this.element.style.display = "none";
    this.setTheme(palette);
    container.appendChild(this.element);
  }

  connect(): void {
    if (this.connected) return;
    this.connected = true;
    this.element.addEventListener("pointerdown", this.onDown);
    this.element.addEventListener("pointermove", this.onMove);
    this.element.addEventListener("pointerup", this.onUp);
  }

  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.element.removeEventListener("pointerdown", this.onDown);
    this.element.removeEventListener("pointermove", this.onMove);
    this.element.removeEventListener("pointerup", this.onUp);
  }

  setTheme(palette: Palette): void {
    this.edges.setAttribute("stroke", hex(palette.edge));
    this.nodes.setAttribute("fill", hex(palette.stackLine));
    this.matched.setAttribute("fill", hex(palette.accent));
    this.focus.setAttribute("fill", hex(palette.highlight));
    this.focus.setAttribute("stroke", hex(palette.accent));
    this.focus.setAttribute("stroke-width", "0.75");
    this.view.setAttribute("stroke", hex(palette.accent));
    this.view.setAttribute("fill", hex(palette.accent));
  }

  setMarks(matches: readonly string[], focused: string | null): void {
    this.matches = [...matches];
    this.focused = focused;
    this.marksChanged = true;
  }

  /**
   * Where the overview lies over a view `viewHeight` pixels tall, in the view's own
   * pixels (its border included), or null when it is not shown: labels keep clear of it.
   */
  panelRect(viewHeight: number): Rect | null {
    if (!this.shown) return null;
    const height = Number(this.element.getAttribute("height")) || MINIMAP_HEIGHT;
    const outer = MINIMAP_BORDER * 2;
    const y1 = viewHeight - MINIMAP_MARGIN;
    return { x0: MINIMAP_MARGIN, y0: y1 - height - outer, x1: MINIMAP_MARGIN + MINIMAP_WIDTH + outer, y1 };
  }

  /** Whether the overview is on screen (a model is shown and the view is big enough). */
  get shown(): boolean {
    return this.element.style.display !== "none";
  }

  /** Client coordinates where layer `id` is drawn on the overview (null: not drawn). */
  clientPoint(id: string): { x: number; y: number } | null {
    const n = this.hooks.layout()?.nodes.get(id);
    if (!n || !this.frame || !this.shown) return null;
    const [px, py] = toMap(this.frame, n.position.x, n.position.y);
    const rect = this.element.getBoundingClientRect();
    return { x: rect.left + px, y: rect.top + py };
  }

  /** Redraws the overview for the layout and camera of this frame (the layers only when they moved). */
  draw(): void {
    const layout = this.hooks.layout();
    const big =
      this.container.clientWidth >= MINIMAP_MIN_VIEW.width && this.container.clientHeight >= MINIMAP_MIN_VIEW.height;
    const show = Boolean(layout && layout.nodes.size > 0 && big);
    const display = show ? "" : "none";
    if (this.element.style.display !== display) this.element.style.display = display;
    if (!show || !layout) {
      this.frame = null;
      this.drawnLayout = null;
      return;
    }
    if (layout !== this.drawnLayout || this.marksChanged) {
      this.drawLayers(layout);
      this.drawnLayout = layout;
      this.marksChanged = false;
    }
    const frame = this.frame;
    if (!frame) return;
    const quad = viewFootprint(this.hooks.camera).map(([x, y]) => toMap(frame, x, y));
    this.view.setAttribute("points", quad.map(([x, y]) => `${f1(x)},${f1(y)}`).join(" "));
  }

  private drawLayers(layout: Layout): void {
    const height = mapHeight(layout.bounds);
    if (this.element.getAttribute("height") !== String(height)) {
      this.element.setAttribute("height", String(height));
      this.element.setAttribute("viewBox", `0 0 ${MINIMAP_WIDTH} ${height}`);
    }
    const frame = mapFrame(layout.bounds, MINIMAP_WIDTH, height);
    this.frame = frame;
    const edges: string[] = [];
    for (const e of layout.edges) {
      e.points.forEach((pt, i) => {
        const [x, y] = toMap(frame, pt.x, pt.y);
        edges.push(`${i === 0 ? "M" : "L"}${f1(x)} ${f1(y)}`);
      });
    }
    this.edges.setAttribute("d", edges.join(""));
    const rects = (ids: Iterable<string>, grow: number): string => {
      const out: string[] = [];
      for (const id of ids) {
        const n = layout.nodes.get(id);
        if (!n) continue;
        const [x, y] = toMap(frame, n.position.x, n.position.y);
        const w = Math.max(1.5, n.size.w * frame.scale) + grow;
        const h = Math.max(1.5, n.size.h * frame.scale) + grow;
        out.push(`M${f1(x - w / 2)} ${f1(y - h / 2)}h${f1(w)}v${f1(h)}h${f1(-w)}z`);
      }
      return out.join("");
    };
    this.nodes.setAttribute("d", rects(layout.order, 0));
    this.matched.setAttribute("d", rects(this.matches, 1));
    this.focus.setAttribute("d", this.focused ? rects([this.focused], 3) : "");
  }

  private worldAt(event: PointerEvent): [number, number] | null {
    if (!this.frame) return null;
    const rect = this.element.getBoundingClientRect();
    return fromMap(this.frame, event.clientX - rect.left, event.clientY - rect.top);
  }

  // The overview's pointer events are its own: the 3D view under it neither orbits nor hovers.
  private readonly onDown = (event: PointerEvent): void => {
    event.stopPropagation();
    event.preventDefault();
    const at = this.worldAt(event);
    if (!at) return;
    this.dragging = true;
    this.element.setPointerCapture?.(event.pointerId);
    this.hooks.panTo(at[0], at[1], true);
  };

  private readonly onMove = (event: PointerEvent): void => {
    event.stopPropagation();
    if (!this.dragging || event.buttons === 0) return;
    const at = this.worldAt(event);
    if (at) this.hooks.panTo(at[0], at[1], false);
  };

  private readonly onUp = (event: PointerEvent): void => {
    event.stopPropagation();
    this.dragging = false;
    if (this.element.hasPointerCapture?.(event.pointerId)) this.element.releasePointerCapture(event.pointerId);
  };

  dispose(): void {
    this.disconnect();
    this.element.remove();
    this.frame = null;
    this.drawnLayout = null;
  }
}
