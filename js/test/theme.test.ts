import { describe, expect, it } from "vitest";
import { declaredTheme, detectHostTheme, type ThemeSource } from "../src/host/theme";

/** A stand-in document: body classes and attributes, root attributes, the OS preference. */
function page(opts: {
  bodyClasses?: string[];
  bodyAttrs?: Record<string, string>;
  htmlAttrs?: Record<string, string>;
  osDark?: boolean;
}): ThemeSource {
  const attrs =
    (a: Record<string, string> = {}) =>
    (name: string) =>
      a[name] ?? null;
  const classes = (list: string[] = []) => ({ contains: (c: string) => list.includes(c) }) as DOMTokenList;
  const dataset: Record<string, string> = {};
  if (opts.bodyAttrs?.["data-jp-theme-light"]) dataset.jpThemeLight = opts.bodyAttrs["data-jp-theme-light"];
  return {
    body: { dataset, classList: classes(opts.bodyClasses), getAttribute: attrs(opts.bodyAttrs) } as ThemeSource["body"],
    documentElement: { classList: classes(), getAttribute: attrs(opts.htmlAttrs) } as ThemeSource["documentElement"],
    defaultView: { matchMedia: (() => ({ matches: opts.osDark ?? false })) as unknown as Window["matchMedia"] },
  };
}

describe("the host's theme", () => {
  it("reads each host's own marks", () => {
    expect(declaredTheme(page({ bodyAttrs: { "data-jp-theme-light": "false" } }))).toBe("dark");
    expect(declaredTheme(page({ bodyAttrs: { "data-jp-theme-light": "true" } }))).toBe("light");
    expect(declaredTheme(page({ bodyClasses: ["vscode-body", "vscode-dark"] }))).toBe("dark");
    expect(declaredTheme(page({ bodyClasses: ["vscode-high-contrast"] }))).toBe("dark");
    expect(declaredTheme(page({ bodyClasses: ["vscode-light"] }))).toBe("light");
    expect(declaredTheme(page({ bodyClasses: ["dark", "dark-theme"] }))).toBe("dark"); // marimo
    expect(declaredTheme(page({ bodyAttrs: { "data-theme": "dark" } }))).toBe("dark"); // marimo
    expect(declaredTheme(page({ htmlAttrs: { "data-theme": "light" } }))).toBe("light");
    expect(declaredTheme(page({ htmlAttrs: { theme: "dark" } }))).toBe("dark"); // Colab
    expect(declaredTheme(page({}))).toBeNull();
  });

  it("falls back to the OS preference", () => {
    expect(detectHostTheme(page({ osDark: true }))).toBe("dark");
    expect(detectHostTheme(page({ osDark: false }))).toBe("light");
    expect(detectHostTheme(page({ osDark: true, bodyAttrs: { "data-jp-theme-light": "true" } }))).toBe("light");
  });
});
