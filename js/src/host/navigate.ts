/**
 * Finding one's way in the view: the focused layer (where find, the arrow keys or
 * Python's fly_to went), find's marked matches and the step through them, the keyboard
 * while the view has focus, and the breadcrumb of the blocks holding the focused layer.
 * Every flight goes through the scene's one fly-to entry point (`SceneView.flyTo`).
 *
 * Keys while the view has focus (the canvas or the view itself, never a field or a
 * button of it; `/` and Ctrl+F also from its buttons): `/` or Ctrl+F (⌘F) open find; → / ← walk to the next / previous layer
 * along the edges, ↓ / ↑ to the next / previous layer at the same depth (parallel
 * branches; data/walk.ts); Enter opens or closes the focused layer (as a click does);
 * `n` / Shift+N step through find's matches; Escape clears the marks, then the focus.
 * Keys the view uses are kept from the page (and from the notebook's shortcuts); the
 * others pass through, and without focus in the view none is taken.
 *
 * The root reports `data-focused` (the focused layer's id, "" for none), `data-matches`
 * (how many layers find marked, "0" for none) and `data-match` (the 0-based match
 * shown, "" when none).
 */

import { BlockIndex } from "../data/blocks";
import { stepIndex } from "../data/find";
import { GraphWalk, type WalkKey } from "../data/walk";
import type { SceneView } from "../scene/view";
import type { GraphSpec } from "../spec";
import { button, element } from "./dom";
import { createFind } from "./find";

export interface NavigatorHooks {
  view(): SceneView | null;
  /** The user opened or closed a layer (Enter): tell Python. */
  pushOpen(): void;
  /** The breadcrumb's model crumb: back to the whole model. */
  reset(): void;
}

export interface Navigator {
  /** A new graph from Python: focus, marks and the walk start afresh. */
  setGraph(graph: GraphSpec | null): void;
  /** Focuses layer `id` and flies there (find, the keys, Python's fly_to); false for an unknown id. */
  focus(id: string, animate?: boolean): boolean;
  /** Forgets the focus and the marks (Reset view). */
  clear(): void;
  readonly focused: string | null;
  readonly matches: readonly string[];
  dispose(): void;
}

const WALK_KEYS: Record<string, WalkKey> = {
  ArrowRight: "next",
  ArrowLeft: "previous",
  ArrowDown: "down",
  ArrowUp: "up",
};

/** Whether a key event is for a control of the view (a field, a slider, a button), not the view. */
function forControl(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== "function") return false;
  return Boolean(el.closest("input, textarea, select, button, [contenteditable]"));
}

/** Whether a key event types into a field (where `/` is a character, not find). */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== "function") return false;
  return Boolean(el.closest('textarea, [contenteditable], input:not([type="range"]):not([type="checkbox"])'));
}

