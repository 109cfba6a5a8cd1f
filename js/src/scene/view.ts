/**
 * The 3D view of one model: builds the scene from a graph, takes each payload, the
 * theme and the colour scope, and draws on demand. It wires together the parts that do
 * the jobs: what the scene holds (contents.ts), which layers are open and their tween
 * (open-state.ts), the camera's framing (framing.ts), the pointer and tooltip
 * (hover.ts), and where things land on the page for the test API (screen-geometry.ts).
 * Knows nothing about anywidget.
 */

import { compareValuesAt } from "../data/compare";
import type { DecodedPayload } from "../data/decode";
import { LAYER_PLAN, planScales, type ColorScope, type ScalePlan } from "../data/scales";
import { FrameScheduler } from "../render/frames";
import { LabelOverlay, type Rect } from "../render/labels";
import { PALETTES, type Palette, type ThemeName } from "../render/palette";
import { createRenderer, type FrameInfo, type ViewportRenderer } from "../render/renderer";
import type { BoxesState, GraphSpec } from "../spec";
import { BoxOverlay } from "./boxes";
import { SceneContents } from "./contents";
import { Framing, layoutAspect } from "./framing";
import { clickOpens, Hover } from "./hover";
import { LayerMarks } from "./marks";
import { measure } from "./measure";
import { Minimap } from "./minimap";
import { OpenState } from "./open-state";
import type { HoverState } from "./relations";
import { ScreenGeometry, type ClientBox, type ClientPoint } from "./screen-geometry";
import { WrapAspect } from "./wrap-aspect";

export { OPEN_DURATION_MS } from "./open-state";

export interface ViewCallbacks {
  onOpenChange?: (ids: string[]) => void;
  /** The user opened or closed a layer by clicking it (not a change from the model). */
  onUserToggle?: (ids: string[]) => void;
  onError?: (err: unknown) => void;
  /** The camera landed on a layer after `flyTo` (null: the focus was cleared). */
  onFocus?: (id: string | null) => void;
  /** The folded blocks changed (ids in the graph's group order). */
  onFoldChange?: (ids: string[]) => void;
  /** The view unfolded blocks itself: a click on one, or `flyTo` a layer inside one. */
  onUserFold?: (ids: string[]) => void;
  /** The host's panels over the view (title, toolbar, breadcrumb): labels keep clear of them. */
  panels?: () => Iterable<HTMLElement>;
}

export class SceneView {
  private readonly viewport: ViewportRenderer;
  private readonly frames: FrameScheduler;
  private readonly labels: LabelOverlay;
  private readonly contents: SceneContents;
  private readonly open: OpenState;
  private readonly framing: Framing;
  private readonly hover: Hover;
  private readonly geometry: ScreenGeometry;
  private readonly boxes: BoxOverlay;
  /** Find's marks and the focused layer's outline (scene), and the overview (a 2D canvas). */
  private readonly marks: LayerMarks;
  private readonly minimap: Minimap;
  /** What a click on a layer that opens does (also Enter on the focused layer). */
  private readonly clickLayer: (id: string) => void;
  private builds = 0;
  private graph: GraphSpec | null = null;
  private payload: DecodedPayload | null = null;
  private colorScope: ColorScope = "layer";
  /** The scales' plan for this payload and scope (the model's range is computed once). */
  private plan: ScalePlan = LAYER_PLAN;
  private palette: Palette = PALETTES.light;
  private lastFrame: FrameInfo = { calls: 0, triangles: 0 };
  private readonly callbacks: ViewCallbacks;
  private readonly wrap: WrapAspect;

