import { describe, expect, it } from "vitest";

import {
  channelRelation,
  elementRegion,
  inputChannel,
  padBefore,
  pairsOf,
  readRegion,
  windowRange,
  windowsOf,
  type Window1D,
} from "../src/data/receptive";
import { node } from "./fixtures";

const w = (kernel: number, stride: number, padding: Window1D["padding"], dilation = 1): Window1D => ({
  kernel,
  stride,
  dilation,
  padding,
});
const r = (start: number, end: number, step = 1) => ({ start, end, step });

// Every expected range below is worked out by hand from the Keras/TF padding rule:
// pad_total = max((out-1)*stride + (k-1)*dilation + 1 - in, 0), pad_before = pad_total // 2,
// taps at o*stride - pad_before + j*dilation for j < k, kept when inside [0, in).
describe("windowRange", () => {
  it("valid, stride 1: the kernel slides from the first input element", () => {
    expect(padBefore(8, 6, w(3, 1, "valid"))).toBe(0);
    expect(windowRange(0, 8, 6, w(3, 1, "valid"))).toEqual(r(0, 2));
    expect(windowRange(5, 8, 6, w(3, 1, "valid"))).toEqual(r(5, 7));
  });

  it("same, stride 1: one element of padding each side for k=3, clipped at the edges", () => {
    expect(padBefore(5, 5, w(3, 1, "same"))).toBe(1);
    expect(windowRange(0, 5, 5, w(3, 1, "same"))).toEqual(r(0, 1));
    expect(windowRange(2, 5, 5, w(3, 1, "same"))).toEqual(r(1, 3));
    expect(windowRange(4, 5, 5, w(3, 1, "same"))).toEqual(r(3, 4));
  });

  it("same, stride 2: odd padding goes after (TF puts pad_total // 2 before)", () => {
    // in 12 -> out 6: pad_total = 5*2 + 3 - 12 = 1, before 0, after 1
    expect(padBefore(12, 6, w(3, 2, "same"))).toBe(0);
    expect(windowRange(0, 12, 6, w(3, 2, "same"))).toEqual(r(0, 2));
    expect(windowRange(5, 12, 6, w(3, 2, "same"))).toEqual(r(10, 11));
    // in 5 -> out 3: pad_total = 2*2 + 3 - 5 = 2, before 1
    expect(padBefore(5, 3, w(3, 2, "same"))).toBe(1);
    expect(windowRange(0, 5, 3, w(3, 2, "same"))).toEqual(r(0, 1));
    expect(windowRange(1, 5, 3, w(3, 2, "same"))).toEqual(r(1, 3));
    expect(windowRange(2, 5, 3, w(3, 2, "same"))).toEqual(r(3, 4));
    // in 7 -> out 4, k=4: pad_total = 3*2 + 4 - 7 = 3, before 1
    expect(padBefore(7, 4, w(4, 2, "same"))).toBe(1);
    expect(windowRange(0, 7, 4, w(4, 2, "same"))).toEqual(r(0, 2));
    expect(windowRange(3, 7, 4, w(4, 2, "same"))).toEqual(r(5, 6));
  });

  it("dilation 2: the field spans (k-1)*2+1 inputs, every 2nd read; padding taps dropped", () => {
    expect(windowRange(0, 10, 6, w(3, 1, "valid", 2))).toEqual(r(0, 4, 2));
    expect(windowRange(5, 10, 6, w(3, 1, "valid", 2))).toEqual(r(5, 9, 2));
    // same, in 6 -> out 6: pad_total = 5 + 5 - 6 = 4, before 2
    expect(padBefore(6, 6, w(3, 1, "same", 2))).toBe(2);
    expect(windowRange(0, 6, 6, w(3, 1, "same", 2))).toEqual(r(0, 2, 2)); // taps -2, 0, 2
    expect(windowRange(1, 6, 6, w(3, 1, "same", 2))).toEqual(r(1, 3, 2)); // taps -1, 1, 3
    expect(windowRange(5, 6, 6, w(3, 1, "same", 2))).toEqual(r(3, 5, 2)); // taps 3, 5, 7
  });

  it("causal (Conv1D) pads (k-1)*dilation before", () => {
    expect(padBefore(8, 8, w(3, 1, "causal", 2))).toBe(4);
    expect(windowRange(0, 8, 8, w(3, 1, "causal", 2))).toEqual(r(0, 0)); // taps -4, -2, 0
    expect(windowRange(7, 8, 8, w(3, 1, "causal", 2))).toEqual(r(3, 7, 2));
  });

  it("pooling windows: 2x2 valid, 3/2 same", () => {
    expect(windowRange(2, 6, 3, w(2, 2, "valid"))).toEqual(r(4, 5));
    expect(windowRange(0, 5, 3, w(3, 2, "same"))).toEqual(r(0, 1));
  });

  it("null when every tap lies in the padding", () => {
    // in 2 -> out 2, k=5 same, dilation 3: span 13, pad_total 12, before 6: taps -6..6 step 3 -> 0, 3(out), ... only 0
    expect(windowRange(0, 2, 2, w(5, 1, "same", 3))).toEqual(r(0, 0));
    expect(windowRange(1, 2, 2, w(5, 1, "same", 3))).toEqual(r(1, 1));
    expect(windowRange(0, 2, 2, w(2, 1, "same", 5))).toBeNull(); // span 6, before 2: taps -2, 3
  });
});

