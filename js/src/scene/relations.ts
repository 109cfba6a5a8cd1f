/**
 * What the hovered layer (or element) reads, drawn as lines: a light fan from each
 * input's front to the layer (Dense, Conv, ...), channel-to-channel lines for
 * per-channel layers (pooling, padding, activations, batchnorm; i // multiplier for
 * depthwise), and for a hovered element its receptive field outlined on the input,
 * joined to the element. ONE line buffer (render/lines.ts), in the scene while a hover
 * lasts, rewritten in place meanwhile; its buffer is freed when the hover ends.
 */

import { Color, Vector3, type Scene } from "three";

import {
  channelRelation,
  elementRegion,
  inputChannel,
  readRegion,
  type ChannelRelation,
  type Region,
} from "../data/receptive";
import type { ElementHit, LayerVisual } from "../visuals/types";
import type { GraphSpec, NodeSpec } from "../spec";
import { LineBuffer } from "../render/lines";
import type { Palette } from "../render/palette";

/** Channel-to-channel lines drawn at most (per input). */
export const MAX_CHANNEL_LINES = 256;
/** How far the fan's colour is blended into the background (light, behind the field). */
const FAN_FADE = 0.35;

/** A block of an input that the hovered element reads. */
export interface Read {
  source: string;
  region: Region;
}

/** What is drawn now (for the tooltip and the test API). */
export interface HoverState {
  node: string;
  element: number[] | null;
  /** Line segments in the one LineSegments, and of each kind. */
  segments: number;
  fan: number;
  channel: number;
  field: number;
  reads: Read[];
}

/** The inputs of `id`, in the order the layer takes them. */
export function inputsOf(graph: GraphSpec, id: string): NodeSpec[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out: NodeSpec[] = [];
  for (const e of graph.edges) {
    const source = e.target === id ? byId.get(e.source) : undefined;
    if (source && !out.includes(source)) out.push(source);
  }
  return out;
}

/** Segment endpoints by kind: the light fan and channel lines, the bright receptive field. */
class Segments {
  readonly fan: number[] = [];
  readonly channel: number[] = [];
  readonly field: number[] = [];

  static line(list: number[], a: Vector3, b: Vector3): void {
    list.push(a.x, a.y, a.z, b.x, b.y, b.z);
  }
}

/** The corners of the rectangle outlineRegion appended at `start` (4 segments = 8 points). */
function rectCorners(points: number[], start: number): Vector3[] {
  return [0, 2, 4, 6].map(
    (k) => new Vector3(points[start + k * 3], points[start + k * 3 + 1], points[start + k * 3 + 2]),
  );
}

function centreOf(corners: Vector3[]): Vector3 {
  const c = new Vector3();
  for (const p of corners) c.add(p);
  return c.multiplyScalar(1 / corners.length);
}

/** Where element `index` of `visual` is drawn (the middle of its outline), or null. */
export function elementPoint(visual: LayerVisual, index: readonly number[]): Vector3 | null {
  const points: number[] = [];
  if (visual.outlineRegion(elementRegion(index, visual.node.output_shape.length), points) === 0) return null;
  return centreOf(rectCorners(points, 0));
}

/** Channel c of the input to channel c' of the layer, for the channels both draw. */
function channelLines(list: number[], relation: ChannelRelation, source: LayerVisual, visual: LayerVisual): number {
  const node = visual.node;
  const outChannels = node.output_shape[node.output_shape.length - 1] ?? 0;
  const a = new Vector3();
  const b = new Vector3();
  let drawn = 0;
  for (let c = 0; c < outChannels && drawn < MAX_CHANNEL_LINES; c++) {
    const ic = inputChannel(relation, c);
    if (ic === null || !source.channelAnchor(ic, a) || !visual.channelAnchor(c, b)) continue;
    Segments.line(list, a, b);
    drawn++;
  }
  return drawn;
}

/**
 * Per input: the hovered element's receptive field outlined and joined to the element;
 * channel lines for per-channel layers; otherwise a fan from the input's front to the
 * element (or the layer).
 */
