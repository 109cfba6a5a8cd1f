/**
 * Folded blocks: the graph as it is drawn when some of its groups (Python's
 * `groups.py`, `graph.groups`) are folded. Pure: graph + folded ids in, the visible
 * graph out; layout runs on that.
 *
 * A folded group shows as ONE node whose id is the group's id. The outermost folded
 * group wins: what lies inside it (folded or not) is hidden. The node carries the
 * output shape, family and values of the group's exit layer (the scene draws that
 * layer's summary on it), its caption is "conv2_block1 · 10 layers", and edges that
 * entered or left the group join it; edges inside vanish and duplicates go.
 */

import { formatShape } from "../data/format";
import type { EdgeSpec, GraphSpec, GroupKind, GroupSpec, NodeSpec } from "../spec";
import type { Layout, NodeLayout } from "./types";

/** What the scene needs to know about one folded group drawn as a node. */
export interface FoldInfo {
  group: GroupSpec;
  /** Layers inside, at any depth. */
  layers: number;
  /** Weights of every layer inside. */
  params: number;
  /** The layer inside whose values the folded node shows (the exit, or the last drawn layer before a passthrough exit). */
  data: string;
}

export interface VisibleGraph {
  /** The graph as drawn: folded groups are single nodes. */
  graph: GraphSpec;
  /** Folded group id (a node of `graph`) → what it holds. */
  folds: ReadonlyMap<string, FoldInfo>;
  /** Hidden node id → the folded group drawn in its place. */
  owner: ReadonlyMap<string, string>;
}

/** The caption of a folded block: its name and how many layers it holds. */
export function foldCaption(name: string, layers: number): string {
  return `${name} · ${layers} ${layers === 1 ? "layer" : "layers"}`;
}

const KIND_CLASS: Record<GroupKind, string> = { model: "Model", block: "Block", stage: "Stage" };

/** Whether `node` is a folded block drawn as one node (made by `foldGraph`), not a layer. */
export function isFoldedNode(node: NodeSpec): boolean {
  return typeof node.config.layers === "number" && Object.values(KIND_CLASS).includes(node.class_name);
}

/** The groups of `graph` that hold node (or group) `id`, innermost first. */
export function enclosingGroups(graph: GraphSpec, id: string): GroupSpec[] {
  const groups = graph.groups ?? [];
  const byId = new Map(groups.map((g) => [g.id, g]));
  const start = byId.get(id);
  let inner: GroupSpec | undefined = start ? byId.get(start.parent ?? "") : undefined;
  if (!start) {
    // The innermost group holding a node is the smallest one listing it.
    for (const g of groups) if (g.nodes.includes(id) && (!inner || g.nodes.length < inner.nodes.length)) inner = g;
  }
  const out: GroupSpec[] = [];
  for (let g = inner; g; g = g.parent ? byId.get(g.parent) : undefined) out.push(g);
  return out;
}

/** The folded groups that must open for node (or group) `id` to be drawn, outermost first. */
export function foldedAround(graph: GraphSpec, id: string, folded: ReadonlySet<string>): string[] {
  return enclosingGroups(graph, id)
    .filter((g) => folded.has(g.id))
    .map((g) => g.id)
    .reverse();
}

/** Every folded group that is drawn (no folded group holds it), in the graph's group order. */
function outermostFolded(groups: readonly GroupSpec[], folded: ReadonlySet<string>): GroupSpec[] {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const hiddenByAncestor = (g: GroupSpec): boolean => {
    for (let p = g.parent ? byId.get(g.parent) : undefined; p; p = p.parent ? byId.get(p.parent) : undefined) {
      if (folded.has(p.id)) return true;
    }
    return false;
  };
  return groups.filter((g) => folded.has(g.id) && g.nodes.length > 0 && !hiddenByAncestor(g));
}

/** The nested-model path the folded node lives in: the members' common one (a folded nested model sits in its own parent). */
function commonParent(members: readonly NodeSpec[], kind: GroupKind): string | null {
  let common: string[] | null = null;
  for (const node of members) {
    const parts = node.parent ? node.parent.split("/") : [];
    if (common === null) common = parts;
    else {
      let k = 0;
      while (k < common.length && k < parts.length && common[k] === parts[k]) k++;
      common = common.slice(0, k);
    }
  }
  let path = common ?? [];
  if (kind === "model" && path.length > 0) path = path.slice(0, -1);
  return path.length > 0 ? path.join("/") : null;
}

