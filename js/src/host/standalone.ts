/**
 * The exported page's stand-in for the anywidget model, and the call that mounts the
 * view on the page (src/layerscape/export.py writes `LayerscapeWidget.mountPage()`).
 *
 * The page holds the trait values as JSON in `#layerscape-state` (plus `fill_window`:
 * the view fills the window's height and follows it), the last payload as base64 in
 * `#layerscape-payload`, a recorded training run in `#layerscape-frames` (trait
 * `_frames`, which only pages have) and the kept samples of a batch in
 * `#layerscape-samples` (trait `_samples`, for the sample picker); the view renders into `#layerscape-root`. Scripts on the page,
 * and the browser tests, reach it through `window.layerscapePage`: `model` to get and
 * set traits, `cleanup` (what render() returned, once it has run).
 */

import { measure } from "../scene/measure";
import type { TraitEvent, TraitName, WidgetModel, WidgetModule, WidgetTraits } from "./model";

/** The state the page carries: trait values and page-only flags. */
export interface PageState extends Partial<WidgetTraits> {
  /** Size the view to the window's height (at least 400 px) and follow resizes. */
  fill_window?: boolean;
}

/** A model that keeps the traits in a plain object and tells listeners of each set(). */
export class StandaloneModel implements WidgetModel {
  private listeners = new Map<string, Array<() => void>>();

  constructor(private readonly state: PageState) {}

  get<K extends TraitName>(name: K): WidgetTraits[K] {
    return this.state[name] as WidgetTraits[K];
  }

  set<K extends TraitName>(name: K, value: WidgetTraits[K]): void {
    this.state[name] = value;
    // A copy: a listener may remove itself (or others) while being called.
    for (const callback of [...(this.listeners.get(`change:${name}`) ?? [])]) callback();
  }

  on(event: TraitEvent, callback: () => void): void {
    const list = this.listeners.get(event) ?? [];
    list.push(callback);
    this.listeners.set(event, list);
  }

  off(event?: TraitEvent | null, callback?: (() => void) | null): void {
    if (!event) {
      this.listeners = new Map();
      return;
    }
    const list = this.listeners.get(event) ?? [];
    this.listeners.set(event, callback ? list.filter((f) => f !== callback) : []);
  }

  /** Nothing to sync with: there is no kernel behind the page. */
  save_changes(): void {}

  /** Custom messages go nowhere on a page (kept for scripts written for anywidget). */
  send(): void {}
}

/** What the page exposes as `window.layerscapePage`. */
export interface PageHandle {
  model: StandaloneModel;
  /** Undoes render(); null until it has run. */
  cleanup: (() => void) | null;
}

type PageWindow = Window & { layerscapePage?: PageHandle };

/** `Uint8Array.fromBase64` (Chromium 140+, Firefox 133+, Safari 18.2+): decodes in native code. */
type Base64Decoder = (text: string) => Uint8Array;
const fromBase64 = (Uint8Array as unknown as { fromBase64?: Base64Decoder }).fromBase64;

/** The bytes of a base64 text (an exported page's payloads, a saved notebook's buffers). */
export function base64Bytes(text: string): Uint8Array {
  // Ten times faster than atob and a loop on a page's 10 MB payload.
  if (fromBase64) return fromBase64(text);
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** The page's recorded training frames (`#layerscape-frames`) or kept samples
 * (`#layerscape-samples`): a JSON list of base64 payloads. */
function readPayloads(doc: Document, id = "layerscape-frames"): DataView[] {
  const text = doc.getElementById(id)?.textContent?.trim();
  if (!text) return [];
  const list: unknown = JSON.parse(text);
  if (!Array.isArray(list)) return [];
  return list.filter((f): f is string => typeof f === "string").map((f) => new DataView(base64Bytes(f).buffer));
}

/** The height a full-window view gets. */
function windowHeight(win: Window): number {
  return Math.max(400, win.innerHeight - 4);
}

/** Reads the page's state and payload, renders `widget` into the root element and
 * publishes the handle as `window.layerscapePage`. A render failure is logged, not thrown. */
export function mountStandalone(widget: WidgetModule, doc: Document = document): PageHandle {
  const win = (doc.defaultView ?? window) as PageWindow;
  // Marks the benchmarks read (benchmarks/browser.py): where the page's start-up goes.
  const started = performance.now();
  const state = JSON.parse(doc.getElementById("layerscape-state")?.textContent ?? "{}") as PageState;
  const b64 = (doc.getElementById("layerscape-payload")?.textContent ?? "").trim();
  measure("layerscape:state-json", started);
  const unpacked = performance.now();
  state._payload = new DataView(base64Bytes(b64).buffer);
  measure("layerscape:payload-base64", unpacked);
  state._frames = readPayloads(doc);
  state._samples = readPayloads(doc, "layerscape-samples");
  if (state.fill_window) state.height = windowHeight(win);
  const model = new StandaloneModel(state);
  if (state.fill_window) win.addEventListener("resize", () => model.set("height", windowHeight(win)));
  const handle: PageHandle = { model, cleanup: null };
  win.layerscapePage = handle;
  const el = doc.getElementById("layerscape-root");
  Promise.resolve(widget.initialize({ model }))
    .then(() => {
      if (!el) throw new Error("the page has no #layerscape-root element");
      handle.cleanup = widget.render({ model, el });
    })
    .catch((err: unknown) => console.error("layerscape failed to render", err));
  return handle;
}
