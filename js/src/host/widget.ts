/**
 * anywidget entry: `export default { initialize, render }`.
 *
 * Traits read: `_graph` (GraphSpec), `_payload` (LSP1 bytes as a DataView), `theme`
 * ("auto" | "light" | "dark"), `height` (pixels), `color_scope` ("layer" | "channel" |
 * "model": which values share a colour scale; missing means "layer"); `_open` (ids of open layers) is read
 * and written: clicks set it, Python's expand()/collapse() change it; `_folded` (ids of folded
 * blocks, groups of `_graph.groups`) likewise: a click on a folded block and a fly-to into one
 * unfold it here, Python's fold()/unfold() change it; `_focus` ({id, n}: Python's
 * fly_to; the camera flies to layer `id` whenever the counter `n` changes, and when a view opens);
 * `_history` (the training steps the readout plots) and `_frames` (an exported page's recorded
 * run; a notebook's model has none) and `_samples` (an exported page's kept samples, one payload
 * each, which its picker shows offline); `sample` is written by the sample picker (shown when the
 * payload says a batch of several is kept, and a kernel is behind the view: host/samples.ts);
 * `_uid` (one per Python view: a host rendering the same model again, for an updated output,
 * gets the view it replaces moved into its new element instead of a second view: host/adopt.ts).
 *
 * Training frames: a payload whose header has a `step` joins the recording (data/recording.ts)
 * and is shown while the scrubber sits at the newest frame; scrubbed back, new frames are
 * kept but the shown one stays. A payload without `step` (a plain predict) is shown "live":
 * it is not recorded, `data-frame` is empty and the slider rests at the newest frame, so
 * the next training frame is followed again.
 *
 * The scene is built once the view has a size on the page (host/visibility.ts: hosts
 * render into outputs laid out later, VS Code into ones that scroll into view), and a
 * view that has no size draws nothing until it has one again (render/frames.ts).
 *
 * The root element reports its state for tests: `data-state` (loading → ready | error;
 * ready once a frame is drawn at the canvas's size as laid out),
 * `data-predictions` (seq of the last payload drawn), `data-open` (ids of open layers),
 * `data-folded` (ids of folded blocks, space-separated, in the graph's group order),
 * `data-color-scope`, `data-focus` (the layer the camera landed on after fly_to),
 * `data-focused` / `data-matches` / `data-match` (the layer find, the arrow keys or fly_to
 * focused, "" for none; how many layers find marked; the 0-based one shown: host/navigate.ts),
 * `data-frames` / `data-frame` (recorded frames held, the 0-based one shown), `data-sample` (the
 * sample of the kept batch drawn, "" before any payload) / `data-compare` ("a,b" while a
 * comparison b − a is drawn, else ""), `data-boxes`
 * (detections outlined on the input picture, from `_boxes`; its error is a notice and
 * `data-boxes-error`), and
 * `__layerscape` (project a layer or one of its elements to client coordinates; list open
 * layers; what the hover draws; screen boxes and visible labels; frames, draw calls, GPU
 * memory and timings for the benchmarks and the performance tests).
 *
 * Every view on the page draws through one shared WebGL renderer (scene/renderer.ts) into its
 * own 2D canvas, so any number of views fits in the browser's limit of live WebGL contexts.
 */

import { readBoxes } from "../data/boxes";
import { asDataView, decodePayload, readHeader, readStep, type DecodedPayload } from "../data/decode";
import { FrameStore } from "../data/recording";
import type { TrainingStep } from "../spec";
import { createTrainingPanel } from "./training";
import { createSamplePanel } from "./samples";
import { compareAttribute } from "../data/compare";
import { resolveOpenDims, sameShapes } from "../data/shapes";
import { formatCount } from "../data/format";
import { asColorScope } from "../data/scales";
import { button, element } from "./dom";
import { CSS } from "./style";
import { hostBackground, resolveTheme, watchHostTheme } from "./theme";
import { whenSized } from "./visibility";
import { adoptOrMount, modelKey, type Mounted } from "./adopt";
import { parseCssColor, type Rgb } from "../data/colormap";

/** A CSS colour as RGB, or null when it is not one layerscape reads (#rrggbb, rgb()). */
function safeColor(css: string): Rgb | null {
  try {
    return parseCssColor(css);
  } catch {
    return null;
  }
}
import type { HoverState } from "../scene/relations";
import { measure } from "../scene/measure";
import { SceneView } from "../scene/view";
import type { GraphSpec } from "../spec";
import type { RenderProps, TraitName, WidgetModel, WidgetModule } from "./model";
import { createNavigator } from "./navigate";
import { mountSavedViews } from "./saved";
import { mountStandalone, StandaloneModel, type PageHandle } from "./standalone";

