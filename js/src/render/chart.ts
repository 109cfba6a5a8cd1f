/** Small line charts of training curves on a 2D canvas (the readout's). */

import { chartScale, type Curve } from "../data/curves";

export interface ChartColors {
  train: string;
  val: string;
  marker: string;
  text: string;
}

/**
 * Draws one metric's curve (and its `val_` points) over `steps` history entries, with a
 * marker at history index `at` (the step shown), into `canvas` at its CSS size.
 */
export function drawCurve(
  canvas: HTMLCanvasElement,
  curve: Curve,
  steps: number,
  at: number | null,
  colors: ChartColors,
): void {
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const ratio = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
  const width = canvas.clientWidth || canvas.width;
  const height = canvas.clientHeight || canvas.height;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const scale = chartScale(curve, steps, { width, height, pad: 4 });
  if (at !== null) {
    ctx.strokeStyle = colors.marker;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(scale.x(at), 0);
    ctx.lineTo(scale.x(at), height);
    ctx.stroke();
  }
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = colors.train;
  ctx.beginPath();
  curve.train.forEach(([i, v], k) => {
    if (k === 0) ctx.moveTo(scale.x(i), scale.y(v));
    else ctx.lineTo(scale.x(i), scale.y(v));
  });
  ctx.stroke();
  ctx.fillStyle = colors.val;
  ctx.strokeStyle = colors.val;
  ctx.beginPath();
  curve.val.forEach(([i, v], k) => {
    if (k === 0) ctx.moveTo(scale.x(i), scale.y(v));
    else ctx.lineTo(scale.x(i), scale.y(v));
  });
  ctx.setLineDash([3, 2]);
  ctx.stroke();
  ctx.setLineDash([]);
  for (const [i, v] of curve.val) {
    ctx.beginPath();
    ctx.arc(scale.x(i), scale.y(v), 2, 0, 2 * Math.PI);
    ctx.fill();
  }
}
