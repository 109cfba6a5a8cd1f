/**
 * Which layers are open, which are drawn as their weights and which blocks are folded,
 * the layout that follows from all three, and the tween between the layout drawn and
 * the new one when layers open, close, switch between weights and output, or blocks
 * fold and unfold (layout runs on the visible graph, layout/folding.ts). Knows the visuals only to ask which can
 * open and to drive their open/close progress and weights switch; moving everything
 * else to a layout is the view's `place` hook.
 */

import type { GraphSpec } from "../spec";
import {
  canOpen,
  foldedAround,
  foldGraph,
  foldTweenStart,
  layoutGraph,
  lerpLayout,
  type Layout,
  type VisibleGraph,
} from "../layout";
import { easeInOut } from "../render/easing";
import type { LayerVisual } from "../visuals/types";
import { measure } from "./measure";

export const OPEN_DURATION_MS = 300;

interface Tween {
  from: Layout;
  to: Layout;
  start: number;
  /** Layers whose open state changes, and towards which state. */
  changes: Map<string, boolean>;
}

/** What a frame of the tween did: nothing, moved the layers on (more frames to come), or landed. */
export type TweenStep = "idle" | "moving" | "landed";

export interface OpenStateHooks {
  /** Moves everything drawn to `layout` (a tween's frame or its end). */
  place(layout: Layout): void;
  /** The set of open layers changed (ids in the graph's order). */
  onOpenChange?(ids: string[]): void;
  /** After `setOpenIds` or `setWeightIds` changed something: what is drawn no longer matches the tooltip, a frame is due. */
  changed(): void;
  /**
   * Blocks folded or unfolded: the nodes drawn are now `visible`'s, laid out at
   * `layout` (where the tween starts). Called before the tween's first `place`, so
   * the visuals of new nodes exist and those of hidden ones are gone.
   */
  refold?(visible: VisibleGraph, layout: Layout): void;
  /** The set of folded blocks changed (ids in the graph's group order). */
  onFoldChange?(ids: string[]): void;
}

export class OpenState {
  private readonly open = new Set<string>();
  /** Layers drawn as their weights (ids of the graph's nodes that have weights). */
  private readonly weights = new Set<string>();
  /** Ids of the folded groups (kept across graphs that have them). */
  private readonly folded = new Set<string>();
  private graph: GraphSpec | null = null;
  /** The graph as drawn with `folded` folded. */
  private visible: VisibleGraph | null = null;
  /** The layout for the open set (where a tween goes). */
  private target: Layout | null = null;
  /** The layout drawn last (mid-tween while animating). */
  private drawn: Layout | null = null;
  private tween: Tween | null = null;
  /** The view's aspect the layout wraps its rows for (null: one band). */
  private aspect: number | null = null;

  /** `visuals`: the view's layer visuals by id (its live map, read here, never changed). */
  constructor(
    private readonly visuals: ReadonlyMap<string, LayerVisual>,
    private readonly hooks: OpenStateHooks,
  ) {}

  /**
   * Lays out a new graph (or none) with the layers still open that it has, and forgets
   * any tween (the graph's visuals are built from this layout afterwards). `folded`:
   * the blocks folded from the start (default: those still folded that it has).
   */
  setGraph(graph: GraphSpec | null, folded?: Iterable<string>, aspect: number | null = this.aspect): Layout | null {
    this.graph = graph;
    if (folded) {
      this.folded.clear();
      for (const id of folded) this.folded.add(id);
    }
    this.tween = null;
    this.aspect = aspect;
    if (!graph) {
      this.visible = null;
      this.target = this.drawn = null;
      return null;
    }
    const ids = new Set(graph.nodes.map((n) => n.id));
    for (const id of [...this.open]) if (!ids.has(id)) this.open.delete(id);
    const weighted = new Set(graph.nodes.filter((n) => n.weights).map((n) => n.id));
    for (const id of [...this.weights]) if (!weighted.has(id)) this.weights.delete(id);
    const groups = new Set((graph.groups ?? []).map((g) => g.id));
    for (const id of [...this.folded]) if (!groups.has(id)) this.folded.delete(id);
    this.visible = foldGraph(graph, this.folded);
    const started = performance.now();
    const layout = layoutGraph(this.visible.graph, this.open, this.weights, this.aspect);
    measure("layerscape:layout", started);
    this.target = this.drawn = layout;
    return layout;
  }