export type { RenderProps, WidgetModel } from "./model";

/** What browser tests reach through `root.__layerscape`. */
export interface LayerscapeTestApi {
  project(id: string): { x: number; y: number } | null;
  openIds(): string[];
  /** Frames drawn so far (an idle view draws none). */
  frames(): number;
  /** Geometries and textures alive in the page's shared WebGL renderer, all views together (for leak checks). */
  memory(): { geometries: number; textures: number };
  /** Draw calls of the latest frame. */
  drawCalls(): number;
  /** Whether a frame is scheduled: false once an animation (open/close) has finished. */
  pending(): boolean;
  /** Timestamps and durations in ms on the page's performance.now() clock. */
  timings(): LayerscapeTimings;
  /** Hover picks done (pointer moves are coalesced to one pick per animation frame). */
  picks(): number;
  /** Whether the shared WebGL context is lost. */
  contextLost(): boolean;
  /** The page's shared WebGL context, or null before the view exists (tests lose and restore it through WEBGL_lose_context). */
  glContext(): WebGLRenderingContext | WebGL2RenderingContext | null;
  /** Scene builds so far: a new graph builds, a prediction only updates. */
  builds(): number;
  toggle(id: string): void;
  /** Ids of the folded blocks. */
  folded(): string[];
  /** Folds blocks (or "all"), as Python's fold() does, and tells Python. */
  fold(ids: string[] | "all"): void;
  /** Unfolds blocks (or "all"), as a click on a folded block does, and tells Python. */
  unfold(ids: string[] | "all"): void;
  resetView(): void;
  /** Client coordinates of the middle of one element of a layer: (row, col) of a closed summary, (row, col, channel) of an open layer, (unit), (step, feature). */
  elementPoint(id: string, index: number[]): { x: number; y: number } | null;
  /** What the hover draws: the layer, its element, the relation line segments and the receptive fields outlined. */
  hover(): HoverState | null;
  /** Client rectangle of a layer's box on screen (its corners projected), or null. */
  screenBox(id: string): { x0: number; y0: number; x1: number; y1: number } | null;
  /** Ids of what is drawn now: layers and folded blocks (not what a folded block hides). */
  drawnIds(): string[];
  /** Labels shown after the last frame (level of detail). */
  visibleLabels(): number;
  /** Rows the layout wraps into for the view's shape (1: one band). */
  rows(): number;
  /** Client coordinates of one weight of a layer drawn as its weights: kernel (kh, kw, in, out) or (in, out), bias (out). */
  weightPoint(id: string, role: "kernel" | "bias", index: number[]): { x: number; y: number } | null;
  /** Recorded training frames the view holds. */
  frameCount(): number;
  /** Shows recorded frame `index` as the scrubber does. */
  showFrame(index: number): void;
  /** The layer find, the arrow keys or fly_to focused (null: none), as `data-focused` says. */
  focused(): string | null;
  /** The layers find marked ("All Conv2D"), in the graph's order. */
  matches(): string[];
  /** Client coordinates of a layer on the overview (mini-map), or null when it is not shown. */
  minimapPoint(id: string): { x: number; y: number } | null;
}

export interface LayerscapeTimings {
  /** When the first frame showing a prediction finished (null: none yet). */
  firstDataFrame: number | null;
  /** From the latest payload's arrival to the end of the frame that shows it. */
  payloadToFrame: number | null;
  /** The latest frame's end. */
  lastFrame: number | null;
  /** How long the latest payload took to decode and write into the scene (before its frame). */
  payloadApplyMs: number | null;
  /** How long the latest frame took to draw (render + copy to the view's canvas). */
  frameMs: number | null;
  /** From the latest scrubber input (or play step) to the end of the frame showing that frame. */
  scrubToFrame: number | null;
}

export type LayerscapeRoot = HTMLDivElement & { __layerscape?: LayerscapeTestApi };

export const DEFAULT_HEIGHT = 480;

