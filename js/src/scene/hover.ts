/**
 * The pointer over the scene: which layer (and element) it is on, what that reads
 * (relation lines), the tooltip that says so, and a click that opens or closes a layer.
 * Pointer moves are coalesced into one pick per animation frame. Owns its canvas
 * listeners and that frame (`connect`/`disconnect`), the picker, the relation lines
 * and the tooltip (`dispose`).
 */

import type { Camera, Scene } from "three";

import { differenceNote } from "../data/compare";
import type { Palette } from "../render/palette";
import type { GraphSpec } from "../spec";
import type { ElementHit, LayerVisual } from "../visuals/types";
import { describeLayer } from "./describe";
import { Picker, type Pick } from "./picking";
import { RelationLines, type HoverState, type Read } from "./relations";
import { Tooltip } from "./tooltip";

/** A press and release further apart than this (CSS pixels) is a drag, not a click. */
export const CLICK_SLOP_PX = 5;

/** Where hover works: the page elements, the scene and its layers. */
export interface HoverTargets {
  /** Holds the tooltip; its position is relative to this. */
  container: HTMLElement;
  /** Listened to for the pointer; its cursor shows what a click does. */
  canvas: HTMLCanvasElement;
  /** Holds the relation lines (and has its world matrices brought up to date for a pick). */
  scene: Scene;
  camera: Camera;
  palette: Palette;
  /** The view's layer visuals by id (its live map, read here, never changed). */
  visuals: ReadonlyMap<string, LayerVisual>;
}

export interface HoverHooks {
  /** The graph drawn now (null: none). */
  graph(): GraphSpec | null;
  isOpen(id: string): boolean;
  /** Whether `id` is a folded block (a click unfolds it). */
  unfolds?(id: string): boolean;
  /** The user clicked a layer that opens, or a folded block. */
  onClick(id: string): void;
  requestRender(): void;
  /** In a comparison: the values of a and b at `index` of layer `id` (null: not comparing, or not sent). */
  compareAt?(id: string, index: readonly number[]): { a: number[]; b: number[] } | null;
  /** Whether the payload drawn is a comparison (b − a). */
  comparing?(): boolean;
}

/** A layer that opens does not while it is drawn as its weights (opening would not show). */
export function clickOpens(visual: LayerVisual): boolean {
  return visual.canOpen && !visual.showingWeights;
}

type PointerType = "pointermove" | "pointerleave" | "pointerdown" | "pointerup";

export class Hover {
  private readonly picker: Picker;
  private readonly tooltip: Tooltip;
  private readonly relations: RelationLines;
  private hovered: LayerVisual | null = null;
  /** The hovered element, and the key (layer, element, layout) its relation lines were drawn for. */
  private hoveredElement: ElementHit | null = null;
  private relationKey = "";
  private reads: Read[] = [];
  /** Bumped whenever visuals move or open, so hover lines are redrawn. */
  private layoutVersion = 0;
  private pointer: { x: number; y: number } | null = null;
  private down: { x: number; y: number } | null = null;
  /** The pending coalesced hover pick (one per animation frame at most). */
  private pickHandle: number | null = null;
  private picks = 0;
  private readonly listeners: Array<[PointerType, (e: PointerEvent) => void]>;
  private connected = false;

  constructor(
    private readonly targets: HoverTargets,
    private readonly hooks: HoverHooks,
  ) {
    this.picker = new Picker(targets.camera, targets.canvas);
    this.tooltip = new Tooltip(targets.container);
    this.relations = new RelationLines(targets.scene, targets.palette);
    this.listeners = [
      ["pointermove", (e) => this.onPointerMove(e)],
      ["pointerleave", () => this.onPointerLeave()],
      [
        "pointerdown",
        (e) => {
          this.down = { x: e.clientX, y: e.clientY };
        },
      ],
      ["pointerup", (e) => this.onPointerUp(e)],
    ];
  }

