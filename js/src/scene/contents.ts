/**
 * What the 3D scene holds for one model: a visual per layer drawn (a folded block is
 * one, drawn with its exit layer's values; what it hides has none), the edges between them,
 * the frames around nested models and the merge badges (no lights: the solids carry their
 * shading in their vertex colours, render/shading.ts). Built from a graph
 * and its layout, moved to each (tweened) layout, recoloured by payloads and themes;
 * disposes all of it.
 */

import { Color, Scene } from "three";

import type { DecodedPayload } from "../data/decode";
import type { ScalePlan } from "../data/scales";
import type { Layout, VisibleGraph } from "../layout";
import type { LabelOverlay } from "../render/labels";
import type { Palette } from "../render/palette";
import { createVisual, type LayerVisual } from "../visuals";
import { EdgeLines, MergeBadges } from "./edges";
import type { FramedBox } from "./framing";
import { GroupFrames } from "./group-frames";
import { ReshapeFans } from "./reshape-fans";
import { labelImportance } from "./label-importance";

export class SceneContents {
  private backgroundOverride: number | null = null;
  readonly scene = new Scene();
  private readonly layers = new Map<string, LayerVisual>();
  /** Folded block id → the layer whose values it draws. */
  private dataIds = new Map<string, string>();
  private readonly edges: EdgeLines;
  private readonly groups: GroupFrames;
  private readonly merges: MergeBadges;
  private readonly fans: ReshapeFans;

  constructor(
    private readonly labels: LabelOverlay,
    private palette: Palette,
  ) {
    this.edges = new EdgeLines(palette);
    this.scene.add(this.edges.object);
    this.groups = new GroupFrames(this.scene, palette, labels);
    this.merges = new MergeBadges(labels);
    this.fans = new ReshapeFans(this.scene, palette);
    this.scene.background = new Color(palette.background);
  }

  /** The layer visuals by id (a live map: the same object across builds). */
  get visuals(): ReadonlyMap<string, LayerVisual> {
    return this.layers;
  }

  /** The boxes drawn around nested models. */
  get groupBoxes(): readonly FramedBox[] {
    return this.groups.list;
  }

  /**
   * Builds a visual per layer of `graph` at `layout` (`open`: whether a layer starts
   * open), with edges, nested models' frames, merge badges and reshape fans; null clears them.
   * The visuals of an earlier graph must have been let go (`clearVisuals`).
   */
  build(visible: VisibleGraph | null, layout: Layout | null, open: (id: string) => boolean): void {
    if (!visible || !layout) {
      this.dataIds.clear();
      this.edges.update([]);
      this.groups.setGraph(null, null);
      this.merges.setGraph(null, null);
      this.fans.setGraph(null, null);
      return;
    }
    this.sync(visible, layout, open);
  }

  /**
   * Makes the visuals those of `visible`'s nodes (blocks folded or unfolded): disposes
   * the ones no longer drawn, creates the missing ones at `layout`, and rebuilds the
   * edges, frames, badges and fans. Returns the ids of the new visuals (they have no
   * values until `update`). Whoever hovers a visual must have let go first.
   */
  sync(visible: VisibleGraph, layout: Layout, open: (id: string) => boolean): string[] {
    const { graph } = visible;
    const drawn = new Set(graph.nodes.map((n) => n.id));
    for (const [id, visual] of this.layers) {
      if (drawn.has(id)) continue;
      visual.dispose();
      this.layers.delete(id);
    }
    this.dataIds = new Map([...visible.folds].map(([id, fold]) => [id, fold.data]));
    const ctx = { graph, palette: this.palette, labels: this.labels, folds: visible.folds };
    const importance = labelImportance(graph);
    const added: string[] = [];
    for (const node of graph.nodes) {
      if (this.layers.has(node.id)) continue;
      const visual = this.labels.withOwner(node.id, importance.get(node.id) ?? 0, () =>
        createVisual(node, layout.nodes.get(node.id)!, ctx),
      );
      visual.setOpen(open(node.id), 1);
      this.layers.set(node.id, visual);
      this.scene.add(visual.group);
      added.push(node.id);
    }
    this.edges.update(layout.edges);
    this.groups.setGraph(graph, layout);
    this.merges.setGraph(graph, layout);
    this.fans.setGraph(graph, layout);
    return added;
  }

  /** Moves everything to `layout` (a tween's frame, or where it lands). */
  place(layout: Layout): void {
    for (const [id, visual] of this.layers) {
      const n = layout.nodes.get(id);
      if (n) visual.place(n);
    }
    this.edges.update(layout.edges);
    this.groups.place(layout);
    this.merges.place(layout);
    this.fans.place(layout);
  }

  /** Every layer's (or only `ids`') new activations (or none), coloured by `plan`. */
  update(payload: DecodedPayload | null, plan: ScalePlan, ids?: readonly string[]): void {
    for (const id of ids ?? this.layers.keys()) {
      const data = payload?.nodes.get(this.dataIds.get(id) ?? id) ?? null;
      this.layers.get(id)?.update(data, plan);
    }
  }

  /** The host's own background (VS Code's editor colour) instead of the palette's; null: the palette's. */
  setBackground(color: number | null): void {
    this.backgroundOverride = color;
    this.scene.background = new Color(color ?? this.palette.background);
  }

  setTheme(palette: Palette): void {
    this.palette = palette;
    this.scene.background = new Color(this.backgroundOverride ?? palette.background);
    this.edges.setTheme(palette);
    this.groups.setTheme(palette);
    this.fans.setTheme(palette);
    for (const v of this.layers.values()) v.setTheme(palette);
  }

  /** Disposes the layer visuals (whoever hovers them must have let go first). */
  clearVisuals(): void {
    for (const v of this.layers.values()) v.dispose();
    this.layers.clear();
    this.dataIds.clear();
  }

  dispose(): void {
    this.clearVisuals();
    this.edges.dispose();
    this.groups.dispose();
    this.merges.dispose();
    this.fans.dispose();
  }
}
