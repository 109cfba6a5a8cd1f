/**
 * Reading a channels-last tensor by channel: the summary over its channels (what a
 * closed layer shows when the payload sent no summary), and where one channel's values
 * lie in it (what an open tile draws, without copying). Pure; every layer family uses
 * these, so a summary means the same thing in each.
 */

import type { Reduce } from "../spec";
import type { DecodedTensor } from "./decode";
import { finiteRange } from "./scales";

/**
 * Mean (or max) over the last axis of a channels-last tensor: shape (..., C) becomes
 * (...). Non-finite values take part as they are (a NaN channel makes the mean NaN).
 */
export function reduceChannels(t: DecodedTensor, reduce: Reduce = "mean"): DecodedTensor {
  const c = Math.max(1, t.shape[t.shape.length - 1] ?? 1);
  const shape = t.shape.slice(0, -1);
  const n = Math.floor(t.values.length / c);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * c;
    let s = reduce === "max" ? -Infinity : 0;
    for (let k = 0; k < c; k++) {
      const v = t.values[o + k];
      if (reduce === "max") s = v > s || v !== v ? v : s;
      else s += v;
    }
    values[i] = reduce === "max" ? s : s / c;
  }
  const r = finiteRange(values) ?? { lo: 0, hi: 0 };
  return { shape, values, lo: r.lo, hi: r.hi, channelsTotal: t.channelsTotal ?? c, reduce };
}

/** Where channel `channel` of block `block` lies in `values`: value k is `values[start + k * stride]`. */
export interface ChannelRun {
  start: number;
  stride: number;
}

/**
 * Channel `channel` of a channels-last tensor, inside its `block`-th leading slice (a
 * volume's depth slice; 0 for an (H, W, C) map or a (T, C) sequence).
 */
export function channelRun(t: DecodedTensor, channel: number, block = 0): ChannelRun {
  const stride = t.shape[t.shape.length - 1] ?? 1;
  const blockSize = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return { start: block * blockSize + channel, stride };
}

/** The value at a full index (one entry per axis, row-major), or undefined outside the tensor. */
export function valueAtIndex(t: DecodedTensor, index: readonly number[]): number | undefined {
  if (index.length !== t.shape.length) return undefined;
  let flat = 0;
  for (let i = 0; i < index.length; i++) {
    if (index[i] < 0 || index[i] >= t.shape[i]) return undefined;
    flat = flat * t.shape[i] + index[i];
  }
  return t.values[flat];
}