describe("config parsing", () => {
  it("reads windows from conv and pooling configs", () => {
    const conv = node("c", "Conv2D", "feature_map", [6, 6, 4], {
      config: { kernel_size: [3, 5], strides: [2, 1], padding: "same", dilation_rate: [1, 2] },
    });
    expect(windowsOf(conv)).toEqual([w(3, 2, "same", 1), w(5, 1, "same", 2)]);
    // pooling strides default to the pool size; dilation is always 1
    const pool = node("p", "MaxPooling2D", "feature_map", [3, 3, 4], {
      config: { pool_size: [2, 2], padding: "valid" },
    });
    expect(windowsOf(pool)).toEqual([w(2, 2, "valid"), w(2, 2, "valid")]);
    const conv1 = node("c1", "Conv1D", "sequence", [8, 4], {
      config: { kernel_size: [3], padding: "causal", dilation_rate: 2 },
    });
    expect(windowsOf(conv1)).toEqual([w(3, 1, "causal", 2)]);
    expect(windowsOf(node("d", "Dense", "vector", [4]))).toBeNull();
  });

  it("reads padding / cropping pairs in each Keras spelling", () => {
    expect(pairsOf(2, 2)).toEqual([
      [2, 2],
      [2, 2],
    ]);
    expect(pairsOf([1, 2], 2)).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(
      pairsOf(
        [
          [1, 0],
          [2, 1],
        ],
        2,
      ),
    ).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect(pairsOf([3, 1], 1)).toEqual([[3, 1]]);
    expect(pairsOf("x", 2)).toBeNull();
  });
});

describe("channelRelation", () => {
  it("tells dense, per-channel and depthwise layers apart", () => {
    expect(channelRelation(node("d", "Dense", "vector", [10]), [120])).toEqual({ kind: "all" });
    expect(channelRelation(node("c", "Conv2D", "feature_map", [6, 6, 4]), [12, 12, 1])).toEqual({ kind: "all" });
    for (const cls of ["MaxPooling2D", "BatchNormalization", "Activation", "ZeroPadding2D", "Dropout"]) {
      expect(channelRelation(node("x", cls, "feature_map", [6, 6, 4]), [8, 8, 4])).toEqual({ kind: "same" });
    }
    expect(channelRelation(node("g", "GlobalAveragePooling2D", "vector", [4]), [6, 6, 4])).toEqual({ kind: "same" });
    const dw = channelRelation(node("dw", "DepthwiseConv2D", "feature_map", [6, 6, 8]), [6, 6, 4]);
    expect(dw).toEqual({ kind: "depthwise", multiplier: 2 });
    // output channel i reads input channel i // depth_multiplier
    expect([0, 1, 2, 3, 7].map((c) => inputChannel(dw, c))).toEqual([0, 0, 1, 1, 3]);
    expect(inputChannel({ kind: "same" }, 5)).toBe(5);
    expect(inputChannel({ kind: "all" }, 5)).toBeNull();
    expect(inputChannel({ kind: "same" }, null)).toBeNull();
  });
});

