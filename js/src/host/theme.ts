/**
 * Which theme the host page is in, and watching it change. Each host says it its own
 * way: JupyterLab and Notebook 7 (`body[data-jp-theme-light]`), VS Code (`vscode-dark`,
 * `vscode-light`, `vscode-high-contrast` body classes, and the editor's background in
 * `--vscode-editor-background`), marimo (`body.dark-theme` / `.light-theme`, or
 * `data-theme` on the body or the root element), Colab (`html[theme=dark]`); else the
 * OS preference.
 */

import type { ThemeName } from "../render/palette";

/** The parts of a document the detection reads (a real `Document` fits). */
export interface ThemeSource {
  body: Pick<HTMLElement, "dataset" | "classList" | "getAttribute"> | null;
  documentElement: Pick<HTMLElement, "getAttribute" | "classList"> | null;
  defaultView: Pick<Window, "matchMedia"> | null;
}

function named(value: string | null | undefined): ThemeName | null {
  return value === "dark" || value === "light" ? value : null;
}

/** The theme the host page declares, or null when it declares none. */
export function declaredTheme(doc: ThemeSource): ThemeName | null {
  const body = doc.body;
  const html = doc.documentElement;
  if (body) {
    const jp = body.dataset.jpThemeLight;
    if (jp === "false") return "dark";
    if (jp === "true") return "light";
    const classes = body.classList;
    if (classes.contains("vscode-dark") || classes.contains("vscode-high-contrast")) return "dark";
    if (classes.contains("vscode-light") || classes.contains("vscode-high-contrast-light")) return "light";
    if (classes.contains("dark-theme")) return "dark";
    if (classes.contains("light-theme")) return "light";
    const marimo = named(body.getAttribute("data-theme"));
    if (marimo) return marimo;
  }
  if (html) {
    return named(html.getAttribute("data-theme")) ?? named(html.getAttribute("theme"));
  }
  return null;
}

export function detectHostTheme(doc: ThemeSource = document): ThemeName {
  const declared = declaredTheme(doc);
  if (declared) return declared;
  const view = doc.defaultView;
  if (view && typeof view.matchMedia === "function" && view.matchMedia("(prefers-color-scheme: dark)").matches) {
    return "dark";
  }
  return "light";
}

/** VS Code's editor background, when the view sits in a VS Code notebook; else null. */
export function hostBackground(doc: Document = document): string | null {
  const body = doc.body;
  const view = doc.defaultView;
  if (!body || !view || typeof view.getComputedStyle !== "function") return null;
  const value = view.getComputedStyle(body).getPropertyValue("--vscode-editor-background").trim();
  return value || null;
}

export function resolveTheme(setting: unknown, doc: ThemeSource = document): ThemeName {
  if (setting === "light" || setting === "dark") return setting;
  return detectHostTheme(doc);
}

const WATCHED = ["data-jp-theme-light", "data-jp-theme-name", "class", "data-theme", "theme", "style"];

/** Calls `onChange` when the host's theme may have changed; returns the unsubscribe. */
export function watchHostTheme(onChange: () => void, doc: Document = document): () => void {
  const cleanups: Array<() => void> = [];
  if (typeof MutationObserver !== "undefined") {
    const observer = new MutationObserver(onChange);
    for (const target of [doc.body, doc.documentElement]) {
      if (target) observer.observe(target, { attributes: true, attributeFilter: WATCHED });
    }
    cleanups.push(() => observer.disconnect());
  }
  const view = doc.defaultView;
  if (view && typeof view.matchMedia === "function") {
    const query = view.matchMedia("(prefers-color-scheme: dark)");
    query.addEventListener("change", onChange);
    cleanups.push(() => query.removeEventListener("change", onChange));
  }
  return () => cleanups.forEach((fn) => fn());
}
