/**
 * A performance entry from `start` to now, for benchmarks and profilers (where
 * supported); only the latest of each name is kept, so a long session does not pile up.
 */
export function measure(name: string, start: number): void {
  if (typeof performance.measure !== "function") return;
  try {
    performance.clearMeasures(name);
    performance.measure(name, { start, end: performance.now() });
  } catch {
    // An old browser without measure options: no entry, nothing else changes.
  }
}
