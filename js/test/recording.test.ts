import { describe, expect, it } from "vitest";
import { curvesOf, chartScale } from "../src/data/curves";
import { readStep } from "../src/data/decode";
import { formatMetric } from "../src/data/format";
import { FrameStore, thinFrames } from "../src/data/recording";
import type { TrainingStep } from "../src/spec";

const frame = (seq: number, bytes = 10) => ({
  data: new DataView(new ArrayBuffer(bytes)),
  step: { epoch: 0, batch: seq, logs: {} },
  seq,
});

describe("the frame store", () => {
  it("thins the interior and keeps both ends", () => {
    expect(thinFrames([0, 1, 2, 3, 4, 5, 6, 7, 8])).toEqual([0, 2, 4, 6, 8]);
    expect(thinFrames([0, 1])).toEqual([0, 1]);
    expect(thinFrames([0, 1, 2])).toEqual([0, 2]);
  });

  it("stays within its budget, never losing the first or the newest frame", () => {
    const store = new FrameStore(100);
    for (let seq = 1; seq <= 60; seq++) {
      store.add(frame(seq));
      expect(store.byteLength).toBeLessThanOrEqual(100);
      expect(store.at(0)?.seq).toBe(1);
      expect(store.at(store.length - 1)?.seq).toBe(seq);
    }
    expect(store.length).toBeGreaterThanOrEqual(5);
    const seqs = Array.from({ length: store.length }, (_, i) => store.at(i)?.seq ?? 0);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it("finds a frame by seq after thinning moved it, or the nearest kept one", () => {
    const store = new FrameStore(50);
    for (let seq = 1; seq <= 5; seq++) store.add(frame(seq));
    expect(store.nearest(4)).toBe(3);
    store.add(frame(6)); // 60 bytes > 50: thinned to seqs 1, 3, 5, 6
    expect(Array.from({ length: store.length }, (_, i) => store.at(i)?.seq)).toEqual([1, 3, 5, 6]);
    expect(store.nearest(5)).toBe(2); // was index 4
    expect(store.nearest(4)).toBe(2); // dropped: 3 and 5 are as near, the later wins
    expect(store.nearest(2)).toBe(1);
    expect(store.nearest(99)).toBe(3);
    expect(new FrameStore().nearest(1)).toBe(-1);
  });

  it("never thins below its first and last frame, however small the budget", () => {
    const store = new FrameStore(1);
    for (let seq = 1; seq <= 9; seq++) store.add(frame(seq));
    expect(store.length).toBe(2);
    expect([store.at(0)?.seq, store.at(1)?.seq]).toEqual([1, 9]);
  });

  it("replaces a frame re-sent for the same prediction", () => {
    const store = new FrameStore();
    expect(store.add(frame(1))).toBe(0);
    expect(store.add(frame(2))).toBe(1);
    expect(store.add(frame(2, 30))).toBe(1);
    expect(store.length).toBe(2);
    expect(store.byteLength).toBe(40);
    expect(store.at(1)?.data.byteLength).toBe(30);
  });
});

describe("training steps and curves", () => {
  it("reads a step, keeping only numeric logs", () => {
    expect(readStep({ epoch: 1, batch: 3, logs: { loss: 0.5, note: "x" } })).toEqual({
      epoch: 1,
      batch: 3,
      logs: { loss: 0.5 },
    });
    expect(readStep(null)).toBeNull();
    expect(readStep({ epoch: "1", batch: 0 })).toBeNull();
  });

  it("makes one curve per metric, loss first, val_ beside its metric", () => {
    const history: TrainingStep[] = [
      { epoch: 0, batch: -1, logs: {} },
      { epoch: 0, batch: 3, logs: { accuracy: 0.5, loss: 1.2 } },
      { epoch: 0, batch: 4, logs: { accuracy: 0.6, loss: 1.0, val_loss: 1.1, val_accuracy: 0.55 } },
    ];
    const curves = curvesOf(history);
    expect(curves.map((c) => c.name)).toEqual(["loss", "accuracy"]);
    expect(curves[0]?.train).toEqual([
      [1, 1.2],
      [2, 1.0],
    ]);
    expect(curves[0]?.val).toEqual([[2, 1.1]]);
  });

  it("scales a curve into its box, flat curves included", () => {
    const curve = { name: "loss", train: [[0, 2] as [number, number], [4, 1] as [number, number]], val: [] };
    const s = chartScale(curve, 5, { width: 108, height: 28, pad: 4 });
    expect(s.x(0)).toBe(4);
    expect(s.x(4)).toBe(104);
    expect(s.y(2)).toBe(4); // the highest value at the top
    expect(s.y(1)).toBe(24);
    const flat = chartScale({ name: "acc", train: [[0, 1]], val: [] }, 1, { width: 10, height: 10, pad: 0 });
    expect(flat.y(1)).toBe(5);
  });

  it("formats metrics with three decimals", () => {
    expect(formatMetric(0.22912)).toBe("0.229");
    expect(formatMetric(2)).toBe("2.000");
    expect(formatMetric(1e-5)).toBe("1.00e-5");
    expect(formatMetric(Number.NaN)).toBe("NaN");
  });
});
