/// <reference types="node" />
// The front end's folders import one way only: each from those before it in LAYERS.
// A reader can then tell which folder is lower, and a change to a low folder cannot
// pull a high one (three.js scene code, the host) into a pure module's tests.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

import { importProblems, LAYERS, type SourceFile } from "./support/imports";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..", "src");

function sources(dir: string): SourceFile[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    if (!name.endsWith(".ts")) return [];
    return [{ path: relative(SRC, path).split(sep).join("/"), text: readFileSync(path, "utf8") }];
  });
}

describe("the front end's import order", () => {
  const files = sources(SRC);

  it("finds every source folder in the order", () => {
    const folders = new Set(
      files.map((f) => (f.path.includes("/") ? f.path.split("/")[0] : f.path.replace(/\.ts$/, ""))),
    );
    expect([...folders].sort()).toEqual([...LAYERS].sort());
  });

  it("has no import from a later folder, and no import cycle", () => {
    expect(importProblems(files)).toEqual([]);
  });

  it("catches a planted upward import and a planted cycle", () => {
    const planted: SourceFile[] = [
      ...files,
      { path: "data/planted.ts", text: 'import type { LayerVisual } from "../visuals/types";\n' },
      { path: "layout/a.ts", text: 'import { b } from "./b";\n' },
      { path: "layout/b.ts", text: 'import type { A } from "./a";\n' },
    ];
    const problems = importProblems(planted);
    expect(problems).toContain("data/planted.ts imports visuals/types.ts (visuals comes after data)");
    expect(problems.some((p) => p.startsWith("cycle: layout/a.ts → layout/b.ts → layout/a.ts"))).toBe(true);
  });

  it("resolves folder imports to their index", () => {
    const probe: SourceFile[] = [
      { path: "render/x.ts", text: 'import { layoutGraph } from "../layout";\nimport { y } from "../visuals";\n' },
      { path: "layout/index.ts", text: "" },
      { path: "visuals/index.ts", text: "" },
    ];
    expect(importProblems(probe)).toEqual(["render/x.ts imports visuals/index.ts (visuals comes after render)"]);
  });
});