  constructor(container: HTMLElement, callbacks: ViewCallbacks = {}) {
    // Each frame first takes the container's size as laid out now, so the first frame
    // of a view laid out after it was made (an output attached once rendered) is drawn
    // at its final size, not into the placeholder canvas; a view with no size draws
    // nothing (the frame waits: FrameScheduler's canDraw).
    this.frames = new FrameScheduler(
      (now) => this.draw(now, callbacks),
      () => {
        if (this.viewport.fit()) this.resized(this.viewport.width(), this.viewport.height());
        return this.viewport.sized();
      },
    );
    this.viewport = createRenderer(container, {
      // The first resize comes from createRenderer, before framing exists: framing sizes
      // itself then. Later ones cleared a drawn picture, or the view is displayed again
      // after it had no size: draw at once (a held frame too), so the page never paints
      // the canvas blank or stale (a view `ready` stays on screen).
      onResize: (w, h) => {
        this.resized(w, h);
        if (this.frames.frames > 0 || this.frames.held) this.frames.redraw();
      },
      onRestore: () => this.frames.redraw(),
    });
    this.labels = new LabelOverlay(container);
    this.contents = new SceneContents(this.labels, this.palette);
    this.boxes = new BoxOverlay(this.contents.scene, this.labels);
    this.marks = new LayerMarks(this.contents.scene, this.palette);
    const contents = this.contents;
    const requestRender = (): void => this.requestRender();
    this.callbacks = callbacks;
    this.framing = new Framing(this.viewport.canvas, {
      layout: () => this.open.layout,
      size: () => ({ width: this.viewport.width(), height: this.viewport.height() }),
      groupBoxes: () => contents.groupBoxes,
      setLabelFocus: (id) => this.labels.setFocus(id),
      onFocus: (id) => callbacks.onFocus?.(id),
      requestRender,
    });
    this.open = new OpenState(contents.visuals, {
      place: (layout) => {
        this.hover.layoutMoved();
        contents.place(layout);
        this.marks.place(layout);
        this.framing.follow(layout);
      },
      onOpenChange: (ids) => callbacks.onOpenChange?.(ids),
      onFoldChange: (ids) => callbacks.onFoldChange?.(ids),
      refold: (visible, layout) => {
        this.hover.clear(); // it may hover a visual that goes
        const added = contents.sync(visible, layout, (id) => this.open.has(id));
        for (const id of added) contents.visuals.get(id)?.setWeightsShown?.(this.open.showsWeights(id));
        contents.update(this.payload, this.plan, added);
      },
      changed: () => {
        this.hover.clearLegend(); // it described what is drawn now no longer
        this.hover.refresh();
        this.requestRender();
      },
    });
    const { canvas } = this.viewport;
    this.clickLayer = (id) => {
      if (this.open.isFolded(id)) {
        this.unfold([id]);
        callbacks.onUserFold?.(this.open.foldedIds());
        return;
      }
      this.open.toggle(id);
      callbacks.onUserToggle?.(this.open.ids());
    };
    this.hover = new Hover(
      {
        container,
        canvas,
        scene: contents.scene,
        camera: this.framing.camera,
        palette: this.palette,
        visuals: contents.visuals,
      },
      {
        graph: () => this.open.visibleGraph?.graph ?? this.graph,
        isOpen: (id) => this.open.has(id),
        unfolds: (id) => this.open.isFolded(id),
        compareAt: (id, index) => compareValuesAt(this.payload, id, index),
        comparing: () => Boolean(this.payload?.compare),
        onClick: this.clickLayer,
        requestRender,
      },
    );
    this.geometry = new ScreenGeometry(this.framing.camera, canvas, {
      visuals: contents.visuals,
      shown: () => this.open.shown,
    });
    this.minimap = new Minimap(container, this.palette, {
      layout: () => this.open.shown,
      camera: this.framing.camera,
      panTo: (x, y, animate) => this.framing.panTo(x, y, animate),
    });
    this.framing.resize(this.viewport.width(), this.viewport.height());
    this.framing.connect();
    // The rows follow the view's shape (debounced; open/close tweens go on).
    this.wrap = new WrapAspect(
      () => this.open.wrapAspect,
      (aspect) => this.open.setAspect(aspect),
    );
    this.hover.connect();
    this.minimap.connect();
  }

  /** The canvas took a new size: the camera and (debounced) the rows follow it. */
  private resized(w: number, h: number): void {
    this.framing?.resize(w, h);
    this.wrap?.resized(layoutAspect(w, h));
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
    return this.hover.pickCount;
  }

  /** GPU resources the page's shared renderer holds now, all views together (for leak checks). */
  get memory(): { geometries: number; textures: number } {
    return this.viewport.memory();
  }

  /** Whether the shared WebGL context is lost. */
  get contextLost(): boolean {
    return this.viewport.contextLost();
  }

  /** The page's shared WebGL context (tests lose and restore it). */
  get glContext(): WebGLRenderingContext | WebGL2RenderingContext {
    return this.viewport.context();
  }

  /** Rows the layout wraps into for the view's shape (1: one band; 0: no model). */
  get layoutRows(): number {
    const layout = this.open.layout;
    return layout ? (layout.rows ?? 1) : 0;
  }

  /** Labels on screen after the last frame. */
  get visibleLabels(): number {
    return this.labels.visibleCount;
  }

  /** What the hover draws now: the layer, its element and the receptive fields outlined (for tests). */
  get hoverState(): HoverState | null {
    return this.hover.state;
  }

