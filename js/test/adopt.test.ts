import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { adoptOrMount, modelKey, PARK_MS, type Mounted, type Registry } from "../src/host/adopt";

/** A host element: only identity matters here. */
function hostEl(name: string): HTMLElement {
  return { name } as unknown as HTMLElement;
}

/** A view whose page attachment the test controls, recording what was done to it. */
function fakeView(): Mounted & { root: { isConnected: boolean }; moves: HTMLElement[]; disposed: number } {
  const view = {
    root: { isConnected: true } as unknown as HTMLElement & { isConnected: boolean },
    moves: [] as HTMLElement[],
    disposed: 0,
    moveTo(el: HTMLElement) {
      view.moves.push(el);
      view.root.isConnected = true;
    },
    park() {
      view.root.isConnected = false;
    },
    dispose() {
      view.disposed += 1;
      view.root.isConnected = false;
    },
  };
  return view;
}

describe("adoptOrMount (a host's re-render takes over the view it replaces)", () => {
  let registry: Registry;
  let built: ReturnType<typeof fakeView>[];
  const mount = () => {
    const view = fakeView();
    built.push(view);
    return view;
  };

  beforeEach(() => {
    vi.useFakeTimers();
    registry = new Map();
    built = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("takes over a view the host dropped from the page without cleaning it up (JupyterLab)", () => {
    adoptOrMount("a", hostEl("first"), mount, registry);
    built[0].root.isConnected = false; // the output renderer emptied its node
    const second = hostEl("second");
    adoptOrMount("a", second, mount, registry);
    expect(built).toHaveLength(1);
    expect(built[0].moves).toEqual([second]);
    expect(built[0].disposed).toBe(0);
  });

  it("never takes a view that is still on the page: a model shown twice has two views", () => {
    adoptOrMount("a", hostEl("first"), mount, registry);
    adoptOrMount("a", hostEl("second"), mount, registry);
    expect(built).toHaveLength(2);
    expect(built[0].moves).toEqual([]);
  });

  it("takes over a view cleaned up moments before, and disposes one nobody takes", () => {
    const cleanup = adoptOrMount("a", hostEl("first"), mount, registry);
    cleanup();
    expect(built[0].root.isConnected).toBe(false); // parked off the page: draws nothing
    vi.advanceTimersByTime(PARK_MS / 2);
    const again = adoptOrMount("a", hostEl("second"), mount, registry);
    vi.advanceTimersByTime(PARK_MS * 2);
    expect(built).toHaveLength(1);
    expect(built[0].disposed).toBe(0);

    again();
    vi.advanceTimersByTime(PARK_MS - 1);
    expect(built[0].disposed).toBe(0);
    vi.advanceTimersByTime(1);
    expect(built[0].disposed).toBe(1);
    expect(registry.size).toBe(0);
    adoptOrMount("a", hostEl("third"), mount, registry);
    expect(built).toHaveLength(2); // a disposed view is never taken
  });

  it("ignores the cleanup of a render whose view was taken over since", () => {
    const stale = adoptOrMount("a", hostEl("first"), mount, registry);
    built[0].root.isConnected = false;
    const current = adoptOrMount("a", hostEl("second"), mount, registry);
    stale(); // the dropped renderer disposed later, with its output
    vi.advanceTimersByTime(PARK_MS * 2);
    expect(built[0].disposed).toBe(0);
    expect(built[0].root.isConnected).toBe(true);
    current();
    current(); // idempotent
    vi.advanceTimersByTime(PARK_MS);
    expect(built[0].disposed).toBe(1);
  });

  it("keeps models apart, and always builds for a model without a key", () => {
    adoptOrMount("a", hostEl("first"), mount, registry);
    built[0].root.isConnected = false;
    adoptOrMount("b", hostEl("second"), mount, registry);
    expect(built).toHaveLength(2);
    const cleanup = adoptOrMount(null, hostEl("third"), mount, registry);
    expect(built).toHaveLength(3);
    cleanup();
    expect(built[2].disposed).toBe(1); // no key, no waiting
  });

  it("reads the key from `_uid`", () => {
    expect(modelKey("3f2a")).toBe("3f2a");
    expect(modelKey("")).toBeNull();
    expect(modelKey(undefined)).toBeNull();
    expect(modelKey(7)).toBeNull();
  });
});
