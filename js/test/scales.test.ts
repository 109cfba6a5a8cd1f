import { describe, expect, it } from "vitest";

import { scaleFor } from "../src/data/colormap";
import type { DecodedPayload, DecodedTensor, NodeTensors } from "../src/data/decode";
import {
  asColorScope,
  channelRange,
  describeScale,
  finiteRange,
  layerScale,
  modelRange,
  planScales,
  summaryScale,
  tileScales,
  type ColorScope,
} from "../src/data/scales";

function tensor(shape: number[], values: number[], lo?: number, hi?: number): DecodedTensor {
  const finite = values.filter(Number.isFinite);
  return {
    shape,
    values: new Float32Array(values),
    lo: lo ?? (finite.length ? Math.min(...finite) : 0),
    hi: hi ?? (finite.length ? Math.max(...finite) : 0),
    channelsTotal: null,
    reduce: null,
  };
}

function payload(nodes: Record<string, NodeTensors>): DecodedPayload {
  return { header: { version: 1, seq: 1, tensors: [] }, seq: 1, nodes: new Map(Object.entries(nodes)), step: null };
}

/** A 2x2 feature map with 2 channels: channel 0 in [0, 1], channel 1 in [-8, 4]. */
function twoChannels(): DecodedTensor {
  // channels last: [c0, c1] per pixel
  return tensor([2, 2, 2], [0, -8, 0.5, 4, 1, 2, 0.25, -1]);
}

/** Two nodes with different ranges: a feature map in [-8, 4] and a vector in [0, 20]. */
function twoNodes(): DecodedPayload {
  return payload({
    conv: { full: twoChannels(), summary: tensor([2, 2], [-4, 2.25, 1.5, -0.375]) },
    dense: { full: tensor([3], [0, 20, 5]) },
  });
}

describe("asColorScope", () => {
  it("accepts the three scopes and falls back to layer", () => {
    for (const s of ["layer", "channel", "model"]) expect(asColorScope(s)).toBe(s);
    expect(asColorScope(undefined)).toBe("layer");
    expect(asColorScope(null)).toBe("layer");
    expect(asColorScope("Model")).toBe("layer");
    expect(asColorScope(3)).toBe("layer");
  });
});

describe("ranges", () => {
  it("ignore NaN and ±Inf", () => {
    expect(finiteRange([NaN, 3, -Infinity, -2, Infinity, 1])).toEqual({ lo: -2, hi: 3 });
    expect(finiteRange(new Float32Array([Infinity, 0.5, NaN]))).toEqual({ lo: 0.5, hi: 0.5 });
  });

  it("are null without a finite value", () => {
    expect(finiteRange([NaN, Infinity, -Infinity])).toBeNull();
    expect(finiteRange([])).toBeNull();
  });

  it("read one channel of a channels-last tensor", () => {
    const t = twoChannels();
    expect(channelRange(t.values, 2, 0)).toEqual({ lo: 0, hi: 1 });
    expect(channelRange(t.values, 2, 1)).toEqual({ lo: -8, hi: 4 });
    expect(channelRange(t.values, 2, 2)).toBeNull();
    expect(channelRange(new Float32Array([1, NaN, 2, Infinity]), 2, 1)).toBeNull();
  });

  it("of the model span every node's full section, skipping non-finite values", () => {
    expect(modelRange(twoNodes())).toEqual({ lo: -8, hi: 20 });
    const odd = payload({
      a: { full: tensor([3], [NaN, -Infinity, 2]) },
      b: { full: tensor([2], [Infinity, 7]) },
      // summaries are not the model's values
      c: { summary: tensor([1], [-100]) },
      d: { full: tensor([2], [NaN, NaN]) },
    });
    expect(modelRange(odd)).toEqual({ lo: 2, hi: 7 });
    expect(modelRange(payload({ a: { full: tensor([1], [NaN]) } }))).toBeNull();
    expect(modelRange(null)).toBeNull();
  });
});

