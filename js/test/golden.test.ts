/// <reference types="node" />
// The contract's reference: files written by Python (scripts/write_fixtures.py) with the
// package's own encoder and graph code, decoded here with the real decoder. When the
// contract changes, the script is run again (tests/test_golden.py insists) and this test
// says whether the front end still reads what Python writes.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

import { decodePayload, type DecodedTensor } from "../src/data/decode";
import { SPEC_VERSION, type GraphSpec, type Reduce, type SectionDtype, type SectionRole } from "../src/spec";

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden");

/** A number as the expected facts write it: JSON has no NaN or Infinity. */
type Written = number | "NaN" | "Infinity" | "-Infinity";

interface ExpectedSection {
  node: string;
  role: SectionRole;
  shape: number[];
  dtype: SectionDtype;
  channels_total: number | null;
  reduce: Reduce | null;
  lo: number;
  hi: number;
  count: number;
  nan: number;
  pos_inf: number;
  neg_inf: number;
  finite_sum: number;
  head: Written[];
}

interface Expected {
  seq: number;
  bytes: number;
  sections: ExpectedSection[];
}

function read(name: string): Buffer {
  return readFileSync(join(GOLDEN, name));
}

function number(value: Written): number {
  if (value === "NaN") return NaN;
  if (value === "Infinity") return Infinity;
  if (value === "-Infinity") return -Infinity;
  return value;
}

const graph = JSON.parse(read("lenet.graph.json").toString("utf8")) as GraphSpec;
const expected = JSON.parse(read("lenet.expected.json").toString("utf8")) as Expected;
const bytes = read("lenet.payload.bin");
const payload = decodePayload(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));

function tensor(s: ExpectedSection): DecodedTensor {
  const t = payload.nodes.get(s.node)?.[s.role];
  if (!t) throw new Error(`no ${s.node}/${s.role} in the decoded payload`);
  return t;
}

describe("the golden LeNet graph spec written by Python", () => {
  it("is the demo's LeNet, in topological order, with the contract's fields", () => {
    expect(graph.version).toBe(SPEC_VERSION);
    expect(graph.name).toBe("lenet");
    expect(graph.wiring).toBe("known");
    expect(graph.nodes.map((n) => n.class_name)).toEqual([
      "InputLayer",
      "ZeroPadding2D",
      "Conv2D",
      "MaxPooling2D",
      "Conv2D",
      "MaxPooling2D",
      "Flatten",
      "Dense",
      "Dense",
      "Dense",
    ]);
    const position = new Map(graph.nodes.map((n, i) => [n.id, i]));
    for (const e of graph.edges) expect(position.get(e.source)!).toBeLessThan(position.get(e.target)!);
    expect(graph.labels).toHaveLength(10);
    const fields = ["passthrough", "reshape", "opens", "is_input", "is_output"] as const;
    for (const node of graph.nodes) for (const f of fields) expect(typeof node[f]).toBe("boolean");
  });

  it("says which nodes open, which rearrange and which are images", () => {
    expect(graph.nodes.filter((n) => n.opens).map((n) => n.class_name)).toEqual([
      "ZeroPadding2D",
      "Conv2D",
      "MaxPooling2D",
      "Conv2D",
      "MaxPooling2D",
    ]);
    expect(graph.nodes.filter((n) => n.reshape).map((n) => n.class_name)).toEqual(["Flatten"]);
    expect(graph.nodes[0].family).toBe("image");
    expect(graph.nodes.find((n) => n.is_output)?.output_shape).toEqual([10]);
  });
});

describe("the golden LSP1 payload written by Python", () => {
  it("decodes to the sections Python wrote, in order", () => {
    expect(bytes.byteLength).toBe(expected.bytes);
    expect(payload.seq).toBe(expected.seq);
    expect(payload.header.tensors.map((t) => [t.node, t.role])).toEqual(expected.sections.map((s) => [s.node, s.role]));
  });

  it("gives every section its shape, dtype, scale and channel facts", () => {
    for (const s of expected.sections) {
      const t = tensor(s);
      const header = payload.header.tensors.find((h) => h.node === s.node && h.role === s.role)!;
      expect(header.dtype, `${s.node}/${s.role}`).toBe(s.dtype);
      expect(t.shape).toEqual(s.shape);
      expect(t.values).toHaveLength(s.count);
      expect([t.lo, t.hi]).toEqual([s.lo, s.hi]);
      expect(t.channelsTotal).toBe(s.channels_total);
      expect(t.reduce).toBe(s.reduce);
    }
  });

  it("restores the values: NaN and ±Inf counted, the finite ones summing as in Python", () => {
    for (const s of expected.sections) {
      const values = Array.from(tensor(s).values);
      const label = `${s.node}/${s.role}`;
      expect(values.filter(Number.isNaN).length, label).toBe(s.nan);
      expect(values.filter((v) => v === Infinity).length, label).toBe(s.pos_inf);
      expect(values.filter((v) => v === -Infinity).length, label).toBe(s.neg_inf);
      const sum = values.filter(Number.isFinite).reduce((a, b) => a + b, 0);
      // u8 values differ from Python's by float32 rounding of one product each.
      expect(Math.abs(sum - s.finite_sum), label).toBeLessThan(1e-6 * s.count);
      s.head.forEach((want, i) => {
        const got = values[i];
        const w = number(want);
        if (Number.isFinite(w)) expect(Math.abs(got - w), `${label}[${i}]`).toBeLessThan(1e-6);
        else expect(Object.is(got, w) || (Number.isNaN(got) && Number.isNaN(w)), `${label}[${i}]`).toBe(true);
      });
    }
  });

  it("matches the graph: summaries for feature maps, exact shapes, open layers' channels", () => {
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    for (const s of expected.sections) {
      const node = byId.get(s.node)!;
      expect(node, s.node).toBeDefined();
      const shape = node.output_shape as number[];
      expect(s.shape).toEqual(s.role === "summary" ? shape.slice(0, -1) : shape);
    }
    const fullMaps = expected.sections.filter((s) => s.role === "full" && byId.get(s.node)!.family === "feature_map");
    expect(fullMaps.map((s) => s.node)).toEqual(["conv2d"]); // open; the budget left the rest out
    expect(expected.sections.some((s) => s.dtype === "u8") && expected.sections.some((s) => s.dtype === "f32")).toBe(
      true,
    );
  });
});