  connect(): void {
    if (this.connected) return;
    this.connected = true;
    for (const [type, fn] of this.listeners) this.targets.canvas.addEventListener(type, fn);
  }

  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    for (const [type, fn] of this.listeners) this.targets.canvas.removeEventListener(type, fn);
    this.cancelPick();
  }

  /** Hover picks done so far (pointer moves are coalesced to one per animation frame). */
  get pickCount(): number {
    return this.picks;
  }

  /** What the hover draws now: the layer, its element and the receptive fields outlined (for tests). */
  get state(): HoverState | null {
    return this.relations.state;
  }

  /** The layer under client (viewport) coordinates, or null; counts as a pick. */
  pickAt(clientX: number, clientY: number): Pick | null {
    this.picks += 1;
    this.targets.scene.updateMatrixWorld();
    return this.picker.pick(clientX, clientY, this.targets.visuals.values());
  }

  setTheme(palette: Palette): void {
    this.relations.setTheme(palette);
  }

  /** The visuals moved or opened: relation lines are drawn again at the next `redrawRelations`. */
  layoutMoved(): void {
    this.layoutVersion++;
  }

  /** Forgets the corner legend (its numbers or scale are stale). */
  clearLegend(): void {
    this.tooltip.clearLegend();
  }

  /** Picks again under the pointer (if it is over the view) and updates highlight, lines and tooltip. */
  refresh(): void {
    if (!this.pointer) return;
    const hit = this.pickAt(this.pointer.x, this.pointer.y);
    let element = hit ? hit.visual.elementAt(hit.raycaster) : null;
    const compared = hit && element && !element.weight ? this.hooks.compareAt?.(hit.visual.id, element.index) : null;
    if (element && compared) element = { ...element, compare: compared };
    this.setHovered(hit?.visual ?? null, element);
    if (!hit) {
      this.tooltip.hide();
      return;
    }
    const { visual, raycaster } = hit;
    const shown = visual.legend(raycaster);
    // A comparison's colours show b − a (a layer drawn as its weights shows weights).
    const difference = this.hooks.comparing?.() && !visual.showingWeights;
    const legend = shown && difference ? { ...shown, note: differenceNote(shown.note) } : shown;
    const info = describeLayer({
      node: visual.node,
      dataRows: visual.dataRows(),
      legend,
      element,
      reads: element
        ? this.reads.map((r) => ({ ...r, shape: this.targets.visuals.get(r.source)?.node.output_shape ?? [] }))
        : [],
      canOpen: this.clickable(visual),
      openHint: this.hooks.unfolds?.(visual.id) ? "click to unfold" : visual.openHint,
      open: this.hooks.isOpen(visual.id),
    });
    const rect = this.targets.container.getBoundingClientRect();
    this.tooltip.show(info, this.pointer.x - rect.left, this.pointer.y - rect.top);
  }

  /**
   * (Re)draws the lines of what the hovered layer or element reads, when the layer,
   * the element or the layout changed since they were drawn; clears them without a hover.
   */
  redrawRelations(): void {
    const visual = this.hovered;
    const graph = this.hooks.graph();
    if (!visual || !graph) {
      if (this.relationKey !== "") {
        this.relationKey = "";
        this.reads = [];
        this.relations.clear();
        this.hooks.requestRender();
      }
      return;
    }
    const key = `${visual.id}|${this.hoveredElement?.index.join(",") ?? "-"}|${this.layoutVersion}`;
    if (key === this.relationKey) return;
    this.relationKey = key;
    this.reads = this.relations.show(graph, visual, this.hoveredElement, this.targets.visuals);
    this.hooks.requestRender();
  }

  /** Lets go of the layers (before they are disposed): no highlight, no lines, no tooltip or legend. */
  clear(): void {
    this.setHovered(null);
    this.relations.clear();
    this.tooltip.hide();
    this.tooltip.clearLegend();
  }

  private onPointerMove(e: PointerEvent): void {
    this.pointer = { x: e.clientX, y: e.clientY };
    if (e.buttons !== 0) {
      this.cancelPick();
      this.tooltip.hide();
      return;
    }
    // A mouse sends moves faster than frames: pick once per frame, for the last one.
    this.pickHandle ??= requestAnimationFrame(() => {
      this.pickHandle = null;
      this.refresh();
    });
  }

  private cancelPick(): void {
    if (this.pickHandle !== null) cancelAnimationFrame(this.pickHandle);
    this.pickHandle = null;
  }

  private onPointerLeave(): void {
    this.cancelPick();
    this.pointer = null;
    this.tooltip.hide();
    this.setHovered(null);
  }

  private onPointerUp(e: PointerEvent): void {
    const down = this.down;
    this.down = null;
    if (!down || e.button !== 0) return;
    if (Math.hypot(e.clientX - down.x, e.clientY - down.y) > CLICK_SLOP_PX) return;
    const hit = this.pickAt(e.clientX, e.clientY);
    if (hit && this.clickable(hit.visual)) this.hooks.onClick(hit.visual.id);
  }

  /** A click opens or closes the layer, or unfolds the folded block. */
  private clickable(visual: LayerVisual): boolean {
    return clickOpens(visual) || this.hooks.unfolds?.(visual.id) === true;
  }

  private setHovered(visual: LayerVisual | null, element: ElementHit | null = null): void {
    this.hoveredElement = visual ? element : null;
    if (visual !== this.hovered) {
      this.hovered?.setHighlight(false);
      this.hovered = visual;
      visual?.setHighlight(true);
      this.targets.canvas.style.cursor = visual && this.clickable(visual) ? "pointer" : "";
      this.hooks.requestRender();
    }
    this.redrawRelations();
  }

  dispose(): void {
    this.disconnect();
    this.clear();
    this.pointer = this.down = null;
    this.relations.dispose();
    this.tooltip.dispose();
  }
}
