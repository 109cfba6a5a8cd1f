import { describe, expect, it } from "vitest";

import {
  applyWrap,
  groupBoxes,
  layoutGraph,
  lerpLayout,
  planWrap,
  type Bounds,
  type Layout,
  type NodeLayout,
} from "../src/layout";
import { lenetGraph, residualChain, skipGraph } from "./fixtures";

const ASPECT = 2.5;

function box(n: NodeLayout) {
  const { x, y, z } = n.position;
  const { w, h, d } = n.size;
  return { x0: x - w / 2, x1: x + w / 2, y0: y - h / 2, y1: y + h / 2, z0: z - d / 2, z1: z + d / 2 };
}

function overlapping(layout: Layout): string[] {
  const all = [...layout.nodes.values()];
  const found: string[] = [];
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const p = box(all[i]);
      const q = box(all[j]);
      if (p.x0 < q.x1 && q.x0 < p.x1 && p.y0 < q.y1 && q.y0 < p.y1 && p.z0 < q.z1 && q.z0 < p.z1) {
        found.push(`${all[i].id} / ${all[j].id}`);
      }
    }
  }
  return found;
}

const aspectOf = (b: Bounds): number => (b.max.x - b.min.x) / (b.max.y - b.min.y);
/** How big a layout of these bounds is drawn in a view of ASPECT (as planWrap scores it). */
const scaleOf = (b: Bounds): number => Math.min(ASPECT / (b.max.x - b.min.x), 1 / (b.max.y - b.min.y));

