/**
 * The training history as curves: one chart per metric (loss, accuracy, ...), its
 * `val_` twin drawn in the same chart, x being the step's place in the history.
 */

import type { TrainingStep } from "../spec";

export interface Curve {
  /** The metric's name without `val_`. */
  name: string;
  /** [history index, value] of every step that logged it. */
  train: Array<[number, number]>;
  val: Array<[number, number]>;
}

/** Curves for every metric in `history`, loss first, then in the order they appear. */
export function curvesOf(history: readonly TrainingStep[]): Curve[] {
  const curves = new Map<string, Curve>();
  history.forEach((step, x) => {
    for (const [key, value] of Object.entries(step.logs)) {
      if (!Number.isFinite(value)) continue;
      const val = key.startsWith("val_");
      const name = val ? key.slice(4) : key;
      let curve = curves.get(name);
      if (!curve) {
        curve = { name, train: [], val: [] };
        curves.set(name, curve);
      }
      (val ? curve.val : curve.train).push([x, value]);
    }
  });
  return [...curves.values()].sort((a, b) => Number(b.name === "loss") - Number(a.name === "loss"));
}

export interface ChartBox {
  width: number;
  height: number;
  /** Margin inside the box, pixels. */
  pad: number;
}

/** Maps history x and metric values to pixels: x over [0, steps - 1], y over the values' range. */
export function chartScale(
  curve: Curve,
  steps: number,
  box: ChartBox,
): { x: (i: number) => number; y: (v: number) => number; lo: number; hi: number } {
  const values = [...curve.train, ...curve.val].map(([, v]) => v);
  let lo = values.length ? Math.min(...values) : 0;
  let hi = values.length ? Math.max(...values) : 1;
  if (hi - lo < 1e-12) {
    lo -= 0.5;
    hi += 0.5;
  }
  const span = Math.max(1, steps - 1);
  const w = box.width - 2 * box.pad;
  const h = box.height - 2 * box.pad;
  return {
    x: (i) => box.pad + (i / span) * w,
    y: (v) => box.pad + (1 - (v - lo) / (hi - lo)) * h,
    lo,
    hi,
  };
}