function asGraph(value: unknown): GraphSpec | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "object") throw new TypeError(`_graph must be an object, got ${typeof value}`);
  const g = value as Partial<GraphSpec>;
  if (!Array.isArray(g.nodes) && Object.keys(g).length === 0) return null;
  if (!Array.isArray(g.nodes) || !Array.isArray(g.edges)) throw new TypeError("_graph needs 'nodes' and 'edges' lists");
  return {
    version: g.version ?? 1,
    name: g.name ?? "model",
    nodes: g.nodes,
    edges: g.edges,
    inputs: g.inputs ?? [],
    outputs: g.outputs ?? [],
    labels: g.labels ?? null,
    wiring: g.wiring === "unknown" ? "unknown" : "known",
    wiring_reason: typeof g.wiring_reason === "string" ? g.wiring_reason : null,
    groups: Array.isArray(g.groups) ? g.groups : [],
  };
}

function initialize(_props: { model: WidgetModel }): void {
  // Nothing slow here: everything happens per view in render().
}

/** A host's render: takes over the model's view it replaces, if any (adopt.ts). */
function render(props: RenderProps): () => void {
  return adoptOrMount(modelKey(props.model.get("_uid")), props.el, () => mountView(props));
}

/** An exported or saved page's render: nothing re-renders there, each call builds. */
function renderOnce(props: RenderProps): () => void {
  const mounted = mountView(props);
  return () => mounted.dispose();
}

