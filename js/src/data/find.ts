/**
 * Finding layers by what the user types: ids, names and class names, matched without
 * regard to case and ranked so that the likeliest layer comes first. Pure: a graph and
 * a query in, suggestions out (the search field in host/find.ts shows them).
 *
 * A text matches a query exactly, at its start (prefix), at the start of one of its
 * words (after `_`, `/`, `.`, `-`, a space or a lower-to-upper case change: "block" in
 * `conv2_block1_out`, "Norm" in `BatchNormalization`), or anywhere inside (substring);
 * in that order. A layer takes its best match over its name and id, then (ranked after
 * any name match of the same kind) its class name. A class held by two or more layers
 * is also one suggestion, "All Conv2D (53)", ranked with its class name's match and
 * ahead of the layers of the same rank: choosing it marks every one of them.
 * Ties go to the shorter text, then to the graph's (topological) order.
 */

import type { GraphSpec } from "../spec";

/** How a text matches a query, best first. */
export const MATCH_KINDS = ["exact", "prefix", "word", "substring"] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

/** One layer to fly to. */
export interface LayerSuggestion {
  kind: "layer";
  id: string;
  name: string;
  className: string;
  /** Which of the layer's texts matched best. */
  field: "name" | "id" | "class";
  match: MatchKind;
}

/** Every layer of one class, to mark and step through. */
export interface ClassSuggestion {
  kind: "class";
  className: string;
  /** The class's layers in the graph's order. */
  ids: string[];
  match: MatchKind;
}

export type Suggestion = LayerSuggestion | ClassSuggestion;

/** How many suggestions the list shows by default. */
export const SUGGESTION_LIMIT = 8;

const SEPARATORS = new Set(["_", "/", ".", "-", " ", ":"]);

/** How `text` matches `query` (both as typed; compared without case), or null. */
export function matchKind(text: string, query: string): MatchKind | null {
  const q = query.trim().toLowerCase();
  if (q.length === 0) return null;
  const t = text.toLowerCase();
  if (t === q) return "exact";
  if (t.startsWith(q)) return "prefix";
  let at = t.indexOf(q, 1);
  if (at < 0) return null;
  while (at >= 0) {
    if (wordStart(text, at)) return "word";
    at = t.indexOf(q, at + 1);
  }
  return "substring";
}

/** Whether a word of `text` starts at `i` (after a separator, or a lower-to-upper case change). */
function wordStart(text: string, i: number): boolean {
  if (i === 0) return true;
  const before = text[i - 1];
  const here = text[i];
  if (SEPARATORS.has(before)) return true;
  const lower = (c: string): boolean => c !== c.toUpperCase() && c === c.toLowerCase();
  const upper = (c: string): boolean => c !== c.toLowerCase() && c === c.toUpperCase();
  return lower(before) && upper(here);
}

interface Ranked {
  suggestion: Suggestion;
  /** Lower is better: match kind, then (layers) the field, with classes first. */
  rank: number;
  length: number;
  order: number;
}

const kindRank = (m: MatchKind): number => MATCH_KINDS.indexOf(m) * 4;

/**
 * The suggestions for `query` over `graph`'s layers, best first (at most `limit`).
 * An empty or blank query suggests nothing.
 */
export function findSuggestions(graph: GraphSpec | null, query: string, limit = SUGGESTION_LIMIT): Suggestion[] {
  if (!graph || query.trim().length === 0 || limit <= 0) return [];
  const ranked: Ranked[] = [];
  const classes = layersByClass(graph);
  let order = 0;
  for (const [className, ids] of classes) {
    const match = ids.length >= 2 ? matchKind(className, query) : null;
    if (match) {
      ranked.push({
        suggestion: { kind: "class", className, ids, match },
        rank: kindRank(match),
        length: className.length,
        order,
      });
    }
    order += 1;
  }
  graph.nodes.forEach((node, index) => {
    // Name and id before class: a layer named like the query beats one of that class.
    const fields: Array<[LayerSuggestion["field"], string, number]> = [
      ["name", node.name, 1],
      ["id", node.id, 1],
      ["class", node.class_name, 2],
    ];
    let best: Ranked | null = null;
    for (const [field, text, offset] of fields) {
      const match = field === "id" && node.id === node.name ? null : matchKind(text, query);
      if (!match) continue;
      const rank = kindRank(match) + offset;
      if (best && rank >= best.rank) continue;
      best = {
        suggestion: { kind: "layer", id: node.id, name: node.name, className: node.class_name, field, match },
        rank,
        length: field === "class" ? node.name.length : text.length,
        order: classes.size + index,
      };
    }
    if (best) ranked.push(best);
  });
  ranked.sort((a, b) => a.rank - b.rank || a.length - b.length || a.order - b.order);
  return ranked.slice(0, limit).map((r) => r.suggestion);
}

/** Each class name with its layers' ids in the graph's order (classes in order of first use). */
export function layersByClass(graph: GraphSpec): Map<string, string[]> {
  const classes = new Map<string, string[]>();
  for (const node of graph.nodes) {
    const ids = classes.get(node.class_name);
    if (ids) ids.push(node.id);
    else classes.set(node.class_name, [node.id]);
  }
  return classes;
}

/** What a suggestion says in the list: a layer's name and class, or "All Conv2D (53)". */
export function suggestionText(s: Suggestion): string {
  return s.kind === "class" ? `All ${s.className} (${s.ids.length})` : s.name;
}

/** The position after stepping `by` from `index` among `count` matches, wrapping round. */
export function stepIndex(index: number, count: number, by: number): number {
  if (count <= 0) return -1;
  return (((index + by) % count) + count) % count;
}

/** "3 / 53": the match shown (from 1) among how many. */
export function stepText(index: number, count: number): string {
  return count > 0 && index >= 0 ? `${index + 1} / ${count}` : `0 / ${count}`;
}
