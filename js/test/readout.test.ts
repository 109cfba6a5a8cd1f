import { describe, expect, it } from "vitest";
import { readHeader } from "../src/data/decode";
import { historyIndex, metricLine, otherMetrics, stepTitle } from "../src/data/readout";
import type { TrainingStep } from "../src/spec";

describe("the readout's text", () => {
  it("titles a step as Keras' progress bar counts it, from 1", () => {
    expect(stepTitle({ epoch: 0, batch: -1, logs: {} }, true)).toBe("epoch 1 · before training");
    expect(stepTitle({ epoch: 1, batch: 15, logs: { loss: 1 } }, true)).toBe("epoch 2 · batch 16");
    expect(stepTitle({ epoch: 2, batch: 16, logs: { loss: 1, val_loss: 2 } }, true)).toBe("epoch 3 · end");
  });

  it("says what is shown when it is not a training step", () => {
    expect(stepTitle(null, true)).toBe("a prediction, not a training step");
    expect(stepTitle(null, false)).toBe("");
  });

  it("gives a metric with its val_ twin, formatted", () => {
    expect(metricLine("loss", { loss: 0.22912, val_loss: 0.4371 })).toBe("loss 0.229 · val 0.437");
    expect(metricLine("accuracy", { loss: 1 })).toBe("accuracy");
    expect(metricLine("accuracy", { val_accuracy: 0.5 })).toBe("accuracy · val 0.500");
    expect(metricLine("loss", { loss: 2e-5 })).toBe("loss 2.00e-5");
  });

  it("lists the logged values that have no chart", () => {
    const logs = { loss: 1, lr: 0.001, val_loss: 2, val_auc: 0.75 };
    expect(otherMetrics(logs, new Set(["loss"]))).toBe("lr 0.001 · val_auc 0.750");
    expect(otherMetrics(logs, new Set(["loss", "lr", "auc"]))).toBe("");
  });
});

describe("a step's place on the curves", () => {
  const history: TrainingStep[] = [
    { epoch: 0, batch: -1, logs: {} },
    { epoch: 0, batch: 3, logs: { loss: 1.5 } },
    // a second fit counts epochs from 0 again
    { epoch: 0, batch: -1, logs: {} },
    { epoch: 0, batch: 3, logs: { loss: 0.7 } },
  ];

  it("is the entry with the same epoch, batch and logs", () => {
    expect(historyIndex(history, { epoch: 0, batch: 3, logs: { loss: 1.5 } })).toBe(1);
    expect(historyIndex(history, { epoch: 0, batch: 3, logs: { loss: 0.7 } })).toBe(3);
  });

  it("falls back to the latest same epoch and batch, and is null when none", () => {
    expect(historyIndex(history, { epoch: 0, batch: 3, logs: { loss: 9 } })).toBe(3);
    expect(historyIndex(history, { epoch: 0, batch: -1, logs: {} })).toBe(2);
    expect(historyIndex(history, { epoch: 4, batch: 0, logs: {} })).toBeNull();
    expect(historyIndex(history, null)).toBeNull();
  });
});

describe("reading a frame's header alone", () => {
  const payload = (header: object, tail = 0): DataView => {
    const text = new TextEncoder().encode(JSON.stringify(header));
    const start = Math.ceil((8 + text.length) / 8) * 8;
    const bytes = new Uint8Array(start + tail);
    bytes.set([0x4c, 0x53, 0x50, 0x31], 0);
    new DataView(bytes.buffer).setUint32(4, text.length, true);
    bytes.set(text, 8);
    return new DataView(bytes.buffer);
  };

  it("gives the step and seq and where the data starts", () => {
    const step = { epoch: 1, batch: 2, logs: { loss: 0.5 } };
    const read = readHeader(payload({ version: 1, seq: 4, tensors: [], step }, 16));
    expect(read.header.step).toEqual(step);
    expect(read.header.seq).toBe(4);
    expect(read.dataStart % 8).toBe(0);
    expect(read.dataLength).toBe(16);
  });

  it("refuses what is not a payload, saying why", () => {
    expect(() => readHeader(new DataView(new ArrayBuffer(4)))).toThrow(/truncated/);
    expect(() => readHeader(payload({ version: 1, seq: 1 }))).toThrow(/tensors/);
  });
});
