// Each view's loader (host/loader.ts): one import per page and build key, whatever the
// number of views or kernels; a failed import is retried; a view without a runtime
// reference or widget manager says what it expected.
import { beforeEach, describe, expect, it } from "vitest";

import { frontEnd, type HostModel, type RuntimeModel } from "../src/host/loader";
import type { WidgetModule } from "../src/host/model";
import { frontEnds } from "../src/host/page-globals";

const widget: WidgetModule = { initialize: () => {}, render: () => () => {} };

/** A page's widget manager holding runtimes by id, and views that refer to them. */
function page(runtimes: Record<string, { _key: unknown; _bundle: unknown }>) {
  const manager = {
    get_model: async (id: string): Promise<RuntimeModel> => {
      const state = runtimes[id];
      if (!state) throw new Error(`widget model not found: ${id}`);
      return { get: (name) => state[name] };
    },
  };
  const view = (ref: unknown, withManager = true): HostModel =>
    ({
      get: (name: string) => (name === "_runtime" ? ref : undefined),
      widget_manager: withManager ? manager : undefined,
    }) as unknown as HostModel;
  return { view };
}

describe("the loader of the page's one front end", () => {
  let imported: string[];
  const load = async (source: string): Promise<WidgetModule> => {
    imported.push(source);
    return widget;
  };

  beforeEach(() => {
    imported = [];
    frontEnds().clear();
  });

  it("imports a build once for every view of every kernel that has it", async () => {
    const { view } = page({
      a: { _key: "0.1.0+aaaa", _bundle: "source A" },
      b: { _key: "0.1.0+aaaa", _bundle: "source A" }, // another kernel, the same build
    });
    const got = await Promise.all([
      frontEnd(view("IPY_MODEL_a"), load),
      frontEnd(view("IPY_MODEL_a"), load),
      frontEnd(view("IPY_MODEL_b"), load),
    ]);
    expect(got).toEqual([widget, widget, widget]);
    expect(imported).toEqual(["source A"]);
  });

  it("imports another build (another key) anew", async () => {
    const { view } = page({
      a: { _key: "0.1.0+aaaa", _bundle: "source A" },
      c: { _key: "0.1.0+cccc", _bundle: "source C" },
    });
    await frontEnd(view("IPY_MODEL_a"), load);
    await frontEnd(view("IPY_MODEL_c"), load);
    expect(imported).toEqual(["source A", "source C"]);
  });

  it("tries again after a failed import", async () => {
    const { view } = page({ a: { _key: "k", _bundle: "source A" } });
    const failing = async (): Promise<WidgetModule> => {
      throw new SyntaxError("bad bundle");
    };
    await expect(frontEnd(view("IPY_MODEL_a"), failing)).rejects.toThrow("bad bundle");
    await expect(frontEnd(view("IPY_MODEL_a"), load)).resolves.toBe(widget);
    expect(imported).toEqual(["source A"]);
  });

  it("says what it expected of the view and of the runtime", async () => {
    const { view } = page({ empty: { _key: "k", _bundle: "" } });
    await expect(frontEnd(view(null), load)).rejects.toThrow(
      'the view\'s _runtime should be a widget reference "IPY_MODEL_<id>", got null',
    );
    await expect(frontEnd(view("IPY_MODEL_a", false), load)).rejects.toThrow("no widget_manager");
    await expect(frontEnd(view("IPY_MODEL_missing"), load)).rejects.toThrow("widget model not found");
    await expect(frontEnd(view("IPY_MODEL_empty"), load)).rejects.toThrow("_key and _bundle should be strings");
    expect(imported).toEqual([]);
  });
});
