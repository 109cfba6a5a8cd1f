import { describe, expect, it } from "vitest";

import { describeLayer, MAX_CONFIG_ROWS, type LayerFacts } from "../src/scene/describe";
import type { ElementHit } from "../src/visuals/types";
import { node } from "./fixtures";

/** A closed conv layer under the pointer, no element; `over` changes any fact. */
function facts(over: Partial<LayerFacts> = {}): LayerFacts {
  return {
    node: node("conv2d", "Conv2D", "feature_map", [28, 28, 6], {
      params: 156,
      config: { filters: 6, kernel_size: [5, 5], activation: "relu" },
    }),
    dataRows: [],
    legend: null,
    element: null,
    reads: [],
    canOpen: true,
    openHint: "click to open 6 channels",
    open: false,
    ...over,
  };
}

const hit: ElementHit = {
  index: [3, 4],
  axes: ["row", "col"],
  values: [0.5],
  note: "mean over 6 channels",
  label: null,
};

describe("describeLayer", () => {
  it("titles the layer by name, the subtitle its class (and its id when that differs)", () => {
    const info = describeLayer(facts());
    expect(info.title).toBe("conv2d");
    expect(info.subtitle).toBe("Conv2D");
    const renamed = describeLayer(
      facts({ node: node("conv2d_3", "Conv2D", "feature_map", [4, 4, 2], { name: "features" }) }),
    );
    expect(renamed.title).toBe("features");
    expect(renamed.subtitle).toBe("Conv2D · conv2d_3");
  });

  it("says a channels-first layer's own shape beside the channels-last one drawn", () => {
    const conv = node("conv", "Conv2D", "feature_map", [6, 6, 4], { channels_first: true });
    expect(describeLayer(facts({ node: conv })).rows.slice(0, 2)).toEqual([
      ["output", "6×6×4"],
      ["layer's own", "4×6×6 channels first"],
    ]);
    const flat = node("flat", "Flatten", "vector", [36], { reads_channels_first: true });
    expect(describeLayer(facts({ node: flat })).rows[1]).toEqual(["reads", "its input channels first"]);
    expect(describeLayer(facts()).rows.map((r) => r[0])).not.toContain("layer's own");
  });

  it("gives the output shape first, every output's for a layer with several", () => {
    expect(describeLayer(facts()).rows[0]).toEqual(["output", "28×28×6"]);
    const lstm = node("lstm", "LSTM", "vector", [32], { output_shapes: [[32], [32], [null, 32]] });
    expect(describeLayer(facts({ node: lstm })).rows[0]).toEqual(["output", "32, 32, ?×32"]);
  });

  it("counts params when the layer has any, then the config rows in order", () => {
    expect(describeLayer(facts()).rows).toEqual([
      ["output", "28×28×6"],
      ["params", "156"],
      ["filters", "6"],
      ["kernel_size", "5×5"],
      ["activation", "relu"],
    ]);
    const input = node("input", "InputLayer", "image", [28, 28, 1], { is_input: true });
    expect(describeLayer(facts({ node: input })).rows.map(([k]) => k)).toEqual(["output"]);
    expect(describeLayer(facts({ node: { ...input, params: 48120 } })).rows[1]).toEqual(["params", "48,120"]);
  });

  it("caps the config rows at MAX_CONFIG_ROWS", () => {
    const config = Object.fromEntries(Array.from({ length: MAX_CONFIG_ROWS + 5 }, (_, i) => [`option_${i}`, i]));
    const rows = describeLayer(facts({ node: node("big", "Conv2D", "feature_map", [2, 2, 2], { config }) })).rows;
    const keys = rows.map(([k]) => k).filter((k) => k.startsWith("option_"));
    expect(keys).toHaveLength(MAX_CONFIG_ROWS);
    expect(keys[MAX_CONFIG_ROWS - 1]).toBe(`option_${MAX_CONFIG_ROWS - 1}`);
  });

  it("names the nested model a layer is in, before the visual's data rows", () => {
    const inner = node("block/conv", "Conv2D", "feature_map", [4, 4, 2], { parent: "block" });
    const rows = describeLayer(facts({ node: inner, dataRows: [["top", "7 (0.91)"]] })).rows;
    expect(rows.slice(-2)).toEqual([
      ["in", "block"],
      ["top", "7 (0.91)"],
    ]);
  });

  it("hints what a click does: opens a closed layer, closes an open one, nothing where a layer cannot open", () => {
    expect(describeLayer(facts()).hint).toBe("click to open 6 channels");
    expect(describeLayer(facts({ open: true })).hint).toBe("click to close");
    expect(describeLayer(facts({ canOpen: false })).hint).toBeNull();
  });

  it("shows no element lines without an element, the element's lines with one", () => {
    const plain = describeLayer(facts());
    expect(plain.element).toBeNull();
    const region = {
      ranges: [
        { start: 3, end: 7, step: 1 },
        { start: 4, end: 8, step: 1 },
      ],
      channel: null,
    };
    const withElement = describeLayer(
      facts({ element: hit, reads: [{ source: "input", region, shape: [28, 28, 1] }] }),
    );
    expect(withElement.element).toEqual([
      ["(row, col)", "(3, 4)"],
      ["value", "0.5 (mean over 6 channels)"],
      // A single-channel input's channel goes unsaid.
      ["reads", "input: rows 3–7, cols 4–8"],
    ]);
    const deep = describeLayer(facts({ element: hit, reads: [{ source: "conv", region, shape: [28, 28, 6] }] }));
    expect(deep.element?.at(-1)).toEqual(["reads", "conv: rows 3–7, cols 4–8, all channels"]);
  });

  it("passes the legend through", () => {
    const legend = { scale: null, note: "mean over 6 channels", scope: "per layer" };
    expect(describeLayer(facts({ legend })).legend).toBe(legend);
  });
});