function foldedNode(
  group: GroupSpec,
  members: NodeSpec[],
  byId: Map<string, NodeSpec>,
  graph: GraphSpec,
): [NodeSpec, FoldInfo] {
  const exit = byId.get(group.exit) ?? members[members.length - 1];
  // A passthrough exit (a Dropout) is drawn without values: show the layer before it.
  let data = exit;
  if (exit.passthrough || exit.family === "generic") {
    for (let i = members.length - 1; i >= 0; i--) {
      const m = members[i];
      if (!m.passthrough && m.family !== "generic") {
        data = m;
        break;
      }
    }
  }
  const params = members.reduce((sum, n) => sum + (Number(n.params) || 0), 0);
  const entry = group.entry ? byId.get(group.entry) : undefined;
  const inside = new Set(members.map((m) => m.id));
  const inputs = entry
    ? [entry]
    : [...new Set(graph.edges.filter((e) => inside.has(e.target) && !inside.has(e.source)).map((e) => e.source))]
        .map((id) => byId.get(id))
        .filter((n): n is NodeSpec => n !== undefined);
  const config: Record<string, unknown> = { layers: members.length };
  if (inputs.length > 0) config.input = inputs.map((n) => formatShape(n.output_shape)).join(", ");
  const node: NodeSpec = {
    id: group.id,
    name: foldCaption(group.name, members.length),
    class_name: KIND_CLASS[group.kind] ?? "Block",
    family: data.family,
    output_shape: data.output_shape,
    output_shapes: data.output_shapes,
    params,
    config,
    is_input: false,
    is_output: members.some((m) => m.is_output),
    parent: commonParent(members, group.kind),
    passthrough: false,
    reshape: false,
    // A click unfolds it; it never opens into channels.
    opens: false,
    weights: null,
  };
  if (data.image_range !== undefined) node.image_range = data.image_range;
  return [node, { group, layers: members.length, params, data: data.id }];
}

const cache = new WeakMap<GraphSpec, Map<string, VisibleGraph>>();

/**
 * The graph drawn with the groups `folded` folded (ids that are not groups of
 * `graph` are ignored). Cached per graph object and folded set, so that a layout of
 * the same visible graph reuses its topology.
 */
export function foldGraph(graph: GraphSpec, folded: ReadonlySet<string>): VisibleGraph {
  const groups = graph.groups ?? [];
  const shown = outermostFolded(groups, folded);
  const key = shown.map((g) => g.id).join(" ");
  let byKey = cache.get(graph);
  if (!byKey) {
    byKey = new Map();
    cache.set(graph, byKey);
  }
  const hit = byKey.get(key);
  if (hit) return hit;
  const visible = shown.length === 0 ? { graph, folds: new Map(), owner: new Map() } : build(graph, shown);
  byKey.set(key, visible);
  return visible;
}

