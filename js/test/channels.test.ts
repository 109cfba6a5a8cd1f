import { describe, expect, it } from "vitest";

import { channelRun, reduceChannels, valueAtIndex } from "../src/data/channels";
import type { DecodedTensor } from "../src/data/decode";

function tensor(shape: number[], values: number[], channelsTotal: number | null = null): DecodedTensor {
  return {
    shape,
    values: new Float32Array(values),
    lo: Math.min(...values),
    hi: Math.max(...values),
    channelsTotal,
    reduce: null,
  };
}

describe("reduceChannels", () => {
  it("is the mean over channels of every voxel of a volume", () => {
    // D=2, H=1, W=2, C=3
    const m = reduceChannels(tensor([2, 1, 2, 3], [1, 2, 3, 0, 0, 6, -3, -3, 0, 10, 20, 30], 3));
    expect(m.shape).toEqual([2, 1, 2]);
    expect(Array.from(m.values)).toEqual([2, 2, -2, 20]);
    expect([m.lo, m.hi, m.reduce, m.channelsTotal]).toEqual([-2, 20, "mean", 3]);
  });

  it("is the mean over channels of every pixel of a feature map, and says how many channels there are", () => {
    const m = reduceChannels(tensor([1, 2, 2], [1, 3, -4, 0]));
    expect(m.shape).toEqual([1, 2]);
    expect(Array.from(m.values)).toEqual([2, -2]);
    // no channels_total in the payload: every channel was sent
    expect(m.channelsTotal).toBe(2);
    expect(reduceChannels(tensor([1, 1, 2], [1, 3], 64)).channelsTotal).toBe(64);
  });

  it("takes the max when asked; NaN spreads; the range is over finite values (0, 0 when none)", () => {
    const m = reduceChannels(tensor([3, 2], [1, 5, -2, -7, NaN, 0]), "max");
    expect(Array.from(m.values)).toEqual([5, -2, NaN]);
    expect([m.lo, m.hi, m.reduce]).toEqual([-2, 5, "max"]);
    const nan = reduceChannels(tensor([1, 1, 2], [NaN, 1]));
    expect(Number.isNaN(nan.values[0])).toBe(true);
    expect([nan.lo, nan.hi]).toEqual([0, 0]);
  });
});

describe("channelRun and valueAtIndex", () => {
  it("find one channel's values, inside a volume's depth slice too", () => {
    const t = tensor(
      [2, 1, 2, 3],
      Array.from({ length: 12 }, (_, i) => i),
    );
    const { start, stride } = channelRun(t, 2, 1);
    expect([start, stride]).toEqual([8, 3]);
    expect([t.values[start], t.values[start + stride]]).toEqual([
      valueAtIndex(t, [1, 0, 0, 2]),
      valueAtIndex(t, [1, 0, 1, 2]),
    ]);
    const seq = tensor([4, 2], [0, 1, 2, 3, 4, 5, 6, 7]);
    expect(channelRun(seq, 1)).toEqual({ start: 1, stride: 2 });
    expect(valueAtIndex(seq, [3, 1])).toBe(7);
    expect(valueAtIndex(seq, [4, 0])).toBeUndefined();
    expect(valueAtIndex(seq, [1])).toBeUndefined();
  });
});