  /** Tells whoever listens which layers are open (after a build, which does not call `setOpenIds`). */
  announce(): void {
    this.hooks.onOpenChange?.(this.ids());
    this.hooks.onFoldChange?.(this.foldedIds());
  }

  /** The graph as drawn (folded blocks as single nodes), or null. */
  get visibleGraph(): VisibleGraph | null {
    return this.visible;
  }

  /** Ids of the folded groups, in the graph's group order (before a graph: as set). */
  foldedIds(): string[] {
    if (!this.graph) return [...this.folded];
    return (this.graph.groups ?? []).map((g) => g.id).filter((id) => this.folded.has(id));
  }

  isFolded(id: string): boolean {
    return this.folded.has(id);
  }

  /** The folded groups that must open for layer (or group) `id` to be drawn, outermost first. */
  foldedAround(id: string): string[] {
    return this.graph ? foldedAround(this.graph, id, this.folded) : [];
  }

  /**
   * Folds exactly the groups `ids` (others unfold); the layers of an unfolding block
   * grow out of it while its neighbours move apart (tweened unless `animate` is
   * false). Remembered for a graph built later.
   */
  setFolded(ids: Iterable<string>, animate = true): void {
    const wanted = new Set(ids);
    if (!this.graph || !this.target || !this.visible) {
      this.folded.clear();
      for (const id of wanted) this.folded.add(id);
      return;
    }
    const groups = new Set((this.graph.groups ?? []).map((g) => g.id));
    for (const id of [...wanted]) if (!groups.has(id)) wanted.delete(id);
    if (wanted.size === this.folded.size && [...wanted].every((id) => this.folded.has(id))) return;
    this.folded.clear();
    for (const id of wanted) this.folded.add(id);
    const before = this.visible;
    const after = foldGraph(this.graph, this.folded);
    this.hooks.onFoldChange?.(this.foldedIds());
    if (after === before) return; // only blocks inside a folded block changed
    this.visible = after;
    const to = layoutGraph(after.graph, this.open, this.weights, this.aspect);
    const from = foldTweenStart(this.drawn ?? this.target, to, before, after);
    this.target = to;
    this.hooks.refold?.(after, from);
    // Layers appear closed or open as they are; those mid-open keep their tween.
    const changes = new Map([...(this.tween?.changes ?? [])].filter(([id]) => this.visuals.has(id)));
    if (animate) {
      this.tween = { from, to, start: performance.now(), changes };
    } else {
      this.tween = null;
      this.place(to);
      for (const [id, open] of changes) this.visuals.get(id)?.setOpen(open, 1);
    }
    this.hooks.changed();
  }

  /** The view's aspect the layout wraps for (null: one band). */
  get wrapAspect(): number | null {
    return this.aspect;
  }

  /** The layout for the open set, once a tween has landed. */
  get layout(): Layout | null {
    return this.target;
  }

  /** The layout drawn last (mid-tween while animating). */
  get shown(): Layout | null {
    return this.drawn;
  }

  /** Open layers, in the graph's order (a layer hidden in a folded block stays open). */
  ids(): string[] {
    return (this.graph?.nodes ?? []).map((n) => n.id).filter((id) => this.open.has(id));
  }

  has(id: string): boolean {
    return this.open.has(id);
  }

  /** Ids of the layers drawn as their weights, in the graph's order. */
  weightIds(): string[] {
    return (this.graph?.nodes ?? []).map((n) => n.id).filter((id) => this.weights.has(id));
  }

  showsWeights(id: string): boolean {
    return this.weights.has(id);
  }