describe("wrapping a long chain into rows", () => {
  const graph = residualChain(40);
  const band = layoutGraph(graph);
  const wrapped = layoutGraph(graph, new Set(), new Set(), ASPECT);

  it("wraps into several rows with the view's aspect, and is drawn much bigger", () => {
    expect(aspectOf(band.bounds)).toBeGreaterThan(20);
    expect(wrapped.rows).toBeGreaterThan(2);
    const aspect = aspectOf(wrapped.bounds);
    expect(aspect).toBeGreaterThan(ASPECT / 1.6);
    expect(aspect).toBeLessThan(ASPECT * 1.6);
    expect(scaleOf(wrapped.bounds) / scaleOf(band.bounds)).toBeGreaterThan(3);
  });

  it("keeps every layer, their sizes, and no two overlap", () => {
    expect(wrapped.nodes.size).toBe(graph.nodes.length);
    for (const [id, n] of wrapped.nodes) expect(n.size).toEqual(band.nodes.get(id)!.size);
    expect(overlapping(wrapped)).toEqual([]);
  });

  it("reads left to right, top to bottom", () => {
    const chain = graph.nodes.map((n) => wrapped.nodes.get(n.id)!);
    let rowsSeen = 1;
    for (let i = 1; i < chain.length; i++) {
      const a = box(chain[i - 1]);
      const b = box(chain[i]);
      const sameRow = b.y1 > a.y0 && a.y1 > b.y0;
      if (sameRow) {
        expect(b.x0, `${chain[i].id} right of ${chain[i - 1].id}`).toBeGreaterThan(a.x1);
      } else {
        // A new row: wholly below the previous layer, starting back at the left.
        expect(b.y1, `${chain[i].id} below ${chain[i - 1].id}`).toBeLessThan(a.y0);
        expect(b.x0).toBeLessThan(a.x0);
        rowsSeen++;
      }
    }
    expect(rowsSeen).toBe(wrapped.rows);
    // Rows start at one left edge.
    const lefts = new Set(chain.filter((n, i) => i === 0 || box(n).y1 < box(chain[i - 1]).y0).map((n) => box(n).x0));
    expect(Math.max(...lefts) - Math.min(...lefts)).toBeLessThan(3);
  });

  it("keeps every edge joined to its layers and out of every layer's box", () => {
    expect(wrapped.edges).toHaveLength(band.edges.length);
    for (const e of wrapped.edges) {
      const s = wrapped.nodes.get(e.source)!;
      const t = wrapped.nodes.get(e.target)!;
      const first = e.points[0];
      const last = e.points[e.points.length - 1];
      expect(first.x).toBeCloseTo(s.position.x + s.size.w / 2, 6);
      expect(first.y).toBeCloseTo(s.position.y, 6);
      expect(last.x).toBeCloseTo(t.position.x - t.size.w / 2, 6);
      expect(last.y).toBeCloseTo(t.position.y, 6);
      for (const p of e.points.slice(1, -1)) {
        for (const n of wrapped.nodes.values()) {
          const b = box(n);
          const inside = p.x > b.x0 + 1e-6 && p.x < b.x1 - 1e-6 && p.y > b.y0 + 1e-6 && p.y < b.y1 - 1e-6;
          expect(inside, `${e.source}→${e.target} enters ${n.id}`).toBe(false);
        }
      }
    }
  });

  it("bounds hold every layer and every edge point", () => {
    const { min, max } = wrapped.bounds;
    for (const n of wrapped.nodes.values()) {
      const b = box(n);
      expect(b.x0).toBeGreaterThanOrEqual(min.x - 1e-9);
      expect(b.x1).toBeLessThanOrEqual(max.x + 1e-9);
      expect(b.y0).toBeGreaterThanOrEqual(min.y - 1e-9);
      expect(b.y1).toBeLessThanOrEqual(max.y + 1e-9);
    }
    for (const e of wrapped.edges) {
      for (const p of e.points) {
        expect(p.x).toBeGreaterThanOrEqual(min.x - 1e-9);
        expect(p.y).toBeLessThanOrEqual(max.y + 1e-9);
      }
    }
  });

  it("is deterministic", () => {
    const again = layoutGraph(residualChain(40), new Set(), new Set(), ASPECT);
    expect([...again.nodes.values()].map((n) => n.position)).toEqual(
      [...wrapped.nodes.values()].map((n) => n.position),
    );
    expect(planWrap(band, ASPECT)).toEqual(planWrap(band, ASPECT));
  });

  it("keeps its rows when layers open, so the tween blends like with like and never overlaps", () => {
    const open = new Set(
      graph.nodes
        .filter((n) => n.opens)
        .map((n) => n.id)
        .slice(20, 30),
    );
    const opened = layoutGraph(graph, open, new Set(), ASPECT);
    expect(opened.rows).toBe(wrapped.rows);
    expect(opened.edges.map((e) => e.points.length)).toEqual(wrapped.edges.map((e) => e.points.length));
    for (const t of [0.25, 0.5, 0.75]) expect(overlapping(lerpLayout(wrapped, opened, t))).toEqual([]);
    expect(overlapping(opened)).toEqual([]);
  });

  it("wraps for the aspect asked: a taller view gets more rows", () => {
    const tall = layoutGraph(graph, new Set(), new Set(), 0.8);
    expect(tall.rows).toBeGreaterThan(wrapped.rows!);
    expect(aspectOf(tall.bounds)).toBeLessThan(aspectOf(wrapped.bounds));
  });
});

describe("what does not wrap", () => {
  it("a short model stays one band, exactly as laid out", () => {
    const graph = skipGraph();
    const band = layoutGraph(graph);
    const wrapped = layoutGraph(graph, new Set(), new Set(), ASPECT);
    expect(wrapped.rows).toBeUndefined();
    expect(wrapped.bounds).toEqual(band.bounds);
  });

  it("a layout without an aspect, or a plan of one row, is the layout itself", () => {
    const band = layoutGraph(lenetGraph());
    expect(applyWrap(band, { starts: [] })).toBe(band);
    expect(planWrap(band, Number.NaN)).toEqual({ starts: [] });
  });
});

describe("wrapping nested models", () => {
  const graph = residualChain(30, true);
  const wrapped = layoutGraph(graph, new Set(), new Set(), ASPECT);

  it("never splits a nested model's frame across rows", () => {
    expect(wrapped.rows).toBeGreaterThan(2);
    const boxes = groupBoxes(graph, wrapped);
    expect(boxes).toHaveLength(30);
    for (const g of boxes) {
      // Every other layer is outside this frame.
      for (const n of wrapped.nodes.values()) {
        if (n.node.parent === g.id) continue;
        const b = box(n);
        const inside = b.x0 < g.max[0] && g.min[0] < b.x1 && b.y0 < g.max[1] && g.min[1] < b.y1;
        expect(inside, `${n.id} inside the frame of ${g.id}`).toBe(false);
      }
    }
  });
});
