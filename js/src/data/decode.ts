/** Decodes the binary activation payload `LSP1` (see spec.ts) into typed arrays. */

import {
  PAYLOAD_MAGIC,
  U8_MAX_CODE,
  U8_NAN,
  U8_NEG_INF,
  U8_POS_INF,
  type ComparePair,
  type PayloadHeader,
  type Reduce,
  type SampleInfo,
  type TensorSection,
  type TrainingStep,
} from "../spec";

export interface DecodedTensor {
  shape: number[];
  /** Float32 values, C order, channels last; NaN and ±Inf restored. */
  values: Float32Array;
  /** Finite minimum / maximum of the values (both 0 when none is finite). */
  lo: number;
  hi: number;
  /** How many channels the layer has (the section may hold only the first few). */
  channelsTotal: number | null;
  /** For summaries: the reduction over channels. */
  reduce: Reduce | null;
}

export interface NodeTensors {
  full?: DecodedTensor;
  summary?: DecodedTensor;
  /** The layer's weights, when the payload carries them (spec.ts: "kernel"/"bias"). */
  kernel?: DecodedTensor;
  bias?: DecodedTensor;
}

const ROLES = new Set(["full", "summary", "kernel", "bias"]);

export interface DecodedPayload {
  header: PayloadHeader;
  seq: number;
  nodes: Map<string, NodeTensors>;
  /** The training step the payload shows (drawn during fit), or null for a predict. */
  step: TrainingStep | null;
  /** Which sample of the kept batch it shows (null: a payload of one sample). */
  sample?: SampleInfo | null;
  /** The pair a comparison shows b − a of (null: not a comparison). */
  compare?: ComparePair | null;
  /** A comparison's values of a and b, by node, with the same roles as `nodes` (null: none sent). */
  samples?: { a: Map<string, NodeTensors>; b: Map<string, NodeTensors> } | null;
}

function whole(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : null;
}

/** The header's `sample`, checked: null unless index, kept and given are whole numbers with index < kept. */
export function readSampleInfo(value: unknown): SampleInfo | null {
  if (value === null || typeof value !== "object") return null;
  const raw = value as Record<string, unknown>;
  const index = whole(raw.index);
  const kept = whole(raw.kept);
  if (index === null || kept === null || index >= kept) return null;
  return { index, kept, given: Math.max(kept, whole(raw.given) ?? kept) };
}

/** The header's `compare`, checked: null unless a and b are whole numbers. */
export function readComparePair(value: unknown): ComparePair | null {
  if (value === null || typeof value !== "object") return null;
  const raw = value as Record<string, unknown>;
  const a = whole(raw.a);
  const b = whole(raw.b);
  return a === null || b === null ? null : { a, b };
}

/** The header's `step`, checked: null unless it has a numeric epoch and batch; logs keep only numbers. */
export function readStep(value: unknown): TrainingStep | null {
  if (value === null || typeof value !== "object") return null;
  const raw = value as { epoch?: unknown; batch?: unknown; logs?: unknown };
  if (typeof raw.epoch !== "number" || typeof raw.batch !== "number") return null;
  const logs: Record<string, number> = {};
  if (raw.logs !== null && typeof raw.logs === "object") {
    for (const [key, v] of Object.entries(raw.logs as Record<string, unknown>)) {
      if (typeof v === "number") logs[key] = v;
    }
  }
  return { epoch: raw.epoch, batch: raw.batch, logs };
}

const MAGIC_BYTES = [...PAYLOAD_MAGIC].map((c) => c.charCodeAt(0));

