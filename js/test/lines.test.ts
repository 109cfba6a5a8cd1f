import { Scene } from "three";
import { describe, expect, it } from "vitest";

import { LineBuffer } from "../src/render/lines";

describe("LineBuffer", () => {
  it("rewrites one LineSegments in place, grows by doubling and frees its buffer on clear", () => {
    const lines = new LineBuffer("test", { color: 0xffffff, opacity: 1 });
    const scene = new Scene();
    scene.add(lines.object);
    expect(lines.object.visible).toBe(false);
    const line = (n: number) => (out: Float32Array) => {
      for (let i = 0; i < n * 6; i++) out[i] = i;
    };
    lines.setSegments(2, line(2));
    const first = lines.object.geometry;
    expect(first.getAttribute("position").count).toBe(4);
    lines.setSegments(1, line(1));
    expect(lines.object.geometry).toBe(first); // fits: the same buffer
    expect(first.drawRange.count).toBe(2);
    let disposed = 0;
    first.addEventListener("dispose", () => disposed++);
    lines.setSegments(3, line(3));
    expect(disposed).toBe(1); // the old GL buffer goes with its geometry
    expect(lines.object.geometry.getAttribute("position").count).toBe(8); // doubled: 4 segments
    // one-colour lines carry white vertex colours (one program for every line)
    expect(Array.from(lines.object.geometry.getAttribute("color").array).every((c) => c === 1)).toBe(true);
    expect(lines.object.visible).toBe(true);
    lines.clear();
    expect(lines.object.visible).toBe(false); // empty: not drawn, no program linked for it
    expect(lines.segments).toBe(0);
    expect(lines.object.geometry.getAttribute("position")).toBeUndefined();
    lines.dispose();
    expect(lines.object.parent).toBeNull();
  });
});
