/**
 * The hover tooltip: what a layer is, its colour scale, and the value under the cursor.
 * Beside it, a small legend in the corner that stays when the pointer leaves: the
 * colour scale of the layer hovered last, with the numbers at both ends.
 * Filled with textContent only; model text is never parsed as HTML.
 */

import { cssGradient } from "../data/colormap";
import { compareRows } from "../data/compare";
import { formatNumber } from "../data/format";
import type { IndexRange, Region } from "../data/receptive";
import type { ElementHit, LegendInfo } from "../visuals/types";

export interface TooltipInfo {
  title: string;
  subtitle: string;
  rows: Array<[string, string]>;
  legend: LegendInfo | null;
  /** The hovered element: its index, value and what it reads. */
  element: Array<[string, string]> | null;
  hint: string | null;
}

function rangeText(r: IndexRange, one: string, many: string): string {
  if (r.start === r.end) return `${one} ${r.start}`;
  const every = r.step > 1 ? ` every ${r.step}${r.step === 2 ? "nd" : r.step === 3 ? "rd" : "th"}` : "";
  return `${many} ${r.start}–${r.end}${every}`;
}

const AXES: Record<number, Array<[string, string]>> = {
  2: [["step", "steps"]],
  3: [
    ["row", "rows"],
    ["col", "cols"],
  ],
};

/**
 * A region of a tensor of rank `rank` with `channels` channels in words: "rows 0–2,
 * cols 4–6, channel 1"; a single-channel tensor's channel goes unsaid.
 */
export function describeRegion(region: Region, rank: number, channels: number | null = null): string {
  const names = AXES[rank] ?? region.ranges.map((_, i): [string, string] => [`axis ${i}`, `axis ${i}`]);
  const parts = region.ranges.map((r, i) => rangeText(r, names[i][0], names[i][1]));
  const channel = rank === 1 ? "unit" : rank === 2 ? "feature" : "channel";
  if (region.channel !== null) parts.push(`${channel} ${region.channel}`);
  else if (channels !== 1 || rank === 1) parts.push(`all ${channel}s`);
  return parts.join(", ");
}

/** Tooltip lines for a hovered element: its index, its value, and each block of input it reads. */
export function elementLines(
  hit: ElementHit,
  reads: ReadonlyArray<{ source: string; rank: number; channels: number | null; region: Region }>,
): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const index = hit.index.length === 1 ? String(hit.index[0]) : `(${hit.index.join(", ")})`;
  rows.push([hit.axes.length === 1 ? hit.axes[0] : `(${hit.axes.join(", ")})`, index]);
  if (hit.label) rows.push(["name", hit.label]);
  if (hit.compare) {
    const compared = compareRows(hit.compare.a, hit.compare.b, hit.values);
    if (hit.note) compared[2][1] = `${compared[2][1]} (${hit.note})`;
    rows.push(...compared);
  } else {
    const value = hit.values.length === 0 ? "not sent" : hit.values.map(formatNumber).join(", ");
    rows.push(["value", hit.note && hit.values.length > 0 ? `${value} (${hit.note})` : value]);
  }
  for (const r of reads) rows.push(["reads", `${r.source}: ${describeRegion(r.region, r.rank, r.channels)}`]);
  return rows;
}

/** The class of an element row's value: value, reads, name, a / b / diff (a comparison), else index. */
function elementClass(key: string): string {
  if (key === "value" || key === "reads" || key === "name" || key === "a" || key === "b") return key;
  return key === "b − a" ? "diff" : "index";
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The legend's parts: a bar of the map and the values at its ends (and 0 in the middle of a diverging one). */
function legendParts(legend: LegendInfo, className: string): HTMLElement[] {
  const { scale, note, scope } = legend;
  const parts: HTMLElement[] = [el("div", `${className}-note`, note)];
  if (scale) {
    const bar = el("div", `${className}-bar`);
    bar.style.background = cssGradient(scale.kind);
    const ticks = el("div", `${className}-ticks`);
    ticks.append(
      el("span", "", formatNumber(scale.lo)),
      el("span", "", scale.kind === "diverging" ? "0" : ""),
      el("span", "", formatNumber(scale.hi)),
    );
    parts.push(bar, ticks);
  }
  parts.push(el("div", `${className}-scope`, scope));
  return parts;
}

export class Tooltip {
  readonly el: HTMLDivElement;
  /** The legend of the layer hovered last; stays after the tooltip hides. */
  readonly legendEl: HTMLDivElement;
  private lastKey = "";
  private lastLegendKey = "";

  constructor(private readonly container: HTMLElement) {
    this.el = el("div", "ls-tooltip");
    this.el.setAttribute("role", "tooltip");
    this.el.style.display = "none";
    this.legendEl = el("div", "ls-legend");
    this.legendEl.setAttribute("aria-live", "polite");
    this.legendEl.style.display = "none";
    container.append(this.el, this.legendEl);
  }

  /** Shows `info` near (x, y), in CSS pixels relative to the container. */
  show(info: TooltipInfo, x: number, y: number): void {
    const key = JSON.stringify(info);
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.fill(info);
      this.fillLegend(info);
    }
    this.el.style.display = "";
    const pad = 12;
    const w = this.el.offsetWidth;
    const h = this.el.offsetHeight;
    const cw = this.container.clientWidth;
    const ch = this.container.clientHeight;
    let left = x + pad;
    let top = y + pad;
    if (left + w > cw - 4) left = Math.max(4, x - w - pad);
    if (top + h > ch - 4) top = Math.max(4, ch - h - 4);
    this.el.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
  }

  hide(): void {
    this.el.style.display = "none";
  }

  private fill(info: TooltipInfo): void {
    const parts: HTMLElement[] = [el("div", "ls-tt-title", info.title), el("div", "ls-tt-subtitle", info.subtitle)];
    if (info.rows.length) {
      const table = el("dl", "ls-tt-rows");
      for (const [k, v] of info.rows) {
        table.append(el("dt", "", k), el("dd", "", v));
      }
      parts.push(table);
    }
    if (info.legend) {
      const legend = el("div", "ls-tt-legend");
      legend.append(...legendParts(info.legend, "ls-tt"));
      parts.push(legend);
    }
    if (info.element) {
      const table = el("dl", "ls-tt-rows ls-tt-element");
      for (const [k, v] of info.element) {
        table.append(el("dt", "", k), el("dd", `ls-tt-el-${elementClass(k)}`, v));
      }
      parts.push(table);
    }
    if (info.hint) parts.push(el("div", "ls-tt-hint", info.hint));
    this.el.replaceChildren(...parts);
  }

  /** The corner legend: the hovered layer's scale, kept until another layer with a scale is hovered. */
  private fillLegend(info: TooltipInfo): void {
    if (!info.legend?.scale) return;
    const key = JSON.stringify([info.title, info.legend]);
    if (key === this.lastLegendKey) return;
    this.lastLegendKey = key;
    this.legendEl.replaceChildren(el("div", "ls-legend-title", info.title), ...legendParts(info.legend, "ls-legend"));
    this.legendEl.style.display = "";
  }

  /** Forgets the corner legend (a new model or prediction makes it stale). */
  clearLegend(): void {
    this.lastLegendKey = "";
    this.legendEl.replaceChildren();
    this.legendEl.style.display = "none";
  }

  dispose(): void {
    this.el.remove();
    this.legendEl.remove();
  }
}
