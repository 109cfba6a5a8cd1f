/**
 * The 3D view of one model: owns the renderer, camera, layer visuals, edges, labels,
 * tooltip and picking, and draws on demand. Knows nothing about anywidget.
 */

import { AmbientLight, Color, DirectionalLight, Scene, Vector3, type Raycaster } from "three";

import type { DecodedPayload } from "../data/decode";
import { formatConfigValue, formatCount, formatShape } from "../data/format";
import { LAYER_PLAN, planScales, type ColorScope, type ScalePlan } from "../data/scales";
import { layoutGraph, lerpLayout, type Bounds, type Layout } from "../layout";
import { createVisual, type LayerVisual } from "../visuals";
import type { ElementHit } from "../visuals/types";
import { EdgeLines, MergeBadges } from "./edges";
import { GroupFrames } from "./group-frames";
import { ReshapeFans } from "./reshape-fans";
import type { GraphSpec } from "../spec";
import { CameraRig, type ScreenMargins } from "../render/camera";
import { FrameScheduler } from "../render/frames";
import { LabelOverlay } from "../render/labels";
import { Picker } from "./picking";
import { createRenderer, type FrameInfo, type ViewportRenderer } from "../render/renderer";
import { PALETTES, type Palette, type ThemeName } from "../render/palette";
import { elementPoint, RelationLines, type HoverState, type Read } from "./relations";
import { elementLines, Tooltip, type TooltipInfo } from "./tooltip";

export const OPEN_DURATION_MS = 300;
const CLICK_SLOP_PX = 5;
// Enough for a convolution with all its options and three regularizers, or an LSTM with dropout.
const MAX_CONFIG_ROWS = 14;

export interface ViewCallbacks {
  onOpenChange?: (ids: string[]) => void;
  /** The user opened or closed a layer by clicking it (not a change from the model). */
  onUserToggle?: (ids: string[]) => void;
  onError?: (err: unknown) => void;
  /** The camera landed on a layer after `flyTo` (null: the focus was cleared). */
  onFocus?: (id: string | null) => void;
}

interface Tween {
  from: Layout;
  to: Layout;
  start: number;
  /** Layers whose open state changes, and towards which state. */
  changes: Map<string, boolean>;
}

function easeInOut(t: number): number {
  return t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2;
}

/** Pixels kept around the model's box for text: captions below, the output's badge above. */
const CAPTION_MARGIN_PX = 36;
const BADGE_MARGIN_PX = 30;
const SIDE_MARGIN_PX = 20;
/** Pixels kept above the model for the captions of nested models' boxes. */
const GROUP_MARGIN_PX = 24;

