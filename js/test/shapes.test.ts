import { describe, expect, it } from "vitest";

import type { DecodedPayload, DecodedTensor } from "../src/data/decode";
import { resolveOpenDims, sameShapes } from "../src/data/shapes";
import type { GraphSpec } from "../src/spec";
import { lenetGraph, node } from "./fixtures";

function tensor(shape: number[], channelsTotal: number | null = null): DecodedTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, values: new Float32Array(size), lo: 0, hi: 1, channelsTotal, reduce: null };
}

function payload(entries: Array<[string, { full?: DecodedTensor; summary?: DecodedTensor }]>): DecodedPayload {
  return { header: { version: 1, seq: 1, tensors: [] }, seq: 1, nodes: new Map(entries), step: null };
}

function textGraph(): GraphSpec {
  return {
    version: 1,
    name: "text",
    nodes: [
      node("ids", "InputLayer", "vector", [null], { is_input: true }),
      node("emb", "Embedding", "sequence", [null, 8]),
      node("maps", "Conv2D", "feature_map", [null, null, 32]),
      node("out", "Dense", "vector", [2], { is_output: true }),
    ],
    edges: [],
    inputs: ["ids"],
    outputs: ["out"],
    labels: null,
  };
}

describe("resolveOpenDims", () => {
  it("fills open dimensions from the payload's shapes", () => {
    const graph = textGraph();
    const shaped = resolveOpenDims(
      graph,
      payload([
        ["ids", { full: tensor([7]) }],
        ["emb", { full: tensor([7, 8]) }],
        // Only 4 of 32 channels sent: the channel count comes from the summary.
        ["maps", { summary: tensor([5, 6], 32), full: tensor([5, 6, 4], 32) }],
        ["out", { full: tensor([2]) }],
      ]),
    );
    expect(shaped.nodes.map((n) => n.output_shape)).toEqual([[7], [7, 8], [5, 6, 32], [2]]);
    expect(graph.nodes[0].output_shape).toEqual([null]); // the input graph is untouched
  });

  it("returns the same graph when nothing is open, or nothing was sent", () => {
    const lenet = lenetGraph();
    expect(resolveOpenDims(lenet, payload([["conv2d", { full: tensor([28, 28, 6]) }]]))).toBe(lenet);
    const text = textGraph();
    expect(resolveOpenDims(text, null)).toBe(text);
    expect(resolveOpenDims(text, payload([]))).toBe(text);
  });
});

describe("sameShapes", () => {
  it("compares ids and shapes, not identity", () => {
    const a = textGraph();
    const b = textGraph();
    expect(sameShapes(a, b)).toBe(true);
    const c = resolveOpenDims(b, payload([["ids", { full: tensor([3]) }]]));
    expect(sameShapes(a, c)).toBe(false);
    expect(sameShapes(a, null)).toBe(false);
    expect(sameShapes(null, null)).toBe(true);
  });
});
