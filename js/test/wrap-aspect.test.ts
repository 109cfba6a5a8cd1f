import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { layoutGraph, labelWidth } from "../src/layout";
import { viewDirection, WRAP_VIEW } from "../src/render/camera";
import { drawnExtent, layoutAspect, SIDE_MARGIN_PX } from "../src/scene/framing";
import { aspectMoved, REWRAP_DELAY_MS, REWRAP_RATIO, WrapAspect } from "../src/scene/wrap-aspect";
import type { GraphSpec } from "../src/spec";
import { node } from "./fixtures";

describe("layoutAspect", () => {
  it("is the view's shape less the text margins, null before the view has a size", () => {
    const a = layoutAspect(1280, 560)!;
    expect(a).toBeGreaterThan(1280 / 560);
    expect(a).toBeLessThan(1.25 * (1280 / 560));
    expect(layoutAspect(1, 1)).toBeNull();
    expect(layoutAspect(2 * SIDE_MARGIN_PX, 400)).toBeNull();
  });
});

describe("re-wrapping as the view changes shape", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("waits for the size to hold, and wraps once for a drag", () => {
    let current: number | null = 2;
    const applied: Array<number | null> = [];
    const watch = new WrapAspect(
      () => current,
      (a) => {
        applied.push(a);
        current = a;
      },
    );
    watch.resized(1.5);
    vi.advanceTimersByTime(REWRAP_DELAY_MS / 2);
    watch.resized(1.2);
    vi.advanceTimersByTime(REWRAP_DELAY_MS / 2);
    watch.resized(1);
    expect(applied).toEqual([]);
    vi.advanceTimersByTime(REWRAP_DELAY_MS + 1);
    expect(applied).toEqual([1]);
  });

  it("ignores small changes (a scrollbar), and stops when cancelled", () => {
    let current: number | null = 2;
    const applied: Array<number | null> = [];
    const watch = new WrapAspect(
      () => current,
      (a) => {
        applied.push(a);
        current = a;
      },
    );
    watch.resized(2 * (1 + (REWRAP_RATIO - 1) / 2));
    vi.advanceTimersByTime(REWRAP_DELAY_MS * 2);
    expect(applied).toEqual([]);
    watch.resized(4);
    watch.cancel();
    vi.advanceTimersByTime(REWRAP_DELAY_MS * 2);
    expect(applied).toEqual([]);
  });

  it("aspectMoved: either way past the ratio, and to or from no size", () => {
    expect(aspectMoved(2, 2 * REWRAP_RATIO * 1.01)).toBe(true);
    expect(aspectMoved(2, 2 / (REWRAP_RATIO * 1.01))).toBe(true);
    expect(aspectMoved(2, 2.1)).toBe(false);
    expect(aspectMoved(null, 2)).toBe(true);
    expect(aspectMoved(2, null)).toBe(true);
    expect(aspectMoved(null, null)).toBe(false);
  });
});

describe("the fit of a wrapped model and of a labelled output", () => {
  it("sees a wrapped model from the front", () => {
    const bounds = { min: { x: 0, y: -10, z: -1 }, max: { x: 25, y: 0, z: 0 } };
    expect(viewDirection(bounds, 2.5, 3).toArray()).toEqual(WRAP_VIEW.toArray());
    expect(viewDirection(bounds, 2.5, 1).z).toBeLessThan(WRAP_VIEW.z);
  });

  it("frames what is drawn of a labelled output, keeping its labels' room in pixels", () => {
    const labels = ["setosa", "versicolor", "virginica"];
    const graph: GraphSpec = {
      version: 1,
      name: "mlp",
      nodes: [
        node("x", "InputLayer", "vector", [4], { is_input: true }),
        node("h", "Dense", "vector", [8]),
        node("y", "Dense", "vector", [3], { is_output: true }),
      ],
      edges: [
        { source: "x", target: "h" },
        { source: "h", target: "y" },
      ],
      inputs: ["x"],
      outputs: ["y"],
      labels,
    };
    const layout = layoutGraph(graph);
    const { bounds, labelPx } = drawnExtent(layout, labels);
    expect(bounds.max.x).toBeCloseTo(layout.bounds.max.x - labelWidth(labels), 6);
    expect(bounds.min).toEqual(layout.bounds.min);
    expect(labelPx).toBeGreaterThan(6 * "versicolor".length);
    expect(drawnExtent(layout, null)).toEqual({ bounds: layout.bounds, labelPx: 0 });
  });
});
