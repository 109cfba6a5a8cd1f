import { describe, expect, it } from "vitest";

import {
  MAX_LANE_SPAN,
  countCrossings,
  isotonicPlace,
  reduceCrossings,
  layerGraph,
  layoutGraph,
  lerpLayout,
  mergeSymbol,
  nodeDepths,
  rangeMax,
  type Layout,
  type NodeLayout,
} from "../src/layout";
import type { GraphSpec, NodeSpec } from "../src/spec";
import { node } from "./fixtures";

interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  z0: number;
  z1: number;
}

function box(n: NodeLayout): Box {
  const { x, y, z } = n.position;
  const { w, h, d } = n.size;
  return { x0: x - w / 2, x1: x + w / 2, y0: y - h / 2, y1: y + h / 2, z0: z - d / 2, z1: z + d / 2 };
}

/** Pairs of nodes whose boxes overlap (swept along x: fast enough for thousands). */
function overlapping(layout: Layout): string[] {
  const boxes = [...layout.nodes.values()].map((n) => ({ id: n.id, b: box(n) })).sort((p, q) => p.b.x0 - q.b.x0);
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    const p = boxes[i].b;
    for (let j = i + 1; j < boxes.length && boxes[j].b.x0 < p.x1; j++) {
      const q = boxes[j].b;
      if (p.y0 < q.y1 && q.y0 < p.y1 && p.z0 < q.z1 && q.z0 < p.z1) found.push(`${boxes[i].id} / ${boxes[j].id}`);
    }
  }
  return found;
}

/** Edge points (and segment midpoints) strictly inside a box that is neither end of the edge. */
function edgesThroughLayers(layout: Layout): string[] {
  const boxes = [...layout.nodes.values()].map((n) => ({ id: n.id, b: box(n) })).sort((p, q) => p.b.x0 - q.b.x0);
  const x0s = boxes.map((e) => e.b.x0);
  const inside = (x: number, y: number, b: Box): boolean =>
    x > b.x0 + 1e-6 && x < b.x1 - 1e-6 && y > b.y0 + 1e-6 && y < b.y1 - 1e-6;
  const found: string[] = [];
  for (const e of layout.edges) {
    const probes = e.points.flatMap((p, i) =>
      i === 0 ? [p] : [p, { x: (p.x + e.points[i - 1].x) / 2, y: (p.y + e.points[i - 1].y) / 2, z: p.z }],
    );
    for (const p of probes) {
      // boxes starting left of p.x (binary search), scanned back while they could reach it
      let hi = x0s.length;
      let lo = 0;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (x0s[mid] < p.x) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo - 1; k >= 0 && k >= lo - 64; k--) {
        const { id, b } = boxes[k];
        if (id === e.source || id === e.target) continue;
        if (inside(p.x, p.y, b)) found.push(`${e.source}->${e.target} through ${id}`);
      }
    }
  }
  return found;
}

function allFinite(layout: Layout): boolean {
  const nums: number[] = [];
  for (const n of layout.nodes.values())
    nums.push(n.position.x, n.position.y, n.position.z, n.size.w, n.size.h, n.size.d);
  for (const e of layout.edges) for (const p of e.points) nums.push(p.x, p.y, p.z);
  nums.push(layout.bounds.min.x, layout.bounds.min.y, layout.bounds.max.x, layout.bounds.max.y);
  return nums.every(Number.isFinite);
}

function graph(name: string, nodes: NodeSpec[], edges: Array<[string, string]>): GraphSpec {
  return {
    version: 1,
    name,
    nodes,
    edges: edges.map(([source, target]) => ({ source, target })),
    inputs: [nodes[0].id],
    outputs: [nodes[nodes.length - 1].id],
    labels: null,
  };
}

/** Inception-like: three parallel branches of different lengths, twice. */
function inceptionGraph(): GraphSpec {
  const nodes: NodeSpec[] = [node("in", "InputLayer", "image", [32, 32, 3], { is_input: true })];
  const edges: Array<[string, string]> = [];
  let prev = "in";
  for (const m of [0, 1]) {
    const fm = (id: string, c = 8) => node(`${id}${m}`, "Conv2D", "feature_map", [16, 16, c]);
    nodes.push(
      fm("a"),
      fm("b1"),
      fm("b2"),
      fm("c1"),
      fm("c2", 16),
      fm("c3"),
      node(`cat${m}`, "Concatenate", "feature_map", [16, 16, 24]),
    );
    edges.push(
      [prev, `a${m}`],
      [prev, `b1${m}`],
      [`b1${m}`, `b2${m}`],
      [prev, `c1${m}`],
      [`c1${m}`, `c2${m}`],
      [`c2${m}`, `c3${m}`],
    );
    edges.push([`a${m}`, `cat${m}`], [`b2${m}`, `cat${m}`], [`c3${m}`, `cat${m}`]);
    prev = `cat${m}`;
  }
  nodes.push(
    node("gap", "GlobalAveragePooling2D", "vector", [24]),
    node("out", "Dense", "vector", [10], { is_output: true }),
  );
  edges.push([prev, "gap"], ["gap", "out"]);
  return graph("inception-ish", nodes, edges);
}

