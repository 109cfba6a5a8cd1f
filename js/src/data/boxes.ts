/**
 * Detections and pictures, pure: the `_boxes` trait read and checked, a box's label, where
 * a box in input pixels lands on a picture's plane, and the range a picture is shown on.
 */

import type { BoxesState, BoxSpec, ImageRange } from "../spec";

/** What a picture shows black and white, and what says so (for the tooltip). */
export interface PictureRange {
  lo: number;
  hi: number;
  /** E.g. "tanh", or "data" (its own minimum to maximum), or "natural" (an input: [0, 1] or [0, 255]). */
  source: string;
}

/** The range a model input's pixels are shown on: [0, 1] or [0, 255] when they fit, otherwise theirs. */
export function displayRange(lo: number, hi: number): [number, number] {
  if (lo >= 0 && hi <= 1) return [0, 1];
  if (lo >= 0 && hi <= 255) return [0, 255];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/**
 * The range a picture is shown on. A layer's output drawn as a picture has `image_range`
 * (the node's field): its activation's range, or null for the data's own (`lo`..`hi`);
 * a model input has none (undefined) and is shown on its natural range.
 */
export function pictureRange(range: ImageRange | null | undefined, lo: number, hi: number): PictureRange {
  if (range === undefined) {
    const [a, b] = displayRange(lo, hi);
    return { lo: a, hi: b, source: "natural" };
  }
  if (range !== null && Number.isFinite(range.lo) && Number.isFinite(range.hi) && range.hi > range.lo) {
    return { lo: range.lo, hi: range.hi, source: range.source };
  }
  return { lo, hi: hi > lo ? hi : lo + 1, source: "data" };
}

function finite(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

function readBox(value: unknown): BoxSpec | null {
  if (typeof value !== "object" || value === null) return null;
  const b = value as Record<string, unknown>;
  if (!finite(b.x0) || !finite(b.y0) || !finite(b.x1) || !finite(b.y1) || !finite(b.score)) return null;
  if (!(b.x0 < b.x1 && b.y0 < b.y1)) return null;
  const cell =
    Array.isArray(b.cell) && b.cell.length === 2 && b.cell.every((c) => Number.isInteger(c))
      ? (b.cell as number[])
      : null;
  return {
    x0: b.x0,
    y0: b.y0,
    x1: b.x1,
    y1: b.y1,
    label: typeof b.label === "string" ? b.label : "",
    score: b.score,
    cell,
  };
}

/** The `_boxes` trait as drawn: null when there is none (`{}`: no boxes function); malformed boxes are left out. */
export function readBoxes(value: unknown): BoxesState | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.boxes) && typeof v.error !== "string") return null;
  const boxes = Array.isArray(v.boxes) ? v.boxes.map(readBox).filter((b): b is BoxSpec => b !== null) : [];
  return {
    boxes,
    error: typeof v.error === "string" ? v.error : null,
    seq: finite(v.seq) ? v.seq : 0,
    image: typeof v.image === "string" ? v.image : null,
    grid: typeof v.grid === "string" ? v.grid : null,
  };
}

/** A box's caption: "square 0.93". */
export function boxLabel(box: BoxSpec): string {
  const score = Math.abs(box.score) >= 100 ? box.score.toFixed(0) : box.score.toFixed(2);
  return box.label ? `${box.label} ${score}` : score;
}

/** A rectangle in a plane's own frame: x to the right, y up, centred on the plane. */
export interface PlaneRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Where texels [x0, x1) x [y0, y1) (y down from the top row) of a texW x texH picture land
 * on a plane of w x h centred on the origin (y up), clamped to the picture; null when the
 * box lies wholly outside it.
 */
export function texelRectOnPlane(
  texW: number,
  texH: number,
  w: number,
  h: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): PlaneRect | null {
  const cx0 = Math.max(0, Math.min(texW, x0));
  const cx1 = Math.max(0, Math.min(texW, x1));
  const cy0 = Math.max(0, Math.min(texH, y0));
  const cy1 = Math.max(0, Math.min(texH, y1));
  if (!(cx1 > cx0 && cy1 > cy0) || texW <= 0 || texH <= 0) return null;
  return {
    x0: -w / 2 + (cx0 / texW) * w,
    y0: h / 2 - (cy0 / texH) * h,
    x1: -w / 2 + (cx1 / texW) * w,
    y1: h / 2 - (cy1 / texH) * h,
  };
}
