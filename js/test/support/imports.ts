/// <reference types="node" />
// Reads the relative imports of the front end's sources and says which break the order.
import { posix } from "node:path";

/** The folders (and the root `spec.ts`), lowest first: each may import only from itself and those before it. */
export const LAYERS = ["spec", "data", "layout", "render", "visuals", "scene", "host"] as const;

export interface SourceFile {
  /** Path under `js/src`, with forward slashes, e.g. "visuals/base.ts". */
  path: string;
  text: string;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/g;

function layerOf(path: string): number {
  const head = path.includes("/") ? path.split("/")[0] : path.replace(/\.ts$/, "");
  return LAYERS.indexOf(head as (typeof LAYERS)[number]);
}

/** The source files a file imports (relative imports only, folders resolved to their index). */
export function importsOf(file: SourceFile, known: ReadonlySet<string>): string[] {
  const found: string[] = [];
  for (const match of file.text.matchAll(IMPORT)) {
    const spec = match[1];
    if (!spec.startsWith(".")) continue;
    const base = posix.normalize(posix.join(posix.dirname(file.path), spec));
    const target = [`${base}.ts`, `${base}/index.ts`, base].find((p) => known.has(p)) ?? `${base}.ts`;
    found.push(target);
  }
  return found;
}

function cycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const out: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") out.push(`cycle: ${[...stack.slice(stack.indexOf(next)), next].join(" → ")}`);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return out;
}

/** Every upward import (a file importing from a later folder) and every import cycle, in words. */
export function importProblems(files: readonly SourceFile[]): string[] {
  const known = new Set(files.map((f) => f.path));
  const graph = new Map<string, string[]>();
  const problems: string[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    if (from < 0) problems.push(`${file.path} is in no folder of the order`);
    const targets = importsOf(file, known);
    graph.set(file.path, targets);
    for (const target of targets) {
      const to = layerOf(target);
      if (to > from) problems.push(`${file.path} imports ${target} (${LAYERS[to]} comes after ${LAYERS[from]})`);
    }
  }
  return [...problems, ...cycles(graph)];
}
