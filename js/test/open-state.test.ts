import { describe, expect, it } from "vitest";

import type { Layout } from "../src/layout";
import { OPEN_DURATION_MS, OpenState } from "../src/scene/open-state";
import type { LayerVisual } from "../src/visuals/types";
import { lenetGraph, residualChain } from "./fixtures";

/** The part of a visual OpenState reads and drives: whether it opens, and its open progress. */
function visualsOf(ids: string[], openable: Set<string>) {
  const progress = new Map<string, [boolean, number]>();
  const weights = new Map<string, boolean>();
  const visuals = new Map(
    ids.map((id) => [
      id,
      {
        id,
        canOpen: openable.has(id),
        setOpen: (open: boolean, t: number) => progress.set(id, [open, t]),
        setWeightsShown: (on: boolean) => weights.set(id, on),
      } as unknown as LayerVisual,
    ]),
  );
  return { visuals, progress, weights };
}

function setup() {
  const graph = lenetGraph();
  const { visuals, progress, weights } = visualsOf(
    graph.nodes.map((n) => n.id),
    new Set(["conv2d", "conv2d_1", "max_pooling2d"]),
  );
  const placed: Layout[] = [];
  const announced: string[][] = [];
  let changed = 0;
  const open = new OpenState(visuals, {
    place: (layout) => placed.push(layout),
    onOpenChange: (ids) => announced.push(ids),
    changed: () => changed++,
  });
  const layout = open.setGraph(graph)!;
  return { graph, open, layout, progress, weights, placed, announced, changed: () => changed };
}

describe("OpenState", () => {
  it("lays out a new graph closed, and says nothing until asked", () => {
    const { open, layout, announced } = setup();
    expect(open.layout).toBe(layout);
    expect(open.shown).toBe(layout);
    expect(open.ids()).toEqual([]);
    expect(announced).toEqual([]);
    open.announce();
    expect(announced).toEqual([[]]);
  });

  it("opens only layers that can open, reports them in the graph's order", () => {
    const { open, announced, changed } = setup();
    open.setOpenIds(["conv2d_1", "dense", "conv2d", "nope"], false);
    expect(open.ids()).toEqual(["conv2d", "conv2d_1"]);
    expect(open.has("dense")).toBe(false);
    expect(announced).toEqual([["conv2d", "conv2d_1"]]);
    expect(changed()).toBe(1);
    // The same set again changes nothing.
    open.setOpenIds(["conv2d", "conv2d_1"], false);
    expect(announced).toHaveLength(1);
    expect(changed()).toBe(1);
  });

  it("without animation, places the new layout and finishes the layers at once", () => {
    const { open, layout, placed, progress } = setup();
    open.toggle("conv2d", false);
    expect(placed).toHaveLength(1);
    expect(placed[0]).toBe(open.layout);
    expect(open.layout).not.toBe(layout);
    expect(open.shown).toBe(open.layout);
    expect(progress.get("conv2d")).toEqual([true, 1]);
    expect(open.step(performance.now())).toBe("idle");
  });

  it("tweens from the layout drawn to the new one, then lands on it", () => {
    const { open, layout, placed, progress } = setup();
    const start = performance.now();
    open.openAll();
    expect(open.ids()).toEqual(["conv2d", "max_pooling2d", "conv2d_1"]);
    expect(placed).toHaveLength(0); // nothing moves before the first frame
    expect(open.shown).toBe(layout);
    expect(open.step(start + OPEN_DURATION_MS / 2)).toBe("moving");
    const [open1, t1] = progress.get("conv2d")!;
    expect(open1).toBe(true);
    expect(t1).toBeGreaterThan(0);
    expect(t1).toBeLessThan(1);
    expect(open.shown).toBe(placed.at(-1));
    expect(open.shown).not.toBe(open.layout);
    expect(open.step(start + OPEN_DURATION_MS + 1000)).toBe("landed");
    expect(open.shown).toBe(open.layout);
    expect(progress.get("conv2d")).toEqual([true, 1]);
    expect(open.step(start + OPEN_DURATION_MS + 2000)).toBe("idle");
  });

  it("keeps layers already mid-animation going when more change", () => {
    const { open, progress } = setup();
    const start = performance.now();
    open.toggle("conv2d");
    open.toggle("conv2d_1");
    open.step(start + OPEN_DURATION_MS + 1000);
    expect(progress.get("conv2d")).toEqual([true, 1]);
    expect(progress.get("conv2d_1")).toEqual([true, 1]);
  });

  it("forgets layers a new graph does not have, keeps those it has open", () => {
    const { open, graph } = setup();
    open.setOpenIds(["conv2d", "conv2d_1"], false);
    const smaller = { ...graph, nodes: graph.nodes.filter((n) => n.id !== "conv2d_1") };
    open.setGraph(smaller);
    expect(open.ids()).toEqual(["conv2d"]);
    expect(open.setGraph(null)).toBeNull();
    expect(open.layout).toBeNull();
    expect(open.ids()).toEqual([]);
  });

  it("switches layers to their weights at once and tweens the layout to their pictures", () => {
    const { open, layout, weights, placed, announced, changed } = setup();
    const start = performance.now();
    open.setWeightIds(["dense", "flatten", "nope", "conv2d"]);
    // only layers with weights; each told once, in the graph's order
    expect(open.weightIds()).toEqual(["conv2d", "dense"]);
    expect([...weights]).toEqual([
      ["conv2d", true],
      ["dense", true],
    ]);
    expect(changed()).toBe(1);
    expect(announced).toEqual([]); // the open set did not change
    expect(placed).toHaveLength(0);
    expect(open.step(start + OPEN_DURATION_MS / 2)).toBe("moving");
    const mid = placed.at(-1)!.nodes.get("dense")!.size.h;
    const target = open.layout!.nodes.get("dense")!.size.h;
    expect(mid).toBeGreaterThan(layout.nodes.get("dense")!.size.h);
    expect(mid).toBeLessThan(target);
    expect(open.step(start + OPEN_DURATION_MS + 1000)).toBe("landed");
    expect(open.shown!.nodes.get("dense")!.weights).toBe(true);
    // the same set again changes nothing; hiding switches back
    open.setWeightIds(["conv2d", "dense"], false);
    expect(changed()).toBe(1);
    open.setWeightIds(["dense"], false);
    expect(weights.get("conv2d")).toBe(false);
    expect(open.shown!.nodes.get("conv2d")!.size).toEqual(layout.nodes.get("conv2d")!.size);
  });

  it("keeps a layer open underneath its weights", () => {
    const { open } = setup();
    open.setOpenIds(["conv2d"], false);
    open.setWeightIds(["conv2d"], false);
    open.toggle("conv2d_1", false); // another layer opening leaves conv2d open
    expect(open.ids()).toEqual(["conv2d", "conv2d_1"]);
    open.setWeightIds([], false);
    const n = open.shown!.nodes.get("conv2d")!;
    expect(n.open).toBe(true);
    expect(n.size).toEqual(n.opened);
  });

  it("remembers the weights set across graphs, and for a graph to come", () => {
    const { open, graph } = setup();
    open.setWeightIds(["dense", "dense_1"], false);
    const smaller = { ...graph, nodes: graph.nodes.filter((n) => n.id !== "dense_1") };
    expect(open.setGraph(smaller)!.nodes.get("dense")!.weights).toBe(true);
    expect(open.weightIds()).toEqual(["dense"]);
    open.setGraph(null);
    open.setWeightIds(["conv2d"]);
    expect(open.setGraph(graph)!.nodes.get("conv2d")!.weights).toBe(true);
  });
});

