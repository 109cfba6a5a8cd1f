/**
 * The camera's framing of the model: the fitted 3/4 view (kept while the user has not
 * moved the camera, also across resizes and open/close tweens), the room kept for text
 * around the model, fly-to a layer and back. Owns the camera rig and its controls'
 * start/end listeners (`connect`/`disconnect`), like a three.js control.
 */

import { Vector3, type PerspectiveCamera } from "three";

import { boundsOf, hasUnitLabels, labelWidth, type Bounds, type Layout, type NodeLayout } from "../layout";
import { CameraRig, viewDirection, type ScreenMargins } from "../render/camera";

/** Pixels kept around the model's box for text: captions below, the output's badge above. */
export const CAPTION_MARGIN_PX = 36;
export const BADGE_MARGIN_PX = 30;
export const SIDE_MARGIN_PX = 20;
/** Pixels kept above the model for the captions of nested models' boxes. */
export const GROUP_MARGIN_PX = 24;
/** Share of the view a block the camera flies to fills (a breadcrumb's block). */
export const BLOCK_FILL = 0.75;
/** How long the overview's pan takes. */
export const PAN_DURATION_MS = 350;
/** Above a model with neither badge nor nested models. */
const PLAIN_TOP_PX = 8;

/**
 * The shape (width over height) the layout should have to fill a view of `width` x
 * `height` CSS pixels once the text margins are kept; null before the view has a size.
 */
export function layoutAspect(width: number, height: number): number | null {
  const w = width - 2 * SIDE_MARGIN_PX;
  const h = height - CAPTION_MARGIN_PX - BADGE_MARGIN_PX;
  if (!(w > 0) || !(h > 0) || !Number.isFinite(w / h)) return null;
  return w / h;
}

/** Pixels per character of a unit label ("versicolor 32.7%", 10 px font) and before it. */
export const UNIT_LABEL_CHAR_PX = 6;
export const UNIT_LABEL_PAD_PX = 8;
/** Characters a unit label adds for its score (" 100.0%"). */
const SCORE_CHARS = 7;

/**
 * What the fit frames of a layout: its bounds, but with each labelled output's room for
 * unit labels (world units sized for a far view, mostly empty up close) left out, and
 * the pixels those labels take on screen (0: none). The room is kept as a margin in
 * pixels instead, so that a small model is centred on what is drawn and its output's
 * labels still fit.
 */
export function drawnExtent(layout: Layout, labels: readonly string[] | null): { bounds: Bounds; labelPx: number } {
  if (!labels) return { bounds: layout.bounds, labelPx: 0 };
  let trimmed: Map<string, NodeLayout> | null = null;
  const room = labelWidth(labels);
  for (const [id, n] of layout.nodes) {
    if (!hasUnitLabels(n.node, labels) || n.weights || n.size.w <= room) continue;
    trimmed ??= new Map(layout.nodes);
    const w = n.size.w - room;
    trimmed.set(id, { ...n, position: { ...n.position, x: n.position.x - room / 2 }, size: { ...n.size, w } });
  }
  if (!trimmed) return { bounds: layout.bounds, labelPx: 0 };
  const longest = labels.reduce((m, l) => Math.max(m, l.length), 0);
  return {
    bounds: boundsOf(trimmed, layout.edges),
    labelPx: UNIT_LABEL_PAD_PX + UNIT_LABEL_CHAR_PX * (longest + SCORE_CHARS),
  };
}

/** A box drawn around some layers (a nested model's frame), corners as [x, y, z]. */
export interface FramedBox {
  min: readonly [number, number, number];
  max: readonly [number, number, number];
}

/** Room kept for text: the output's class badge above (`badge`), nested models' captions above (`groups`), layer captions below. */
export function screenMargins(badge: boolean, groups: boolean): ScreenMargins {
  const top = badge ? BADGE_MARGIN_PX : PLAIN_TOP_PX;
  return {
    top: groups ? Math.max(top, GROUP_MARGIN_PX) : top,
    bottom: CAPTION_MARGIN_PX,
    left: SIDE_MARGIN_PX,
    right: SIDE_MARGIN_PX,
  };
}