export class ModelView {
  private readonly scene = new Scene();
  private readonly viewport: ViewportRenderer;
  private readonly rig: CameraRig;
  private readonly frames: FrameScheduler;
  private readonly labels: LabelOverlay;
  private readonly tooltip: Tooltip;
  private readonly picker: Picker;
  private readonly edges: EdgeLines;
  private readonly groups: GroupFrames;
  private readonly fans: ReshapeFans;
  private readonly merges: MergeBadges;
  /** The layer the camera flies or flew to, until the user or a reset moves it away. */
  private focus: string | null = null;
  private readonly lights: Array<AmbientLight | DirectionalLight>;
  private readonly visuals = new Map<string, LayerVisual>();
  private builds = 0;
  private graph: GraphSpec | null = null;
  private layout: Layout | null = null;
  /** The layout drawn last (mid-tween while animating). */
  private shown: Layout | null = null;
  private readonly openSet = new Set<string>();
  private tween: Tween | null = null;
  private payload: DecodedPayload | null = null;
  private colorScope: ColorScope = "layer";
  /** The scales' plan for this payload and scope (the model's range is computed once). */
  private plan: ScalePlan = LAYER_PLAN;
  private palette: Palette = PALETTES.light;
  private hovered: LayerVisual | null = null;
  /** The hovered element, and the key (layer, element, layout) its relation lines were drawn for. */
  private hoveredElement: ElementHit | null = null;
  private relationKey = "";
  private reads: Read[] = [];
  /** Bumped whenever visuals move or open, so hover lines are redrawn. */
  private layoutVersion = 0;
  private readonly relations: RelationLines;
  private pointer: { x: number; y: number } | null = null;
  private down: { x: number; y: number } | null = null;
  private userMoved = false;
  /** The pending coalesced hover pick (one per animation frame at most). */
  private pickHandle: number | null = null;
  private picks = 0;
  private lastFrame: FrameInfo = { calls: 0, triangles: 0 };
  private readonly cleanups: Array<() => void> = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly callbacks: ViewCallbacks = {},
  ) {
    this.frames = new FrameScheduler((now) => this.draw(now));
    this.viewport = createRenderer(container, (w, h) => this.onResize(w, h));
    this.labels = new LabelOverlay(container);
    this.tooltip = new Tooltip(container);
    this.rig = new CameraRig(this.viewport.canvas, () => this.requestRender());
    this.picker = new Picker(this.rig.camera, this.viewport.canvas);
    this.edges = new EdgeLines(this.palette);
    this.scene.add(this.edges.object);
    this.groups = new GroupFrames(this.scene, this.palette, this.labels);
    this.fans = new ReshapeFans(this.scene, this.palette);
    this.relations = new RelationLines(this.scene, this.palette);
    this.merges = new MergeBadges(this.labels);
    const ambient = new AmbientLight(0xffffff, 0.65);
    const sun = new DirectionalLight(0xffffff, 0.45);
    sun.position.set(0.3, 0.6, 1);
    this.lights = [ambient, sun];
    this.scene.add(ambient, sun);
    this.scene.background = new Color(this.palette.background);
    this.onResize(this.viewport.width(), this.viewport.height());

    // The user "moved" the camera when an interaction ends somewhere else than it began
    // (a plain click also starts and ends an interaction).
    const before = { position: new Vector3(), target: new Vector3() };
    const start = (): void => {
      this.rig.cancelFlight();
      before.position.copy(this.rig.camera.position);
      before.target.copy(this.rig.controls.target);
    };
    const end = (): void => {
      const eps = 1e-6 * (1 + before.position.length());
      if (before.position.distanceTo(this.rig.camera.position) > eps || before.target.distanceTo(this.rig.controls.target) > eps) {
        this.userMoved = true;
      }
    };
    this.rig.controls.addEventListener("start", start);
    this.rig.controls.addEventListener("end", end);
    this.cleanups.push(() => {
      this.rig.controls.removeEventListener("start", start);
      this.rig.controls.removeEventListener("end", end);
    });
    this.listen(this.viewport.canvas, "pointermove", (e) => this.onPointerMove(e));
    this.listen(this.viewport.canvas, "pointerleave", () => this.onPointerLeave());
    this.listen(this.viewport.canvas, "pointerdown", (e) => {
      this.down = { x: e.clientX, y: e.clientY };
    });
    this.listen(this.viewport.canvas, "pointerup", (e) => this.onPointerUp(e));
  }

  private listen(target: HTMLElement, type: "pointermove" | "pointerleave" | "pointerdown" | "pointerup", fn: (e: PointerEvent) => void): void {
    target.addEventListener(type, fn);
    this.cleanups.push(() => target.removeEventListener(type, fn));
  }

  get canvas(): HTMLCanvasElement {
    return this.viewport.canvas;
  }

  /** How many times the scene was built from a graph (predict must not add to it). */
  get buildCount(): number {
    return this.builds;
  }

  get frameCount(): number {
    return this.frames.frames;
  }

  /** When the first and the latest frame finished (performance.now(); null before any). */
  get frameTimes(): { first: number | null; last: number | null; drawMs: number } {
    return { first: this.frames.firstFrameEnd, last: this.frames.lastFrameEnd, drawMs: this.frames.lastDrawMs };
  }

  /** Draw calls and triangles of the latest frame. */
  get lastFrameInfo(): FrameInfo {
    return { ...this.lastFrame };
  }

  /** Whether a frame is scheduled (an animation runs until this turns false). */
  get framePending(): boolean {
    return this.frames.pending;
  }

  /** Hover picks done so far (pointer moves are coalesced to one per animation frame). */
  get pickCount(): number {
    return this.picks;
  }

  /** GPU resources the page's shared renderer holds now, all views together (for leak checks). */
  get memory(): { geometries: number; textures: number } {
    return this.viewport.memory();
  }

  /** Whether the shared WebGL context is lost. */
  get contextLost(): boolean {
    return this.viewport.contextLost();
  }

  requestRender(): void {
    this.frames.request();
  }

  /** Draws the next frame now rather than at the next animation frame. */
  drawNow(): void {
    this.frames.drawNow();
  }

  /** Runs `callback` once the next frame has been drawn (and schedules that frame). */
  afterFrame(callback: () => void): void {
    this.frames.afterFrame(callback);
  }

  // ---------------------------------------------------------------- model

  setGraph(graph: GraphSpec | null): void {
    this.builds += 1;
    this.clearVisuals();
    this.graph = graph;
    this.tween = null;
    this.setFocus(null);
    if (!graph) {
      this.layout = this.shown = null;
      this.edges.update([]);
      this.groups.setGraph(null, null);
      this.fans.setGraph(null, null);
      this.merges.setGraph(null, null);
      this.requestRender();
      return;
    }
    const ids = new Set(graph.nodes.map((n) => n.id));
    for (const id of [...this.openSet]) if (!ids.has(id)) this.openSet.delete(id);
    const started = performance.now();
    const layout = layoutGraph(graph, this.openSet);
    measure("layerscape:layout", started);
    this.layout = this.shown = layout;
    const ctx = { graph, palette: this.palette, labels: this.labels };
    const importance = labelImportance(graph);
    for (const node of graph.nodes) {
      const visual = this.labels.withOwner(node.id, importance.get(node.id) ?? 0, () => createVisual(node, layout.nodes.get(node.id)!, ctx));
      visual.setOpen(this.openSet.has(node.id), 1);
      this.visuals.set(node.id, visual);
      this.scene.add(visual.group);
    }
    this.edges.update(layout.edges);
    this.groups.setGraph(graph, layout);
    this.fans.setGraph(graph, layout);
    this.merges.setGraph(graph, layout);
    this.applyPayload();
    this.userMoved = false;
    this.fit();
    this.callbacks.onOpenChange?.(this.openIds());
    measure("layerscape:build", started);
    this.afterFrame(() => measure("layerscape:first-frame", started));
    this.requestRender();
  }

  setPayload(payload: DecodedPayload | null): void {
    this.payload = payload;
    this.plan = planScales(this.colorScope, payload);
    this.applyPayload();
    this.tooltip.clearLegend(); // its numbers were the last prediction's
    this.refreshTooltip();
    this.requestRender();
  }

  get scope(): ColorScope {
    return this.colorScope;
  }

  /** Which values share a colour scale; recolours in place (no rebuild), one frame. */
  setColorScope(scope: ColorScope): void {
    if (scope === this.colorScope) return;
    this.colorScope = scope;
    this.plan = planScales(scope, this.payload);
    this.applyPayload();
    this.tooltip.clearLegend();
    this.refreshTooltip();
    this.requestRender();
  }

  private applyPayload(): void {
    for (const [id, visual] of this.visuals) visual.update(this.payload?.nodes.get(id) ?? null, this.plan);
  }

  setTheme(name: ThemeName): void {
    const palette = PALETTES[name];
    if (palette === this.palette) return;
    this.palette = palette;
    this.scene.background = new Color(palette.background);
    this.edges.setTheme(palette);
    this.groups.setTheme(palette);
    this.fans.setTheme(palette);
    this.relations.setTheme(palette);
    for (const v of this.visuals.values()) v.setTheme(palette);
    this.requestRender();
  }

  // ---------------------------------------------------------------- open / close

  openIds(): string[] {
    return (this.graph?.nodes ?? []).map((n) => n.id).filter((id) => this.openSet.has(id));
  }

  isOpen(id: string): boolean {
    return this.openSet.has(id);
  }

  toggle(id: string, animate = true): void {
    const next = new Set(this.openSet);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.setOpenIds(next, animate);
  }

  openAll(animate = true): void {
    this.setOpenIds(
      [...this.visuals.values()].filter((v) => v.canOpen).map((v) => v.id),
      animate,
    );
  }

  closeAll(animate = true): void {
    this.setOpenIds([], animate);
  }

  setOpenIds(ids: Iterable<string>, animate = true): void {
    if (!this.graph || !this.layout) return;
    const wanted = new Set([...ids].filter((id) => this.visuals.get(id)?.canOpen));
    const changes = new Map<string, boolean>();
    for (const id of this.visuals.keys()) {
      if (wanted.has(id) !== this.openSet.has(id)) changes.set(id, wanted.has(id));
    }
    if (changes.size === 0) return;
    this.openSet.clear();
    for (const id of wanted) this.openSet.add(id);
    const started = performance.now();
    const to = layoutGraph(this.graph, this.openSet);
    measure("layerscape:relayout", started);
    const from = this.shown ?? this.layout;
    this.layout = to;
    if (animate) {
      // Layers already mid-animation keep animating towards their new state.
      const merged = new Map(this.tween?.changes ?? []);
      for (const [id, open] of changes) merged.set(id, open);
      this.tween = { from, to, start: performance.now(), changes: merged };
    } else {
      this.tween = null;
      this.applyLayout(to);
      for (const [id, open] of changes) this.visuals.get(id)?.setOpen(open, 1);
    }
    this.callbacks.onOpenChange?.(this.openIds());
    this.tooltip.clearLegend(); // it described what is drawn now no longer
    this.refreshTooltip();
    this.requestRender();
  }

  private applyLayout(layout: Layout): void {
    this.shown = layout;
    this.layoutVersion++;
    for (const [id, visual] of this.visuals) {
      const n = layout.nodes.get(id);
      if (n) visual.place(n);
    }
    this.edges.update(layout.edges);
    this.groups.place(layout);
    this.fans.place(layout);
    this.merges.place(layout);
    // Until the user moves the camera, it keeps the whole model in view.
    if (!this.userMoved) this.rig.fit(this.boundsOf(layout), this.margins());
  }

  // ---------------------------------------------------------------- camera

  /** The layout's bounds, grown to hold the boxes around nested models. */
  private boundsOf(layout: Layout): Bounds {
    const boxes = this.groups.list;
    if (boxes.length === 0) return layout.bounds;
    const min = { ...layout.bounds.min };
    const max = { ...layout.bounds.max };
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

  private margins(): ScreenMargins {
    const badge = (this.graph?.labels?.length ?? 0) > 0;
    const top = badge ? BADGE_MARGIN_PX : 8;
    return {
      top: this.groups.list.length > 0 ? Math.max(top, GROUP_MARGIN_PX) : top,
      bottom: CAPTION_MARGIN_PX,
      left: SIDE_MARGIN_PX,
      right: SIDE_MARGIN_PX,
    };
  }

  private fit(): void {
    if (!this.layout) return;
    this.rig.setViewSize(this.viewport.width(), this.viewport.height());
    this.rig.fit(this.boundsOf(this.layout), this.margins());
  }

  /** Back to the 3/4 view of the whole model (as it is laid out now). */
  resetView(): void {
    this.userMoved = false;
    this.setFocus(null);
    this.fit();
    this.requestRender();
  }

  private onResize(w: number, h: number): void {
    if (!this.rig) return; // first call comes from createRenderer, before the rig exists
    this.rig.setViewSize(w, h);
    if (!this.userMoved) this.fit();
    this.requestRender();
  }

  /**
   * Flies the camera to frame one layer (animated unless `animate` is false); its
   * labels go first from then on. False for an id that is not in the graph.
   */
  flyTo(id: string, animate = true): boolean {
    const n = this.layout?.nodes.get(id);
    if (!n) return false;
    const { x, y, z } = n.position;
    const { w, h, d } = n.size;
    const box: Bounds = { min: { x: x - w / 2, y: y - h / 2, z: z - d / 2 }, max: { x: x + w / 2, y: y + h / 2, z: z + d / 2 } };
    this.rig.setViewSize(this.viewport.width(), this.viewport.height());
    this.rig.flyTo(box, this.margins(), performance.now(), animate ? undefined : 0);
    this.userMoved = true;
    this.focus = id;
    this.labels.setFocus(id);
    this.requestRender();
    return true;
  }

  private setFocus(id: string | null): void {
    if (id === null && this.focus === null) return;
    this.focus = id;
    this.labels.setFocus(id);
    if (id === null) this.rig.cancelFlight();
    this.callbacks.onFocus?.(id);
  }

  /** Client rectangle of a layer's box as drawn now (its eight corners projected), or null. */
  screenBox(id: string): { x0: number; y0: number; x1: number; y1: number } | null {
    const n = this.shown?.nodes.get(id);
    if (!n) return null;
    this.rig.camera.updateMatrixWorld();
    const rect = this.viewport.canvas.getBoundingClientRect();
    const out = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    const p = new Vector3();
    for (const sx of [-1, 1]) {
      for (const sy of [-1, 1]) {
        for (const sz of [-1, 1]) {
          p.set(n.position.x + (sx * n.size.w) / 2, n.position.y + (sy * n.size.h) / 2, n.position.z + (sz * n.size.d) / 2).project(this.rig.camera);
          if (p.z < -1 || p.z > 1) return null;
          const cx = rect.left + ((p.x + 1) / 2) * rect.width;
          const cy = rect.top + ((1 - p.y) / 2) * rect.height;
          out.x0 = Math.min(out.x0, cx);
          out.x1 = Math.max(out.x1, cx);
          out.y0 = Math.min(out.y0, cy);
          out.y1 = Math.max(out.y1, cy);
        }
      }
    }
    return out;
  }

  /** Labels on screen after the last frame. */
  get visibleLabels(): number {
    return this.labels.visibleCount;
  }

  /** Client (viewport) coordinates of a point on a layer's visual, or null. */
  project(id: string): { x: number; y: number } | null {
    const visual = this.visuals.get(id);
    return visual ? this.toClient(visual.focusPoint(new Vector3())) : null;
  }

  // ---------------------------------------------------------------- pointer

  private pickAt(clientX: number, clientY: number) {
    this.picks += 1;
    this.scene.updateMatrixWorld();
    return this.picker.pick(clientX, clientY, this.visuals.values());
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
      this.refreshTooltip();
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
    if (hit?.visual.canOpen) {
      this.toggle(hit.visual.id);
      this.callbacks.onUserToggle?.(this.openIds());
    }
  }

  private setHovered(visual: LayerVisual | null, element: ElementHit | null = null): void {
    this.hoveredElement = visual ? element : null;
    if (visual !== this.hovered) {
      this.hovered?.setHighlight(false);
      this.hovered = visual;
      visual?.setHighlight(true);
      this.viewport.canvas.style.cursor = visual?.canOpen ? "pointer" : "";
      this.requestRender();
    }
    this.drawRelations();
  }

  /**
   * (Re)draws the lines of what the hovered layer or element reads, when the layer,
   * the element or the layout changed since they were drawn; clears them without a hover.
   */
  private drawRelations(): void {
    const visual = this.hovered;
    if (!visual || !this.graph) {
      if (this.relationKey !== "") {
        this.relationKey = "";
        this.reads = [];
        this.relations.clear();
        this.requestRender();
      }
      return;
    }
    const key = `${visual.id}|${this.hoveredElement?.index.join(",") ?? "-"}|${this.layoutVersion}`;
    if (key === this.relationKey) return;
    this.relationKey = key;
    this.reads = this.relations.show(this.graph, visual, this.hoveredElement, this.visuals);
    this.requestRender();
  }

  private refreshTooltip(): void {
    if (!this.pointer) return;
    const hit = this.pickAt(this.pointer.x, this.pointer.y);
    const element = hit ? hit.visual.elementAt(hit.raycaster) : null;
    this.setHovered(hit?.visual ?? null, element);
    if (!hit) {
      this.tooltip.hide();
      return;
    }
    const rect = this.container.getBoundingClientRect();
    this.tooltip.show(this.describe(hit.visual, hit.raycaster, element), this.pointer.x - rect.left, this.pointer.y - rect.top);
  }

  /** What the hover draws now: the layer, its element and the receptive fields outlined (for tests). */
  get hoverState(): HoverState | null {
    return this.relations.state;
  }

  /** Client coordinates of the middle of element `index` of a layer (as elementAt indexes it), or null. */
  elementClientPoint(id: string, index: readonly number[]): { x: number; y: number } | null {
    const visual = this.visuals.get(id);
    if (!visual) return null;
    const point = elementPoint(visual, index);
    return point ? this.toClient(point) : null;
  }

  private toClient(point: Vector3): { x: number; y: number } | null {
    this.rig.camera.updateMatrixWorld();
    const p = point.clone().project(this.rig.camera);
    if (p.z < -1 || p.z > 1) return null;
    const rect = this.viewport.canvas.getBoundingClientRect();
    return { x: rect.left + ((p.x + 1) / 2) * rect.width, y: rect.top + ((1 - p.y) / 2) * rect.height };
  }

  private describe(visual: LayerVisual, raycaster: Raycaster, element: ElementHit | null = null): TooltipInfo {
    const node = visual.node;
    const rows: Array<[string, string]> = [];
    rows.push(["output", node.output_shapes.length > 1 ? node.output_shapes.map((s) => formatShape(s)).join(", ") : formatShape(node.output_shape)]);
    if (node.params > 0) rows.push(["params", formatCount(node.params)]);
    const config = Object.entries(node.config ?? {}).slice(0, MAX_CONFIG_ROWS);
    for (const [k, v] of config) rows.push([k, formatConfigValue(v)]);
    if (node.parent) rows.push(["in", node.parent]);
    rows.push(...visual.dataRows());
    const open = this.openSet.has(node.id);
    return {
      title: node.name,
      subtitle: node.id !== node.name ? `${node.class_name} · ${node.id}` : node.class_name,
      rows,
      legend: visual.legend(raycaster),
      element: element ? elementLines(element, this.readsForTooltip()) : null,
      hint: visual.canOpen ? (open ? "click to close" : visual.openHint) : null,
    };
  }

  private readsForTooltip(): Array<{ source: string; rank: number; channels: number | null; region: Read["region"] }> {
    return this.reads.map((r) => {
      const shape = this.visuals.get(r.source)?.node.output_shape ?? [];
      return { ...r, rank: shape.length, channels: shape[shape.length - 1] ?? null };
    });
  }

  // ---------------------------------------------------------------- frame

  private draw(now: number): boolean {
    let again = false;
    try {
      if (this.tween) {
        const t = Math.min(1, Math.max(0, (now - this.tween.start) / OPEN_DURATION_MS));
        const e = easeInOut(t);
        for (const [id, open] of this.tween.changes) this.visuals.get(id)?.setOpen(open, e);
        this.applyLayout(t >= 1 ? this.tween.to : lerpLayout(this.tween.from, this.tween.to, e));
        if (t >= 1) this.tween = null;
        else again = true;
        // Hover lines follow the moving layers (and the element under the pointer once they stop).
        if (t >= 1) this.refreshTooltip();
        else this.drawRelations();
      }
      if (this.rig.flying) {
        if (this.rig.stepFlight(now)) again = true;
        else if (this.focus !== null) this.callbacks.onFocus?.(this.focus);
      }
      this.rig.controls.update();
      this.lastFrame = this.viewport.render(this.scene, this.rig.camera);
      this.labels.update(this.rig.camera, this.viewport.width(), this.viewport.height());
    } catch (err) {
      this.callbacks.onError?.(err);
      return false;
    }
    return again;
  }

  // ---------------------------------------------------------------- cleanup

  private clearVisuals(): void {
    this.setHovered(null);
    this.relations.clear();
    this.tooltip.hide();
    this.tooltip.clearLegend();
    for (const v of this.visuals.values()) v.dispose();
    this.visuals.clear();
  }

  dispose(): void {
    this.frames.dispose();
    this.cancelPick();
    for (const fn of this.cleanups) fn();
    this.cleanups.length = 0;
    this.clearVisuals();
    this.edges.dispose();
    this.groups.dispose();
    this.fans.dispose();
    this.relations.dispose();
    this.merges.dispose();
    for (const light of this.lights) {
      light.removeFromParent();
      light.dispose();
    }
    this.rig.dispose();
    this.labels.dispose();
    this.tooltip.dispose();
    this.viewport.dispose();
  }
}

