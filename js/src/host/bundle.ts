/**
 * The entry of the full front end (`static/widget.js` for anywidget, `static/widget.iife.js`
 * for the exported page): the widget of `widget.ts`, with three.js inside, counted once
 * per evaluation on the page (`host/page-globals.ts`), so tests can tell that a page with
 * many views evaluated it once.
 *
 * In a notebook the views do not import this module themselves: it travels once per
 * kernel in the runtime widget's `_bundle` (Python's `runtime.py`) and each view's
 * loader (`host/loader.ts`) imports it once per page.
 */

import { countEvaluation } from "./page-globals";
import widget, { mountPage, mountSaved } from "./widget";

countEvaluation();

// The exported page calls mountPage(), a notebook exported by nbconvert mountSaved().
export { mountPage, mountSaved };
export default widget;