describe("scales per scope", () => {
  const nodes = twoNodes();
  const conv = nodes.nodes.get("conv")!;
  const dense = nodes.nodes.get("dense")!;

  function nodeScales(scope: ColorScope) {
    const plan = planScales(scope, nodes);
    return {
      dense: layerScale(plan, dense.full!),
      summary: summaryScale(plan, conv.summary!),
      tiles: tileScales(plan, conv.full!),
    };
  }

  it("layer: each layer its own range, every tile of a layer the same", () => {
    const s = nodeScales("layer");
    expect(s.dense.scale).toEqual(scaleFor(0, 20));
    expect(s.summary.scale).toEqual(scaleFor(-4, 2.25));
    expect(s.tiles).toHaveLength(2);
    for (const t of s.tiles) expect(t.scale).toEqual(scaleFor(-8, 4));
    expect(describeScale(s.dense)).toBe("one scale for this layer (0 … 20)");
  });

  it("model: every node gets the same scale from the model's range", () => {
    const s = nodeScales("model");
    const want = scaleFor(-8, 20);
    expect(want).toEqual({ kind: "diverging", lo: -20, hi: 20 });
    for (const c of [s.dense, s.summary, ...s.tiles]) {
      expect(c.scale).toEqual(want);
      expect([c.lo, c.hi]).toEqual([-8, 20]);
      expect(describeScale(c)).toBe("one scale for the whole model (-8 … 20)");
    }
  });

  it("model: sequential when nothing is negative", () => {
    const p = payload({ a: { full: tensor([2], [1, 3]) }, b: { full: tensor([2], [0.5, 9]) } });
    const plan = planScales("model", p);
    expect(layerScale(plan, p.nodes.get("a")!.full!).scale).toEqual({ kind: "sequential", lo: 0.5, hi: 9 });
  });

  it("model without any finite value: each layer keeps its own range", () => {
    const p = payload({ a: { full: tensor([1], [NaN]) } });
    const c = layerScale(planScales("model", p), { lo: 1, hi: 2 });
    expect(c.scale).toEqual(scaleFor(1, 2));
    expect(describeScale(c)).toContain("whole model");
  });

  it("channel: two channels with different ranges get different scales", () => {
    const s = nodeScales("channel");
    expect(s.tiles[0].scale).toEqual({ kind: "sequential", lo: 0, hi: 1 });
    expect(s.tiles[1].scale).toEqual({ kind: "diverging", lo: -8, hi: 8 });
    expect(s.tiles[0].scale).not.toEqual(s.tiles[1].scale);
    expect(describeScale(s.tiles[1])).toBe("one scale per channel (this channel: -8 … 4)");
    // the closed summary plane and the vector keep their own ranges
    expect(s.summary.scale).toEqual(scaleFor(-4, 2.25));
    expect(describeScale(s.summary)).toMatch(/^one scale per channel; a closed layer's summary keeps its own/);
    expect(s.dense.scale).toEqual(scaleFor(0, 20));
    expect(describeScale(s.dense)).toMatch(/^one scale per channel; no channels here/);
  });

  it("channel: an all-NaN channel falls back to the layer's finite range", () => {
    const t = tensor([1, 2, 2], [NaN, 3, NaN, -1]);
    const [empty, other] = tileScales(planScales("channel", null), t);
    expect(other.scale).toEqual(scaleFor(-1, 3));
    expect(empty.finite).toBe(false);
    expect(empty.scale).toEqual(scaleFor(-1, 3));
    expect(Number.isFinite(empty.lo) && Number.isFinite(empty.hi)).toBe(true);
    expect(describeScale(empty)).toContain("no finite values");
    // a layer without any finite value: a flat, finite scale
    const none = tileScales(planScales("channel", null), tensor([1, 1, 1], [NaN], NaN, NaN))[0];
    expect(none.scale).toEqual({ kind: "sequential", lo: 0, hi: 0 });
  });
});