function relationsOf(
  segments: Segments,
  visual: LayerVisual,
  hovered: ElementHit | null,
  inputs: Array<[NodeSpec, LayerVisual]>,
): Read[] {
  // A weight is not an output element: it reads no region of the input.
  const element = hovered?.weight ? null : hovered;
  const reads: Read[] = [];
  let target = visual.focusPoint(new Vector3());
  if (element) {
    const own = elementRegion(element.index, visual.node.output_shape.length);
    const start = segments.field.length;
    if (visual.outlineRegion(own, segments.field) > 0) target = centreOf(rectCorners(segments.field, start));
  }
  for (const [spec, source] of inputs) {
    const relation = channelRelation(visual.node, spec.output_shape);
    let drawn = 0;
    const region = element ? readRegion(visual.node, spec.output_shape, element.index) : null;
    const at = segments.field.length;
    if (region && source.outlineRegion(region, segments.field) > 0) {
      reads.push({ source: spec.id, region });
      for (const corner of rectCorners(segments.field, at)) Segments.line(segments.field, corner, target);
      drawn++;
    }
    if (relation.kind !== "all") drawn += channelLines(segments.channel, relation, source, visual);
    if (drawn === 0) for (const p of source.footprint()) Segments.line(segments.fan, p, target);
  }
  return reads;
}

export class RelationLines {
  private readonly lines = new LineBuffer("relations", { opacity: 0.9, depthWrite: false });
  private fanColor = new Color();
  private fieldColor = new Color();
  private current: HoverState | null = null;
  /** Segments at the start of the buffer drawn light (fan and channel lines). */
  private fanCount = 0;

  constructor(
    private readonly scene: Scene,
    palette: Palette,
  ) {
    // Drawn over the layers' faces, where the receptive fields lie.
    this.lines.object.renderOrder = 1;
    this.setTheme(palette);
  }

  /** What is drawn now, or null. */
  get state(): HoverState | null {
    return this.current;
  }

  setTheme(palette: Palette): void {
    const background = new Color(palette.background);
    this.fanColor.set(palette.highlight).lerp(background, FAN_FADE);
    this.fieldColor.set(palette.accent);
    if (this.current) this.lines.recolor((colors) => this.paint(colors, this.current!.segments, this.fanCount));
  }

  /**
   * Draws what `visual` (or its element) reads in `graph`, replacing what was drawn.
   * Returns the receptive fields it outlined.
   */
  show(
    graph: GraphSpec,
    visual: LayerVisual,
    element: ElementHit | null,
    visuals: ReadonlyMap<string, LayerVisual>,
  ): Read[] {
    const inputs: Array<[NodeSpec, LayerVisual]> = [];
    for (const spec of inputsOf(graph, visual.id)) {
      const v = visuals.get(spec.id);
      if (v && v.group.visible) inputs.push([spec, v]);
    }
    const segments = new Segments();
    const reads = relationsOf(segments, visual, element, inputs);
    const light = segments.fan.length + segments.channel.length;
    const count = (light + segments.field.length) / 6;
    if (count === 0) {
      this.clear();
      return reads;
    }
    this.fanCount = light / 6;
    this.lines.setSegments(count, (positions, colors) => {
      positions.set(segments.fan, 0);
      positions.set(segments.channel, segments.fan.length);
      positions.set(segments.field, light);
      this.paint(colors!, count, this.fanCount);
    });
    if (this.lines.object.parent !== this.scene) this.scene.add(this.lines.object);
    this.current = {
      node: visual.id,
      element: element ? element.index.slice() : null,
      segments: count,
      fan: segments.fan.length / 6,
      channel: segments.channel.length / 6,
      field: segments.field.length / 6,
      reads,
    };
    return reads;
  }

  /** The fan and channel lines (the first `fan` segments) light, the receptive fields bright. */
  private paint(colors: Float32Array, segments: number, fan: number): void {
    for (let v = 0; v < segments * 2; v++) {
      const c = v < fan * 2 ? this.fanColor : this.fieldColor;
      colors[v * 3] = c.r;
      colors[v * 3 + 1] = c.g;
      colors[v * 3 + 2] = c.b;
    }
  }

  /** Removes the lines and frees their buffer (the hover ended). */
  clear(): void {
    this.current = null;
    this.fanCount = 0;
    this.lines.object.removeFromParent();
    this.lines.clear();
  }

  dispose(): void {
    this.clear();
    this.lines.dispose();
  }
}
