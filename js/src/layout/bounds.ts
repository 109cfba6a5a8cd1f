/** The box around a layout's layers and edges. */

import type { Bounds, EdgeLayout, NodeLayout } from "./types";

export function boundsOf(nodes: Map<string, NodeLayout>, edges: EdgeLayout[]): Bounds {
  const min = { x: Infinity, y: Infinity, z: Infinity };
  const max = { x: -Infinity, y: -Infinity, z: -Infinity };
  const grow = (x: number, y: number, z: number): void => {
    min.x = Math.min(min.x, x);
    min.y = Math.min(min.y, y);
    min.z = Math.min(min.z, z);
    max.x = Math.max(max.x, x);
    max.y = Math.max(max.y, y);
    max.z = Math.max(max.z, z);
  };
  for (const n of nodes.values()) {
    const { x, y, z } = n.position;
    const { w, h, d } = n.size;
    grow(x - w / 2, y - h / 2, z - d / 2);
    grow(x + w / 2, y + h / 2, z + d / 2);
  }
  for (const e of edges) for (const p of e.points) grow(p.x, p.y, p.z);
  if (!Number.isFinite(min.x)) return { min: { x: 0, y: 0, z: 0 }, max: { x: 0, y: 0, z: 0 } };
  return { min, max };
}
