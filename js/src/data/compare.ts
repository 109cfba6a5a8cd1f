/**
 * Several samples and comparisons, the pure part: the scale a difference b − a is drawn
 * on, the values of a and b under the pointer, and the words the view shows (the
 * picker's position, the comparison's caption, the tooltip's rows).
 */

import type { ComparePair, SampleInfo } from "../spec";
import type { ColorScale } from "./colormap";
import type { DecodedPayload, DecodedTensor, NodeTensors } from "./decode";
import { formatCount, formatNumber } from "./format";

/** The diverging scale a difference is drawn on: symmetric, ±max(|lo|, |hi|), so zero is its middle. */
export function differenceScale(lo: number, hi: number): ColorScale {
  const m = Math.max(Number.isFinite(lo) ? Math.abs(lo) : 0, Number.isFinite(hi) ? Math.abs(hi) : 0);
  return { kind: "diverging", lo: -m, hi: m };
}

function flatIndex(shape: readonly number[], index: readonly number[]): number | null {
  let flat = 0;
  for (let k = 0; k < shape.length; k++) {
    const i = index[k];
    if (!Number.isInteger(i) || i < 0 || i >= shape[k]) return null;
    flat = flat * shape[k] + i;
  }
  return flat;
}

/**
 * The value(s) at `index` of one node's tensors: the section whose rank is the index's
 * (an open layer's channel: `full`; a closed one's pixel: `summary`), else every channel
 * of `full` at that position (a closed image's pixel). Null when none holds it.
 */
export function valuesAt(tensors: NodeTensors | undefined, index: readonly number[]): number[] | null {
  if (!tensors) return null;
  const exact = [tensors.full, tensors.summary].find((t): t is DecodedTensor => t?.shape.length === index.length);
  if (exact) {
    const flat = flatIndex(exact.shape, index);
    return flat === null ? null : [exact.values[flat]];
  }
  const full = tensors.full;
  if (full && full.shape.length === index.length + 1) {
    const channels = full.shape[full.shape.length - 1];
    const flat = flatIndex(full.shape.slice(0, -1), index);
    return flat === null ? null : Array.from(full.values.subarray(flat * channels, (flat + 1) * channels));
  }
  return null;
}

/** In a comparison, a's and b's values at `index` of layer `id` (null: not a comparison, or not sent). */
export function compareValuesAt(
  payload: DecodedPayload | null,
  id: string,
  index: readonly number[],
): { a: number[]; b: number[] } | null {
  const samples = payload?.compare ? payload.samples : null;
  if (!samples) return null;
  const a = valuesAt(samples.a.get(id), index);
  const b = valuesAt(samples.b.get(id), index);
  return a && b ? { a, b } : null;
}

const join = (values: readonly number[]): string => values.map(formatNumber).join(", ");

/** The tooltip's rows for a compared element: a, b and the difference drawn. */
export function compareRows(
  a: readonly number[],
  b: readonly number[],
  diff: readonly number[],
): Array<[string, string]> {
  return [
    ["a", join(a)],
    ["b", join(b)],
    ["b − a", diff.length > 0 ? join(diff) : "not sent"],
  ];
}

/** The same in one line: "a = 0.1, b = 0.3, b − a = 0.2". */
export function compareText(a: readonly number[], b: readonly number[], diff: readonly number[]): string {
  return compareRows(a, b, diff)
    .map(([k, v]) => `${k} = ${v}`)
    .join(", ");
}

/** The comparison's caption: "b − a: sample 2 − sample 0". */
export function compareCaption(pair: ComparePair): string {
  return `b − a: sample ${pair.b} − sample ${pair.a}`;
}

/** What a legend says it shows in a comparison. */
export function differenceNote(note: string): string {
  return `difference b − a · ${note}`;
}

/** The picker's position: "sample 3 / 16" (indices from 0, as `view.sample`), and how many were given when fewer are kept. */
export function pickerText(info: SampleInfo): string {
  const base = `sample ${info.index} / ${info.kept}`;
  return info.given > info.kept ? `${base} (first ${formatCount(info.kept)} of ${formatCount(info.given)} kept)` : base;
}

/** The sample a step of the picker lands on, within the kept batch. */
export function stepSample(info: SampleInfo, step: number): number {
  return Math.max(0, Math.min(info.kept - 1, info.index + step));
}

/** The root element's `data-compare`: "a,b", or "" outside a comparison. */
export function compareAttribute(pair: ComparePair | null | undefined): string {
  return pair ? `${pair.a},${pair.b}` : "";
}
