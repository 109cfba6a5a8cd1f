import { describe, expect, it } from "vitest";

import { asDataView, decodePayload, decodeU8, undecodedTensors } from "../src/data/decode";
import { U8_MAX_CODE, U8_NAN, U8_NEG_INF, U8_POS_INF, type Reduce, type TensorSection } from "../src/spec";

/** What a test hands the encoder for one section. */
interface SectionInput {
  node: string;
  role: "full" | "summary";
  shape: number[];
  dtype: "u8" | "f32";
  values: number[];
  channels_total?: number | null;
  reduce?: Reduce | null;
}

function finiteRange(values: number[]): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length ? [Math.min(...finite), Math.max(...finite)] : [0, 0];
}

/**
 * Builds small LSP1 buffers for the edge cases the golden files do not hold (partial
 * channels, offset or unaligned views, truncation, bad headers). It is not the
 * reference: what Python writes is, in golden/ (see golden.test.ts).
 */
function encode(seq: number, sections: SectionInput[], options: { lead?: number } = {}): DataView {
  const blobs: Uint8Array[] = [];
  const tensors: TensorSection[] = [];
  let offset = 0;
  for (const s of sections) {
    const [lo, hi] = finiteRange(s.values);
    let bytes: Uint8Array;
    if (s.dtype === "f32") {
      bytes = new Uint8Array(new Float32Array(s.values).buffer);
    } else {
      bytes = new Uint8Array(
        s.values.map((v) => {
          if (Number.isNaN(v)) return U8_NAN;
          if (v === Infinity) return U8_POS_INF;
          if (v === -Infinity) return U8_NEG_INF;
          return hi > lo ? Math.round(((v - lo) / (hi - lo)) * U8_MAX_CODE) : 0;
        }),
      );
    }
    tensors.push({
      node: s.node,
      role: s.role,
      shape: s.shape,
      dtype: s.dtype,
      offset,
      length: bytes.length,
      lo,
      hi,
      channels_total: s.channels_total ?? null,
      reduce: s.reduce ?? null,
    });
    blobs.push(bytes);
    offset += Math.ceil(bytes.length / 8) * 8;
  }
  const header = new TextEncoder().encode(JSON.stringify({ version: 1, seq, tensors }));
  const dataStart = Math.ceil((8 + header.length) / 8) * 8;
  const lead = options.lead ?? 0;
  const buffer = new ArrayBuffer(lead + dataStart + offset);
  const bytes = new Uint8Array(buffer, lead);
  bytes.set([0x4c, 0x53, 0x50, 0x31], 0);
  new DataView(buffer, lead).setUint32(4, header.length, true);
  bytes.set(header, 8);
  tensors.forEach((t, i) => bytes.set(blobs[i], dataStart + t.offset));
  return new DataView(buffer, lead, dataStart + offset);
}

