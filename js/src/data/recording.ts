/**
 * The training frames a view holds for its scrubber: LSP1 payloads in the order they
 * were drawn, under a byte budget. Over budget, the interior is thinned (every other
 * frame between the first and the last dropped) so a long run keeps its start, its end
 * and an even spread in between — the rule Python's recording.py applies too.
 */

import type { TrainingStep } from "../spec";

export interface Frame {
  /** The payload's bytes, as they arrived. */
  data: DataView;
  /** The training step it shows (from the payload's header). */
  step: TrainingStep;
  /** The payload's sequence number. */
  seq: number;
}

/** Frames a live view keeps by default: 64 MB. */
export const FRAME_BUDGET_BYTES = 64_000_000;

/** Every other interior frame dropped; the first and the last always kept. */
export function thinFrames<T>(frames: readonly T[]): T[] {
  if (frames.length <= 2) return [...frames];
  const kept = [frames[0] as T];
  for (let i = 2; i < frames.length - 1; i += 2) kept.push(frames[i] as T);
  kept.push(frames[frames.length - 1] as T);
  return kept;
}

export class FrameStore {
  private list: Frame[] = [];
  private bytes = 0;

  constructor(private readonly budget = FRAME_BUDGET_BYTES) {}

  get length(): number {
    return this.list.length;
  }

  get byteLength(): number {
    return this.bytes;
  }

  at(index: number): Frame | undefined {
    return this.list[index];
  }

  /**
   * Where the frame of sequence number `seq` is now, or else the kept frame nearest to
   * it (the later one on a tie); -1 when the store is empty. Thinning moves frames to
   * lower indices, so a viewer holds on to a frame by its seq, not by its index.
   */
  nearest(seq: number): number {
    let best = -1;
    let gap = Infinity;
    this.list.forEach((frame, i) => {
      const d = Math.abs(frame.seq - seq);
      if (d <= gap) {
        best = i;
        gap = d;
      }
    });
    return best;
  }

  /** Keeps one more frame (thinning the older ones while over budget); returns its index. */
  add(frame: Frame): number {
    const last = this.list[this.list.length - 1];
    // The same prediction again (re-sent with a layer's channels or weights, or a saved
    // page's fuller payload of its last frame): it replaces the frame, it is not a new one.
    if (last && last.seq === frame.seq) {
      this.bytes += frame.data.byteLength - last.data.byteLength;
      this.list[this.list.length - 1] = frame;
      return this.list.length - 1;
    }
    this.list.push(frame);
    this.bytes += frame.data.byteLength;
    while (this.list.length > 2 && this.bytes > this.budget) {
      this.list = thinFrames(this.list);
      this.bytes = this.list.reduce((sum, f) => sum + f.data.byteLength, 0);
    }
    return this.list.length - 1;
  }

  clear(): void {
    this.list = [];
    this.bytes = 0;
  }
}
