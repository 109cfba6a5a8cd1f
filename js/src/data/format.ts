/** Short text for numbers, shapes and config values (tooltips, labels). */

export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** [28, 28, 6] → "28×28×6"; unknown dims as "?". */
export function formatShape(shape: ReadonlyArray<number | null>): string {
  if (shape.length === 0) return "scalar";
  return shape.map((d) => (d === null ? "?" : String(d))).join("×");
}

export function formatConfigValue(value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "number")) return value.join("×");
    return value.map(formatConfigValue).join(", ");
  }
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
  } catch {
    return String(value);
  }
}

export function formatPercent(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

/** A logged loss or metric: three decimals in the usual range, else as formatNumber. */
export function formatMetric(v: number): string {
  const a = Math.abs(v);
  if (Number.isFinite(v) && (a === 0 || (a >= 1e-3 && a < 1e4))) return v.toFixed(3);
  return formatNumber(v);
}
