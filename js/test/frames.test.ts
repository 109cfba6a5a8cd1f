import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { FrameScheduler } from "../src/render/frames";

describe("FrameScheduler (render on demand)", () => {
  let queue: Array<(t: number) => void>;

  beforeEach(() => {
    queue = [];
    vi.stubGlobal("requestAnimationFrame", (cb: (t: number) => void) => queue.push(cb));
    vi.stubGlobal("cancelAnimationFrame", (id: number) => {
      queue[id - 1] = () => {};
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  const flush = (now = 0): void => {
    const pending = queue;
    queue = [];
    pending.forEach((cb) => cb(now));
  };

  it("draws nothing until asked, then one frame however many requests", () => {
    const draw = vi.fn(() => false);
    const s = new FrameScheduler(draw);
    flush();
    expect(draw).not.toHaveBeenCalled();
    s.request();
    s.request();
    s.request();
    expect(queue).toHaveLength(1);
    flush();
    expect(draw).toHaveBeenCalledTimes(1);
    expect(s.frames).toBe(1);
    flush();
    expect(draw).toHaveBeenCalledTimes(1);
  });

  it("keeps drawing while draw asks for more (animations), then stops", () => {
    let left = 3;
    const s = new FrameScheduler(() => --left > 0);
    s.request();
    for (let i = 0; i < 10; i++) flush(i * 16);
    expect(s.frames).toBe(3);
    expect(queue).toHaveLength(0);
  });

  it("runs afterFrame callbacks once the frame has drawn", () => {
    const order: string[] = [];
    const s = new FrameScheduler(() => {
      order.push("draw");
      return false;
    });
    s.afterFrame(() => order.push("after"));
    expect(order).toEqual([]);
    flush();
    expect(order).toEqual(["draw", "after"]);
    flush();
    expect(order).toEqual(["draw", "after"]);
  });

  it("drawNow draws the pending frame at once, with its callbacks, and only once", () => {
    const order: string[] = [];
    const s = new FrameScheduler(() => {
      order.push("draw");
      return false;
    });
    s.afterFrame(() => order.push("after"));
    expect(queue).toHaveLength(1);
    s.drawNow();
    expect(order).toEqual(["draw", "after"]);
    expect(s.frames).toBe(1);
    expect(s.pending).toBe(false);
    expect(s.lastFrameEnd).not.toBeNull();
    expect(s.firstFrameEnd).toBe(s.lastFrameEnd);
    flush(); // the cancelled animation frame draws nothing
    expect(order).toEqual(["draw", "after"]);
    s.dispose();
    s.drawNow();
    expect(s.frames).toBe(1);
  });

  it("drawNow keeps an animation going on animation frames", () => {
    let left = 3;
    const s = new FrameScheduler(() => --left > 0);
    s.drawNow();
    expect(s.frames).toBe(1);
    expect(s.pending).toBe(true);
    flush(16);
    flush(32);
    expect(s.frames).toBe(3);
    expect(queue).toHaveLength(0);
  });

  it("drawNow draws at once only once per animation frame (back-pressure)", () => {
    const s = new FrameScheduler(() => false);
    s.drawNow();
    s.drawNow();
    s.drawNow();
    expect(s.frames).toBe(1); // the others wait for the browser's next frame
    expect(s.pending).toBe(true);
    flush(16);
    expect(s.frames).toBe(2); // ... and draw once, together
    s.drawNow(); // an animation frame has run since: at once again
    expect(s.frames).toBe(3);
    flush(32);
    expect(s.frames).toBe(3);
    expect(queue).toHaveLength(0);
  });

  it("redraw draws at once even right after drawNow (a cleared canvas cannot wait)", () => {
    const s = new FrameScheduler(() => false);
    s.drawNow();
    s.request();
    s.redraw();
    expect(s.frames).toBe(2);
    expect(s.pending).toBe(false); // the frame it took over draws nothing more
    flush(16);
    expect(s.frames).toBe(2);
    s.dispose();
    s.redraw();
    expect(s.frames).toBe(2);
  });

  it("cancels the pending frame on dispose", () => {
    const draw = vi.fn(() => false);
    const s = new FrameScheduler(draw);
    s.request();
    s.dispose();
    flush();
    expect(draw).not.toHaveBeenCalled();
    s.request();
    expect(queue).toHaveLength(0);
  });

  it("holds a frame (and what waits for it) while the view cannot draw, until redraw", () => {
    let sized = false;
    const draw = vi.fn(() => false);
    const s = new FrameScheduler(draw, () => sized);
    const after = vi.fn();
    s.afterFrame(after);
    flush();
    s.drawNow();
    expect(draw).not.toHaveBeenCalled();
    expect(after).not.toHaveBeenCalled();
    expect(s.frames).toBe(0);
    expect(s.held).toBe(true);
    expect(s.pending).toBe(false); // nothing spins while hidden
    flush();
    expect(queue).toHaveLength(0);
    sized = true;
    s.redraw();
    expect(draw).toHaveBeenCalledTimes(1);
    expect(after).toHaveBeenCalledTimes(1);
    expect(s.held).toBe(false);
    expect(s.frames).toBe(1);
  });
});