  /**
   * Draws exactly the layers `ids` that have weights as their weights (the others as
   * their output): each switches at once, and the layout tweens to the new sizes
   * (unless `animate` is false). Remembered for a graph built later.
   */
  setWeightIds(ids: Iterable<string>, animate = true): void {
    const wanted = new Set(ids);
    if (!this.graph || !this.target) {
      this.weights.clear();
      for (const id of wanted) this.weights.add(id);
      return;
    }
    const weighted = new Set(this.graph.nodes.filter((n) => n.weights).map((n) => n.id));
    for (const id of [...wanted]) if (!weighted.has(id)) wanted.delete(id);
    const changed = [...weighted].filter((id) => wanted.has(id) !== this.weights.has(id));
    if (changed.length === 0) return;
    this.weights.clear();
    for (const id of wanted) this.weights.add(id);
    for (const id of changed) this.visuals.get(id)?.setWeightsShown?.(wanted.has(id));
    this.relayout(new Map(), animate);
    this.hooks.changed();
  }

  /**
   * The view's shape changed: the layout wraps its rows for `aspect` from now on,
   * moving there (tweened unless `animate` is false; layers opening or closing go on
   * doing so).
   */
  setAspect(aspect: number | null, animate = true): void {
    if (aspect === this.aspect) return;
    this.aspect = aspect;
    if (!this.graph || !this.target) return;
    this.relayout(new Map(), animate);
    this.hooks.changed();
  }

  toggle(id: string, animate = true): void {
    const next = new Set(this.open);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.setOpenIds(next, animate);
  }

  openAll(animate = true): void {
    this.setOpenIds(
      [...this.visuals.values()].filter((v) => v.canOpen).map((v) => v.id),
      animate,
    );
  }

  closeAll(animate = true): void {
    this.setOpenIds([], animate);
  }

  /** Opens exactly the layers `ids` that can open (animated unless `animate` is false). */
  setOpenIds(ids: Iterable<string>, animate = true): void {
    if (!this.graph || !this.target) return;
    // Layers hidden in a folded block keep their state (they have no visual now).
    const opens = new Set(this.graph.nodes.filter(canOpen).map((n) => n.id));
    const wanted = new Set([...ids].filter((id) => opens.has(id)));
    const changes = new Map<string, boolean>();
    for (const id of this.visuals.keys()) {
      if (wanted.has(id) !== this.open.has(id)) changes.set(id, wanted.has(id));
    }
    const same = wanted.size === this.open.size && [...wanted].every((id) => this.open.has(id));
    if (same) return;
    this.open.clear();
    for (const id of wanted) this.open.add(id);
    this.relayout(changes, animate);
    this.hooks.onOpenChange?.(this.ids());
    this.hooks.changed();
  }

  /** Lays out the open and weights sets and moves there (tweened), `changes` opening or closing on the way. */
  private relayout(changes: Map<string, boolean>, animate: boolean): void {
    if (!this.graph || !this.target) return;
    const started = performance.now();
    const to = layoutGraph(this.visible?.graph ?? this.graph, this.open, this.weights, this.aspect);
    measure("layerscape:relayout", started);
    const from = this.drawn ?? this.target;
    this.target = to;
    // Layers already mid-animation keep going towards their new state (or land there).
    const merged = new Map(this.tween?.changes ?? []);
    for (const [id, open] of changes) merged.set(id, open);
    if (animate) {
      this.tween = { from, to, start: performance.now(), changes: merged };
    } else {
      this.tween = null;
      this.place(to);
      for (const [id, open] of merged) this.visuals.get(id)?.setOpen(open, 1);
    }
  }

  /** Moves the tween on to time `now` (performance.now()). */
  step(now: number): TweenStep {
    const tween = this.tween;
    if (!tween) return "idle";
    const t = Math.min(1, Math.max(0, (now - tween.start) / OPEN_DURATION_MS));
    const e = easeInOut(t);
    for (const [id, open] of tween.changes) this.visuals.get(id)?.setOpen(open, e);
    this.place(t >= 1 ? tween.to : lerpLayout(tween.from, tween.to, e));
    if (t < 1) return "moving";
    this.tween = null;
    return "landed";
  }

  private place(layout: Layout): void {
    this.drawn = layout;
    this.hooks.place(layout);
  }

  dispose(): void {
    this.tween = null;
    this.graph = this.target = this.drawn = null;
    this.visible = null;
  }
}
