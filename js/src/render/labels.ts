/**
 * Text in the view as a DOM overlay: crisp at any zoom, coloured by CSS, and set with
 * textContent only (model text is never parsed as HTML). Each label follows a point
 * in the scene. A label that would collide with one placed before it tries its
 * fallback places in order, and is hidden only when none is free: labels never
 * overlap.
 *
 * Captions also keep clear of the other layers' boxes on screen (a caption over a
 * neighbour reads as the neighbour's) and every label of the panels drawn over the
 * view (the overview): the view passes both in with each update.
 *
 * Level of detail: labels are placed in order of priority, then importance (set per
 * layer: inputs, outputs, merges and forks first), then nearness to the middle of
 * the view. Far away, layers crowd on screen and only the first of them find room;
 * zooming in spreads them apart and more appear, starting where the user looks. The
 * focused layer (the one the camera flew to) goes first of all.
 *
 * Sized for a thousand labels a frame: sizes are measured in batches (two reflows,
 * not two per label), collisions are found through a grid of screen cells, and the
 * DOM is written only where a label moved, appeared or went.
 */

import { Vector3, type Camera } from "three";

export type LabelAlign = "below" | "right" | "above" | "center";

export interface LabelLine {
  text: string;
  className?: string;
  /**
   * The line's short form, a prefix of `text` (a folded block's name without its
   * layer count): the short placements show it alone, without the lines after it.
   */
  short?: string;
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
  /** Only the first line, in its short form, one font step smaller (the `ls-short` class). */
  short?: boolean;
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
  /** Id of the layer the label belongs to (defaults to the overlay's current owner). */
  owner?: string;
  /** Among labels of equal priority, higher goes first (defaults to the owner's). */
  importance?: number;
  /** Kept off every layer's box on screen but its owner's (captions). */
  clearOfLayers?: boolean;
  /** Layers whose boxes the label may lie over all the same (a block's caption: its members). */
  mayCover?: ReadonlySet<string>;
}

/** A rectangle of the view in overlay pixels (x right, y down from the top left). */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** A layer's box as drawn on screen, in overlay pixels. */
export interface LayerRect extends Rect {
  owner: string;
}

/** What labels keep clear of in one update besides each other. */
export interface LabelObstacles {
  /** Every drawn layer's box (for labels with `clearOfLayers`). */
  layers: readonly LayerRect[];
  /** Panels over the view (the overview): no label goes under them. */
  panels: readonly Rect[];
}

const NO_OBSTACLES: LabelObstacles = { layers: [], panels: [] };

/** How far a label may reach into another's rectangle, or into a layer's box or a panel. */
const SLACK = { x: 2, y: 2 };
/** Between two labels side by side, room left (so that two names do not read as one). */
const LABEL_SLACK = { x: -3, y: 2 };
/** Side of a cell of the collision grid, in pixels. */
const CELL_PX = 64;

export const COMPACT_CLASS = "ls-compact";
export const SHORT_CLASS = "ls-short";

/** The three sizes a label is drawn at. */
type LabelForm = "normal" | "compact" | "short";

function formOf(placement: Pick<LabelPlacement, "compact" | "short">): LabelForm {
  return placement.short ? "short" : placement.compact ? "compact" : "normal";
}

export class Label {
  readonly el: HTMLDivElement;
  private lines: LabelLine[] = [];
  width = 0;
  height = 0;
  /** Size with the compact class. */
  compactWidth = 0;
  compactHeight = 0;
  /** Size in the short form (first line only, compact). */
  shortWidth = 0;
  shortHeight = 0;
  measured = false;
  private form: LabelForm = "normal";
  hidden = false;
  private suppressed = false;
  /** What the DOM shows now (written only on change). */
  shown = true;
  transform = "";
  readonly owner: string | null;
  readonly importance: number;

  constructor(
    readonly options: LabelOptions,
    owner: string | null = null,
    importance = 0,
  ) {
    this.el = document.createElement("div");
    this.el.className = `ls-label ${options.className}`;
    this.owner = options.owner ?? owner;
    this.importance = options.importance ?? importance;
    // Tests and tools tell whose caption a label is (a caption is checked against other layers' boxes).
    if (this.owner !== null) this.el.dataset.owner = this.owner;
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
        const { text, short } = line;
        if (short && short.length < text.length && text.startsWith(short)) {
          // The tail is hidden in the short form (style.ts: .ls-short .ls-more).
          const tail = document.createElement("span");
          tail.className = "ls-more";
          tail.textContent = text.slice(short.length);
          div.append(short, tail);
        } else {
          div.textContent = text;
        }
        return div;
      }),
    );
    this.measured = false;
  }

  setHidden(hidden: boolean): void {
    this.hidden = hidden;
  }

  /**
   * Keeps the label off screen whatever `setHidden` says, until released: for a
   * layer whose picture is replaced for a while (by its weights), so that its own
   * hiding and showing carries on underneath.
   */
  setSuppressed(suppressed: boolean): void {
    this.suppressed = suppressed;
  }

  /** Whether the label stays off screen (hidden or suppressed). */
  get off(): boolean {
    return this.hidden || this.suppressed;
  }

  /** Draws the label at its normal size, one step smaller, or short (first line, smaller). */
  setForm(form: LabelForm): void {
    if (form === this.form) return;
    this.form = form;
    this.el.classList.toggle(COMPACT_CLASS, form !== "normal");
    this.el.classList.toggle(SHORT_CLASS, form === "short");
  }

  get currentForm(): LabelForm {
    return this.form;
  }

  /** Width and height in pixels of one form. */
  sizeFor(form: LabelForm): { width: number; height: number } {
    if (form === "short") return { width: this.shortWidth, height: this.shortHeight };
    if (form === "compact") return { width: this.compactWidth, height: this.compactHeight };
    return { width: this.width, height: this.height };
  }
}