/** Builds a view of `model` in `el`. */
function mountView({ model, el }: RenderProps): Mounted {
  const root = element("div", "layerscape") as LayerscapeRoot;
  root.dataset.state = "loading";
  root.dataset.predictions = "0";
  root.dataset.open = "";
  root.dataset.folded = "";
  root.dataset.sample = "";
  root.dataset.compare = "";
  const style = element("style", "");
  style.textContent = CSS;
  const viewportEl = element("div", "ls-viewport");
  const title = element("div", "ls-title");
  const titleName = element("span", "ls-title-name");
  const titleMeta = element("span", "ls-title-meta");
  title.append(titleName, titleMeta);
  const toolbar = element("div", "ls-toolbar");
  const resetButton = button("ls-reset", "Reset view");
  const openButton = button("ls-open-all", "Open all");
  const closeButton = button("ls-close-all", "Close all");
  const weightsButton = button("ls-weights", "Weights");
  weightsButton.hidden = true;
  toolbar.append(resetButton, openButton, closeButton, weightsButton);
  const message = element("div", "ls-message");
  message.hidden = true;
  // Says when the edges are missing because nobody knows them (an untraceable model).
  const notice = element("div", "ls-notice");
  notice.hidden = true;
  // Says why no boxes are drawn when the boxes function failed (Python's `boxes=fn`).
  const boxNotice = element("div", "ls-boxes-error");
  boxNotice.hidden = true;
  root.dataset.boxes = "0";
  const header = element("div", "ls-header");
  header.append(title, toolbar);
  root.append(style, viewportEl, header, notice, boxNotice, message);
  // A flex item (the view in an HBox) shares the row instead of shrinking to nothing,
  // unless the user's layout says otherwise.
  let host = el;
  let grown = false;
  const placeIn = (target: HTMLElement): void => {
    if (grown) host.style.removeProperty("flex");
    host = target;
    host.appendChild(root);
    grown = !host.style.flex;
    if (grown) host.style.flex = "1 1 auto";
  };
  placeIn(el);

  const panel = createTrainingPanel(root, { onPick: (index, at) => showFrame(index, at) });
  // The picker asks Python for another sample of the kept batch. An exported page has no
  // kernel behind it: it shows the samples it holds (`_samples`), or has no picker.
  const kernel = !(model instanceof StandaloneModel);
  const pageSamples = (): DataView[] => {
    const list = model.get("_samples");
    return Array.isArray(list) ? list : [];
  };
  const canPick = (kept: number): boolean => kernel || pageSamples().length >= kept;
  const samplePanel = createSamplePanel(root, {
    onPick: (index) => {
      const held = kernel ? undefined : pageSamples()[index];
      if (held) {
        model.set("_payload", held);
        return;
      }
      model.set("sample", index);
      model.save_changes();
    },
  });
  let view: SceneView | null = null;
  /** The graph as Python sent it, and as drawn (open dimensions filled in; undefined
   * until the scene is built for the current graph). */
  let graph: GraphSpec | null = null;
  let shown: GraphSpec | null | undefined;
  let disposed = false;
  const cleanups: Array<() => void> = [];
  // Find, the keyboard and the breadcrumb (host/navigate.ts): `data-focused`, `data-matches`.
  const nav = createNavigator(root, toolbar, {
    view: () => view,
    pushOpen: () => pushOpen(),
    reset: () => onReset(),
  });

  const fail = (err: unknown): void => {
    if (disposed) return;
    console.error("layerscape:", err);
    root.dataset.state = "error";
    message.textContent = `layerscape could not draw this model:\n${err instanceof Error ? err.message : String(err)}`;
    message.hidden = false;
  };

  /** Clears an earlier error once something draws fine again. */
  const clearError = (): void => {
    if (root.dataset.state === "error") {
      root.dataset.state = "loading";
      message.hidden = true;
    }
  };

  /** What the test API reports about timing (performance.now() clock). */
  const timings: LayerscapeTimings = {
    firstDataFrame: null,
    payloadToFrame: null,
    lastFrame: null,
    payloadApplyMs: null,
    frameMs: null,
    scrubToFrame: null,
  };

  /** After the next frame: ready. */
  const markDrawn = (then?: () => void): void => {
    view?.afterFrame(() => {
      then?.();
      if (root.dataset.state !== "error") root.dataset.state = "ready";
    });
  };

  const applyHeight = (): void => {
    const h = Number(model.get("height"));
    root.style.height = `${Number.isFinite(h) && h > 0 ? Math.round(h) : DEFAULT_HEIGHT}px`;
  };

  /** Recolours in place: no rebuild, one frame. */
  const applyColorScope = (): void => {
    const scope = asColorScope(model.get("color_scope"));
    root.dataset.colorScope = scope;
    view?.setColorScope(scope);
  };

  const applyTheme = (): void => {
    const setting = model.get("theme");
    const name = resolveTheme(setting);
    root.dataset.theme = name;
    view?.setTheme(name);
    panel.setTheme(name === "dark");
    // In VS Code the view takes the editor's background, as the cells around it do.
    const host = setting === "light" || setting === "dark" ? null : hostBackground();
    const rgb = host ? safeColor(host) : null;
    if (rgb) root.style.setProperty("--ls-bg", host);
    else root.style.removeProperty("--ls-bg");
    view?.setBackground(rgb ? (rgb[0] << 16) | (rgb[1] << 8) | rgb[2] : null);
    root.dataset.hostBackground = rgb ? (host ?? "") : "";
  };

  const showTitle = (graph: GraphSpec | null): void => {
    titleName.textContent = graph?.name ?? "";
    if (!graph) {
      titleMeta.textContent = "";
      return;
    }
    const params = graph.nodes.reduce((sum, n) => sum + (Number(n.params) || 0), 0);
    titleMeta.textContent = `${graph.nodes.length} layers · ${formatCount(params)} params`;
    const flow = graph.nodes.map((n) => n.class_name).join(", ");
    view?.canvas.setAttribute("aria-label", `3D view of the model ${graph.name}: ${flow}`);
  };

  /** Recorded training frames (the scrubber's), and the seq of the one on screen: null
   * while the view shows a payload that is not a frame (a plain predict: "live"). Held by
   * seq because thinning moves frames to lower indices. */
  const frames = new FrameStore();
  let shownSeq: number | null = null;
  /** The index of the frame on screen now, or null (live). */
  const shownIndex = (): number | null => (shownSeq === null ? null : frames.nearest(shownSeq));

  /** Draws one decoded payload (a prediction or a frame); `arrived` starts the timings. */
  const applyPayload = (decoded: DecodedPayload | null, arrived: number, then?: () => void): void => {
    if (!view) return;
    // The scene is built here, from the graph with its open dimensions (None) sized
    // by this prediction: built once per graph, and again only when those sizes
    // change, so a fixed-shape model never rebuilds on predict.
    const shaped = graph ? resolveOpenDims(graph, decoded) : null;
    const rebuild = shown === undefined || !sameShapes(shaped, shown);
    if (rebuild) {
      // Folded from the start: the scene builds only what is drawn.
      view.setGraph(shaped, foldedTrait());
      view.setOpenIds(openTrait(), false);
      // A view that opens after fly_to (another output, a saved page) starts there.
      onFocusTrait(false);
      shown = shaped;
    }
    view.setPayload(decoded);
    const seq = decoded?.seq ?? 0;
    timings.payloadApplyMs = performance.now() - arrived;
    clearError();
    markDrawn(() => {
      const end = view?.frameTimes.last ?? performance.now();
      timings.payloadToFrame = end - arrived;
      if (decoded && decoded.nodes.size > 0) timings.firstDataFrame ??= end;
      root.dataset.predictions = String(seq);
      root.dataset.sample = decoded ? String(decoded.sample?.index ?? 0) : "";
      root.dataset.compare = compareAttribute(decoded?.compare);
      then?.();
    });
    // A prediction for a scene already on screen is drawn at once; a new scene
    // waits for the animation frame, after layout has sized its canvas.
    if (!rebuild && view.frameCount > 0) view.drawNow();
  };

  const showPanel = (): void => {
    const index = shownIndex();
    root.dataset.frames = String(frames.length);
    root.dataset.frame = index === null ? "" : String(index);
    const step = index === null ? currentStep : (frames.at(index)?.step ?? null);
    panel.show(step, index, frames.length);
  };
  let currentStep: TrainingStep | null = null;

  /** Shows recorded frame `index` (the scrubber, play, the test API). */
  const showFrame = (index: number, at: number = performance.now()): void => {
    const frame = frames.at(Math.max(0, Math.min(frames.length - 1, Math.round(index))));
    if (!frame) return;
    try {
      shownSeq = frame.seq;
      timings.scrubToFrame = null;
      applyPayload(decodePayload(frame.data), at, () => {
        timings.scrubToFrame = (view?.frameTimes.last ?? performance.now()) - at;
      });
      showPanel();
    } catch (err) {
      fail(err);
    }
  };

  /** Keeps a payload that shows a training step; returns whether it is now on screen. */
  const record = (data: DataView, decoded: DecodedPayload): boolean => {
    if (!decoded.step) return false;
    const before = shownIndex();
    const following = before === null || before >= frames.length - 1;
    frames.add({ data, step: decoded.step, seq: decoded.seq });
    if (following) {
      shownSeq = decoded.seq;
      return true;
    }
    // Thinning dropped the frame the user scrubbed to: show the kept one nearest to it,
    // so the scene, the slider and the readout agree.
    const kept = frames.at(shownIndex() ?? 0);
    if (kept && kept.seq !== shownSeq) showFrame(shownIndex() ?? 0);
    return false;
  };

  const onPayload = (): void => {
    if (!view) return;
    const arrived = performance.now();
    try {
      const data = asDataView(model.get("_payload"));
      const decoded = data && data.byteLength > 0 ? decodePayload(data) : null;
      measure("layerscape:decode", arrived);
      if (data && decoded?.step) {
        // A frame drawn during fit joins the recording; while the user has scrubbed
        // back it waits there instead of replacing what they are looking at.
        if (!record(data, decoded) && shown !== undefined) {
          showPanel();
          return;
        }
      } else {
        shownSeq = null;
      }
      currentStep = decoded?.step ?? null;
      applyPayload(decoded, arrived);
      showPanel();
      samplePanel.show(decoded?.sample ?? null, decoded?.compare ?? null, canPick(decoded?.sample?.kept ?? 0));
    } catch (err) {
      fail(err);
    }
  };

  /** The page's recorded frames (`_frames`, exported pages only) seed the scrubber; only
   * their headers are read now, each frame is decoded when it is shown. */
  const seedFrames = (): void => {
    const list = model.get("_frames");
    if (!Array.isArray(list)) return;
    for (const item of list) {
      const data = asDataView(item);
      if (!data) continue;
      const { header } = readHeader(data);
      const step = readStep(header.step);
      if (step) frames.add({ data, step, seq: Number(header.seq) || 0 });
    }
  };

  const onHistory = (): void => {
    const value = model.get("_history");
    const steps = Array.isArray(value) ? value.map(readStep).filter((s): s is TrainingStep => s !== null) : [];
    panel.setHistory(steps);
  };

  /** The `_open` trait: ids of open layers, shared with Python (expand/collapse). */
  const openTrait = (): string[] => {
    const ids = model.get("_open");
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
  };

  /** Tells Python what the user opened, so it can send those layers' channels. */
  const pushOpen = (): void => {
    if (!view) return;
    const ids = view.openIds();
    const known = openTrait();
    if (ids.length === known.length && ids.every((id, i) => id === known[i])) return;
    model.set("_open", ids);
    model.save_changes();
  };

  const onOpenTrait = (): void => view?.setOpenIds(openTrait());

  /** The `_folded` trait: ids of the folded blocks, shared with Python (fold/unfold). */
  const foldedTrait = (): string[] => {
    const ids = model.get("_folded");
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
  };

  /** Tells Python which blocks the view unfolded (a click, a fly-to into one). */
  const pushFolded = (): void => {
    if (!view) return;
    const ids = view.foldedIds();
    const known = foldedTrait();
    if (ids.length === known.length && ids.every((id, i) => id === known[i])) return;
    model.set("_folded", ids);
    model.save_changes();
  };

  const onFoldedTrait = (): void => view?.setFolded(foldedTrait());

  /** The `_weights` trait: ids of the layers drawn as their weights. */
  const weightsTrait = (): string[] => {
    const ids = model.get("_weights");
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
  };
  const weightedIds = (): string[] => (graph?.nodes ?? []).filter((n) => n.weights).map((n) => n.id);

  /** Draws the trait's layers as their weights (tweened unless `animate` is false). */
  const onWeightsTrait = (animate = true): void => {
    const ids = weightsTrait();
    view?.setWeightIds(ids, animate);
    // What the view draws: the trait's ids that are layers with weights.
    root.dataset.weights = (view?.weightIds() ?? []).join(" ");
    const all = weightedIds();
    weightsButton.hidden = all.length === 0;
    const showing = ids.length > 0;
    weightsButton.textContent = showing ? "Activations" : "Weights";
    weightsButton.setAttribute("aria-pressed", String(showing));
    weightsButton.title = showing ? "Draw every layer's output" : "Draw the layers' weights instead of their outputs";
  };

  /** The Weights button: every layer with weights shows them, or none does. */
  const onWeightsButton = (): void => {
    model.set("_weights", weightsTrait().length > 0 ? [] : weightedIds());
    model.save_changes();
    onWeightsTrait();
  };

  /** The `_boxes` trait: the detections drawn, or the notice of why there are none. */
  const onBoxes = (): void => {
    const state = readBoxes(model.get("_boxes"));
    const error = state?.error ?? null;
    boxNotice.textContent = error ? `Boxes: ${error}` : "";
    boxNotice.hidden = error === null;
    root.dataset.boxesError = error ?? "";
    view?.setBoxes(state);
    view?.afterFrame(() => {
      root.dataset.boxes = String(view?.boxesDrawn ?? 0);
    });
  };

  /** The `_focus` trait ({id, n}), set by Python's fly_to: frame that layer. */
  const onFocusTrait = (animate = true): void => {
    const focus = model.get("_focus") as { id?: unknown } | null | undefined;
    if (!view || !focus || typeof focus.id !== "string") return;
    if (!nav.focus(focus.id, animate)) view.flyTo(focus.id, animate);
  };

  const onGraph = (): void => {
    if (!view) return;
    try {
      graph = asGraph(model.get("_graph"));
      shown = undefined; // onPayload builds the scene for the new graph
      showTitle(graph);
      nav.setGraph(graph);
      const unknown = graph?.wiring === "unknown";
      notice.textContent = unknown
        ? `Wiring unknown: ${graph?.wiring_reason ?? "the model's call() could not be traced"}`
        : "";
      notice.hidden = !unknown;
      root.dataset.wiring = unknown ? "unknown" : "known";
      clearError();
      message.textContent = "No model to show yet.";
      message.hidden = graph !== null && graph.nodes.length > 0;
      onPayload();
      onWeightsTrait(false);
      onBoxes();
    } catch (err) {
      fail(err);
    }
  };

  applyHeight();
  applyTheme();
  try {
    seedFrames();
    onHistory();
  } catch (err) {
    fail(err);
  }
  /** Builds the scene once the view has a size on the page (host/visibility.ts). */
  const build = (late: boolean): void => {
    if (disposed) return;
    try {
      buildScene();
      // Laid out only now, in a ResizeObserver callback before the page paints: the
      // first frame is drawn at once, so the new canvas is never painted blank.
      if (late) view?.drawNow();
    } catch (err) {
      fail(err);
    }
  };
  const buildScene = (): void => {
    view = new SceneView(viewportEl, {
      onOpenChange: (ids) => {
        root.dataset.open = ids.join(" ");
      },
      onUserToggle: pushOpen,
      onFoldChange: (ids) => {
        root.dataset.folded = ids.join(" ");
      },
      onUserFold: pushFolded,
      onError: fail,
      onFocus: (id) => {
        root.dataset.focus = id ?? "";
      },
      panels: () => [title, toolbar, ...root.querySelectorAll<HTMLElement>(".ls-breadcrumb")],
    });
    applyTheme();
    applyColorScope();
    onGraph();
  };
  cleanups.push(whenSized(viewportEl, build));

  const onReset = (): void => {
    view?.resetView();
    nav.clear();
  };
  const onOpenAll = (): void => {
    view?.openAll();
    pushOpen();
  };
  const onCloseAll = (): void => {
    view?.closeAll();
    pushOpen();
  };
  // Every listener is paired with its removal in `cleanups`.
  const buttons: Array<[HTMLButtonElement, () => void]> = [
    [resetButton, onReset],
    [openButton, onOpenAll],
    [closeButton, onCloseAll],
    [weightsButton, onWeightsButton],
  ];
  for (const [button, onClick] of buttons) {
    button.addEventListener("click", onClick);
    cleanups.push(() => button.removeEventListener("click", onClick));
  }
  const traits: Array<[TraitName, () => void]> = [
    ["_graph", onGraph],
    ["_payload", onPayload],
    ["theme", applyTheme],
    ["height", applyHeight],
    ["_open", onOpenTrait],
    ["_folded", onFoldedTrait],
    ["color_scope", applyColorScope],
    ["_focus", () => onFocusTrait()],
    ["_history", onHistory],
    ["_weights", () => onWeightsTrait()],
    ["_boxes", onBoxes],
  ];
  for (const [name, onChange] of traits) {
    model.on(`change:${name}`, onChange);
    cleanups.push(() => model.off(`change:${name}`, onChange));
  }
  cleanups.push(watchHostTheme(applyTheme));

  root.__layerscape = {
    project: (id) => view?.project(id) ?? null,
    openIds: () => view?.openIds() ?? [],
    frames: () => view?.frameCount ?? 0,
    memory: () => view?.memory ?? { geometries: 0, textures: 0 },
    drawCalls: () => view?.lastFrameInfo.calls ?? 0,
    pending: () => view?.framePending ?? false,
    timings: () => ({ ...timings, lastFrame: view?.frameTimes.last ?? null, frameMs: view?.frameTimes.drawMs ?? null }),
    picks: () => view?.pickCount ?? 0,
    contextLost: () => view?.contextLost ?? false,
    glContext: () => view?.glContext ?? null,
    builds: () => view?.buildCount ?? 0,
    toggle: (id) => {
      view?.toggle(id);
      pushOpen();
    },
    folded: () => view?.foldedIds() ?? [],
    fold: (ids) => {
      view?.fold(ids);
      pushFolded();
    },
    unfold: (ids) => {
      view?.unfold(ids);
      pushFolded();
    },
    resetView: () => onReset(),
    elementPoint: (id, index) => view?.elementClientPoint(id, index) ?? null,
    hover: () => view?.hoverState ?? null,
    screenBox: (id) => view?.screenBox(id) ?? null,
    drawnIds: () => view?.drawnIds() ?? [],
    visibleLabels: () => view?.visibleLabels ?? 0,
    rows: () => view?.layoutRows ?? 0,
    weightPoint: (id, role, index) => view?.weightClientPoint(id, role, index) ?? null,
    frameCount: () => frames.length,
    showFrame: (index) => showFrame(index),
    focused: () => nav.focused,
    matches: () => [...nav.matches],
    minimapPoint: (id) => view?.minimapPoint(id) ?? null,
  };

  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    for (const fn of cleanups) fn();
    cleanups.length = 0;
    panel.dispose();
    samplePanel.dispose();
    nav.dispose();
    view?.dispose();
    view = null;
    delete root.__layerscape;
    root.remove();
    if (grown) host.style.removeProperty("flex");
  };
  return { root, moveTo: placeIn, park: () => root.remove(), dispose };
}

const widget: WidgetModule = { initialize, render };
const pageWidget: WidgetModule = { initialize, render: renderOnce };

/** The exported page's entry (export.py's one call): render this widget from the page's
 * own state, through the stand-in model of standalone.ts. */
export function mountPage(): PageHandle {
  return mountStandalone(pageWidget);
}

/** A saved notebook page's entry (the nbconvert exporter's one call): mount every saved
 * view from the state the notebook holds (saved.ts). */
export function mountSaved(): PageHandle[] {
  return mountSavedViews(pageWidget);
}

export default widget;