/** `bounds` grown to hold `boxes` (the same object when there are none). */
export function boundsWithBoxes(bounds: Bounds, boxes: readonly FramedBox[]): Bounds {
  if (boxes.length === 0) return bounds;
  const min = { ...bounds.min };
  const max = { ...bounds.max };
  for (const b of boxes) {
    min.x = Math.min(min.x, b.min[0]);
    min.y = Math.min(min.y, b.min[1]);
    min.z = Math.min(min.z, b.min[2]);
    max.x = Math.max(max.x, b.max[0]);
    max.y = Math.max(max.y, b.max[1]);
    max.z = Math.max(max.z, b.max[2]);
  }
  return { min, max };
}

/** What framing asks of the view around it. */
export interface FramingHooks {
  /** The layout of the open layers once tweens land (null: no model). */
  layout(): Layout | null;
  /** The view's size in CSS pixels now. */
  size(): { width: number; height: number };
  /** The boxes around nested models, which the fitted view holds too. */
  groupBoxes(): readonly FramedBox[];
  /** The layer whose labels go before all others (null: none). */
  setLabelFocus(id: string | null): void;
  /** The camera landed on a layer after `flyTo` (null: the focus was cleared). */
  onFocus?(id: string | null): void;
  requestRender(): void;
}

export class Framing {
  private readonly rig: CameraRig;
  /** The user moved the camera (or it flew to a layer): fits no longer follow the layout. */
  private userMoved = false;
  /** The layer the camera flies or flew to, until the user or a reset moves it away. */
  private focus: string | null = null;
  /** The model's class labels (an output badge above it, unit labels right of it), or null. */
  private labels: readonly string[] | null = null;
  private connected = false;
  /** The camera when a controls interaction began. */
  private readonly before = { position: new Vector3(), target: new Vector3() };

  constructor(
    dom: HTMLElement,
    private readonly hooks: FramingHooks,
  ) {
    this.rig = new CameraRig(dom, () => hooks.requestRender());
  }

  get camera(): PerspectiveCamera {
    return this.rig.camera;
  }

  /** Whether the user moved the camera away from the fitted view (or it flew to a layer). */
  get moved(): boolean {
    return this.userMoved;
  }

  /** The layer the camera flies or flew to (null: none). */
  get focused(): string | null {
    return this.focus;
  }