describe("OpenState wrapping for the view's aspect", () => {
  it("wraps anew when the aspect changes, and a layer opening goes on opening", () => {
    const graph = residualChain(40);
    const ids = graph.nodes.map((n) => n.id);
    const { visuals, progress } = visualsOf(ids, new Set(["b20_conv1"]));
    const placed: Layout[] = [];
    const open = new OpenState(visuals, { place: (l) => placed.push(l), changed: () => {} });
    const wide = open.setGraph(graph, undefined, 2.5)!;
    expect(open.wrapAspect).toBe(2.5);
    open.toggle("b20_conv1");
    const start = performance.now();
    open.step(start + OPEN_DURATION_MS / 2);
    const halfway = progress.get("b20_conv1")!;
    expect(halfway[0]).toBe(true);
    expect(halfway[1]).toBeGreaterThan(0);
    expect(halfway[1]).toBeLessThan(1);
    open.setAspect(0.8);
    expect(open.wrapAspect).toBe(0.8);
    expect(open.layout!.rows).toBeGreaterThan(wide.rows!);
    expect(open.step(performance.now() + OPEN_DURATION_MS / 2)).toBe("moving");
    expect(progress.get("b20_conv1")![1]).toBeLessThan(1);
    expect(open.step(performance.now() + 2 * OPEN_DURATION_MS)).toBe("landed");
    expect(progress.get("b20_conv1")).toEqual([true, 1]);
    expect(placed.at(-1)).toBe(open.layout);
    expect(open.has("b20_conv1")).toBe(true);
  });

  it("keeps the aspect for the next graph, and does nothing when it is the same", () => {
    const graph = residualChain(40);
    const { visuals } = visualsOf(
      graph.nodes.map((n) => n.id),
      new Set(),
    );
    let changed = 0;
    const open = new OpenState(visuals, { place: () => {}, changed: () => changed++ });
    open.setAspect(2.5);
    expect(changed).toBe(0); // no graph yet
    const first = open.setGraph(graph)!;
    expect(first.rows).toBeGreaterThan(1);
    open.setAspect(2.5);
    expect(changed).toBe(0);
  });
});