function build(graph: GraphSpec, shown: GroupSpec[]): VisibleGraph {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const owner = new Map<string, string>();
  for (const g of shown) for (const id of g.nodes) if (byId.has(id)) owner.set(id, g.id);
  const rep = (id: string): string => owner.get(id) ?? id;

  const folds = new Map<string, FoldInfo>();
  const replacement = new Map<string, NodeSpec>();
  for (const g of shown) {
    const members = g.nodes.map((id) => byId.get(id)).filter((n): n is NodeSpec => n !== undefined);
    if (members.length === 0) continue;
    const [node, info] = foldedNode(g, members, byId, graph);
    replacement.set(g.id, node);
    folds.set(g.id, info);
  }

  const edges: EdgeSpec[] = [];
  const seen = new Set<string>();
  for (const e of graph.edges) {
    const source = rep(e.source);
    const target = rep(e.target);
    if (source === target) continue;
    const key = `${source}\u0000${target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ source, target });
  }

  // Each visible node once, where its first member stood; then a stable topological
  // sort (a folded group's outer edges can leave from any member, not only the first).
  const first: NodeSpec[] = [];
  const placed = new Set<string>();
  for (const node of graph.nodes) {
    const id = rep(node.id);
    if (placed.has(id)) continue;
    placed.add(id);
    first.push(replacement.get(id) ?? node);
  }
  const nodes = topologicalOrder(first, edges);
  const position = new Map(nodes.map((n, i) => [n.id, i]));
  const forward = edges.filter((e) => (position.get(e.source) ?? 0) < (position.get(e.target) ?? 0));

  const unique = (ids: readonly string[]): string[] => [...new Set(ids.map(rep))];
  const visibleGroups = (graph.groups ?? []).filter((g) => !owner.has(g.exit) && !folds.has(g.id));
  return {
    graph: {
      ...graph,
      nodes,
      edges: forward,
      inputs: unique(graph.inputs),
      outputs: unique(graph.outputs),
      groups: visibleGroups,
    },
    folds,
    owner,
  };
}

/** Kahn's sort, taking ready nodes in their given order; anything left on a cycle keeps its place at the end. */
function topologicalOrder(nodes: NodeSpec[], edges: readonly EdgeSpec[]): NodeSpec[] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const indegree = new Int32Array(nodes.length);
  const out: number[][] = nodes.map(() => []);
  for (const e of edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined) continue;
    out[s].push(t);
    indegree[t]++;
  }
  // A min-heap would be O(n log n); nodes are already nearly sorted, so a sorted ready
  // list with binary insertion stays cheap for the graphs drawn here.
  const ready: number[] = [];
  const insert = (v: number): void => {
    let lo = 0;
    let hi = ready.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ready[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    ready.splice(lo, 0, v);
  };
  for (let v = 0; v < nodes.length; v++) if (indegree[v] === 0) ready.push(v);
  const order: number[] = [];
  const done = new Uint8Array(nodes.length);
  while (ready.length > 0) {
    const v = ready.shift()!;
    order.push(v);
    done[v] = 1;
    for (const t of out[v]) if (--indegree[t] === 0) insert(t);
  }
  for (let v = 0; v < nodes.length; v++) if (!done[v]) order.push(v);
  return order.map((v) => nodes[v]);
}

/** Near nothing: where a layer appearing out of a folded block starts its tween. */
const SEED_SIZE = 1e-3;

/**
 * The layout a fold or unfold tween starts from: `from` (the layout drawn) with every
 * node of `to` that was not drawn placed where it comes from, at (almost) no size.
 * Layers of an unfolded block start at the block's centre; a folded block starts at
 * the centre of the layers it now holds. Blending this with `to` (`lerpLayout`) grows
 * them into place while their neighbours move apart: positions and sizes are linear
 * in the tween's time, so two things apart along an axis at both ends stay apart.
 */
export function foldTweenStart(from: Layout, to: Layout, before: VisibleGraph, after: VisibleGraph): Layout {
  const nodes = new Map<string, NodeLayout>(from.nodes);
  for (const [id, target] of to.nodes) {
    if (nodes.has(id)) continue;
    const fold = after.folds.get(id);
    // The folded block drawn before that held this layer (or this block: its exit).
    const holder = before.owner.get(id) ?? (fold ? before.owner.get(fold.group.exit) : undefined);
    const block = holder ? from.nodes.get(holder) : undefined;
    let origin: { x: number; y: number; z: number } | null = block ? { ...block.position } : null;
    if (!origin && fold) origin = centreOf(fold.group.nodes, from, before);
    if (!origin) continue;
    nodes.set(id, {
      ...target,
      position: origin,
      size: { w: SEED_SIZE, h: SEED_SIZE, d: SEED_SIZE },
    });
  }
  return { ...from, nodes };
}

function centreOf(
  ids: readonly string[],
  layout: Layout,
  drawn: VisibleGraph,
): { x: number; y: number; z: number } | null {
  let lo = [Infinity, Infinity, Infinity];
  let hi = [-Infinity, -Infinity, -Infinity];
  let any = false;
  for (const id of ids) {
    // A layer inside a block that was folded was drawn as that block.
    const n = layout.nodes.get(drawn.owner.get(id) ?? id);
    if (!n) continue;
    any = true;
    const p = [n.position.x, n.position.y, n.position.z];
    const s = [n.size.w, n.size.h, n.size.d];
    lo = lo.map((v, k) => Math.min(v, p[k] - s[k] / 2));
    hi = hi.map((v, k) => Math.max(v, p[k] + s[k] / 2));
  }
  if (!any) return null;
  return { x: (lo[0] + hi[0]) / 2, y: (lo[1] + hi[1]) / 2, z: (lo[2] + hi[2]) / 2 };
}