/**
 * Measures labels in three reflows: all at normal size, all compact, all short. A
 * label whose size reads 0 (its view not in the document yet) is measured again later.
 */
function measureAll(labels: Label[]): void {
  if (labels.length === 0) return;
  const was = labels.map((l) => l.currentForm);
  for (const l of labels) {
    l.el.style.display = "";
    l.shown = true;
    l.setForm("normal");
  }
  for (const l of labels) {
    l.width = l.el.offsetWidth;
    l.height = l.el.offsetHeight;
  }
  for (const l of labels) l.setForm("compact");
  for (const l of labels) {
    l.compactWidth = l.el.offsetWidth || l.width;
    l.compactHeight = l.el.offsetHeight || l.height;
  }
  for (const l of labels) l.setForm("short");
  for (const l of labels) {
    l.shortWidth = l.el.offsetWidth || l.compactWidth;
    l.shortHeight = l.el.offsetHeight || l.compactHeight;
  }
  labels.forEach((l, i) => {
    l.setForm(was[i]);
    l.measured = l.width > 0 || l.height > 0;
  });
}

/** Every place a label may go, its first place first. */
function placements(label: Label): LabelPlacement[] {
  const { anchor, align, fallbacks = [] } = label.options;
  return [{ anchor, align }, ...fallbacks];
}

const FORM_RANK: Record<LabelForm, number> = { normal: 0, compact: 1, short: 2 };

/** The places of the label's smallest form (short, else compact, else normal), in order. */
function smallestPlacements(label: Label): LabelPlacement[] {
  const all = placements(label);
  const smallest = Math.max(...all.map((p) => FORM_RANK[formOf(p)]));
  return all.filter((p) => FORM_RANK[formOf(p)] === smallest);
}

/** A place held in the first round of an update, for the label that holds it. */
interface Reserved extends Rect {
  label: Label;
}

/** Rectangles kept so far, bucketed by screen cell, for collision queries. */
class RectGrid<R extends Rect = Rect> {
  private readonly cells = new Map<number, R[]>();

  constructor(private readonly slack: { x: number; y: number }) {}

  private static key(cx: number, cy: number): number {
    return (cy + 1024) * 4096 + (cx + 1024);
  }

  private range(r: Rect): [number, number, number, number] {
    return [
      Math.floor(r.x0 / CELL_PX),
      Math.floor(r.x1 / CELL_PX),
      Math.floor(r.y0 / CELL_PX),
      Math.floor(r.y1 / CELL_PX),
    ];
  }

  /** Whether `r` overlaps a rectangle kept (by more than the slack), `ignore` aside. */
  hits(r: Rect, ignore?: (q: R) => boolean): boolean {
    const { x: sx, y: sy } = this.slack;
    const gx = Math.max(0, -sx);
    const gy = Math.max(0, -sy);
    const [cx0, cx1, cy0, cy1] = this.range({ x0: r.x0 - gx, y0: r.y0 - gy, x1: r.x1 + gx, y1: r.y1 + gy });
    for (let cy = cy0; cy <= cy1; cy++) {
      for (let cx = cx0; cx <= cx1; cx++) {
        const list = this.cells.get(RectGrid.key(cx, cy));
        if (!list) continue;
        for (const q of list) {
          if (q.x0 < r.x1 - sx && r.x0 < q.x1 - sx && q.y0 < r.y1 - sy && r.y0 < q.y1 - sy && !ignore?.(q)) return true;
        }
      }
    }
    return false;
  }

  add(r: R): void {
    const [cx0, cx1, cy0, cy1] = this.range(r);
    for (let cy = cy0; cy <= cy1; cy++) {
      for (let cx = cx0; cx <= cx1; cx++) {
        const key = RectGrid.key(cx, cy);
        const list = this.cells.get(key);
        if (list) list.push(r);
        else this.cells.set(key, [r]);
      }
    }
  }
}

export class LabelOverlay {
  readonly el: HTMLDivElement;
  private labels = new Set<Label>();
  private readonly tmp = new Vector3();
  private owner: string | null = null;
  private ownerImportance = 0;
  private focus: string | null = null;
  /** Labels placed in the last update (for tests and the count in the view). */
  visibleCount = 0;

