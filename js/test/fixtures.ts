/** Graph specs shaped like what src/layerscape/graph.py sends, for the tests. */

import type { Family, GraphSpec, NodeSpec } from "../src/spec";

/** Python's `families.can_open`, which writes `opens` into every node the tests stand in for. */
export function opensInGraphPy(
  family: Family,
  output_shape: ReadonlyArray<number | null>,
  passthrough = false,
): boolean {
  if (passthrough) return false;
  if (family === "feature_map" || family === "volume" || family === "sequence") return true;
  return family === "image" && output_shape.length === 3 && output_shape[2] === 3;
}

export function node(
  id: string,
  class_name: string,
  family: Family,
  output_shape: Array<number | null>,
  extra: Partial<NodeSpec> = {},
): NodeSpec {
  const passthrough = extra.passthrough ?? false;
  return {
    opens: opensInGraphPy(family, output_shape, passthrough),
    id,
    name: id,
    class_name,
    family,
    output_shape,
    output_shapes: [output_shape],
    params: 0,
    config: {},
    is_input: false,
    is_output: false,
    parent: null,
    passthrough,
    reshape: false,
    ...extra,
  };
}

function chain(ids: string[]): Array<{ source: string; target: string }> {
  return ids.slice(1).map((target, i) => ({ source: ids[i], target }));
}

/** LeNet-5 as in the README: 28x28x1 → pad → conv → pool → conv → pool → dense x3. */
export function lenetGraph(): GraphSpec {
  const nodes: NodeSpec[] = [
    node("input", "InputLayer", "image", [28, 28, 1], { is_input: true }),
    node("zero_padding2d", "ZeroPadding2D", "feature_map", [32, 32, 1], { config: { padding: [2, 2] } }),
    node("conv2d", "Conv2D", "feature_map", [28, 28, 6], {
      params: 156,
      config: { filters: 6, kernel_size: [5, 5], strides: [1, 1], padding: "valid", activation: "relu" },
      weights: { kernel: [5, 5, 1, 6], bias: [6] },
    }),
    node("max_pooling2d", "MaxPooling2D", "feature_map", [14, 14, 6], { config: { pool_size: [2, 2] } }),
    node("conv2d_1", "Conv2D", "feature_map", [10, 10, 16], {
      params: 2416,
      config: { filters: 16, kernel_size: [5, 5], strides: [1, 1], padding: "valid", activation: "relu" },
      weights: { kernel: [5, 5, 6, 16], bias: [16] },
    }),
    node("max_pooling2d_1", "MaxPooling2D", "feature_map", [5, 5, 16], { config: { pool_size: [2, 2] } }),
    node("flatten", "Flatten", "vector", [400]),
    node("dense", "Dense", "vector", [120], {
      params: 48120,
      config: { units: 120, activation: "relu" },
      weights: { kernel: [400, 120], bias: [120] },
    }),
    node("dense_1", "Dense", "vector", [84], {
      params: 10164,
      config: { units: 84, activation: "relu" },
      weights: { kernel: [120, 84], bias: [84] },
    }),
    node("dense_2", "Dense", "vector", [10], {
      params: 850,
      weights: { kernel: [84, 10], bias: [10] },
      config: { units: 10, activation: "softmax" },
      is_output: true,
    }),
  ];
  return {
    version: 1,
    name: "lenet",
    nodes,
    edges: chain(nodes.map((n) => n.id)),
    inputs: ["input"],
    outputs: ["dense_2"],
    labels: Array.from({ length: 10 }, (_, i) => String(i)),
  };
}

/** A residual block with two parallel branches that merge in an Add. */
export function branchGraph(): GraphSpec {
  const nodes: NodeSpec[] = [
    node("in", "InputLayer", "image", [32, 32, 3], { is_input: true }),
    node("stem", "Conv2D", "feature_map", [32, 32, 8]),
    node("left", "Conv2D", "feature_map", [32, 32, 8]),
    node("right", "Conv2D", "feature_map", [32, 32, 8]),
    node("add", "Add", "feature_map", [32, 32, 8]),
    node("gap", "GlobalAveragePooling2D", "vector", [8]),
    node("out", "Dense", "vector", [4], { is_output: true }),
  ];
  return {
    version: 1,
    name: "branchy",
    nodes,
    edges: [
      { source: "in", target: "stem" },
      { source: "stem", target: "left" },
      { source: "stem", target: "right" },
      { source: "left", target: "add" },
      { source: "right", target: "add" },
      { source: "add", target: "gap" },
      { source: "gap", target: "out" },
    ],
    inputs: ["in"],
    outputs: ["out"],
    labels: null,
  };
}

/** A skip connection that jumps over two layers. */
export function skipGraph(): GraphSpec {
  const nodes: NodeSpec[] = [
    node("in", "InputLayer", "vector", [16], { is_input: true }),
    node("a", "Dense", "vector", [16]),
    node("b", "Dense", "vector", [16]),
    node("add", "Add", "vector", [16], { is_output: true }),
  ];
  return {
    version: 1,
    name: "skip",
    nodes,
    edges: [
      { source: "in", target: "a" },
      { source: "a", target: "b" },
      { source: "b", target: "add" },
      { source: "in", target: "add" },
    ],
    inputs: ["in"],
    outputs: ["add"],
    labels: null,
  };
}

/** A ResNet-like chain: a stem, then `blocks` residual blocks (two convolutions and an add). */
export function residualChain(blocks: number, nested = false): GraphSpec {
  const nodes: NodeSpec[] = [node("in", "InputLayer", "feature_map", [32, 32, 3], { is_input: true })];
  const edges: GraphSpec["edges"] = [];
  nodes.push(node("stem", "Conv2D", "feature_map", [16, 16, 16]));
  edges.push({ source: "in", target: "stem" });
  let x = "stem";
  for (let b = 0; b < blocks; b++) {
    const parent = nested ? `block:${b}` : null;
    const id = (s: string): string => (nested ? `block:${b}/${s}` : `b${b}_${s}`);
    nodes.push(node(id("conv1"), "Conv2D", "feature_map", [16, 16, 16], { parent }));
    nodes.push(node(id("conv2"), "Conv2D", "feature_map", [16, 16, 16], { parent }));
    nodes.push(node(id("add"), "Add", "feature_map", [16, 16, 16], { parent }));
    edges.push(
      { source: x, target: id("conv1") },
      { source: id("conv1"), target: id("conv2") },
      { source: id("conv2"), target: id("add") },
      { source: x, target: id("add") },
    );
    x = id("add");
  }
  nodes.push(node("gap", "GlobalAveragePooling2D", "vector", [16]));
  nodes.push(node("out", "Dense", "vector", [10], { is_output: true }));
  edges.push({ source: x, target: "gap" }, { source: "gap", target: "out" });
  return { version: 1, name: "chain", nodes, edges, inputs: ["in"], outputs: ["out"], labels: null };
}
