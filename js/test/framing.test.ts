import { describe, expect, it } from "vitest";

import {
  BADGE_MARGIN_PX,
  boundsWithBoxes,
  CAPTION_MARGIN_PX,
  GROUP_MARGIN_PX,
  screenMargins,
  SIDE_MARGIN_PX,
} from "../src/scene/framing";

describe("screenMargins", () => {
  it("keeps room for captions below and at the sides always", () => {
    for (const [badge, groups] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const m = screenMargins(badge, groups);
      expect(m.bottom).toBe(CAPTION_MARGIN_PX);
      expect(m.left).toBe(SIDE_MARGIN_PX);
      expect(m.right).toBe(SIDE_MARGIN_PX);
    }
  });

  it("keeps room above for the output's badge and nested models' captions, the larger of the two", () => {
    expect(screenMargins(false, false).top).toBe(8);
    expect(screenMargins(true, false).top).toBe(BADGE_MARGIN_PX);
    expect(screenMargins(false, true).top).toBe(GROUP_MARGIN_PX);
    expect(screenMargins(true, true).top).toBe(Math.max(BADGE_MARGIN_PX, GROUP_MARGIN_PX));
  });
});

describe("boundsWithBoxes", () => {
  const bounds = { min: { x: 0, y: -1, z: -1 }, max: { x: 10, y: 1, z: 1 } };

  it("is the layout's bounds when there are no boxes", () => {
    expect(boundsWithBoxes(bounds, [])).toBe(bounds);
  });

  it("grows to hold every box, without changing the layout's bounds", () => {
    const grown = boundsWithBoxes(bounds, [
      { min: [2, -2, -0.5], max: [4, 0.5, 0.5] },
      { min: [6, 0, -3], max: [11, 2, 0] },
    ]);
    expect(grown).toEqual({ min: { x: 0, y: -2, z: -3 }, max: { x: 11, y: 2, z: 1 } });
    expect(bounds).toEqual({ min: { x: 0, y: -1, z: -1 }, max: { x: 10, y: 1, z: 1 } });
  });
});