/**
 * 1,000+ layers: residual blocks (skips of 4), dense blocks (each concat takes every
 * earlier concat of its block: many long skips), parallel twin branches, and U-Net
 * bridges from the first half to the second (spans far beyond MAX_LANE_SPAN: arcs).
 */
function bigGraph(): GraphSpec {
  const nodes: NodeSpec[] = [node("in", "InputLayer", "image", [64, 64, 3], { is_input: true })];
  const edges: Array<[string, string]> = [];
  let prev = "in";
  let k = 0;
  const add = (cls: string, inputs: string[], shape: number[] = [16, 16, 8]): string => {
    const id = `${cls.toLowerCase()}_${k++}`;
    nodes.push(node(id, cls, shape.length === 3 ? "feature_map" : "vector", shape));
    for (const s of inputs) edges.push([s, id]);
    return id;
  };
  const bridges: string[] = [];
  for (let block = 0; block < 50; block++) {
    // residual block
    const x = prev;
    let y = add("Conv2D", [x]);
    y = add("BatchNormalization", [y]);
    y = add("ReLU", [y]);
    y = add("Conv2D", [y], [16, 16, 8 + (block % 5)]);
    prev = add("Add", [x, y]);
    // dense block: concat of all previous concats
    const concats = [prev];
    for (let j = 0; j < 4; j++) {
      let z = add("BatchNormalization", [concats[concats.length - 1]]);
      z = add("Conv2D", [z]);
      concats.push(add("Concatenate", [...concats, z]));
    }
    prev = concats[concats.length - 1];
    // twin branches
    const l = add("Conv2D", [prev]);
    const r = add("Conv2D", [prev]);
    prev = add("Multiply", [l, r]);
    if (block < 25) bridges.push(prev);
    else prev = add("Concatenate", [prev, bridges[49 - block]]);
  }
  prev = add("GlobalAveragePooling2D", [prev], [16]);
  add("Dense", [prev], [10]);
  nodes[nodes.length - 1].is_output = true;
  return graph("big", nodes, edges);
}

describe("layerGraph", () => {
  it("gives long edges one lane vertex per skipped column", () => {
    const g = inceptionGraph();
    const l = layerGraph(g);
    g.edges.forEach((e, i) => {
      const s = g.nodes.findIndex((n) => n.id === e.source);
      const t = g.nodes.findIndex((n) => n.id === e.target);
      expect(l.lanes[i].length).toBe(l.depth[t] - l.depth[s] - 1);
      l.lanes[i].forEach((v, j) => expect(l.depth[v]).toBe(l.depth[s] + 1 + j));
    });
    // every vertex sits in exactly one column, its own
    const seen = new Set<number>();
    l.columns.forEach((c, d) => c.forEach((v) => (seen.add(v), expect(l.depth[v]).toBe(d))));
    expect(seen.size).toBe(l.vertexCount);
  });

  it("removes the crossings of a badly ordered start", () => {
    // 0 → 3 and 1 → 2 cross; 2 and 3 each lead on to 4 and 5 in the same order
    const columns = [
      [0, 1],
      [2, 3],
      [4, 5],
    ];
    const down = [[3], [2], [4], [5], [], []];
    const up = [[], [], [1], [0], [2], [3]];
    const at = (cs: number[][]) => {
      const pos = new Float64Array(6);
      cs.forEach((c) => c.forEach((v, i) => (pos[v] = i)));
      return pos;
    };
    expect(countCrossings(columns, down, at(columns))).toBe(1);
    reduceCrossings(columns, up, down, 6);
    expect(countCrossings(columns, down, at(columns))).toBe(0);
    expect(columns.map((c) => c.length)).toEqual([2, 2, 2]);
  });

  it("counts crossings exactly", () => {
    // two columns of three; edges 0→2, 1→1, 2→0: every pair crosses
    const columns = [
      [0, 1, 2],
      [3, 4, 5],
    ];
    const down = [[5], [4], [3], [], [], []];
    const pos = Float64Array.from([0, 1, 2, 0, 1, 2]);
    expect(countCrossings(columns, down, pos)).toBe(3);
    expect(countCrossings(columns, [[3], [4], [5], [], [], []], pos)).toBe(0);
  });
});

