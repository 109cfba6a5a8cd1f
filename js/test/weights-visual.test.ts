import { Group, Mesh, Vector3 } from "three";
import { describe, expect, it } from "vitest";

import type { NodeTensors } from "../src/data/decode";
import { layoutGraph } from "../src/layout";
import type { LabelOverlay } from "../src/render/labels";
import { PALETTES } from "../src/render/palette";
import type { LayerVisual } from "../src/visuals/types";
import { WeightsVisual } from "../src/visuals/weights";
import { lenetGraph } from "./fixtures";

/** Labels as the visual uses them, without a DOM: what it set on each. */
function fakeLabels() {
  const made: Array<{ hidden: boolean; lines: string[]; removed: boolean }> = [];
  const overlay = {
    add: (_options: unknown, lines: Array<{ text: string }>) => {
      const label = { hidden: false, lines: lines.map((l) => l.text), removed: false };
      made.push(label);
      return {
        setHidden: (h: boolean) => {
          label.hidden = h;
        },
        setLines: (l: Array<{ text: string }>) => {
          label.lines = l.map((x) => x.text);
        },
        _state: label,
      };
    },
    remove: (l: { _state: { removed: boolean } }) => {
      l._state.removed = true;
    },
  };
  return { overlay: overlay as unknown as LabelOverlay, made };
}

/** The inner (activation) visual: what the weights visual forwards to it. */
function fakeInner(id: string, canOpen: boolean) {
  const calls = { labels: [] as boolean[], disposed: false, open: [] as boolean[] };
  const graph = lenetGraph();
  const inner = {
    id,
    node: graph.nodes.find((n) => n.id === id)!,
    group: new Group(),
    pickProxy: new Mesh(),
    canOpen,
    openHint: "click to open",
    place: () => {},
    update: () => {},
    setOpen: (open: boolean) => calls.open.push(open),
    setTheme: () => {},
    setHighlight: () => {},
    setLabelsShown: (shown: boolean) => calls.labels.push(shown),
    legend: () => null,
    dataRows: () => [],
    focusPoint: (out: Vector3) => out.set(0, 0, 0),
    elementAt: () => null,
    outlineRegion: () => 0,
    channelAnchor: () => null,
    footprint: () => [],
    dispose: () => {
      calls.disposed = true;
    },
  } as unknown as LayerVisual;
  return { inner, calls, graph };
}

function make(id: string, canOpen = true) {
  const { inner, calls, graph } = fakeInner(id, canOpen);
  const { overlay, made } = fakeLabels();
  const layout = layoutGraph(graph, new Set(), new Set([id])).nodes.get(id)!;
  const node = graph.nodes.find((n) => n.id === id)!;
  const visual = new WeightsVisual(inner, node.weights!, layout, { graph, palette: PALETTES.light, labels: overlay });
  return { visual, inner, calls, caption: made[0]!, layout };
}

function kernelData(shape: number[], values: number[], bias: number[]): NodeTensors {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const tensor = (s: number[], v: number[], l: number, h: number) => ({
    shape: s,
    values: new Float32Array(v),
    lo: l,
    hi: h,
    channelsTotal: s.at(-1) ?? null,
    reduce: null,
  });
  return {
    kernel: tensor(shape, values, lo, hi),
    bias: tensor([bias.length], bias, Math.min(...bias), Math.max(...bias)),
  };
}

describe("WeightsVisual", () => {
  it("switches the inner visual's labels for its own caption, and stays openable", () => {
    const { visual, calls, caption, inner } = make("conv2d");
    expect(caption.hidden).toBe(true);
    expect(caption.lines).toEqual(["conv2d", "kernel 5×5×1×6 + bias 6"]);
    visual.setWeightsShown(true);
    expect(visual.showingWeights).toBe(true);
    expect(visual.canOpen).toBe(true); // the layer still opens underneath (OpenState keeps it open)
    expect(inner.group.visible).toBe(false);
    expect(calls.labels.at(-1)).toBe(false);
    expect(caption.hidden).toBe(false);
    expect(caption.lines[1]).toContain("not sent"); // no payload yet
    expect(visual.legend()?.scope).toBe("weights not sent");
    visual.setWeightsShown(false);
    expect(calls.labels.at(-1)).toBe(true);
    expect(caption.hidden).toBe(true);
    expect(inner.group.visible).toBe(true);
  });

  it("draws what the payload sent, and finds each weight on its picture", () => {
    const { visual } = make("dense_2");
    visual.setWeightsShown(true);
    const values = Array.from({ length: 84 * 10 }, (_, i) => (i % 7) - 3);
    visual.update(
      kernelData(
        [84, 10],
        values,
        Array.from({ length: 10 }, (_, i) => i / 10),
      ),
    );
    expect(visual.legend()?.scope).toBe("this layer's weights, ±3");
    const a = visual.weightPoint("kernel", [0, 0], new Vector3())!;
    const b = visual.weightPoint("kernel", [83, 9], new Vector3())!;
    const bias = visual.weightPoint("bias", [9], new Vector3())!;
    expect(a.x).toBeLessThan(b.x); // column 9 right of column 0
    expect(a.y).toBeGreaterThan(b.y); // row 83 below row 0
    expect(bias.y).toBeLessThan(b.y); // the bias row under the kernel
    expect(visual.weightPoint("kernel", [84, 0], new Vector3())).toBeNull();
    visual.setWeightsShown(false);
    expect(visual.weightPoint("kernel", [0, 0], new Vector3())).toBeNull();
  });

  it("disposes its caption and the inner visual", () => {
    const { visual, calls, caption } = make("dense");
    visual.setWeightsShown(true);
    visual.dispose();
    expect(caption.removed).toBe(true);
    expect(calls.disposed).toBe(true);
  });
});
