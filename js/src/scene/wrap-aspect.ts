/**
 * When the layout wraps anew for the view's shape: after the view has kept a new size
 * for REWRAP_DELAY_MS (a drag-resize re-lays out once, at its end), and only when its
 * aspect moved by more than REWRAP_RATIO from the one the layout wraps for (a
 * scrollbar appearing does not reshuffle the rows).
 */

/** Milliseconds a new size must hold before the rows follow it. */
export const REWRAP_DELAY_MS = 250;
/** Smallest change of aspect (as a ratio, either way) that wraps the rows anew. */
export const REWRAP_RATIO = 1.15;

/** Whether a layout wrapped for aspect `current` should wrap anew for `next`. */
export function aspectMoved(current: number | null, next: number | null): boolean {
  if (current === null || next === null) return current !== next;
  return Math.max(current / next, next / current) > REWRAP_RATIO;
}

export class WrapAspect {
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** `apply(aspect)` wraps the layout for `aspect`; `current()` is the aspect it wraps for now. */
  constructor(
    private readonly current: () => number | null,
    private readonly apply: (aspect: number | null) => void,
    private readonly delayMs = REWRAP_DELAY_MS,
  ) {}

  /** The view is now of `aspect` (null: no size yet); the rows follow once it has held. */
  resized(aspect: number | null): void {
    this.cancel();
    if (!aspectMoved(this.current(), aspect)) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (aspectMoved(this.current(), aspect)) this.apply(aspect);
    }, this.delayMs);
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