describe("placement helpers", () => {
  it("isotonicPlace keeps the order and gaps, and hits the wishes when it can", () => {
    const out: number[] = [];
    isotonicPlace([0, 1, 2], [0, 10, 20], [1, 1, 1], () => 2, out);
    expect(out).toEqual([0, 10, 20]);
    isotonicPlace([0, 1, 2], [0, 0, 0], [1, 1, 1], () => 2, out);
    expect(out[1] - out[0]).toBeCloseTo(2);
    expect(out[2] - out[1]).toBeCloseTo(2);
    expect(out[0] + out[1] + out[2]).toBeCloseTo(0); // centred on the shared wish
    // a heavy entry barely moves
    isotonicPlace([0, 1], [0, 0], [1000, 1], () => 3, out);
    expect(out[0]).toBeCloseTo(-3 / 1001);
    expect(out[1] - out[0]).toBeCloseTo(3);
  });

  it("rangeMax agrees with a scan", () => {
    const values = Array.from({ length: 37 }, (_, i) => Math.sin(i * 1.7) * 10);
    const q = rangeMax(values);
    for (let lo = 0; lo < values.length; lo++) {
      for (let hi = lo; hi < values.length; hi++) expect(q(lo, hi)).toBe(Math.max(...values.slice(lo, hi + 1)));
    }
    expect(q(5, 4)).toBe(-Infinity);
  });
});

describe("branched graphs", () => {
  const g = inceptionGraph();
  const closed = layoutGraph(g);

  it("spreads branches in one column apart, with nothing overlapping and no edge through a layer", () => {
    expect(overlapping(closed)).toEqual([]);
    expect(edgesThroughLayers(closed)).toEqual([]);
    const col = [...closed.nodes.values()].filter((n) => n.depth === closed.nodes.get("a0")!.depth);
    expect(col.length).toBe(3);
    expect(new Set(col.map((n) => n.position.y)).size).toBe(3);
  });

  it("keeps the main path straight", () => {
    for (const id of ["in", "c10", "c20", "c30", "cat0", "cat1", "gap", "out"])
      expect(closed.nodes.get(id)!.position.y).toBeCloseTo(0, 6);
  });

  it("moves neighbours out of the way when layers open, also mid-animation", () => {
    const ids = ["a0", "b10", "c10", "b21", "c21", "cat0"];
    const open = layoutGraph(g, new Set(ids));
    for (const id of ids) expect(open.nodes.get(id)!.open).toBe(true);
    expect(overlapping(open)).toEqual([]);
    expect(edgesThroughLayers(open)).toEqual([]);
    // opened layers got bigger, and the column of a0 grew apart
    expect(open.nodes.get("a0")!.size.h).toBeGreaterThan(closed.nodes.get("a0")!.size.h);
    for (const t of [0.1, 0.25, 0.5, 0.75, 0.9]) {
      expect(overlapping(lerpLayout(closed, open, t)), `t=${t}`).toEqual([]);
      expect(overlapping(lerpLayout(open, closed, t)), `back, t=${t}`).toEqual([]);
    }
  });

  it("keeps each edge's number of points when layers open (so edges tween too)", () => {
    const open = layoutGraph(g, new Set(["a0", "c20"]));
    expect(open.edges.map((e) => e.points.length)).toEqual(closed.edges.map((e) => e.points.length));
  });
});

describe("a 1,000+ layer graph with long skips", () => {
  const g = bigGraph();
  const layout = layoutGraph(g);

  it("is big and has lanes and arcs", () => {
    expect(g.nodes.length).toBeGreaterThan(1000);
    const kinds = new Set(layout.edges.map((e) => e.kind));
    expect(kinds).toEqual(new Set(["direct", "lane", "arc"]));
    expect(layout.edges).toHaveLength(g.edges.length);
  });

  it("is sane: finite, no overlaps, no edge through a layer, edges end at their layers", () => {
    expect(allFinite(layout)).toBe(true);
    expect(overlapping(layout)).toEqual([]);
    expect(edgesThroughLayers(layout)).toEqual([]);
    for (const e of layout.edges) {
      const s = box(layout.nodes.get(e.source)!);
      const t = box(layout.nodes.get(e.target)!);
      expect(e.points[0].x).toBeCloseTo(s.x1);
      expect(e.points[e.points.length - 1].x).toBeCloseTo(t.x0);
      // never backwards along the flow
      for (let i = 1; i < e.points.length; i++) expect(e.points[i].x).toBeGreaterThanOrEqual(e.points[i - 1].x - 1e-9);
    }
  });

  it("arcs over everything between the ends of a very long edge", () => {
    const arcs = layout.edges.filter((e) => e.kind === "arc");
    expect(arcs.length).toBeGreaterThan(0);
    for (const e of arcs) {
      const s = layout.nodes.get(e.source)!;
      const t = layout.nodes.get(e.target)!;
      expect(t.depth - s.depth).toBeGreaterThan(MAX_LANE_SPAN);
      const peak = Math.max(...e.points.map((p) => p.y));
      for (const n of layout.nodes.values()) {
        if (n.depth > s.depth && n.depth < t.depth) expect(peak).toBeGreaterThan(box(n).y1);
      }
    }
  });

  it("stays sane with every feature map open", () => {
    const open = layoutGraph(g, new Set(g.nodes.filter((n) => n.family === "feature_map").map((n) => n.id)));
    expect(allFinite(open)).toBe(true);
    expect(overlapping(open)).toEqual([]);
    expect(overlapping(lerpLayout(layout, open, 0.5))).toEqual([]);
  });
});