/**
 * A performance entry from `start` to now, for benchmarks and profilers (where
 * supported); only the latest of each name is kept, so a long session does not pile up.
 */
function measure(name: string, start: number): void {
  if (typeof performance.measure !== "function") return;
  try {
    performance.clearMeasures(name);
    performance.measure(name, { start, end: performance.now() });
  } catch {
    // An old browser without measure options: no entry, nothing else changes.
  }
}

/**
 * Which layers' captions go first when there is room for only some: inputs and
 * outputs, then the layers where branches fork or join, then the rest.
 */
export function labelImportance(graph: GraphSpec): Map<string, number> {
  const inDegree = new Map<string, number>();
  const outDegree = new Map<string, number>();
  for (const e of graph.edges) {
    inDegree.set(e.target, (inDegree.get(e.target) ?? 0) + 1);
    outDegree.set(e.source, (outDegree.get(e.source) ?? 0) + 1);
  }
  const importance = new Map<string, number>();
  for (const n of graph.nodes) {
    const ends = n.is_input || n.is_output ? 2 : 0;
    const joins = (inDegree.get(n.id) ?? 0) > 1 || (outDegree.get(n.id) ?? 0) > 1 ? 1 : 0;
    importance.set(n.id, ends + joins);
  }
  return importance;
}
