/**
 * The widget's CSS, injected as a <style> inside its root so the Jupyter and the
 * standalone HTML paths both get it. Every rule is scoped under `.layerscape`;
 * colours follow `data-theme` on the root.
 */

import { MINIMAP_BORDER, MINIMAP_MARGIN } from "../scene/minimap";

export const CSS = `
.layerscape {
  --ls-bg: #ffffff;
  --ls-fg: #1f2937;
  --ls-muted: #6b7280;
  --ls-panel: rgba(255, 255, 255, 0.96);
  --ls-border: #d1d5db;
  --ls-button: #f3f4f6;
  --ls-button-hover: #e5e7eb;
  --ls-accent: #dc2626;
  --ls-halo: rgba(255, 255, 255, 0.85);
  position: relative;
  width: 100%;
  /* Inside a row (ipywidgets HBox, marimo hstack) 100% of a box that takes its width from
     its content is nothing: the view keeps a width of its own there. */
  min-width: 320px;
  overflow: hidden;
  box-sizing: border-box;
  background: var(--ls-bg);
  color: var(--ls-fg);
  font: 12px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  border-radius: 4px;
  user-select: none;
  -webkit-user-select: none;
}
.layerscape[data-theme="dark"] {
  --ls-bg: #16191f;
  --ls-fg: #e5e7eb;
  --ls-muted: #9ca3af;
  --ls-panel: rgba(31, 35, 43, 0.96);
  --ls-border: #3f4654;
  --ls-button: #262b34;
  --ls-button-hover: #323845;
  --ls-accent: #f87171;
  --ls-halo: rgba(22, 25, 31, 0.85);
}
.layerscape *, .layerscape *::before, .layerscape *::after { box-sizing: border-box; }
.layerscape .ls-viewport { position: absolute; inset: 0; }
.layerscape .ls-canvas { display: block; width: 100%; height: 100%; outline: none; touch-action: none; }
.layerscape .ls-labels { position: absolute; inset: 0; pointer-events: none; overflow: hidden; }
.layerscape .ls-label {
  position: absolute; left: 0; top: 0; white-space: nowrap; will-change: transform;
  text-shadow: 0 0 3px var(--ls-halo), 0 0 2px var(--ls-halo);
}
.layerscape .ls-caption { text-align: center; font-size: 11px; line-height: 1.2; }
.layerscape .ls-caption-name { color: var(--ls-fg); font-weight: 600; }
.layerscape .ls-caption-shape { color: var(--ls-muted); font-variant-numeric: tabular-nums; }
.layerscape .ls-caption.ls-compact { font-size: 9px; line-height: 1.15; }
.layerscape .ls-label.ls-short > :not(:first-child), .layerscape .ls-label.ls-short .ls-more { display: none; }
.layerscape .ls-group-caption { font-size: 10px; line-height: 1.2; font-weight: 600; color: var(--ls-muted); letter-spacing: 0.02em; }
.layerscape .ls-group-caption.ls-compact { font-size: 9px; }
.layerscape .ls-unit { font-size: 10px; line-height: 1; color: var(--ls-muted); font-variant-numeric: tabular-nums; }
.layerscape .ls-unit-top { color: var(--ls-accent); font-weight: 700; }
.layerscape .ls-notice {
  position: absolute; left: 8px; right: 8px; bottom: 8px; max-width: 640px; padding: 6px 10px;
  border-radius: 4px; background: var(--ls-panel); border: 1px solid var(--ls-border);
  color: var(--ls-fg); font-size: 11px; line-height: 1.35; pointer-events: none;
}
.layerscape .ls-boxes-error {
  position: absolute; left: 8px; right: 8px; top: 34px; max-width: 640px; padding: 6px 10px;
  border-radius: 4px; background: var(--ls-panel); border: 1px solid var(--ls-accent);
  color: var(--ls-accent); font-size: 11px; line-height: 1.35; pointer-events: none;
}
.layerscape .ls-box-label {
  font-size: 10px; line-height: 1.1; font-weight: 700; color: #0b2530; background: #00d5ff;
  padding: 1px 4px; border-radius: 2px; text-shadow: none; font-variant-numeric: tabular-nums;
}
.layerscape .ls-badge {
  font-size: 14px; font-weight: 700; color: var(--ls-accent);
  padding: 2px 8px; border-radius: 10px; background: var(--ls-panel); border: 1px solid var(--ls-border);
  text-shadow: none;
}
.layerscape .ls-merge {
  font-size: 11px; line-height: 1; font-weight: 700; color: var(--ls-fg);
  padding: 2px 5px; border-radius: 8px; background: var(--ls-panel); border: 1px solid var(--ls-border);
  text-shadow: none;
}
/* Title and toolbar share the top row: the title gives way (ellipsis) and a toolbar
   wider than the view wraps onto a second row, rather than either covering the other. */
.layerscape .ls-header {
  position: absolute; left: 10px; right: 8px; top: 8px; display: flex; gap: 10px;
  justify-content: space-between; align-items: flex-start; pointer-events: none; container-type: inline-size;
}
.layerscape .ls-title {
  flex: 0 1 auto; min-width: 0; padding-top: 3px;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
}
.layerscape .ls-title-name { font-weight: 700; font-size: 13px; }
.layerscape .ls-title-meta { color: var(--ls-muted); margin-left: 8px; }
.layerscape .ls-toolbar {
  flex: 0 1 auto; display: flex; flex-wrap: wrap; justify-content: flex-end; gap: 6px; pointer-events: auto;
}
.layerscape .ls-toolbar button {
  font: inherit; color: var(--ls-fg); background: var(--ls-button); border: 1px solid var(--ls-border);
  border-radius: 4px; padding: 3px 9px; cursor: pointer; white-space: nowrap;
}
@container (max-width: 560px) {
  .layerscape .ls-toolbar { gap: 4px; }
  .layerscape .ls-toolbar button { padding: 2px 6px; }
  .layerscape .ls-toolbar .ls-find-field { width: 96px; }
}
.layerscape .ls-toolbar button:hover { background: var(--ls-button-hover); }
.layerscape .ls-toolbar button:focus-visible { outline: 2px solid var(--ls-accent); outline-offset: 1px; }
.layerscape .ls-tooltip {
  position: absolute; left: 0; top: 0; z-index: 2; pointer-events: none; min-width: 180px; max-width: 300px;
  background: var(--ls-panel); color: var(--ls-fg); border: 1px solid var(--ls-border); border-radius: 6px;
  padding: 8px 10px; box-shadow: 0 4px 14px rgba(0, 0, 0, 0.18);
}
.layerscape .ls-tt-title { font-weight: 700; font-size: 13px; overflow-wrap: anywhere; }
.layerscape .ls-tt-subtitle { color: var(--ls-muted); margin-bottom: 4px; overflow-wrap: anywhere; }
.layerscape .ls-tt-rows { display: grid; grid-template-columns: auto 1fr; gap: 1px 10px; margin: 4px 0; }
.layerscape .ls-tt-rows dt { color: var(--ls-muted); }
.layerscape .ls-tt-rows dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.layerscape .ls-tt-legend { margin-top: 6px; }
.layerscape .ls-tt-note { color: var(--ls-muted); margin-bottom: 3px; }
.layerscape .ls-tt-bar { height: 10px; border-radius: 2px; border: 1px solid var(--ls-border); }
.layerscape .ls-tt-ticks { display: flex; justify-content: space-between; font-variant-numeric: tabular-nums; }
.layerscape .ls-tt-scope { color: var(--ls-muted); font-size: 11px; }
.layerscape .ls-tt-element { border-top: 1px solid var(--ls-border); padding-top: 4px; }
.layerscape .ls-tt-hint { margin-top: 4px; color: var(--ls-muted); font-style: italic; }
.layerscape .ls-legend {
  position: absolute; left: 10px; bottom: 10px; z-index: 1; pointer-events: none; width: 190px;
  background: var(--ls-panel); color: var(--ls-fg); border: 1px solid var(--ls-border); border-radius: 6px;
  padding: 5px 8px; font-size: 11px; opacity: 0.92;
}
.layerscape .ls-legend-title { font-weight: 700; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.layerscape .ls-legend-note { color: var(--ls-muted); margin-bottom: 2px; }
.layerscape .ls-legend-bar { height: 8px; border-radius: 2px; border: 1px solid var(--ls-border); }
.layerscape .ls-legend-ticks { display: flex; justify-content: space-between; font-variant-numeric: tabular-nums; }
.layerscape .ls-legend-scope { color: var(--ls-muted); font-size: 10px; }
.layerscape .ls-readout {
  position: absolute; right: 10px; bottom: 50px; z-index: 1; width: 210px; padding: 4px 7px;
  background: var(--ls-panel); color: var(--ls-fg); border: 1px solid var(--ls-border); border-radius: 6px;
  font-variant-numeric: tabular-nums; pointer-events: none;
}
.layerscape .ls-readout-step { font-weight: 700; }
.layerscape .ls-readout-metrics { color: var(--ls-fg); margin: 2px 0 4px; overflow-wrap: anywhere; }
.layerscape .ls-chart { margin-top: 3px; }
.layerscape .ls-chart-name { font-size: 11px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.layerscape .ls-chart-canvas { display: block; width: 100%; height: 22px; }
.layerscape .ls-scrubber {
  position: absolute; right: 10px; bottom: 10px; z-index: 1; display: flex; align-items: center; gap: 6px;
  width: min(360px, calc(100% - 220px)); padding: 4px 8px;
  background: var(--ls-panel); border: 1px solid var(--ls-border); border-radius: 6px;
}
.layerscape .ls-scrubber[hidden], .layerscape .ls-readout[hidden] { display: none; }
.layerscape .ls-samples {
  position: absolute; right: 8px; top: 40px; z-index: 1; display: flex; align-items: center; gap: 5px;
  padding: 3px 7px; background: var(--ls-panel); border: 1px solid var(--ls-border); border-radius: 6px;
  font-variant-numeric: tabular-nums;
}
.layerscape .ls-samples button {
  font: inherit; width: 24px; color: var(--ls-fg); background: var(--ls-button);
  border: 1px solid var(--ls-border); border-radius: 4px; padding: 1px 0; cursor: pointer;
}
.layerscape .ls-samples button:hover { background: var(--ls-button-hover); }
.layerscape .ls-samples button:disabled { opacity: 0.4; cursor: default; }
.layerscape .ls-sample-slider { width: 110px; accent-color: var(--ls-accent); }
.layerscape .ls-sample-position { color: var(--ls-fg); white-space: nowrap; }
.layerscape .ls-compare {
  position: absolute; left: 10px; top: 32px; z-index: 1; padding: 3px 9px; pointer-events: none;
  background: var(--ls-panel); border: 1px solid var(--ls-accent); border-radius: 12px;
  color: var(--ls-accent); font-weight: 700; font-size: 12px;
}
.layerscape .ls-samples[hidden], .layerscape .ls-compare[hidden] { display: none; }
.layerscape .ls-play {
  font: inherit; width: 28px; color: var(--ls-fg); background: var(--ls-button);
  border: 1px solid var(--ls-border); border-radius: 4px; padding: 2px 0; cursor: pointer;
}
.layerscape .ls-play:hover { background: var(--ls-button-hover); }
.layerscape .ls-scrub { flex: 1; min-width: 60px; accent-color: var(--ls-accent); }
.layerscape .ls-scrub-position { color: var(--ls-muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
.layerscape .ls-find { position: relative; display: flex; align-items: center; gap: 4px; }
.layerscape .ls-find-field {
  font: inherit; width: 150px; color: var(--ls-fg); background: var(--ls-bg); border: 1px solid var(--ls-border);
  border-radius: 4px; padding: 3px 7px; user-select: text; -webkit-user-select: text;
}
.layerscape .ls-find-field::placeholder { color: var(--ls-muted); }
.layerscape .ls-find-field:focus { outline: 2px solid var(--ls-accent); outline-offset: 0; }
.layerscape .ls-suggestions {
  position: absolute; right: 0; top: calc(100% + 4px); z-index: 3; width: 280px; max-height: 260px; overflow-y: auto;
  margin: 0; padding: 3px 0; list-style: none; background: var(--ls-panel); color: var(--ls-fg);
  border: 1px solid var(--ls-border); border-radius: 6px; box-shadow: 0 4px 14px rgba(0, 0, 0, 0.18);
}
.layerscape .ls-suggestion {
  display: flex; justify-content: space-between; gap: 10px; padding: 3px 9px; cursor: pointer; white-space: nowrap;
}
.layerscape .ls-suggestion[aria-selected="true"] { background: var(--ls-button-hover); }
.layerscape .ls-suggestion-name { overflow: hidden; text-overflow: ellipsis; }
.layerscape .ls-suggestion-class .ls-suggestion-name { font-weight: 700; color: var(--ls-accent); }
.layerscape .ls-suggestion-class-name { color: var(--ls-muted); }
.layerscape .ls-find-steps { display: flex; align-items: center; gap: 3px; font-variant-numeric: tabular-nums; }
.layerscape .ls-toolbar .ls-find-steps button { padding: 3px 6px; }
.layerscape .ls-find-position { min-width: 52px; text-align: center; color: var(--ls-fg); }
.layerscape .ls-suggestions[hidden], .layerscape .ls-find-steps[hidden], .layerscape .ls-breadcrumb[hidden] { display: none; }
.layerscape .ls-breadcrumb {
  position: absolute; left: 10px; top: 30px; z-index: 1; display: flex; align-items: center; gap: 2px;
  max-width: calc(100% - 20px); overflow: hidden; white-space: nowrap; padding: 2px 6px;
  background: var(--ls-panel); border: 1px solid var(--ls-border); border-radius: 6px;
}
.layerscape .ls-crumb {
  font: inherit; color: var(--ls-accent); background: none; border: none; padding: 1px 3px; cursor: pointer;
  border-radius: 3px;
}
.layerscape .ls-crumb:hover { background: var(--ls-button-hover); text-decoration: underline; }
.layerscape .ls-crumb:focus-visible { outline: 2px solid var(--ls-accent); }
.layerscape .ls-crumb-sep { color: var(--ls-muted); padding: 0 1px; }
.layerscape .ls-crumb-here { font-weight: 700; padding: 1px 3px; overflow: hidden; text-overflow: ellipsis; }
.layerscape:has(.ls-breadcrumb:not([hidden])) .ls-compare,
.layerscape:has(.ls-breadcrumb:not([hidden])) .ls-boxes-error { top: 58px; }
.layerscape .ls-minimap {
  position: absolute; left: ${MINIMAP_MARGIN}px; bottom: ${MINIMAP_MARGIN}px; z-index: 1; cursor: crosshair; touch-action: none;
  background: var(--ls-panel); border: ${MINIMAP_BORDER}px solid var(--ls-border); border-radius: 4px;
}
.layerscape:has(.ls-minimap:not([style*="none"])) .ls-legend,
.layerscape:has(.ls-minimap:not([style*="none"])) .ls-notice { left: 200px; }
.layerscape .ls-message {
  position: absolute; left: 50%; top: 50%; transform: translate(-50%, -50%); max-width: 80%;
  text-align: center; color: var(--ls-muted); white-space: pre-wrap; pointer-events: none;
}
.layerscape[data-state="error"] .ls-message {
  color: var(--ls-accent); background: var(--ls-panel); border: 1px solid var(--ls-accent);
  border-radius: 6px; padding: 10px 14px; pointer-events: auto; user-select: text; -webkit-user-select: text;
}
`;
