import { OrthographicCamera, type Vector3 } from "three";
import { beforeAll, describe, expect, it } from "vitest";

import { type Label, LabelOverlay, type LabelOptions, type LabelPlacement } from "../src/render/labels";
import { type FakeElement, installFakeDom } from "./support/fake-dom";

// World (x, y) lands on overlay pixel (x + 200, 100 - y) in a 400 x 200 view.
const W = 400;
const H = 200;
const camera = new OrthographicCamera(-W / 2, W / 2, H / 2, -H / 2, 0.1, 100);
camera.position.set(0, 0, 10);
camera.updateMatrixWorld();

let container: FakeElement;
beforeAll(() => {
  container = installFakeDom();
});

const at =
  (x: number, y: number) =>
  (out: Vector3): Vector3 =>
    out.set(x, y, 0);

function caption(
  overlay: LabelOverlay,
  owner: string,
  x: number,
  text: string,
  extra: Partial<LabelOptions> = {},
): Label {
  const below = at(x, 0);
  const above = at(x, 20);
  const fallbacks: LabelPlacement[] = [
    { align: "above", anchor: above },
    { align: "below", anchor: below, short: true },
    { align: "above", anchor: above, short: true },
  ];
  return overlay.add(
    {
      className: "ls-caption",
      align: "below",
      priority: 1,
      anchor: below,
      fallbacks,
      owner,
      clearOfLayers: true,
      ...extra,
    },
    [{ text, short: text.split(" · ")[0] }, { text: "7×7×2048" }],
  );
}

/** Where a label was put (its top left, overlay pixels), or null when hidden. */
function placed(label: Label): { x: number; y: number } | null {
  if (!label.shown) return null;
  const m = /translate\((-?\d+)px, (-?\d+)px\)/.exec(label.transform);
  return m ? { x: Number(m[1]), y: Number(m[2]) } : null;
}

function overlay(): LabelOverlay {
  return new LabelOverlay(container as unknown as HTMLElement);
}

describe("LabelOverlay obstacles", () => {
  it("puts a caption above its layer when another layer's box lies under it", () => {
    const labels = overlay();
    const a = caption(labels, "a", 0, "conv2_block1");
    // Layer b's box on screen right under a's anchor (pixel 200, 100).
    labels.update(camera, W, H, { layers: [{ owner: "b", x0: 180, y0: 104, x1: 260, y1: 140 }], panels: [] });
    const p = placed(a);
    expect(p).not.toBeNull();
    expect(p!.y).toBeLessThan(80); // above the anchor at y = 80 (world y 20)
  });

  it("lets a caption lie over its own box", () => {
    const labels = overlay();
    const a = caption(labels, "a", 0, "conv2_block1");
    labels.update(camera, W, H, { layers: [{ owner: "a", x0: 150, y0: 60, x1: 250, y1: 140 }], panels: [] });
    expect(placed(a)).toEqual({ x: 200 - 42, y: 106 }); // below, centred: 12 chars x 7 px
  });

  it("keeps labels that do not ask for it free to cover layers", () => {
    const labels = overlay();
    const badge = labels.add({ className: "ls-badge", align: "center", priority: 1, anchor: at(0, 0), owner: "a" }, [
      { text: "x2" },
    ]);
    labels.update(camera, W, H, { layers: [{ owner: "b", x0: 0, y0: 0, x1: W, y1: H }], panels: [] });
    expect(placed(badge)).not.toBeNull();
  });

  it("hides what only fits under a panel, and a block's caption may cover its members", () => {
    const labels = overlay();
    const a = caption(labels, "a", 0, "conv2_block1");
    labels.update(camera, W, H, { layers: [], panels: [{ x0: 0, y0: 0, x1: W, y1: H }] });
    expect(placed(a)).toBeNull();
    const group = labels.add(
      {
        className: "ls-group-caption",
        align: "above",
        priority: 1.5,
        anchor: at(0, 0),
        clearOfLayers: true,
        mayCover: new Set(["inner"]),
      },
      [{ text: "encoder" }],
    );
    labels.update(camera, W, H, { layers: [{ owner: "inner", x0: 150, y0: 0, x1: 250, y1: 99 }], panels: [] });
    expect(placed(group)).not.toBeNull();
  });
});

describe("LabelOverlay forms", () => {
  it("shows every caption in some form before any in its full form pushes one out", () => {
    const labels = overlay();
    // Three layers 40 px apart: a full caption (24 chars, 168 px) covers both neighbours'
    // places; the short names (12 chars x 5 px) fit when they alternate below and above.
    // Placed greedily, the first two full captions would leave the third no place.
    const a = caption(labels, "a", -40, "conv5_block1 · 12 layers", { importance: 2 });
    const b = caption(labels, "b", 0, "conv5_block2 · 10 layers", { importance: 1 });
    const c = caption(labels, "c", 40, "conv5_block3 · 10 layers");
    labels.update(camera, W, H);
    expect(labels.visibleCount).toBe(3);
    for (const l of [a, b, c]) expect(placed(l)).not.toBeNull();
    expect(a.el.classList.contains("ls-short")).toBe(true);
    expect((a.el as unknown as FakeElement).offsetWidth).toBe(12 * 5);
    // The tail is still in the text (hover, find and tests read it), only hidden.
    expect(a.el.textContent).toContain("conv5_block1 · 12 layers");
  });

  it("keeps the full form where there is room", () => {
    const labels = overlay();
    const a = caption(labels, "a", -150, "conv5_block1 · 12 layers");
    const b = caption(labels, "b", 150, "conv5_block2 · 10 layers");
    labels.update(camera, W, H);
    expect(a.el.classList.contains("ls-short")).toBe(false);
    expect(b.el.classList.contains("ls-short")).toBe(false);
    expect(placed(a)!.y).toBe(106);
  });

  it("leaves room between two labels side by side", () => {
    const labels = overlay();
    const one = (x: number, text: string) =>
      labels.add({ className: "ls-unit", align: "center", priority: 1, anchor: at(x, 0) }, [{ text }]);
    // 10 chars x 7 px = 70 px: 71 px apart leaves 1 px between them, 80 px leaves 10.
    const a = one(0, "abcdefghij");
    const b = one(71, "klmnopqrst");
    const c = one(-80, "uvwxyzabcd");
    labels.update(camera, W, H);
    expect(placed(a)).not.toBeNull();
    expect(placed(b)).toBeNull();
    expect(placed(c)).not.toBeNull();
  });
});
