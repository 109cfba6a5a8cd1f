/**
 * The views of a notebook page written by layerscape's nbconvert exporter
 * (src/layerscape/nbconvert_exporter.py, `jupyter nbconvert --to layerscape`), mounted
 * without a kernel from the widget state the notebook saved.
 *
 * Each view's output is an element `.layerscape-saved` holding the output's picture
 * (`img.layerscape-picture`, what shows where scripts do not run) and, in
 * `script[data-layerscape="state"]`, the view's saved model state as JSON:
 * `{"state": {trait: value}, "buffers": [{"path": [...], "data": base64}]}` (the binary
 * traits, e.g. `_payload`, travel as buffers, as in the notebook's metadata). The page
 * carries the bundle once, however many views it has; `LayerscapeWidget.mountSaved()`
 * mounts every view through the stand-in model of standalone.ts, so a saved view orbits
 * and hovers like an exported page. There is no kernel behind it: nothing can predict.
 */

import type { WidgetModule } from "./model";
import { base64Bytes, type PageHandle, type PageState, StandaloneModel } from "./standalone";

/** The element of one saved view's output. */
export const SAVED_VIEW_SELECTOR = ".layerscape-saved";

/** One binary trait of a saved state: where it goes and its bytes as base64. */
interface SavedBuffer {
  path: Array<string | number>;
  data: string;
}

/** What `script[data-layerscape="state"]` holds. */
interface SavedState {
  state: Record<string, unknown>;
  buffers?: SavedBuffer[];
}

type SavedWindow = Window & { layerscapeViews?: PageHandle[] };

/** Puts `value` at `path` inside `target` (the steps before the last must exist). */
function setAt(target: Record<string, unknown>, path: Array<string | number>, value: unknown): void {
  let node: unknown = target;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== "object") return;
    node = (node as Record<string | number, unknown>)[key];
  }
  const last = path[path.length - 1];
  if (node !== null && typeof node === "object" && last !== undefined) {
    (node as Record<string | number, unknown>)[last] = value;
  }
}

/** The page state of one saved view: its traits with the buffers put back as DataViews,
 * and no recorded frames or kept samples (a notebook's model has none). */
export function savedPageState(saved: SavedState): PageState {
  const state: Record<string, unknown> = { ...saved.state };
  for (const buffer of saved.buffers ?? []) {
    if (!Array.isArray(buffer.path) || typeof buffer.data !== "string") continue;
    const bytes = base64Bytes(buffer.data);
    setAt(state, buffer.path, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  return { ...(state as PageState), _frames: [], _samples: [], fill_window: false };
}

/** Mounts every saved view of the page not mounted yet, each into its own element after
 * its picture (CSS hides the picture once the view is ready; a view that fails keeps
 * it, and the failure is logged). The handles, in page order, are
 * `window.layerscapeViews`. */
export function mountSavedViews(widget: WidgetModule, doc: Document = document): PageHandle[] {
  const win = (doc.defaultView ?? window) as SavedWindow;
  const handles = win.layerscapeViews ?? [];
  win.layerscapeViews = handles;
  for (const box of Array.from(doc.querySelectorAll<HTMLElement>(SAVED_VIEW_SELECTOR))) {
    if (box.dataset.mounted) continue;
    box.dataset.mounted = "true";
    let saved: SavedState;
    try {
      saved = JSON.parse(box.querySelector('script[data-layerscape="state"]')?.textContent ?? "") as SavedState;
    } catch (err) {
      console.error("layerscape: a saved view's state is not JSON", err);
      continue;
    }
    const model = new StandaloneModel(savedPageState(saved));
    const handle: PageHandle = { model, cleanup: null };
    handles.push(handle);
    const el = doc.createElement("div");
    box.appendChild(el);
    Promise.resolve(widget.initialize({ model }))
      .then(() => {
        handle.cleanup = widget.render({ model, el });
      })
      .catch((err: unknown) => console.error("layerscape failed to render a saved view", err));
  }
  return handles;
}
