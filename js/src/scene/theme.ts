/** Light and dark palettes, and the host's theme (JupyterLab, VS Code, the OS). */

export type ThemeName = "light" | "dark";

export interface Palette {
  name: ThemeName;
  /** Scene colours (hex numbers for three.js). */
  background: number;
  edge: number;
  stack: number;
  stackLine: number;
  neutral: number;
  generic: number;
  highlight: number;
  accent: number;
  /** Wireframe boxes around nested models. */
  group: number;
}

export const PALETTES: Record<ThemeName, Palette> = {
  light: {
    name: "light",
    background: 0xffffff,
    edge: 0x9aa4b2,
    stack: 0xc3ccd8,
    stackLine: 0x7d8899,
    neutral: 0xd6dbe2,
    generic: 0xb8c2cf,
    highlight: 0xf59e0b,
    accent: 0xdc2626,
    group: 0x8891c9,
  },
  dark: {
    name: "dark",
    background: 0x16191f,
    edge: 0x5b6575,
    stack: 0x3b4453,
    stackLine: 0x8893a5,
    neutral: 0x4a5362,
    generic: 0x566173,
    highlight: 0xfbbf24,
    accent: 0xf87171,
    group: 0x6b74b0,
  },
};

/** The host's theme: JupyterLab's body data attribute, VS Code's body class, then the OS. */
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
    observer.observe(doc.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "data-jp-theme-name", "class"] });
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