export function createNavigator(root: HTMLElement, toolbar: HTMLElement, hooks: NavigatorHooks): Navigator {
  let graph: GraphSpec | null = null;
  let walk: GraphWalk | null = null;
  let blocks = new BlockIndex(null);
  let focused: string | null = null;
  let matches: string[] = [];
  let match = -1;

  const crumbs = element("nav", "ls-breadcrumb");
  crumbs.setAttribute("aria-label", "Blocks holding the focused layer");
  crumbs.hidden = true;
  root.append(crumbs);

  const report = (): void => {
    root.dataset.focused = focused ?? "";
    root.dataset.matches = String(matches.length);
    root.dataset.match = match >= 0 ? String(match) : "";
    hooks.view()?.setMarks(matches, focused);
    find.setSteps(match, matches.length);
    showCrumbs();
  };

  const crumb = (text: string, title: string, onClick: () => void): HTMLButtonElement => {
    const b = button("ls-crumb", text, title);
    b.title = title;
    b.addEventListener("click", onClick);
    return b;
  };

  /** The breadcrumb: the model, each enclosing block (outermost first), the layer. */
  const showCrumbs = (): void => {
    // Removing the buttons drops their listeners with them (nothing else holds them).
    crumbs.replaceChildren();
    const node = focused ? graph?.nodes.find((n) => n.id === focused) : undefined;
    crumbs.hidden = !node || !graph;
    if (!node || !graph) return;
    const sep = (): HTMLElement => element("span", "ls-crumb-sep", "\u203a");
    crumbs.append(crumb(graph.name, "Back to the whole model", () => hooks.reset()));
    for (const block of blocks.enclosing(node.id)) {
      const title = `Fly to ${block.name} (${block.nodes.length} layers)`;
      crumbs.append(
        sep(),
        crumb(block.name, title, () => {
          const view = hooks.view();
          // A block none of whose layers is laid out (folded) is reached through its exit layer.
          if (view && !view.flyToLayers(block.nodes)) view.flyTo(block.exit);
        }),
      );
    }
    const here = element("span", "ls-crumb-here", node.name);
    here.title = `${node.name} (${node.class_name})`;
    crumbs.append(sep(), here);
  };

  const focus = (id: string, animate = true): boolean => {
    const view = hooks.view();
    if (!graph || !walk?.has(id)) return false;
    focused = id;
    view?.flyTo(id, animate);
    report();
    return true;
  };

  const step = (by: number): void => {
    if (matches.length === 0) return;
    match = stepIndex(match, matches.length, by);
    focus(matches[match]);
  };

  const clearMarks = (): void => {
    matches = [];
    match = -1;
    report();
  };

  const giveBackKeys = (): void => hooks.view()?.canvas.focus({ preventScroll: true });

  const find = createFind(toolbar, {
    graph: () => graph,
    onLayer: (id) => focus(id),
    onClass: (_className, ids) => {
      matches = ids.filter((id) => walk?.has(id));
      match = -1;
      step(1);
    },
    onStep: step,
    onClear: () => {
      clearMarks();
      giveBackKeys();
    },
    onLeave: giveBackKeys,
  });

  const onKey = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || typing(event.target)) return;
    const ctrl = event.ctrlKey || event.metaKey;
    let handled = true;
    if ((event.key === "/" && !ctrl && !event.altKey) || (ctrl && !event.altKey && event.key.toLowerCase() === "f")) {
      find.open(); // also from the view's buttons and sliders
    } else if (ctrl || event.altKey || forControl(event.target)) {
      handled = false;
    } else if (event.key in WALK_KEYS && walk) {
      const view = hooks.view();
      const to = focused
        ? walk.step(focused, WALK_KEYS[event.key], (id) => view?.layerHeight(id) ?? null)
        : walk.start();
      if (to) focus(to);
    } else if (event.key === "Enter" && focused) {
      const view = hooks.view();
      if (view?.click(focused)) {
        hooks.pushOpen();
        view.flyTo(focused); // to the layer as it will be laid out (open or closed)
      }
    } else if (event.key === "n" || event.key === "N") {
      handled = matches.length > 0;
      step(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape" && (matches.length > 0 || focused)) {
      if (matches.length > 0) clearMarks();
      else {
        focused = null;
        report();
      }
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };
  root.addEventListener("keydown", onKey);
  report();

  return {
    setGraph: (next) => {
      graph = next;
      walk = next ? new GraphWalk(next) : null;
      blocks = new BlockIndex(next);
      if (focused && !walk?.has(focused)) focused = null;
      matches = matches.filter((id) => walk?.has(id));
      if (match >= matches.length) match = matches.length - 1;
      report();
    },
    focus,
    clear: () => {
      focused = null;
      matches = [];
      match = -1;
      report();
    },
    get focused() {
      return focused;
    },
    get matches() {
      return matches;
    },
    dispose: () => {
      root.removeEventListener("keydown", onKey);
      find.dispose();
      crumbs.remove();
    },
  };
}