  constructor(container: HTMLElement) {
    this.el = document.createElement("div");
    this.el.className = "ls-labels";
    container.appendChild(this.el);
  }

  add(options: LabelOptions, lines: LabelLine[]): Label {
    const label = new Label(options, this.owner, this.ownerImportance);
    label.setLines(lines);
    this.labels.add(label);
    this.el.appendChild(label.el);
    return label;
  }

  /** Runs `build`; labels it adds belong to layer `owner`, with that importance. */
  withOwner<T>(owner: string, importance: number, build: () => T): T {
    const before = [this.owner, this.ownerImportance] as const;
    this.owner = owner;
    this.ownerImportance = importance;
    try {
      return build();
    } finally {
      [this.owner, this.ownerImportance] = before;
    }
  }

  /** The layer whose labels go before all others (null: none). */
  setFocus(owner: string | null): void {
    this.focus = owner;
  }

  remove(label: Label): void {
    if (this.labels.delete(label)) label.el.remove();
  }

  /**
   * Positions every label for the camera and a viewport of width x height CSS pixels,
   * clear of each other and of `obstacles`.
   */
  update(camera: Camera, width: number, height: number, obstacles: LabelObstacles = NO_OBSTACLES): void {
    const all = [...this.labels];
    measureAll(all.filter((l) => !l.off && !l.measured && width > 0));
    // Where each label's first anchor lands: its distance from the middle of the view.
    const centre = new Map<Label, number>();
    for (const l of all) {
      const p = l.options.anchor(this.tmp).project(camera);
      const inFront = p.z > -1 && p.z < 1;
      centre.set(l, inFront ? Math.hypot(p.x, p.y) : Infinity);
    }
    const focus = this.focus;
    all.sort(
      (a, b) =>
        Number(b.owner !== null && b.owner === focus) - Number(a.owner !== null && a.owner === focus) ||
        b.options.priority - a.options.priority ||
        b.importance - a.importance ||
        centre.get(a)! - centre.get(b)!,
    );
    const blocked = { layers: new RectGrid<LayerRect>(SLACK), panels: new RectGrid(SLACK) };
    for (const r of obstacles.layers) blocked.layers.add(r);
    for (const r of obstacles.panels) blocked.panels.add(r);
    const placeable = (l: Label): boolean => !l.off && width > 0 && l.measured;
    // Round 1: as many labels as fit in their smallest form, in order; each keeps that place reserved.
    const reserved = new RectGrid<Reserved>(LABEL_SLACK);
    // Labels whose first-round place is still held (not yet placed in round 2).
    const holding = new Set<Label>();
    for (const label of all) {
      if (!placeable(label)) continue;
      for (const placement of smallestPlacements(label)) {
        const rect = this.place(label, placement, camera, width, height);
        if (rect && !this.blocked(label, rect, reserved, blocked)) {
          reserved.add({ ...rect, label });
          holding.add(label);
          break;
        }
      }
    }
    // Round 2: each label, in order, takes its first place (the biggest form first) that
    // leaves every reservation of the labels still to come free: a big caption may not
    // push out a small one that would fit.
    const grid = new RectGrid(LABEL_SLACK);
    let visible = 0;
    for (const label of all) {
      let rect: Rect | null = null;
      if (placeable(label)) {
        const mine = (q: Reserved): boolean => q.label === label || !holding.has(q.label);
        for (const placement of placements(label)) {
          rect = this.place(label, placement, camera, width, height);
          if (rect && !this.blocked(label, rect, grid, blocked) && !reserved.hits(rect, mine)) {
            label.setForm(formOf(placement));
            break;
          }
          rect = null;
        }
      }
      holding.delete(label);
      if (!rect) {
        if (label.shown) {
          label.el.style.display = "none";
          label.shown = false;
        }
        continue;
      }
      grid.add(rect);
      visible += 1;
      if (!label.shown) {
        label.el.style.display = "";
        label.shown = true;
      }
      const transform = `translate(${Math.round(rect.x0)}px, ${Math.round(rect.y0)}px)`;
      if (transform !== label.transform) {
        label.el.style.transform = transform;
        label.transform = transform;
      }
    }
    this.visibleCount = visible;
  }

  /** Whether `rect` would cover a label placed before, a panel, or (for a caption) another layer. */
  private blocked(
    label: Label,
    rect: Rect,
    grid: RectGrid<Rect>,
    obstacles: { layers: RectGrid<LayerRect>; panels: RectGrid },
  ): boolean {
    if (grid.hits(rect) || obstacles.panels.hits(rect)) return true;
    const { clearOfLayers, mayCover } = label.options;
    if (!clearOfLayers) return false;
    return obstacles.layers.hits(rect, (q) => q.owner === label.owner || (mayCover?.has(q.owner) ?? false));
  }

  /** The label's screen rectangle at `anchor`, or null when off screen. */
  private place(label: Label, placement: LabelPlacement, camera: Camera, width: number, height: number): Rect | null {
    const { anchor, align, dy = 0 } = placement;
    const size = label.sizeFor(formOf(placement));
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
      case "center":
        x = sx - size.width / 2;
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
    return rect;
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
