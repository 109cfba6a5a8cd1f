/**
 * Boxes around the layers of each nested model. Pure: graph + layout in, boxes out.
 *
 * A node's `parent` is the id path of the nested model it lives in ("head",
 * "block:1" for the second call of "block", "outer/inner" for a model inside a
 * model). Every prefix of a path is a group; a group's box holds its layers' boxes
 * and its child groups' boxes, plus a padding, so nested boxes sit inside each other.
 */

import type { GraphSpec } from "../spec";
import type { Layout } from "./types";

export type Triple = [number, number, number];

export interface GroupBox {
  /** The group's id path ("outer/inner", "block:1"). */
  id: string;
  /** Caption: the last path segment without its call suffix, "(call k+1)" for ":k". */
  name: string;
  min: Triple;
  max: Triple;
  /** 0 for a model nested at top level, 1 for one inside it, ... */
  level: number;
}

/**
 * World units between a group's contents and its box. Small enough that two levels
 * of nesting still leave a gap between neighbouring groups (layers are at least
 * MIN_FLOW_GAP apart along x).
 */
export const GROUP_PADDING = 0.24;

/** "outer/block:1" → "block (call 2)"; "head" → "head". */
export function groupName(id: string): string {
  const last = id.slice(id.lastIndexOf("/") + 1);
  const call = /^(.*):(\d+)$/.exec(last);
  if (call && call[1]) return `${call[1]} (call ${Number(call[2]) + 1})`;
  return last;
}

/** Every group id a parent path belongs to, outermost first ("a/b" → "a", "a/b"). */
function prefixes(parent: string): string[] {
  const parts = parent.split("/").filter((p) => p.length > 0);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

export function groupBoxes(graph: GraphSpec, layout: Layout, padding = GROUP_PADDING): GroupBox[] {
  const boxes = new Map<string, GroupBox>();
  const grow = (box: GroupBox, lo: Triple, hi: Triple): void => {
    for (let k = 0; k < 3; k++) {
      box.min[k] = Math.min(box.min[k], lo[k]);
      box.max[k] = Math.max(box.max[k], hi[k]);
    }
  };
  for (const node of graph.nodes) {
    if (!node.parent) continue;
    const n = layout.nodes.get(node.id);
    if (!n) continue;
    const { x, y, z } = n.position;
    const { w, h, d } = n.size;
    const lo: Triple = [x - w / 2, y - h / 2, z - d / 2];
    const hi: Triple = [x + w / 2, y + h / 2, z + d / 2];
    const ids = prefixes(node.parent);
    ids.forEach((id, level) => {
      let box = boxes.get(id);
      if (!box) {
        box = {
          id,
          name: groupName(id),
          min: [Infinity, Infinity, Infinity],
          max: [-Infinity, -Infinity, -Infinity],
          level,
        };
        boxes.set(id, box);
      }
      grow(box, lo, hi);
    });
  }
  // Pad innermost first, then let each parent hold its padded children.
  const inner = [...boxes.values()].sort((a, b) => b.level - a.level);
  for (const box of inner) {
    for (let k = 0; k < 3; k++) {
      box.min[k] -= padding;
      box.max[k] += padding;
    }
    const cut = box.id.lastIndexOf("/");
    const outer = cut > 0 ? boxes.get(box.id.slice(0, cut)) : undefined;
    if (outer) grow(outer, box.min, box.max);
  }
  return [...boxes.values()].sort((a, b) => a.level - b.level || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
