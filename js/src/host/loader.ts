/**
 * A view's own module (`static/view.js`, ModelView's `_esm`): a few hundred bytes that
 * find the page's one front end and hand the view to it.
 *
 * anywidget imports a view's `_esm` afresh for every model (a new Blob URL each time),
 * so a bundle there would be evaluated once per view: three.js twice on a page with two
 * views ("Multiple instances of Three.js being imported"), and a saved notebook holding
 * 0.7 MB per view. Instead the kernel sends the bundle once, in its runtime widget
 * (Python's `runtime.py`: traits `_bundle`, the ES module's source, and `_key`,
 * "<version>+<hash of the bundle>"), and each view names that widget in `_runtime` (a
 * widget reference, "IPY_MODEL_<id>"). The loader resolves the reference through the
 * widget manager and imports the bundle once per page per key (`page-globals.ts`): views
 * of two kernels with the same bundle share it (the front end keeps no state between
 * views other than the page's one WebGL renderer), a rebuilt bundle has another key.
 *
 * `initialize` starts the import and returns at once: anywidget gives up on a model whose
 * initialize has not finished in 2 s (its messages are then dropped), and the bundle may
 * take longer on a slow page. `render` waits for it.
 */

import type { RenderProps, WidgetModel, WidgetModule } from "./model";
import { frontEnds } from "./page-globals";

const REFERENCE = "IPY_MODEL_";

/** The part of the runtime widget's model the loader reads. */
export interface RuntimeModel {
  get(name: "_bundle" | "_key"): unknown;
}

/** A view's model as anywidget hands it over: with the page's widget manager. */
export type HostModel = WidgetModel & {
  get(name: "_runtime"): unknown;
  widget_manager?: { get_model(id: string): Promise<RuntimeModel> };
};

/** Turns the bundle's source into its widget (a parameter so tests can count imports). */
export type ImportSource = (source: string) => Promise<WidgetModule>;

/** Imports an ES module from its source text. */
async function importSource(source: string): Promise<WidgetModule> {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    const module = (await import(/* @vite-ignore */ url)) as { default?: WidgetModule };
    if (!module.default || typeof module.default.render !== "function") {
      throw new TypeError("layerscape: the runtime's bundle exports no widget (default { initialize, render })");
    }
    return module.default;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The page's front end for this view's runtime, imported on first use. */
export async function frontEnd(model: HostModel, load: ImportSource = importSource): Promise<WidgetModule> {
  const ref = model.get("_runtime");
  if (typeof ref !== "string" || !ref.startsWith(REFERENCE)) {
    throw new TypeError(
      `layerscape: the view's _runtime should be a widget reference "${REFERENCE}<id>", got ${JSON.stringify(ref)}`,
    );
  }
  if (!model.widget_manager) {
    throw new TypeError("layerscape: this notebook host gives widgets no widget_manager to find the runtime with");
  }
  const runtime = await model.widget_manager.get_model(ref.slice(REFERENCE.length));
  const key = runtime.get("_key");
  const source = runtime.get("_bundle");
  if (typeof key !== "string" || !key || typeof source !== "string" || !source) {
    throw new TypeError("layerscape: the runtime widget holds no front end (_key and _bundle should be strings)");
  }
  const loaded = frontEnds();
  let module = loaded.get(key);
  if (!module) {
    module = load(source);
    loaded.set(key, module);
    // A failed import is not kept: the next view tries again.
    module.catch(() => loaded.delete(key));
  }
  return module;
}

/** Shows why the view could not start, where the view would have been. */
function showFailure(el: HTMLElement, err: unknown): () => void {
  const box = document.createElement("div");
  box.className = "layerscape";
  box.dataset.state = "error";
  box.textContent = err instanceof Error ? err.message : String(err);
  el.appendChild(box);
  return () => box.remove();
}

function initialize({ model }: { model: WidgetModel }): void {
  // The front end's own initialize runs once it has loaded; it keeps no per-model state
  // that render depends on (widget.ts), so render need not wait for it.
  frontEnd(model as HostModel)
    .then((widget) => widget.initialize({ model }))
    .catch(() => {
      // render shows the failure, in the view's place.
    });
}

async function render(props: RenderProps): Promise<() => void> {
  let widget: WidgetModule;
  try {
    widget = await frontEnd(props.model as HostModel);
  } catch (err) {
    console.error(err);
    return showFailure(props.el, err);
  }
  return widget.render(props);
}

export default { initialize, render };