describe("mergeSymbol", () => {
  it("names the operation of each merge layer and nothing else", () => {
    expect(mergeSymbol("Add")).toBe("+");
    expect(mergeSymbol("Multiply")).toBe("×");
    expect(mergeSymbol("Concatenate")).toBe("concat");
    expect(mergeSymbol("Subtract")).toBe("−");
    for (const name of ["Average", "Maximum", "Minimum", "Dot"])
      expect(mergeSymbol(name)).toMatch(/^(avg|max|min|dot)$/);
    for (const name of ["Conv2D", "Dense", "constructor", "toString", ""]) expect(mergeSymbol(name)).toBeNull();
  });
});

describe("odd graphs", () => {
  it("lays out an empty graph, one node, duplicate and dangling edges, and a cycle", () => {
    const empty = layoutGraph(graph("empty", [node("a", "InputLayer", "vector", [2])], []));
    expect(empty.nodes.size).toBe(1);
    expect(allFinite(empty)).toBe(true);
    const none = layoutGraph({ version: 1, name: "none", nodes: [], edges: [], inputs: [], outputs: [], labels: null });
    expect(none.nodes.size).toBe(0);
    expect(none.depthCount).toBe(0);
    const odd = graph(
      "odd",
      [
        node("in", "InputLayer", "vector", [4], { is_input: true }),
        node("a", "Dense", "vector", [4]),
        node("b", "Dense", "vector", [4]),
        node("c", "Dense", "vector", [4]),
        node("twice", "Add", "vector", [4]),
      ],
      [
        ["in", "a"],
        ["a", "twice"],
        ["a", "twice"], // Add()([x, x])
        ["in", "ghost"], // unknown node: dropped
        ["b", "c"],
        ["c", "b"], // a cycle: should not happen, must not hang or crash
      ],
    );
    const l = layoutGraph(odd);
    expect(allFinite(l)).toBe(true);
    expect(overlapping(l)).toEqual([]);
    expect(l.edges.filter((e) => e.source === "a" && e.target === "twice")).toHaveLength(2);
    expect(l.edges.some((e) => e.target === "ghost")).toBe(false);
  });

  it("reuses the topology of a graph it has seen, and lays out a changed copy afresh", () => {
    const g = inceptionGraph();
    const first = layoutGraph(g);
    const again = layoutGraph(g, new Set(["a0"]));
    expect(again.edges.map((e) => e.points.length)).toEqual(first.edges.map((e) => e.points.length));
    const copy: GraphSpec = { ...g, edges: g.edges.filter((e) => !(e.source === "a0" && e.target === "cat0")) };
    expect(layoutGraph(copy).edges).toHaveLength(g.edges.length - 1);
  });
});

describe("unknown wiring", () => {
  it("lays an untraced model's layers out left to right in tracking order", () => {
    const nodes = ["in", "a", "b", "out"].map((id) => ({
      id,
      name: id,
      class_name: "Dense",
      family: "vector" as const,
      output_shape: [4],
      output_shapes: [[4]],
      params: 0,
      config: {},
      is_input: id === "in",
      is_output: id === "out",
      parent: null,
      passthrough: false,
      reshape: false,
      opens: false,
    }));
    const graph = {
      version: 1,
      name: "m",
      nodes,
      edges: [],
      inputs: ["in"],
      outputs: ["out"],
      labels: null,
      wiring: "unknown" as const,
    };
    expect([...nodeDepths(graph).values()]).toEqual([0, 1, 2, 3]);
    const layout = layoutGraph(graph);
    const xs = nodes.map((n) => layout.nodes.get(n.id)!.position.x);
    expect(xs).toEqual([...xs].sort((p, q) => p - q));
    expect(new Set(xs).size).toBe(4);
  });
});
