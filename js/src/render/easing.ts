/** Easing for the scene's animations (layers opening, the camera flying). */

/** Cubic ease-in-out: slow start, slow landing; 0 → 0, 0.5 → 0.5, 1 → 1. */
export function easeInOut(t: number): number {
  return t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2;
}
