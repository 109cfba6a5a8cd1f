/**
 * What the page's scripts share through `globalThis`, under `Symbol.for` keys (the same
 * symbol in every module that asks for it, so two bundles on one page find each other
 * without a global name another script could take).
 *
 * - `layerscape.evaluations`: how many times a front-end bundle (`host/bundle.ts`) was
 *   evaluated on this page. One is the goal (issue 10: one front end per page); browser
 *   tests read it.
 * - `layerscape.frontEnds`: the loaded front ends by key (`"<version>+<hash of the
 *   bundle>"`, Python's `runtime.py`), each a promise of the bundle's module. A view's
 *   loader (`host/loader.ts`) imports a bundle only when its key is not there yet.
 */

import type { WidgetModule } from "./model";

const EVALUATIONS = Symbol.for("layerscape.evaluations");
const FRONT_ENDS = Symbol.for("layerscape.frontEnds");

type PageGlobals = typeof globalThis & {
  [EVALUATIONS]?: number;
  [FRONT_ENDS]?: Map<string, Promise<WidgetModule>>;
};

const page = globalThis as PageGlobals;

/** Counts one evaluation of a front-end bundle on this page; returns the count. */
export function countEvaluation(): number {
  page[EVALUATIONS] = (page[EVALUATIONS] ?? 0) + 1;
  return page[EVALUATIONS];
}

/** How many front-end bundles this page has evaluated. */
export function evaluations(): number {
  return page[EVALUATIONS] ?? 0;
}

/** The page's front ends by key (made on first use). */
export function frontEnds(): Map<string, Promise<WidgetModule>> {
  page[FRONT_ENDS] ??= new Map();
  return page[FRONT_ENDS];
}