describe("readRegion", () => {
  const conv = node("conv2d", "Conv2D", "feature_map", [6, 6, 4], {
    config: { kernel_size: [3, 3], strides: [2, 2], padding: "same", dilation_rate: [1, 1] },
  });

  it("a conv pixel reads a window of every input channel", () => {
    expect(readRegion(conv, [12, 12, 1], [0, 0, 3])).toEqual({ ranges: [r(0, 2), r(0, 2)], channel: null });
    expect(readRegion(conv, [12, 12, 1], [5, 2])).toEqual({ ranges: [r(10, 11), r(4, 6)], channel: null });
    expect(readRegion(conv, [12, 12, 1], [6, 0, 0])).toBeNull(); // off the output
    expect(readRegion(conv, [null, 12, 1], [0, 0])).toBeNull(); // open input dimension
  });

  it("a pooling pixel reads its window of the same channel; a summary pixel every channel", () => {
    const pool = node("p", "MaxPooling2D", "feature_map", [3, 3, 4], {
      config: { pool_size: [2, 2], strides: [2, 2], padding: "valid" },
    });
    expect(readRegion(pool, [6, 6, 4], [1, 2, 3])).toEqual({ ranges: [r(2, 3), r(4, 5)], channel: 3 });
    expect(readRegion(pool, [6, 6, 4], [1, 2])).toEqual({ ranges: [r(2, 3), r(4, 5)], channel: null });
  });

  it("a depthwise pixel of channel i reads channel i // multiplier", () => {
    const dw = node("dw", "DepthwiseConv2D", "feature_map", [3, 3, 8], {
      config: { kernel_size: [3, 3], strides: [1, 1], padding: "same", dilation_rate: [1, 1] },
    });
    expect(readRegion(dw, [3, 3, 4], [0, 0, 5])).toEqual({ ranges: [r(0, 1), r(0, 1)], channel: 2 });
    expect(readRegion(dw, [3, 3, 4], [1, 1, 7])).toEqual({ ranges: [r(0, 2), r(0, 2)], channel: 3 });
  });

  it("padding shifts back, cropping shifts forward, padded pixels read nothing", () => {
    const pad = node("zp", "ZeroPadding2D", "feature_map", [4, 6, 8], {
      config: {
        padding: [
          [1, 0],
          [2, 1],
        ],
      },
    });
    expect(readRegion(pad, [3, 3, 8], [0, 3, 1])).toBeNull();
    expect(readRegion(pad, [3, 3, 8], [1, 2, 1])).toEqual({ ranges: [r(0, 0), r(0, 0)], channel: 1 });
    expect(readRegion(pad, [3, 3, 8], [3, 4, 1])).toEqual({ ranges: [r(2, 2), r(2, 2)], channel: 1 });
    expect(readRegion(pad, [3, 3, 8], [3, 5, 1])).toBeNull();
    const crop = node("cr", "Cropping2D", "feature_map", [2, 4, 8], {
      config: {
        cropping: [
          [1, 1],
          [1, 1],
        ],
      },
    });
    expect(readRegion(crop, [4, 6, 8], [0, 0, 7])).toEqual({ ranges: [r(1, 1), r(1, 1)], channel: 7 });
  });

  it("global pooling reads the whole channel; flatten reads one element; dense has no region", () => {
    const gap = node("g", "GlobalAveragePooling2D", "vector", [8]);
    expect(readRegion(gap, [2, 4, 8], [5])).toEqual({ ranges: [r(0, 1), r(0, 3)], channel: 5 });
    const flat = node("f", "Flatten", "vector", [24]);
    // 17 = 1*12 + 1*4 + 1 in a 2x3x4 input
    expect(readRegion(flat, [2, 3, 4], [17])).toEqual({ ranges: [r(1, 1), r(1, 1)], channel: 1 });
    expect(readRegion(node("d", "Dense", "vector", [3]), [8], [1])).toBeNull();
  });

  it("a channels-first model's nodes (shapes drawn channels last) read what their twin's do", () => {
    // Python gives a channels_first Conv2D's (4, 6, 6) output as [6, 6, 4], like its twin.
    const config = { kernel_size: [3, 3], strides: [1, 1], padding: "valid", dilation_rate: [1, 1] };
    const twin = node("conv", "Conv2D", "feature_map", [6, 6, 4], { config });
    const first = node("conv", "Conv2D", "feature_map", [6, 6, 4], { config, channels_first: true });
    expect(readRegion(first, [8, 8, 3], [2, 5, 1])).toEqual(readRegion(twin, [8, 8, 3], [2, 5, 1]));
    expect(readRegion(first, [8, 8, 3], [2, 5, 1])).toEqual({ ranges: [r(2, 4), r(5, 7)], channel: null });
    // A channels-last Flatten of a (C=4, H=3, W=3) tensor drawn as (3, 3, 4): unit 14 is
    // (c, h, w) = (1, 1, 2), drawn at (h, w, c) = (1, 2, 1).
    const flat = node("f", "Flatten", "vector", [36], { reads_channels_first: true });
    expect(readRegion(flat, [3, 3, 4], [14])).toEqual({ ranges: [r(1, 1), r(2, 2)], channel: 1 });
    const asDrawn = node("f", "Flatten", "vector", [36]);
    expect(readRegion(asDrawn, [3, 3, 4], [14])).toEqual({ ranges: [r(1, 1), r(0, 0)], channel: 2 });
  });

  it("elementwise layers read the same element; a unit of a vector is its own channel", () => {
    const bn = node("bn", "BatchNormalization", "feature_map", [6, 6, 4]);
    expect(readRegion(bn, [6, 6, 4], [2, 3, 1])).toEqual({ ranges: [r(2, 2), r(3, 3)], channel: 1 });
    const drop = node("dr", "Dropout", "vector", [16]);
    expect(readRegion(drop, [16], [9])).toEqual({ ranges: [], channel: 9 });
    expect(elementRegion([4, 2], 3)).toEqual({ ranges: [r(4, 4), r(2, 2)], channel: null });
  });

  it("a conv1d step reads a window of steps of every feature", () => {
    const c1 = node("c1", "Conv1D", "sequence", [8, 4], {
      config: { kernel_size: [3], strides: [1], padding: "causal", dilation_rate: [2] },
    });
    expect(readRegion(c1, [8, 2], [7, 0])).toEqual({ ranges: [r(3, 7, 2)], channel: null });
  });
});