describe("decodePayload", () => {
  it("reports channels_total for partial feature maps", () => {
    const view = encode(7, [
      { node: "c", role: "full", shape: [1, 1, 2], dtype: "u8", values: [0, 1], channels_total: 64 },
    ]);
    expect(decodePayload(view).nodes.get("c")!.full!.channelsTotal).toBe(64);
  });

  it("reads a DataView that does not start at byte 0 of its buffer (also unaligned)", () => {
    for (const lead of [8, 5]) {
      const view = encode(2, [{ node: "x", role: "full", shape: [2], dtype: "f32", values: [1.5, -2.5] }], { lead });
      expect(Array.from(decodePayload(view).nodes.get("x")!.full!.values)).toEqual([1.5, -2.5]);
    }
  });

  it("copies the data out of the transport buffer", () => {
    const view = encode(1, [{ node: "x", role: "full", shape: [1], dtype: "f32", values: [1] }]);
    const t = decodePayload(view).nodes.get("x")!.full!;
    new Uint8Array(view.buffer).fill(0);
    expect(t.values[0]).toBe(1);
  });

  it("decodes channels when they are first read, summaries at once", () => {
    const view = encode(3, [
      { node: "c", role: "summary", shape: [1, 2], dtype: "u8", values: [0, 1] },
      { node: "c", role: "full", shape: [1, 2, 2], dtype: "u8", values: [0, 1, 1, 0] },
      { node: "d", role: "full", shape: [2], dtype: "f32", values: [0.25, -4] },
    ]);
    const payload = decodePayload(view);
    expect(undecodedTensors(payload)).toBe(2);
    new Uint8Array(view.buffer).fill(0); // the transport buffer is free once decoded
    expect(Array.from(payload.nodes.get("c")!.full!.values)).toEqual([0, 1, 1, 0]);
    expect(undecodedTensors(payload)).toBe(1);
    const d = payload.nodes.get("d")!.full!;
    expect(Array.from(d.values)).toEqual([0.25, -4]);
    expect(d.values).toBe(d.values); // decoded once
    expect(undecodedTensors(payload)).toBe(0);
  });

  it("decodes a payload with no tensors", () => {
    const p = decodePayload(encode(1, []));
    expect(p.nodes.size).toBe(0);
    expect(p.seq).toBe(1);
  });

  it("throws on a bad magic", () => {
    const view = encode(1, []);
    view.setUint8(0, 0x58);
    expect(() => decodePayload(view)).toThrow(/bad magic/);
  });

  it("throws on a buffer too short for the preamble or the header", () => {
    expect(() => decodePayload(new DataView(new ArrayBuffer(4)))).toThrow(/truncated/);
    const view = encode(1, []);
    const cut = new DataView(view.buffer, 0, 12);
    expect(() => decodePayload(cut)).toThrow(/truncated/);
  });

  it("throws when a section runs past the end", () => {
    const view = encode(1, [{ node: "x", role: "full", shape: [16], dtype: "f32", values: new Array(16).fill(1) }]);
    const cut = new DataView(view.buffer, 0, view.byteLength - 8);
    expect(() => decodePayload(cut)).toThrow(/truncated.*x\/full/);
  });

  it("throws when a section's length does not match its shape", () => {
    const header = JSON.stringify({
      version: 1,
      seq: 1,
      tensors: [{ node: "x", role: "full", shape: [4], dtype: "f32", offset: 0, length: 8, lo: 0, hi: 0 }],
    });
    const h = new TextEncoder().encode(header);
    const start = Math.ceil((8 + h.length) / 8) * 8;
    const bytes = new Uint8Array(start + 16);
    bytes.set([0x4c, 0x53, 0x50, 0x31]);
    new DataView(bytes.buffer).setUint32(4, h.length, true);
    bytes.set(h, 8);
    expect(() => decodePayload(new DataView(bytes.buffer))).toThrow(/needs 16/);
  });

  it("throws on a header that is not JSON", () => {
    const bytes = new Uint8Array(16);
    bytes.set([0x4c, 0x53, 0x50, 0x31]);
    new DataView(bytes.buffer).setUint32(4, 3, true);
    bytes.set([0x7b, 0x7b, 0x7b], 8);
    expect(() => decodePayload(new DataView(bytes.buffer))).toThrow(/not valid JSON/);
  });
});

describe("decodeU8", () => {
  it("maps the code range linearly onto [lo, hi]", () => {
    const v = decodeU8(new Uint8Array([0, 125, 250]), -1, 1);
    expect(v[0]).toBe(-1);
    expect(v[1]).toBeCloseTo(0, 6);
    expect(v[2]).toBe(1);
  });
});

describe("asDataView", () => {
  it("accepts DataView, ArrayBuffer, typed arrays and null", () => {
    const buf = new Uint8Array([1, 2, 3, 4]);
    expect(asDataView(null)).toBeNull();
    expect(asDataView(undefined)).toBeNull();
    expect(asDataView(buf.buffer)!.byteLength).toBe(4);
    const sub = asDataView(buf.subarray(1))!;
    expect(sub.byteLength).toBe(3);
    expect(sub.getUint8(0)).toBe(2);
    const dv = new DataView(buf.buffer);
    expect(asDataView(dv)).toBe(dv);
  });
});
