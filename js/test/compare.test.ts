/// <reference types="node" />
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

import {
  compareAttribute,
  compareCaption,
  compareRows,
  compareText,
  compareValuesAt,
  differenceNote,
  differenceScale,
  pickerText,
  stepSample,
  valuesAt,
} from "../src/data/compare";
import { colorOf, divergingCenter } from "../src/data/colormap";
import { decodePayload, readComparePair, readSampleInfo, type DecodedTensor } from "../src/data/decode";
import { layerScale, planScales, summaryScale, tileScales } from "../src/data/scales";
import { elementLines } from "../src/scene/tooltip";

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden");

function tensor(shape: number[], values: number[]): DecodedTensor {
  const finite = values.filter(Number.isFinite);
  return {
    shape,
    values: new Float32Array(values),
    lo: finite.length ? Math.min(...finite) : 0,
    hi: finite.length ? Math.max(...finite) : 0,
    channelsTotal: null,
    reduce: null,
  };
}

describe("a comparison written by Python (golden/lenet.compare.bin)", () => {
  const bytes = readFileSync(join(GOLDEN, "lenet.compare.bin"));
  const decoded = decodePayload(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));

  it("says what it compares and which sample is shown", () => {
    expect(decoded.compare).toEqual({ a: 0, b: 2 });
    expect(decoded.sample).toEqual({ index: 0, kept: 3, given: 3 });
    expect(decoded.samples).not.toBeNull();
  });

  it("draws b − a: every drawn section is b's minus a's, within a quantisation step", () => {
    const samples = decoded.samples!;
    let checked = 0;
    for (const [id, tensors] of decoded.nodes) {
      for (const role of ["full", "summary"] as const) {
        const diff = tensors[role];
        if (!diff) continue;
        const a = samples.a.get(id)?.[role];
        const b = samples.b.get(id)?.[role];
        expect(a?.shape, `${id}/${role}`).toEqual(diff.shape);
        expect(b?.shape, `${id}/${role}`).toEqual(diff.shape);
        const step = (t: DecodedTensor): number => (t.values.length > 4096 ? (t.hi - t.lo) / 250 : 1e-6);
        const tolerance = step(diff) + step(a!) + step(b!) + 1e-6;
        for (let i = 0; i < diff.values.length; i++) {
          expect(Math.abs(diff.values[i] - (b!.values[i] - a!.values[i]))).toBeLessThanOrEqual(tolerance);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(8);
  });

  it("gives hover a's and b's values at an element", () => {
    const a = decoded.samples!.a.get("dense")!.full!;
    const got = compareValuesAt(decoded, "dense", [3]);
    expect(got?.a).toEqual([a.values[3]]);
    expect(compareValuesAt(decoded, "dense", [99999])).toBeNull();
    expect(compareValuesAt(decoded, "no such layer", [0])).toBeNull();
  });

  it("is drawn on the diverging map centred at zero, in every scope", () => {
    for (const scope of ["layer", "channel", "model"] as const) {
      const plan = planScales(scope, decoded);
      expect(plan.centered).toBe(true);
      const full = decoded.nodes.get("conv2d")!.full!;
      for (const choice of tileScales(plan, full)) {
        expect(choice.scale.kind).toBe("diverging");
        expect(choice.scale.lo).toBe(-choice.scale.hi);
      }
    }
  });
});

describe("difference scales", () => {
  it("are symmetric around zero, also for a difference that is all positive", () => {
    expect(differenceScale(0.5, 2)).toEqual({ kind: "diverging", lo: -2, hi: 2 });
    expect(differenceScale(-3, 1)).toEqual({ kind: "diverging", lo: -3, hi: 3 });
    expect(differenceScale(NaN, Infinity)).toEqual({ kind: "diverging", lo: -0, hi: 0 });
    const plan = { scope: "layer" as const, model: null, centered: true };
    const positive = layerScale(plan, { lo: 1, hi: 4 });
    expect(positive.scale).toEqual({ kind: "diverging", lo: -4, hi: 4 });
    expect(summaryScale(plan, { lo: 0, hi: 0 }).scale.kind).toBe("diverging");
    // Zero is the map's middle, a flat difference draws as zero.
    expect(colorOf(0, positive.scale)).toEqual(divergingCenter());
    expect(colorOf(0, differenceScale(0, 0))).toEqual(divergingCenter());
    // Outside a comparison nothing changes: a non-negative range is sequential.
    expect(layerScale({ scope: "layer", model: null }, { lo: 1, hi: 4 }).scale.kind).toBe("sequential");
  });
});

describe("values under the pointer", () => {
  const full = tensor([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const summary = tensor([2, 2], [1, 4, 7, 10]);

  it("reads the section of the index's rank, or every channel of a pixel", () => {
    expect(valuesAt({ full, summary }, [1, 0, 2])).toEqual([8]);
    expect(valuesAt({ full, summary }, [1, 1])).toEqual([10]);
    expect(valuesAt({ full }, [0, 1])).toEqual([3, 4, 5]);
    expect(valuesAt({ full: tensor([4], [1, 2, 3, 4]) }, [2])).toEqual([3]);
    expect(valuesAt({ full }, [2, 0, 0])).toBeNull();
    expect(valuesAt(undefined, [0])).toBeNull();
  });

  it("is nothing outside a comparison", () => {
    const plain = { header: { version: 1, seq: 1, tensors: [] }, seq: 1, nodes: new Map(), step: null };
    expect(compareValuesAt(plain, "x", [0])).toBeNull();
    expect(compareValuesAt(null, "x", [0])).toBeNull();
  });
});

describe("words", () => {
  it("tooltip rows and line give a, b and b − a", () => {
    expect(compareRows([0.25], [1], [0.75])).toEqual([
      ["a", "0.25"],
      ["b", "1"],
      ["b − a", "0.75"],
    ]);
    expect(compareText([0.25], [1], [0.75])).toBe("a = 0.25, b = 1, b − a = 0.75");
    expect(compareText([1, 2, 3], [1, 2, 4], [0, 0, 1])).toBe("a = 1, 2, 3, b = 1, 2, 4, b − a = 0, 0, 1");
    const lines = elementLines(
      { index: [3], axes: ["unit"], values: [-0.5], note: null, label: null, compare: { a: [1], b: [0.5] } },
      [],
    );
    expect(lines).toEqual([
      ["unit", "3"],
      ["a", "1"],
      ["b", "0.5"],
      ["b − a", "-0.5"],
    ]);
    const summaryLines = elementLines(
      {
        index: [0, 1],
        axes: ["row", "col"],
        values: [2],
        note: "mean over 6 channels",
        label: null,
        compare: { a: [1], b: [3] },
      },
      [],
    );
    expect(summaryLines[3]).toEqual(["b − a", "2 (mean over 6 channels)"]);
  });

  it("caption, legend, picker and the root's attribute", () => {
    expect(compareCaption({ a: 0, b: 2 })).toBe("b − a: sample 2 − sample 0");
    expect(differenceNote("10 units")).toBe("difference b − a · 10 units");
    expect(pickerText({ index: 3, kept: 16, given: 16 })).toBe("sample 3 / 16");
    expect(pickerText({ index: 0, kept: 16, given: 1000 })).toBe("sample 0 / 16 (first 16 of 1,000 kept)");
    expect(stepSample({ index: 0, kept: 4, given: 4 }, -1)).toBe(0);
    expect(stepSample({ index: 2, kept: 4, given: 4 }, 1)).toBe(3);
    expect(stepSample({ index: 3, kept: 4, given: 4 }, 1)).toBe(3);
    expect(compareAttribute({ a: 0, b: 2 })).toBe("0,2");
    expect(compareAttribute(null)).toBe("");
  });

  it("header fields are checked", () => {
    expect(readSampleInfo({ index: 1, kept: 3, given: 5 })).toEqual({ index: 1, kept: 3, given: 5 });
    expect(readSampleInfo({ index: 3, kept: 3, given: 3 })).toBeNull();
    expect(readSampleInfo({ index: -1, kept: 3 })).toBeNull();
    expect(readSampleInfo({ index: 0, kept: 2 })).toEqual({ index: 0, kept: 2, given: 2 });
    expect(readSampleInfo(null)).toBeNull();
    expect(readComparePair({ a: 0, b: 1.5 })).toBeNull();
    expect(readComparePair({ a: 2, b: 0 })).toEqual({ a: 2, b: 0 });
  });
});