  connect(): void {
    if (this.connected) return;
    this.connected = true;
    this.rig.controls.addEventListener("start", this.onStart);
    this.rig.controls.addEventListener("end", this.onEnd);
  }

  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    this.rig.controls.removeEventListener("start", this.onStart);
    this.rig.controls.removeEventListener("end", this.onEnd);
  }

  // The user "moved" the camera when an interaction ends somewhere else than it began
  // (a plain click also starts and ends an interaction).
  private readonly onStart = (): void => {
    this.rig.cancelFlight();
    this.before.position.copy(this.rig.camera.position);
    this.before.target.copy(this.rig.controls.target);
  };

  private readonly onEnd = (): void => {
    const { position, target } = this.before;
    const eps = 1e-6 * (1 + position.length());
    if (position.distanceTo(this.rig.camera.position) > eps || target.distanceTo(this.rig.controls.target) > eps) {
      this.userMoved = true;
    }
  };

  /** A new model (or none): the focus is cleared; `labels`: its class labels (null or empty: none). */
  setModel(labels: readonly string[] | null): void {
    this.labels = labels && labels.length > 0 ? labels : null;
    this.setFocus(null);
  }

  /** Frames a newly built model from the 3/4 view, as if the user had not moved the camera. */
  frameModel(): void {
    this.userMoved = false;
    this.fit();
  }

  /** The layout moved (open/close tween): until the user moves the camera, it keeps the whole model in view. */
  follow(layout: Layout): void {
    if (!this.userMoved) this.fitTo(layout);
  }

  /** Back to the 3/4 view of the whole model (as it is laid out now). */
  reset(): void {
    this.userMoved = false;
    this.setFocus(null);
    this.fit();
    this.hooks.requestRender();
  }

  /** The view is `w` x `h` CSS pixels now; the fit follows unless the user moved the camera. */
  resize(w: number, h: number): void {
    this.rig.setViewSize(w, h);
    if (!this.userMoved) this.fit();
    this.hooks.requestRender();
  }

  /**
   * Flies the camera to frame one layer (animated unless `animate` is false); its
   * labels go first from then on. False for an id that is not in the layout.
   */
  flyTo(id: string, animate = true): boolean {
    const n = this.hooks.layout()?.nodes.get(id);
    if (!n) return false;
    const { x, y, z } = n.position;
    const { w, h, d } = n.size;
    const box: Bounds = {
      min: { x: x - w / 2, y: y - h / 2, z: z - d / 2 },
      max: { x: x + w / 2, y: y + h / 2, z: z + d / 2 },
    };
    const { width, height } = this.hooks.size();
    this.rig.setViewSize(width, height);
    this.rig.flyTo(box, this.margins(), performance.now(), animate ? undefined : 0);
    this.userMoved = true;
    this.focus = id;
    this.hooks.setLabelFocus(id);
    this.hooks.requestRender();
    return true;
  }

  /**
   * Flies to frame several layers together (a block of the breadcrumb), filling most of
   * the view; the focus is cleared (no one layer's labels go first). False when none of
   * them is in the layout.
   */
  flyToLayers(ids: readonly string[], animate = true): boolean {
    const layout = this.hooks.layout();
    const nodes = layout ? ids.map((id) => layout.nodes.get(id)).filter((n) => n !== undefined) : [];
    if (nodes.length === 0) return false;
    const min = { x: Infinity, y: Infinity, z: Infinity };
    const max = { x: -Infinity, y: -Infinity, z: -Infinity };
    for (const { position: p, size: s } of nodes) {
      min.x = Math.min(min.x, p.x - s.w / 2);
      min.y = Math.min(min.y, p.y - s.h / 2);
      min.z = Math.min(min.z, p.z - s.d / 2);
      max.x = Math.max(max.x, p.x + s.w / 2);
      max.y = Math.max(max.y, p.y + s.h / 2);
      max.z = Math.max(max.z, p.z + s.d / 2);
    }
    this.setFocus(null); // before the flight: clearing the focus cancels flights
    const { width, height } = this.hooks.size();
    this.rig.setViewSize(width, height);
    this.rig.flyTo({ min, max }, this.margins(), performance.now(), animate ? undefined : 0, BLOCK_FILL);
    this.userMoved = true;
    this.hooks.requestRender();
    return true;
  }

  /** Moves what the camera looks at to world (x, y), keeping its direction and distance (the overview's click). */
  panTo(x: number, y: number, animate = true): void {
    const target = this.rig.controls.target;
    const delta = new Vector3(x - target.x, y - target.y, 0);
    const to = { position: this.rig.camera.position.clone().add(delta), target: target.clone().add(delta) };
    this.rig.flyToPose(to, performance.now(), animate ? PAN_DURATION_MS : 0);
    this.userMoved = true;
    this.hooks.requestRender();
  }

  /** Moves the camera for this frame (flight, damping); true while the flight goes on. */
  step(now: number): boolean {
    let again = false;
    if (this.rig.flying) {
      if (this.rig.stepFlight(now)) again = true;
      else if (this.focus !== null) this.hooks.onFocus?.(this.focus);
    }
    this.rig.controls.update();
    return again;
  }

  private setFocus(id: string | null): void {
    if (id === null && this.focus === null) return;
    this.focus = id;
    this.hooks.setLabelFocus(id);
    if (id === null) this.rig.cancelFlight();
    this.hooks.onFocus?.(id);
  }

  private fit(): void {
    const layout = this.hooks.layout();
    if (!layout) return;
    const { width, height } = this.hooks.size();
    this.rig.setViewSize(width, height);
    this.fitTo(layout);
  }

  private fitTo(layout: Layout): void {
    const { bounds: drawn, labelPx } = drawnExtent(layout, this.labels);
    const bounds = boundsWithBoxes(drawn, this.hooks.groupBoxes());
    const margins = this.margins();
    margins.right = Math.max(margins.right, labelPx);
    this.rig.fit(bounds, margins, viewDirection(bounds, this.rig.camera.aspect, layout.rows ?? 1));
  }

  private margins(): ScreenMargins {
    return screenMargins(this.labels !== null, this.hooks.groupBoxes().length > 0);
  }

  dispose(): void {
    this.disconnect();
    this.rig.dispose();
  }
}
