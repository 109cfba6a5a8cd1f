/**
 * Text in the view as a DOM overlay: crisp at any zoom, coloured by CSS, and set with
 * textContent only (model text is never parsed as HTML). Each label follows a point
 * in the scene. A label that would collide with a higher-priority one (or one placed
 * before it) tries its fallback places in order, and is hidden only when none is free.
 */

import { Vector3, type Camera } from "three";

export type LabelAlign = "below" | "right" | "above";

export interface LabelLine {
  text: string;
  className?: string;
}

/** One place a label may go. */
export interface LabelPlacement {
  align: LabelAlign;
  /** World position the label hangs from (written into `out`). */
  anchor: (out: Vector3) => Vector3;
  /** Extra pixels down (negative: up). */
  dy?: number;
  /** Drawn one font step smaller (the `ls-compact` class). */
  compact?: boolean;
}

export interface LabelOptions {
  className: string;
  align: LabelAlign;
  /** Higher wins when labels collide. */
  priority: number;
  /** World position the label hangs from (written into `out`). */
  anchor: (out: Vector3) => Vector3;
  /** Where to try next, in order, when the first place collides with another label. */
  fallbacks?: LabelPlacement[];
  /** Slide the label back inside the view rather than letting it be cut at an edge. */
  keepInside?: boolean;
}

/** Labels may touch by this many pixels before one of them is hidden. */
const COLLISION_SLACK = 2;

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export const COMPACT_CLASS = "ls-compact";

export class Label {
  readonly el: HTMLDivElement;
  private lines: LabelLine[] = [];
  width = 0;
  height = 0;
  private measured = false;
  /** Size with the compact class, measured when first needed. */
  private compactSize: { width: number; height: number } | null = null;
  private compact = false;
  hidden = false;

  constructor(readonly options: LabelOptions) {
    this.el = document.createElement("div");
    this.el.className = `ls-label ${options.className}`;
  }

  setLines(lines: LabelLine[]): void {
    const same =
      lines.length === this.lines.length &&
      lines.every((l, i) => l.text === this.lines[i].text && l.className === this.lines[i].className);
    if (same) return;
    this.lines = lines.map((l) => ({ ...l }));
    this.el.replaceChildren(
      ...lines.map((line) => {
        const div = document.createElement("div");
        if (line.className) div.className = line.className;
        div.textContent = line.text;
        return div;
      }),
    );
    this.measured = false;
    this.compactSize = null;
  }

  setHidden(hidden: boolean): void {
    this.hidden = hidden;
  }

  /** Draws the label at its normal size or one step smaller. */
  setCompact(compact: boolean): void {
    if (compact === this.compact) return;
    this.compact = compact;
    this.el.classList.toggle(COMPACT_CLASS, compact);
  }

  measure(): void {
    if (this.measured) return;
    const compact = this.compact;
    this.setCompact(false);
    this.width = this.el.offsetWidth;
    this.height = this.el.offsetHeight;
    this.measured = this.width > 0 || this.height > 0;
    this.setCompact(compact);
  }

  /** Width and height in pixels, normal or compact. */
  sizeFor(compact: boolean): { width: number; height: number } {
    if (!compact) return { width: this.width, height: this.height };
    if (!this.compactSize) {
      const was = this.compact;
      this.setCompact(true);
      const width = this.el.offsetWidth;
      const height = this.el.offsetHeight;
      this.setCompact(was);
      if (width === 0 && height === 0) return { width: this.width, height: this.height };
      this.compactSize = { width, height };
    }
    return this.compactSize;
  }
}

export class LabelOverlay {
  readonly el: HTMLDivElement;
  private labels = new Set<Label>();
  private readonly tmp = new Vector3();

  constructor(container: HTMLElement) {
    this.el = document.createElement("div");
    this.el.className = "ls-labels";
    container.appendChild(this.el);
  }

  add(options: LabelOptions, lines: LabelLine[]): Label {
    const label = new Label(options);
    label.setLines(lines);
    this.labels.add(label);
    this.el.appendChild(label.el);
    return label;
  }

  remove(label: Label): void {
    if (this.labels.delete(label)) label.el.remove();
  }

  /** Positions every label for the camera and a viewport of width x height CSS pixels. */
  update(camera: Camera, width: number, height: number): void {
    const sorted = [...this.labels].sort((a, b) => b.options.priority - a.options.priority);
    const kept: Rect[] = [];
    for (const label of sorted) {
      let rect: Rect | null = null;
      if (!label.hidden && width > 0) {
        label.el.style.display = "";
        label.measure();
        const { anchor, align, fallbacks = [] } = label.options;
        for (const placement of [{ anchor, align }, ...fallbacks] as LabelPlacement[]) {
          rect = this.place(label, placement, camera, width, height, kept);
          if (rect) {
            label.setCompact(placement.compact ?? false);
            break;
          }
        }
      }
      if (!rect) {
        label.el.style.display = "none";
        continue;
      }
      kept.push(rect);
      label.el.style.transform = `translate(${Math.round(rect.x0)}px, ${Math.round(rect.y0)}px)`;
    }
  }

  /** The label's screen rectangle at `anchor`, or null when off screen or colliding. */
  private place(label: Label, placement: LabelPlacement, camera: Camera, width: number, height: number, kept: Rect[]): Rect | null {
    const { anchor, align, dy = 0, compact = false } = placement;
    const size = label.sizeFor(compact);
    const p = anchor(this.tmp).project(camera);
    if (!(p.z > -1 && p.z < 1)) return null;
    const sx = (p.x * 0.5 + 0.5) * width;
    const sy = (-p.y * 0.5 + 0.5) * height;
    let x = sx;
    let y = sy;
    switch (align) {
      case "below":
        x = sx - size.width / 2;
        y = sy + 6;
        break;
      case "above":
        x = sx - size.width / 2;
        y = sy - size.height - 8;
        break;
      case "right":
        x = sx + 8;
        y = sy - size.height / 2;
        break;
    }
    y += dy;
    if (label.options.keepInside) {
      x = Math.min(Math.max(4, x), width - size.width - 4);
      y = Math.min(Math.max(4, y), height - size.height - 4);
    }
    const rect = { x0: x, y0: y, x1: x + size.width, y1: y + size.height };
    if (rect.x1 < 0 || rect.y1 < 0 || rect.x0 > width || rect.y0 > height) return null;
    const s = COLLISION_SLACK;
    const collides = kept.some((r) => r.x0 < rect.x1 - s && rect.x0 < r.x1 - s && r.y0 < rect.y1 - s && rect.y0 < r.y1 - s);
    return collides ? null : rect;
  }

  clear(): void {
    for (const label of this.labels) label.el.remove();
    this.labels.clear();
  }

  dispose(): void {
    this.clear();
    this.el.remove();
  }
}
