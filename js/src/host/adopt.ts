/**
 * A view re-rendered by its host takes over the view it replaces instead of building
 * a second one.
 *
 * When the kernel updates a displayed output (`update_display`: Python refreshes the
 * picture beside the view after a cell that changed it, notebook_display.py), hosts
 * render the widget view again for the same model:
 *
 * - JupyterLab, Notebook 7 and Voilà (ipywidgets' output renderer) empty the output's
 *   node and call render() on a new element; the old view's element is dropped from
 *   the page and its cleanup never runs.
 * - Other hosts may run the old view's cleanup first and render the new one a moment
 *   later.
 *
 * Either way, a render for a model whose view has left the page (or was cleaned up less
 * than `PARK_MS` ago) moves that view's root into the new element: the scene, the camera,
 * the open layers and the picture stay as they were, and nothing is built or leaked. A
 * cleaned-up view nobody takes over within `PARK_MS` is disposed then. Views are matched
 * by the model's `_uid` (one per Python `ModelView`), never by DOM position; a model shown
 * twice on a page has two roots, and a view still on the page is never taken.
 */

/** A view as render() built it: its root element, and what moves or disposes it. */
export interface Mounted {
  readonly root: HTMLElement;
  /** Moves the root into `el` (a host's new element for the same model). */
  moveTo(el: HTMLElement): void;
  /** Takes the root off the page (a cleaned-up view draws nothing while it waits). */
  park(): void;
  dispose(): void;
}

/** How long a cleaned-up view waits to be taken over before it is disposed. */
export const PARK_MS = 1000;

interface Entry {
  mounted: Mounted;
  /** The render call that owns the view now: only its cleanup parks the view. */
  owner: symbol;
  parked: ReturnType<typeof setTimeout> | null;
}

/** The views of this front end by model key. */
export type Registry = Map<string, Set<Entry>>;

const views: Registry = new Map();

function release(registry: Registry, key: string, entry: Entry): void {
  const entries = registry.get(key);
  entries?.delete(entry);
  if (entries?.size === 0) registry.delete(key);
  entry.mounted.dispose();
}

/** A view of `key` that can be taken over: cleaned up (parked) or off the page. */
function takeable(registry: Registry, key: string): Entry | null {
  for (const entry of registry.get(key) ?? []) {
    if (entry.parked !== null || !entry.mounted.root.isConnected) return entry;
  }
  return null;
}

/**
 * Shows the view of the model `key` in `el`: the one it replaces when there is one to
 * take over, else a new one from `mount()`. Returns the render's cleanup. A null key
 * (a model without `_uid`: a notebook saved by an older version) always mounts.
 */
export function adoptOrMount(
  key: string | null,
  el: HTMLElement,
  mount: () => Mounted,
  registry: Registry = views,
): () => void {
  if (key === null) {
    const mounted = mount();
    return () => mounted.dispose();
  }
  const owner = Symbol("render");
  let entry = takeable(registry, key);
  if (entry) {
    if (entry.parked !== null) clearTimeout(entry.parked);
    entry.parked = null;
    entry.owner = owner;
    entry.mounted.moveTo(el);
  } else {
    entry = { mounted: mount(), owner, parked: null };
    const entries = registry.get(key) ?? new Set();
    entries.add(entry);
    registry.set(key, entries);
  }
  const held = entry;
  return () => {
    if (held.owner !== owner || held.parked !== null) return;
    held.mounted.park();
    held.parked = setTimeout(() => release(registry, key, held), PARK_MS);
  };
}

/** The model's key for adoption: its `_uid`, or null when it has none. */
export function modelKey(uid: unknown): string | null {
  return typeof uid === "string" && uid !== "" ? uid : null;
}
