/**
 * Which values share a colour scale: the `color_scope` option.
 *
 * - "layer": every layer's values share one scale, made from that layer's range.
 * - "channel": every channel of a feature map gets its own scale from its own range
 *   (an open layer's tiles are scaled one by one); a closed layer's summary plane keeps
 *   its own range; vectors and sequences are scaled as for "layer".
 * - "model": one scale for every layer, made from the finite minimum and maximum over
 *   all `full` sections of the payload.
 *
 * Images (the input pixels) always keep their natural range; they take no scale.
 * Ranges skip NaN and ±Inf, which have their own colours whatever the scale.
 */

import { scaleFor, type ColorScale } from "./colormap";
import { differenceScale } from "./compare";
import type { DecodedPayload } from "./decode";
import { formatNumber } from "./format";

export type ColorScope = "layer" | "channel" | "model";

export const COLOR_SCOPES: readonly ColorScope[] = ["layer", "channel", "model"];

/** The trait's value as a scope: anything unknown or missing is "layer". */
export function asColorScope(value: unknown): ColorScope {
  return typeof value === "string" && (COLOR_SCOPES as readonly string[]).includes(value)
    ? (value as ColorScope)
    : "layer";
}

export interface Range {
  lo: number;
  hi: number;
}

/**
 * Finite minimum and maximum of `values[start + k * stride]` for k < count, or null
 * when none of them is finite.
 */
export function finiteRange(
  values: ArrayLike<number>,
  start = 0,
  stride = 1,
  count = Math.max(0, Math.floor((values.length - start + stride - 1) / stride)),
): Range | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0, i = start; k < count && i < values.length; k++, i += stride) {
    const v = values[i];
    // v - v is 0 only for finite v (NaN and ±Inf give NaN)
    if (v - v === 0) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? { lo, hi } : null;
}

/** Range of channel `c` of a channels-last tensor with `channels` channels (null: no finite value). */
export function channelRange(values: ArrayLike<number>, channels: number, c: number): Range | null {
  if (!(channels >= 1) || c < 0 || c >= channels) return null;
  return finiteRange(values, c, channels);
}

/** Finite minimum and maximum over every node's `full` section (null: none is finite). */
export function modelRange(payload: DecodedPayload | null): Range | null {
  if (!payload) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const tensors of payload.nodes.values()) {
    const r = tensors.full ? finiteRange(tensors.full.values) : null;
    if (r) {
      lo = Math.min(lo, r.lo);
      hi = Math.max(hi, r.hi);
    }
  }
  return lo <= hi ? { lo, hi } : null;
}

/** What the visuals need to choose their scales: the scope and, for "model", its range. */
export interface ScalePlan {
  scope: ColorScope;
  /** The model's range (only computed for the "model" scope; null when none is finite). */
  model: Range | null;
  /** A comparison (b − a): every scale is diverging and centred at zero, whatever the range's sign. */
  centered?: boolean;
}

export const LAYER_PLAN: ScalePlan = { scope: "layer", model: null };

export function planScales(scope: ColorScope, payload: DecodedPayload | null): ScalePlan {
  return { scope, model: scope === "model" ? modelRange(payload) : null, centered: Boolean(payload?.compare) };
}

/** Which values a scale was made from. */
export type ScaleBasis = "layer" | "channel" | "summary" | "model";

/** A scale, the finite range it was made from, and which values that range covers. */
export interface ScaleChoice {
  scale: ColorScale;
  lo: number;
  hi: number;
  basis: ScaleBasis;
  /** The scope asked for (the basis may differ: a vector has no channels). */
  scope: ColorScope;
  /** False when the values it covers had no finite value (a fallback range is used). */
  finite: boolean;
}

function choose(range: Range, basis: ScaleBasis, scope: ColorScope, finite = true, centered = false): ScaleChoice {
  const scale = centered ? differenceScale(range.lo, range.hi) : scaleFor(range.lo, range.hi);
  return { scale, lo: range.lo, hi: range.hi, basis, scope, finite };
}

/** The model's scale when the scope is "model" and the model has a range. */
function modelChoice(plan: ScalePlan): ScaleChoice | null {
  return plan.scope === "model" && plan.model ? choose(plan.model, "model", "model", true, plan.centered) : null;
}

/** A whole layer's values (vectors, sequences): its own range, or the model's. */
export function layerScale(plan: ScalePlan, layer: Range): ScaleChoice {
  return modelChoice(plan) ?? choose(layer, "layer", plan.scope, true, plan.centered);
}

/** A closed feature map's summary plane: the model's range for "model", else its own. */
export function summaryScale(plan: ScalePlan, summary: Range): ScaleChoice {
  const basis = plan.scope === "channel" ? "summary" : "layer";
  return modelChoice(plan) ?? choose(summary, basis, plan.scope, true, plan.centered);
}

/** The part of a decoded channels-last tensor the tile scales read. */
export interface ChannelsLast {
  shape: readonly number[];
  values: ArrayLike<number>;
  lo: number;
  hi: number;
}

/**
 * One choice per channel of an open feature map (H, W, C): for "channel" each its own
 * range (a channel without finite values falls back to the layer's range), otherwise
 * the same scale for all tiles.
 */
export function tileScales(plan: ScalePlan, t: ChannelsLast): ScaleChoice[] {
  const channels = t.shape[t.shape.length - 1] ?? 0;
  const layer: Range = { lo: t.lo, hi: t.hi };
  if (plan.scope !== "channel") return new Array<ScaleChoice>(channels).fill(layerScale(plan, layer));
  const choices: ScaleChoice[] = [];
  for (let c = 0; c < channels; c++) {
    const r = channelRange(t.values, channels, c);
    const centered = plan.centered;
    choices.push(
      r
        ? choose(r, "channel", "channel", true, centered)
        : choose(finiteOr(layer), "channel", "channel", false, centered),
    );
  }
  return choices;
}

function finiteOr(r: Range): Range {
  const lo = Number.isFinite(r.lo) ? r.lo : 0;
  const hi = Number.isFinite(r.hi) ? r.hi : 0;
  return { lo: Math.min(lo, hi), hi: Math.max(lo, hi) };
}

function range(lo: number, hi: number): string {
  return `${formatNumber(lo)} … ${formatNumber(hi)}`;
}

/** The scope in words, with the range the colours use: the tooltip's legend line. */
export function describeScale(choice: ScaleChoice): string {
  const r = range(choice.lo, choice.hi);
  switch (choice.basis) {
    case "model":
      return `one scale for the whole model (${r})`;
    case "channel":
      return choice.finite
        ? `one scale per channel (this channel: ${r})`
        : `one scale per channel (this channel has no finite values; the layer's ${r})`;
    case "summary":
      return `one scale per channel; a closed layer's summary keeps its own (${r})`;
    case "layer":
    default:
      if (choice.scope === "model") return `one scale for the whole model (no finite values in it; this layer's ${r})`;
      if (choice.scope === "channel")
        return `one scale per channel; no channels here, so one scale for this layer (${r})`;
      return `one scale for this layer (${r})`;
  }
}

/** The legend line for an open layer in "channel" scope when no tile is under the pointer. */
export const PER_CHANNEL_NO_TILE = "one scale per channel (point at a tile to see its range)";
