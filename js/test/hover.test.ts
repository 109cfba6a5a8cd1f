import { PerspectiveCamera, Scene } from "three";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PALETTES } from "../src/render/palette";
import { Hover } from "../src/scene/hover";
import type { LayerVisual } from "../src/visuals/types";

/** Just enough of a DOM element for the tooltip (node has no document). */
function fakeElement() {
  return {
    className: "",
    textContent: "",
    style: {} as Record<string, string>,
    setAttribute() {},
    append() {},
    replaceChildren() {},
    remove() {},
  };
}

/** A canvas that counts its live listeners. */
class FakeCanvas extends EventTarget {
  readonly style: Record<string, string> = {};
  live = 0;
  getBoundingClientRect() {
    return { left: 0, top: 0, width: 800, height: 400 };
  }
  override addEventListener(type: string, fn: EventListenerOrEventListenerObject | null): void {
    this.live++;
    super.addEventListener(type, fn);
  }
  override removeEventListener(type: string, fn: EventListenerOrEventListenerObject | null): void {
    this.live--;
    super.removeEventListener(type, fn);
  }
}

function pointer(type: string, x: number, y: number, buttons = 0): Event {
  return Object.assign(new Event(type), { clientX: x, clientY: y, buttons, button: 0 });
}

describe("Hover", () => {
  const globals = globalThis as unknown as Record<string, unknown>;
  const saved = { document: globals.document, raf: globals.requestAnimationFrame, caf: globals.cancelAnimationFrame };
  const frames = new Map<number, () => void>();
  let next = 1;

  beforeAll(() => {
    globals.document = { createElement: fakeElement };
    globals.requestAnimationFrame = (fn: () => void) => {
      frames.set(next, fn);
      return next++;
    };
    globals.cancelAnimationFrame = (handle: number) => frames.delete(handle);
  });

  afterAll(() => {
    globals.document = saved.document;
    globals.requestAnimationFrame = saved.raf;
    globals.cancelAnimationFrame = saved.caf;
  });

  function setup() {
    const canvas = new FakeCanvas();
    const container = {
      append() {},
      getBoundingClientRect: () => ({ left: 0, top: 0 }),
      clientWidth: 800,
      clientHeight: 400,
    };
    const hover = new Hover(
      {
        container: container as unknown as HTMLElement,
        canvas: canvas as unknown as HTMLCanvasElement,
        scene: new Scene(),
        camera: new PerspectiveCamera(),
        palette: PALETTES.light,
        visuals: new Map<string, LayerVisual>(),
      },
      { graph: () => null, isOpen: () => false, onClick: () => {}, requestRender: () => {} },
    );
    return { canvas, hover };
  }

  it("listens to the canvas only while connected", () => {
    const { canvas, hover } = setup();
    expect(canvas.live).toBe(0);
    hover.connect();
    hover.connect(); // twice adds nothing
    expect(canvas.live).toBe(4);
    hover.disconnect();
    hover.disconnect();
    expect(canvas.live).toBe(0);
  });

  it("picks once per animation frame, however many moves come in it", () => {
    const { canvas, hover } = setup();
    hover.connect();
    frames.clear();
    canvas.dispatchEvent(pointer("pointermove", 10, 10));
    canvas.dispatchEvent(pointer("pointermove", 20, 10));
    canvas.dispatchEvent(pointer("pointermove", 30, 10));
    expect(frames.size).toBe(1);
    const [run] = frames.values();
    frames.clear();
    run();
    expect(hover.pickCount).toBe(1);
    hover.dispose();
  });

  it("cancels the pending pick frame on disconnect and dispose", () => {
    const { canvas, hover } = setup();
    hover.connect();
    frames.clear();
    canvas.dispatchEvent(pointer("pointermove", 10, 10));
    expect(frames.size).toBe(1);
    hover.disconnect();
    expect(frames.size).toBe(0);
    hover.connect();
    canvas.dispatchEvent(pointer("pointermove", 10, 10));
    hover.dispose();
    expect(frames.size).toBe(0);
    expect(canvas.live).toBe(0);
  });

  it("drops a pending pick while a button is down (the user drags the camera)", () => {
    const { canvas, hover } = setup();
    hover.connect();
    frames.clear();
    canvas.dispatchEvent(pointer("pointermove", 10, 10));
    canvas.dispatchEvent(pointer("pointermove", 15, 10, 1));
    expect(frames.size).toBe(0);
    hover.dispose();
  });
});
