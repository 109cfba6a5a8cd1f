import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { whenSized } from "../src/host/visibility";

/** An element whose layout size the test sets. */
function box(width: number, height: number): HTMLElement {
  return { clientWidth: width, clientHeight: height } as HTMLElement;
}

describe("whenSized (build once the view is laid out)", () => {
  let observers: Array<{ fire: () => void; observed: unknown[]; disconnected: boolean }>;

  beforeEach(() => {
    observers = [];
    class FakeResizeObserver {
      observed: unknown[] = [];
      disconnected = false;
      constructor(private readonly callback: () => void) {
        observers.push(this);
      }
      fire(): void {
        if (!this.disconnected) this.callback();
      }
      observe(el: unknown): void {
        this.observed.push(el);
      }
      disconnect(): void {
        this.disconnected = true;
      }
    }
    vi.stubGlobal("ResizeObserver", FakeResizeObserver);
  });
  afterEach(() => vi.unstubAllGlobals());

  it("calls back at once for an element that has a size, observing nothing", () => {
    const onSized = vi.fn();
    whenSized(box(640, 360), onSized);
    expect(onSized).toHaveBeenCalledWith(false);
    expect(observers).toHaveLength(0);
  });

  it("waits while the element has no width or no height, then calls back once, late", () => {
    const el = box(0, 360);
    const onSized = vi.fn();
    whenSized(el, onSized);
    expect(onSized).not.toHaveBeenCalled();
    expect(observers[0]?.observed).toEqual([el]);
    observers[0]?.fire(); // still 0 wide
    Object.assign(el, { clientWidth: 640, clientHeight: 0 });
    observers[0]?.fire(); // display:none, or a 0 px high output
    expect(onSized).not.toHaveBeenCalled();
    Object.assign(el, { clientHeight: 360 });
    observers[0]?.fire();
    expect(onSized).toHaveBeenCalledTimes(1);
    expect(onSized).toHaveBeenCalledWith(true);
    expect(observers[0]?.disconnected).toBe(true);
  });

  it("cancels: the observer is disconnected and nothing is called", () => {
    const el = box(0, 0);
    const onSized = vi.fn();
    const cancel = whenSized(el, onSized);
    cancel();
    Object.assign(el, { clientWidth: 640, clientHeight: 360 });
    observers[0]?.fire();
    expect(onSized).not.toHaveBeenCalled();
    expect(observers[0]?.disconnected).toBe(true);
    cancel(); // twice is fine
  });
});