/** Any binary container the payload trait may arrive in, normalised to a DataView. */
export function asDataView(data: DataView | ArrayBuffer | ArrayBufferView | null | undefined): DataView | null {
  if (data == null) return null;
  if (data instanceof DataView) return data;
  if (data instanceof ArrayBuffer) return new DataView(data);
  if (ArrayBuffer.isView(data)) return new DataView(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function fail(message: string): never {
  throw new Error(`layerscape payload: ${message}`);
}

function checkSection(s: TensorSection, i: number, dataLength: number): void {
  const where = `tensor ${i} (${String(s.node)}/${String(s.role)})`;
  if (typeof s.node !== "string") fail(`${where} has no node id`);
  if (!ROLES.has(s.role)) fail(`${where} has unknown role`);
  if (s.dtype !== "u8" && s.dtype !== "f32") fail(`${where} has unknown dtype ${String(s.dtype)}`);
  if (!Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    fail(`${where} has an invalid shape`);
  }
  if (!Number.isInteger(s.offset) || s.offset < 0 || !Number.isInteger(s.length) || s.length < 0) {
    fail(`${where} has an invalid offset/length`);
  }
  const itemSize = s.dtype === "f32" ? 4 : 1;
  const expected = product(s.shape) * itemSize;
  if (s.length !== expected) {
    fail(`${where} is ${s.length} bytes but shape [${s.shape.join(", ")}] needs ${expected}`);
  }
  if (s.offset + s.length > dataLength) {
    fail(`truncated: ${where} ends at byte ${s.offset + s.length} of a ${dataLength}-byte data region`);
  }
}

/** Maps u8 codes to floats: 0..250 linear in [lo, hi]; 251 NaN, 252 +Inf, 253 -Inf. */
export function decodeU8(codes: Uint8Array, lo: number, hi: number, out?: Float32Array): Float32Array {
  const values = out ?? new Float32Array(codes.length);
  const table = new Float32Array(256);
  const step = (hi - lo) / U8_MAX_CODE;
  for (let c = 0; c <= U8_MAX_CODE; c++) table[c] = lo + c * step;
  table[U8_MAX_CODE] = hi;
  table[U8_NAN] = NaN;
  table[U8_POS_INF] = Infinity;
  table[U8_NEG_INF] = -Infinity;
  for (let c = U8_NEG_INF + 1; c < 256; c++) table[c] = NaN;
  for (let i = 0; i < codes.length; i++) values[i] = table[codes[i]];
  return values;
}

function readF32(view: DataView, byteOffset: number, count: number): Float32Array {
  const absolute = view.byteOffset + byteOffset;
  if (absolute % 4 === 0) {
    return new Float32Array(view.buffer, absolute, count).slice();
  }
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = view.getFloat32(byteOffset + 4 * i, true);
  return values;
}

/** Tensors made by `decodePayload` whose values have not been read yet. */
const undecoded = new WeakSet<DecodedTensor>();

/**
 * A tensor whose values are decoded when first read. A payload carries the channels of
 * many closed layers (an exported page holds them for the layers the user may open), but
 * a closed layer draws its summary: decoding them all up front (4 bytes a value) cost an
 * exported page's start 50–100 ms (VGG16, ResNet50) for values nobody had looked at.
 */
function lazyTensor(tensor: Omit<DecodedTensor, "values">, decode: () => Float32Array): DecodedTensor {
  let values: Float32Array | null = null;
  const lazy = Object.defineProperty(tensor, "values", {
    enumerable: true,
    get(): Float32Array {
      if (values === null) {
        values = decode();
        undecoded.delete(lazy);
      }
      return values;
    },
  }) as DecodedTensor;
  undecoded.add(lazy);
  return lazy;
}

/** How many of the payload's tensors (drawn sections, not a comparison's copies) are not decoded yet. */
export function undecodedTensors(payload: DecodedPayload): number {
  let count = 0;
  for (const entry of payload.nodes.values()) {
    for (const tensor of [entry.full, entry.summary, entry.kernel, entry.bias]) {
      if (tensor && undecoded.has(tensor)) count += 1;
    }
  }
  return count;
}

/** An LSP1 payload's header and where its data region lies (bytes from the view's start). */
export interface PayloadFrame {
  header: PayloadHeader;
  dataStart: number;
  dataLength: number;
}

/**
 * Reads an LSP1 payload's header without decoding its tensors (the exported page reads
 * every recorded frame's step this way and decodes a frame only when it is shown).
 * Throws an Error naming the problem on a bad magic, a truncated buffer or a header that
 * is not JSON with a tensors list.
 */
export function readHeader(view: DataView): PayloadFrame {
  if (view.byteLength < 8) fail(`truncated: ${view.byteLength} bytes, need at least 8`);
  for (let i = 0; i < 4; i++) {
    if (view.getUint8(i) !== MAGIC_BYTES[i]) {
      const got = Array.from({ length: 4 }, (_, k) => view.getUint8(k).toString(16).padStart(2, "0"));
      fail(`bad magic ${got.join(" ")}, expected "${PAYLOAD_MAGIC}"`);
    }
  }
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > view.byteLength) {
    fail(`truncated: header of ${headerLength} bytes does not fit in ${view.byteLength} bytes`);
  }
  const headerBytes = new Uint8Array(view.buffer, view.byteOffset + 8, headerLength);
  let header: PayloadHeader;
  try {
    header = JSON.parse(new TextDecoder("utf-8").decode(headerBytes)) as PayloadHeader;
  } catch (err) {
    fail(`header is not valid JSON (${(err as Error).message})`);
  }
  if (header === null || typeof header !== "object" || !Array.isArray(header.tensors)) {
    fail("header has no tensors list");
  }
  const dataStart = Math.ceil((8 + headerLength) / 8) * 8;
  return { header, dataStart, dataLength: Math.max(0, view.byteLength - dataStart) };
}

/**
 * Decodes one LSP1 payload. Throws an Error naming the problem on a bad magic, a
 * truncated buffer or an inconsistent header.
 */
export function decodePayload(view: DataView): DecodedPayload {
  const { header, dataStart, dataLength } = readHeader(view);

  const nodes = new Map<string, NodeTensors>();
  const compare = readComparePair(header.compare);
  const samples = compare ? { a: new Map<string, NodeTensors>(), b: new Map<string, NodeTensors>() } : null;
  header.tensors.forEach((s, i) => {
    checkSection(s, i, dataLength);
    const count = product(s.shape);
    const lo = Number(s.lo);
    const hi = Number(s.hi);
    const meta = {
      shape: s.shape.slice(),
      lo,
      hi,
      channelsTotal: s.channels_total ?? null,
      reduce: s.reduce ?? null,
    };
    let tensor: DecodedTensor;
    if (s.role === "full") {
      // Channels wait until something reads them (summaries and weights are drawn at
      // once). Their bytes are copied now, as every section's values are: nothing
      // decoded refers to the transport buffer, which its owner may reuse.
      const raw = new Uint8Array(view.buffer, view.byteOffset + dataStart + s.offset, s.length).slice();
      tensor = lazyTensor(meta, () =>
        s.dtype === "f32" ? new Float32Array(raw.buffer, 0, count) : decodeU8(raw, lo, hi),
      );
    } else if (s.dtype === "f32") {
      tensor = { ...meta, values: readF32(view, dataStart + s.offset, count) };
    } else {
      const codes = new Uint8Array(view.buffer, view.byteOffset + dataStart + s.offset, count);
      tensor = { ...meta, values: decodeU8(codes, lo, hi) };
    }
    // A comparison's copies of a and b go beside the drawn sections (outside one: ignored).
    const tag = s.sample === "a" || s.sample === "b" ? s.sample : null;
    if (tag && !samples) return;
    const into = tag && samples ? samples[tag] : nodes;
    const entry = into.get(s.node) ?? {};
    entry[s.role] = tensor;
    into.set(s.node, entry);
  });
  return {
    header,
    seq: Number(header.seq) || 0,
    nodes,
    step: readStep(header.step),
    sample: readSampleInfo(header.sample),
    compare,
    samples,
  };
}
