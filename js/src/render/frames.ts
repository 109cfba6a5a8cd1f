/**
 * Render on demand: `request()` schedules one animation frame unless one is pending.
 * An idle view draws nothing. `draw` returns true to ask for another frame (damping,
 * tweens). Callbacks queued with `afterFrame` run once the next frame has drawn;
 * `drawNow` draws that frame at once.
 *
 * `canDraw` says whether a frame can be drawn now (the view has a size on the page): a
 * frame due while it cannot is held, with its afterFrame callbacks, and drawn by
 * `redraw()` once the view can draw again (`held` says one waits). A view that is not
 * displayed (display:none, detached, 0 px high) thus draws nothing, and "drawn" (the
 * callbacks: a view's `ready`) never means a picture nobody could see.
 */

export class FrameScheduler {
  private handle: number | null = null;
  private afterCallbacks: Array<() => void> = [];
  private disposed = false;
  /** The animation frame awaited after an immediate draw (null: none pending). */
  private drewNow: number | null = null;
  /** Frames drawn so far (for tests and benchmarks). */
  frames = 0;
  /** performance.now() when the first and the latest frame finished drawing (null: none yet). */
  firstFrameEnd: number | null = null;
  lastFrameEnd: number | null = null;
  /** How long the latest frame's draw took (ms). */
  lastDrawMs = 0;
  private heldFrame = false;

  constructor(
    private readonly draw: (now: number) => boolean,
    private readonly canDraw: () => boolean = () => true,
  ) {}

  /** Whether a frame was due while the view could not draw (it waits for `redraw()`). */
  get held(): boolean {
    return this.heldFrame;
  }

  request(): void {
    if (this.handle !== null || this.disposed) return;
    this.handle = requestAnimationFrame((now) => this.run(now));
  }

  afterFrame(callback: () => void): void {
    this.afterCallbacks.push(callback);
    this.request();
  }

  /**
   * Draws now, in this task, instead of at the next animation frame (which a busy
   * compositor can delay by tens of ms): for new data, whose picture should be ready
   * as soon as it arrives. A pending frame is taken over, so nothing draws twice.
   *
   * Only once per animation frame, though: until the browser has run an animation
   * frame since the last immediate draw (its sign that the GPU keeps up), the frame
   * waits for the next one as usual. Data arriving faster than the GPU draws then
   * queues no frames behind each other.
   */
  drawNow(): void {
    if (this.disposed) return;
    if (this.drewNow !== null) {
      this.request();
      return;
    }
    if (this.handle !== null) cancelAnimationFrame(this.handle);
    this.handle = null;
    this.drewNow = requestAnimationFrame(() => {
      this.drewNow = null;
    });
    this.run(performance.now());
  }

  /**
   * Draws now, whatever was drawn this animation frame: for a canvas that was just
   * cleared (resized) or a context just restored, whose picture must not wait.
   */
  redraw(): void {
    if (this.disposed) return;
    if (this.handle !== null) cancelAnimationFrame(this.handle);
    this.run(performance.now());
  }

  get pending(): boolean {
    return this.handle !== null;
  }

  private run(now: number): void {
    this.handle = null;
    if (this.disposed) return;
    if (!this.canDraw()) {
      this.heldFrame = true;
      return;
    }
    this.heldFrame = false;
    const start = performance.now();
    const again = this.draw(now);
    this.frames++;
    this.lastFrameEnd = performance.now();
    this.lastDrawMs = this.lastFrameEnd - start;
    this.firstFrameEnd ??= this.lastFrameEnd;
    const callbacks = this.afterCallbacks;
    this.afterCallbacks = [];
    for (const cb of callbacks) cb();
    if (again) this.request();
  }

  dispose(): void {
    this.disposed = true;
    if (this.handle !== null) cancelAnimationFrame(this.handle);
    if (this.drewNow !== null) cancelAnimationFrame(this.drewNow);
    this.handle = this.drewNow = null;
    this.afterCallbacks = [];
  }
}
