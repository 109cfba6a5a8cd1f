/**
 * What the training readout says: the shown step's title, one line per metric, and
 * where the step sits on the curves. Pure text work; host/training.ts puts it on screen.
 */

import type { TrainingStep } from "../spec";
import { formatMetric } from "./format";

/** Whether the step is an epoch's end entry: the one that brings the `val_` metrics. */
function isEpochEnd(step: TrainingStep): boolean {
  return Object.keys(step.logs).some((k) => k.startsWith("val_"));
}

/**
 * "epoch 2 · batch 16", "epoch 1 · before training", "epoch 1 · end"; for no step, what
 * the view shows instead ("" when it has never trained). Epochs and batches are counted
 * from 1, as Keras' progress bar beside the view counts them (the step holds them from 0).
 */
export function stepTitle(step: TrainingStep | null, trained: boolean): string {
  if (!step) return trained ? "a prediction, not a training step" : "";
  const epoch = `epoch ${step.epoch + 1}`;
  if (step.batch < 0) return `${epoch} · before training`;
  if (isEpochEnd(step)) return `${epoch} · end`;
  return `${epoch} · batch ${step.batch + 1}`;
}

/** "loss 0.229 · val 0.437": a metric and its `val_` twin as the step logged them; the bare name when it logged neither. */
export function metricLine(name: string, logs: Readonly<Record<string, number>>): string {
  const parts = [name];
  const train = logs[name];
  const val = logs[`val_${name}`];
  if (train !== undefined) parts.push(formatMetric(train));
  if (val !== undefined) parts.push(`· val ${formatMetric(val)}`);
  return parts.join(" ");
}

/** The logged values that have no chart (`plotted`: the charted metric names), as "name value · ...". */
export function otherMetrics(logs: Readonly<Record<string, number>>, plotted: ReadonlySet<string>): string {
  return Object.entries(logs)
    .filter(([k]) => !plotted.has(k) && !plotted.has(k.replace(/^val_/, "")))
    .map(([k, v]) => `${k} ${formatMetric(v)}`)
    .join(" · ");
}

function sameLogs(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.is(a[k], b[k]));
}

/**
 * Where `step` sits in `history` (its x on the curves), or null. A second `fit` counts
 * epochs from 0 again, so the latest entry with the same epoch, batch *and* logs wins;
 * failing that, the latest with the same epoch and batch.
 */
export function historyIndex(history: readonly TrainingStep[], step: TrainingStep | null): number | null {
  if (!step) return null;
  let loose: number | null = null;
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i] as TrainingStep;
    if (h.epoch !== step.epoch || h.batch !== step.batch) continue;
    if (sameLogs(h.logs, step.logs)) return i;
    loose ??= i;
  }
  return loose;
}
