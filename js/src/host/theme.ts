/** Which theme the host page is in (JupyterLab, VS Code, the OS), and watching it change. */

import type { ThemeName } from "../render/palette";

export function detectHostTheme(doc: Document = document): ThemeName {
  const body = doc.body;
  if (body) {
    const jp = body.dataset.jpThemeLight;
    if (jp === "false") return "dark";
    if (jp === "true") return "light";
    if (body.classList.contains("vscode-dark") || body.classList.contains("vscode-high-contrast")) return "dark";
    if (body.classList.contains("vscode-light")) return "light";
  }
  const view = doc.defaultView;
  if (view && typeof view.matchMedia === "function" && view.matchMedia("(prefers-color-scheme: dark)").matches) {
    return "dark";
  }
  return "light";
}

export function resolveTheme(setting: unknown, doc: Document = document): ThemeName {
  if (setting === "light" || setting === "dark") return setting;
  return detectHostTheme(doc);
}

/** Calls `onChange` when the host's theme may have changed; returns the unsubscribe. */
export function watchHostTheme(onChange: () => void, doc: Document = document): () => void {
  const cleanups: Array<() => void> = [];
  if (doc.body && typeof MutationObserver !== "undefined") {
    const observer = new MutationObserver(onChange);
    observer.observe(doc.body, {
      attributes: true,
      attributeFilter: ["data-jp-theme-light", "data-jp-theme-name", "class"],
    });
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
