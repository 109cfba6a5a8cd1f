import { describe, expect, it } from "vitest";

import { formatConfigValue, formatCount, formatNumber, formatPercent, formatShape } from "../src/data/format";
import { displayRange } from "../src/visuals/image";

describe("format", () => {
  it("formats numbers compactly, special values by name", () => {
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(1.23456)).toBe("1.235");
    expect(formatNumber(-0.5)).toBe("-0.5");
    expect(formatNumber(123456)).toBe("1.23e+5");
    expect(formatNumber(0.0000123)).toBe("1.23e-5");
    expect(formatNumber(NaN)).toBe("NaN");
    expect(formatNumber(Infinity)).toBe("+Inf");
    expect(formatNumber(-Infinity)).toBe("-Inf");
  });

  it("formats counts, shapes, percentages and config values", () => {
    expect(formatCount(61706)).toBe("61,706");
    expect(formatShape([28, 28, 6])).toBe("28×28×6");
    expect(formatShape([null, 32])).toBe("?×32");
    expect(formatShape([])).toBe("scalar");
    expect(formatPercent(0.98234)).toBe("98.2%");
    expect(formatConfigValue([5, 5])).toBe("5×5");
    expect(
      formatConfigValue([
        [2, 2],
        [2, 2],
      ]),
    ).toBe("2×2, 2×2");
    expect(formatConfigValue("relu")).toBe("relu");
    expect(formatConfigValue(null)).toBe("none");
    expect(formatConfigValue(true)).toBe("true");
    expect(formatConfigValue({ a: "x".repeat(100) }).length).toBeLessThanOrEqual(60);
  });
});

describe("image display range", () => {
  it("keeps pixel values on their natural range", () => {
    expect(displayRange(0, 0.98)).toEqual([0, 1]);
    expect(displayRange(0, 200)).toEqual([0, 255]);
    expect(displayRange(-1, 1)).toEqual([-1, 1]);
    expect(displayRange(-3, -3)).toEqual([-3, -2]);
  });
});
