/**
 * The contract between the scene and the layer visuals: what every visual offers, what it
 * is built with, and the hover facts it reports. Types only.
 */

import type { Group, Mesh, Raycaster, Vector3 } from "three";

import type { ColorScale } from "../data/colormap";
import type { NodeTensors } from "../data/decode";
import type { Region } from "../data/receptive";
import type { ScalePlan } from "../data/scales";
import type { FoldInfo, NodeLayout } from "../layout";
import type { LabelOverlay } from "../render/labels";
import type { Palette } from "../render/palette";
import type { GraphSpec, NodeSpec } from "../spec";

export interface LegendInfo {
  /** The scale the colours use (null: none single, e.g. per-channel scales off a tile). */
  scale: ColorScale | null;
  /** What the colours show, e.g. "mean over 6 channels". */
  note: string;
  /** Which values share the scale, in words, with the range it is made from. */
  scope: string;
}

export interface VisualContext {
  graph: GraphSpec;
  palette: Palette;
  labels: LabelOverlay;
  /** The folded blocks drawn as nodes of `graph` (their captions' short form is the block's name). */
  folds?: ReadonlyMap<string, FoldInfo>;
}

export interface Disposable {
  dispose(): void;
}

/** One element of a layer's output under the pointer. */
export interface ElementHit {
  /** Index into the output (no batch): (row, col, channel), (unit), (step, feature); a closed summary leaves out the channel. */
  index: number[];
  /** The index's axis names, one per entry of `index`. */
  axes: string[];
  /** The value there (several for an RGB pixel); empty when the payload did not send it. */
  values: number[];
  /** What the value is when it is not one element, e.g. "mean over 6 channels". */
  note: string | null;
  /** A name for the element, e.g. "class 7". */
  label: string | null;
  /** The element is one of the layer's weights (drawn instead of its output), not an output element. */
  weight?: boolean;
  /** In a comparison (`values` is b − a): the values of a and b there. */
  compare?: { a: number[]; b: number[] };
}

/** The interface the scene uses; one implementation per layer family. */
export interface LayerVisual {
  readonly id: string;
  readonly node: NodeSpec;
  readonly group: Group;
  /** Whether clicking opens the layer: the node's `opens` (layout's canOpen), the one rule. */
  readonly canOpen: boolean;
  /** What opening shows, for the tooltip's hint (when the layer opens). */
  readonly openHint: string;
  /** Moves/resizes the visual to a (possibly tweened) layout box. */
  place(layout: NodeLayout): void;
  /**
   * New activations (null: none yet), or the same ones under another colour scope.
   * Textures and colours update in place. Without a plan: one scale per layer.
   */
  update(data: NodeTensors | null, plan?: ScalePlan): void;
  /**
   * Open/close progress: `t` runs 0 → 1 over the animation towards `open`. The open
   * view is made on the first frame of opening and freed when closing ends.
   */
  setOpen(open: boolean, t: number): void;
  setTheme(palette: Palette): void;
  setHighlight(on: boolean): void;
  /** Invisible box covering the layer, for picking. */
  readonly pickProxy: Mesh;
  /** The colour legend; `raycaster` (the pointer's ray) picks the channel where scales differ per channel. */
  legend(raycaster?: Raycaster): LegendInfo | null;
  /** Extra tooltip rows from the data (e.g. the top classes). */
  dataRows(): Array<[string, string]>;
  /** A world point on the visual that picking hits (for tests and fly-to). */
  focusPoint(out: Vector3): Vector3;
  /** The output element under the ray, when the visual can tell. */
  elementAt(raycaster: Raycaster): ElementHit | null;
  /**
   * Appends the outline of `region` of this layer's output to `out` as line-segment
   * endpoints (world x, y, z), one rectangle (4 segments) per place it is drawn (a
   * region of every channel on an open layer: one per tile). Returns the rectangles
   * drawn, 0 when the visual cannot show the region.
   */
  outlineRegion(region: Region, out: number[]): number;
  /**
   * Appends the outline of a box in the picture's pixels ([x0, x1) x [y0, y1), y down) as
   * world line segments, one rectangle per place the picture is drawn; returns how many.
   * Only pictures (the image visual) draw boxes.
   */
  outlineBox?(x0: number, y0: number, x1: number, y1: number, out: number[]): number;
  /** A world point standing for channel (or unit) `channel`: a tile, a slice, a unit; null when not drawn. */
  channelAnchor(channel: number, out: Vector3): Vector3 | null;
  /** World points spread over the visual's front, where a fan of relation lines starts. */
  footprint(): Vector3[];
  /** Draw the layer's weights instead of its output (only visuals of nodes with `weights`). */
  setWeightsShown?(on: boolean): void;
  /** Whether the layer is drawn as its weights now (a click then does not open it). */
  readonly showingWeights?: boolean;
  /** Shows or keeps off screen every label the visual owns (its caption, unit labels, badge). */
  setLabelsShown(shown: boolean): void;
  dispose(): void;
}