  get scope(): ColorScope {
    return this.colorScope;
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

  /** Builds the scene for `graph` (`folded`: the blocks drawn folded; default: those still folded that it has). */
  setGraph(graph: GraphSpec | null, folded?: Iterable<string>): void {
    this.builds += 1;
    this.clearVisuals();
    this.graph = graph;
    const started = performance.now();
    this.wrap.cancel();
    const layout = this.open.setGraph(graph, folded, layoutAspect(this.viewport.width(), this.viewport.height()));
    this.framing.setModel(graph?.labels ?? null);
    this.contents.build(this.open.visibleGraph, layout, (id) => this.open.has(id));
    this.marks.place(layout);
    for (const [id, visual] of this.contents.visuals) visual.setWeightsShown?.(this.open.showsWeights(id));
    if (!graph || !layout) {
      this.requestRender();
      return;
    }
    this.contents.update(this.payload, this.plan);
    this.framing.frameModel();
    this.open.announce();
    measure("layerscape:build", started);
    this.afterFrame(() => measure("layerscape:first-frame", started));
    this.requestRender();
  }

  setPayload(payload: DecodedPayload | null): void {
    this.payload = payload;
    this.recolour(); // the legend's numbers were the last prediction's
  }

  /** The detections to draw (the `_boxes` trait; null: none): outlined from the next frame on. */
  setBoxes(state: BoxesState | null): void {
    this.boxes.set(state);
    this.requestRender();
  }

  /** Boxes outlined on the input picture in the last frame (`data-boxes`). */
  get boxesDrawn(): number {
    return this.boxes.drawnBoxes;
  }

  /** Which values share a colour scale; recolours in place (no rebuild), one frame. */
  setColorScope(scope: ColorScope): void {
    if (scope === this.colorScope) return;
    this.colorScope = scope;
    this.recolour();
  }

  private recolour(): void {
    this.plan = planScales(this.colorScope, this.payload);
    this.contents.update(this.payload, this.plan);
    this.hover.clearLegend();
    this.hover.refresh();
    this.requestRender();
  }

  /** Paints the view in the host's background colour (0xRRGGBB), or the theme's (null). */
  setBackground(color: number | null): void {
    this.contents.setBackground(color);
    this.requestRender();
  }

  setTheme(name: ThemeName): void {
    const palette = PALETTES[name];
    if (palette === this.palette) return;
    this.palette = palette;
    this.contents.setTheme(palette);
    this.hover.setTheme(palette);
    this.marks.setTheme(palette);
    this.minimap.setTheme(palette);
    this.requestRender();
  }

  // ---------------------------------------------------------------- open / close

  openIds(): string[] {
    return this.open.ids();
  }

  isOpen(id: string): boolean {
    return this.open.has(id);
  }

  toggle(id: string, animate = true): void {
    this.open.toggle(id, animate);
  }

  openAll(animate = true): void {
    this.open.openAll(animate);
  }

  closeAll(animate = true): void {
    this.open.closeAll(animate);
  }

  setOpenIds(ids: Iterable<string>, animate = true): void {
    this.open.setOpenIds(ids, animate);
  }

  /**
   * Which layers are drawn as their weights (the others as their output): they switch
   * at once and the layout tweens to their pictures' sizes (unless `animate` is false).
   */
  setWeightIds(ids: Iterable<string>, animate = true): void {
    this.open.setWeightIds(ids, animate);
  }

  weightIds(): string[] {
    return this.open.weightIds();
  }

  // ---------------------------------------------------------------- folded blocks

  /** Ids of the folded groups (`data-folded`), in the graph's group order. */
  foldedIds(): string[] {
    return this.open.foldedIds();
  }

  /** Ids of the nodes drawn now (layers and folded blocks), in the layout's order. */
  drawnIds(): string[] {
    return this.open.shown?.order.filter((id) => this.open.shown?.nodes.has(id)) ?? [];
  }

  /**
   * Folds exactly the groups `ids` (others unfold): a folded block is one box drawn
   * with its exit layer's values; unfolding one opens it in place, tweened unless
   * `animate` is false. Remembered for a graph built later.
   */
  setFolded(ids: Iterable<string>, animate = true): void {
    this.open.setFolded(ids, animate);
  }

  /** Folds groups (`"all"`: every group). */
  fold(ids: readonly string[] | "all", animate = true): void {
    const all = (this.graph?.groups ?? []).map((g) => g.id);
    this.setFolded([...this.open.foldedIds(), ...(ids === "all" ? all : ids)], animate);
  }

  /** Unfolds groups (`"all"`: every one). */
  unfold(ids: readonly string[] | "all", animate = true): void {
    const gone = new Set(ids === "all" ? this.open.foldedIds() : ids);
    this.setFolded(
      this.open.foldedIds().filter((id) => !gone.has(id)),
      animate,
    );
  }

  // ---------------------------------------------------------------- camera

  /** Back to the 3/4 view of the whole model (as it is laid out now). */
  resetView(): void {
    this.framing.reset();
  }

  /**
   * Flies the camera to frame one layer (animated unless `animate` is false); its
   * labels go first from then on. False for an id that is not in the graph.
   */
  flyTo(id: string, animate = true): boolean {
    // A layer inside folded blocks: they open first, and the camera flies to where it lands.
    const around = this.open.foldedAround(id);
    if (around.length > 0) {
      this.unfold(around, animate);
      this.callbacks.onUserFold?.(this.open.foldedIds());
    }
    return this.framing.flyTo(id, animate);
  }

  /** Frames several layers together (a block), filling most of the view; false when none is laid out. */
  flyToLayers(ids: readonly string[], animate = true): boolean {
    return this.framing.flyToLayers(ids, animate);
  }

  // ---------------------------------------------------------------- find and the keyboard

  /** Outlines find's matches and the focused layer (in the scene and on the overview). */
  setMarks(matches: readonly string[], focused: string | null): void {
    this.marks.set(matches, focused);
    this.minimap.setMarks(matches, focused);
    this.requestRender();
  }

  /** Does what a click on layer `id` does (opens or closes it); false when a click would do nothing. */
  click(id: string): boolean {
    const visual = this.contents.visuals.get(id);
    if (!visual || !clickOpens(visual)) return false;
    this.clickLayer(id);
    return true;
  }

  /** The height (y) at which layer `id` is laid out, or null (the arrow keys' up and down). */
  layerHeight(id: string): number | null {
    return this.open.layout?.nodes.get(id)?.position.y ?? null;
  }

  /** Where layer `id` is drawn on the overview (client coordinates), or null when it is not shown. */
  minimapPoint(id: string): ClientPoint | null {
    return this.minimap.clientPoint(id);
  }

  // ---------------------------------------------------------------- where things are (test API)

  /** Client rectangle of a layer's box as drawn now (its eight corners projected), or null. */
  screenBox(id: string): ClientBox | null {
    return this.geometry.layerBox(id);
  }

  /** Client (viewport) coordinates of a point on a layer's visual, or null. */
  project(id: string): ClientPoint | null {
    return this.geometry.layerPoint(id);
  }

  /** Client coordinates of the middle of element `index` of a layer (as elementAt indexes it), or null. */
  elementClientPoint(id: string, index: readonly number[]): ClientPoint | null {
    return this.geometry.elementPoint(id, index);
  }

  weightClientPoint(id: string, role: "kernel" | "bias", index: readonly number[]): ClientPoint | null {
    return this.geometry.weightPoint(id, role, index);
  }

  // ---------------------------------------------------------------- frame

  private draw(now: number, callbacks: ViewCallbacks): boolean {
    let again = false;
    try {
      const tween = this.open.step(now);
      // Hover lines follow the moving layers (and the element under the pointer once they stop).
      if (tween === "moving") {
        again = true;
        this.hover.redrawRelations();
      } else if (tween === "landed") {
        this.hover.refresh();
      }
      if (this.framing.step(now)) again = true;
      this.boxes.layout(this.contents.visuals);
      this.lastFrame = this.viewport.render(this.contents.scene, this.framing.camera);
      this.minimap.draw();
      this.drawLabels(callbacks.panels?.() ?? []);
    } catch (err) {
      callbacks.onError?.(err);
      return false;
    }
    return again;
  }

  /** Places the labels clear of each other, of the layers' boxes (captions) and of the panels over the view. */
  private drawLabels(hostPanels: Iterable<HTMLElement>): void {
    const width = this.viewport.width();
    const height = this.viewport.height();
    const panels: Rect[] = [];
    const overview = this.minimap.panelRect(height);
    if (overview) panels.push(overview);
    // Read before the labels move (no layout forced between writes).
    const origin = this.viewport.canvas.getBoundingClientRect();
    for (const el of hostPanels) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue; // hidden
      panels.push({
        x0: r.left - origin.left,
        y0: r.top - origin.top,
        x1: r.right - origin.left,
        y1: r.bottom - origin.top,
      });
    }
    this.labels.update(this.framing.camera, width, height, {
      layers: this.geometry.canvasBoxes(width, height),
      panels,
    });
  }

  // ---------------------------------------------------------------- cleanup

  /** Lets go of the layers (hover first: it un-highlights what it hovers), then disposes them. */
  private clearVisuals(): void {
    this.hover.clear();
    this.contents.clearVisuals();
  }

  dispose(): void {
    this.wrap.cancel();
    this.frames.dispose();
    this.hover.disconnect();
    this.framing.disconnect();
    this.clearVisuals();
    this.open.dispose();
    this.boxes.dispose();
    this.minimap.dispose();
    this.marks.dispose();
    this.contents.dispose();
    this.hover.dispose();
    this.framing.dispose();
    this.labels.dispose();
    this.viewport.dispose();
  }
}
