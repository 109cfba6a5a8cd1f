import { describe, expect, it } from "vitest";
import { savedPageState } from "../src/host/saved";

const b64 = (bytes: number[]): string => btoa(String.fromCharCode(...bytes));

describe("savedPageState", () => {
  it("puts each saved buffer back at its path as a DataView over exactly its bytes", () => {
    const state = savedPageState({
      state: { theme: "dark", height: 300, _open: ["a"], _boxes: { boxes: [] } },
      buffers: [
        { path: ["_payload"], data: b64([76, 83, 80, 49, 7]) },
        { path: ["_boxes", "raw"], data: b64([1, 2]) },
      ],
    });
    const payload = state._payload as DataView;
    expect(payload).toBeInstanceOf(DataView);
    expect(Array.from(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength))).toEqual([
      76, 83, 80, 49, 7,
    ]);
    expect((state._boxes as unknown as Record<string, DataView>).raw?.byteLength).toBe(2);
    expect(state.theme).toBe("dark");
    expect(state._open).toEqual(["a"]);
  });

  it("gives a saved view no frames, no kept samples and its own height", () => {
    const state = savedPageState({ state: { height: 320 } });
    expect(state._frames).toEqual([]);
    expect(state._samples).toEqual([]);
    expect(state.fill_window).toBe(false);
    expect(state.height).toBe(320);
  });

  it("skips a buffer whose path leads nowhere instead of throwing", () => {
    const state = savedPageState({ state: {}, buffers: [{ path: ["missing", "deep"], data: b64([1]) }] });
    expect(state).not.toHaveProperty("missing");
  });
});
