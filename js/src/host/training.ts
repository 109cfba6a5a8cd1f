/**
 * The view's training controls: a readout (the shown step's epoch, batch, loss and
 * metrics, with a small chart of each over the run) and a scrubber (a slider and a
 * play button over the recorded frames). DOM only: the widget decides what a frame
 * shows; this says which frame the user asked for.
 */

import { curvesOf } from "../data/curves";
import { formatMetric } from "../data/format";
import { drawCurve, type ChartColors } from "../render/chart";
import type { TrainingStep } from "../spec";

/** Frames a second while playing. */
export const PLAY_FPS = 8;

export interface TrainingPanelEvents {
  /** The user picked frame `index` (slider moved, play stepped); `at` is the input's time. */
  onPick(index: number, at: number): void;
}

export interface TrainingPanel {
  /** The steps the curves plot (the `_history` trait). */
  setHistory(history: readonly TrainingStep[]): void;
  /** The step on screen (null: a plain predict, or nothing yet) and its frame. */
  show(step: TrainingStep | null, frame: number | null, frames: number): void;
  setTheme(dark: boolean): void;
  readonly playing: boolean;
  dispose(): void;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const LIGHT: ChartColors = { train: "#2563eb", val: "#ea580c", marker: "rgba(107,114,128,0.6)", text: "#1f2937" };
const DARK: ChartColors = { train: "#60a5fa", val: "#fb923c", marker: "rgba(156,163,175,0.6)", text: "#e5e7eb" };

/** Where a step sits in the history (its place on the curves' x axis), or null. */
function historyIndex(history: readonly TrainingStep[], step: TrainingStep | null): number | null {
  if (!step) return null;
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i] as TrainingStep;
    if (h.epoch === step.epoch && h.batch === step.batch) return i;
  }
  return null;
}

/** Builds the readout and the scrubber inside `root`; everything it adds goes on dispose(). */
export function createTrainingPanel(root: HTMLElement, events: TrainingPanelEvents): TrainingPanel {
  const readout = element("div", "ls-readout");
  const heading = element("div", "ls-readout-step");
  const metrics = element("div", "ls-readout-metrics");
  const charts = element("div", "ls-readout-charts");
  readout.append(heading, metrics, charts);
  readout.hidden = true;

  const scrubber = element("div", "ls-scrubber");
  const play = element("button", "ls-play", "▶");
  play.type = "button";
  play.setAttribute("aria-label", "Play the recorded training");
  const slider = element("input", "ls-scrub");
  slider.type = "range";
  slider.min = "0";
  slider.step = "1";
  slider.setAttribute("aria-label", "Recorded training frame");
  const position = element("span", "ls-scrub-position");
  scrubber.append(play, slider, position);
  scrubber.hidden = true;
  root.append(readout, scrubber);

  let history: readonly TrainingStep[] = [];
  let shown: TrainingStep | null = null;
  let frame: number | null = null;
  let count = 0;
  let colors = LIGHT;
  let timer: ReturnType<typeof setInterval> | null = null;

  const stop = (): void => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    play.textContent = "▶";
    play.setAttribute("aria-label", "Play the recorded training");
  };

  /** "loss 0.229 · val 0.437" for the shown step, or the bare name when it did not log it. */
  const rowText = (name: string): string => {
    const logs = shown?.logs ?? {};
    const parts = [name];
    if (logs[name] !== undefined) parts.push(formatMetric(logs[name] as number));
    const val = logs[`val_${name}`];
    if (val !== undefined) parts.push(`· val ${formatMetric(val)}`);
    return parts.join(" ");
  };

  const drawCharts = (): void => {
    const curves = curvesOf(history);
    while (charts.children.length > curves.length) charts.lastElementChild?.remove();
    const at = historyIndex(history, shown);
    curves.forEach((curve, i) => {
      let row = charts.children[i] as HTMLDivElement | undefined;
      if (!row) {
        row = element("div", "ls-chart");
        row.append(element("div", "ls-chart-name"), element("canvas", "ls-chart-canvas"));
        charts.append(row);
      }
      (row.firstElementChild as HTMLDivElement).textContent = rowText(curve.name);
      drawCurve(row.lastElementChild as HTMLCanvasElement, curve, history.length, at, colors);
    });
  };

  const render = (): void => {
    readout.hidden = history.length === 0 && shown === null;
    if (shown) {
      heading.textContent =
        shown.batch < 0 ? `epoch ${shown.epoch} · before training` : `epoch ${shown.epoch} · batch ${shown.batch}`;
    } else {
      heading.textContent = history.length ? "a prediction, not a training step" : "";
    }
    // Metrics with no curve yet (no history synced) are still listed.
    const plotted = new Set(curvesOf(history).flatMap((c) => [c.name, `val_${c.name}`]));
    const loose = Object.entries(shown?.logs ?? {}).filter(([k]) => !plotted.has(k));
    metrics.textContent = loose.map(([k, v]) => `${k} ${formatMetric(v)}`).join(" · ");
    metrics.hidden = loose.length === 0;
    drawCharts();
    scrubber.hidden = count < 2;
    slider.max = String(Math.max(0, count - 1));
    if (frame !== null) slider.value = String(frame);
    position.textContent = frame !== null ? `${frame + 1} / ${count}` : `live · ${count} frames`;
  };

  const onInput = (event: Event): void => {
    stop();
    events.onPick(Number(slider.value), event.timeStamp || performance.now());
  };
  const onPlay = (): void => {
    if (timer !== null) {
      stop();
      return;
    }
    // From the start when at the end, else from where the slider is.
    let next = frame === null || frame >= count - 1 ? 0 : frame;
    play.textContent = "❚❚";
    play.setAttribute("aria-label", "Pause");
    events.onPick(next, performance.now());
    timer = setInterval(() => {
      next += 1;
      if (next >= count) {
        stop();
        return;
      }
      events.onPick(next, performance.now());
      if (next >= count - 1) stop();
    }, 1000 / PLAY_FPS);
  };
  slider.addEventListener("input", onInput);
  play.addEventListener("click", onPlay);

  return {
    setHistory(next) {
      history = next;
      render();
    },
    show(step, index, frames) {
      shown = step;
      frame = index;
      count = frames;
      render();
    },
    setTheme(dark) {
      colors = dark ? DARK : LIGHT;
      drawCharts();
    },
    get playing() {
      return timer !== null;
    },
    dispose() {
      stop();
      slider.removeEventListener("input", onInput);
      play.removeEventListener("click", onPlay);
      readout.remove();
      scrubber.remove();
    },
  };
}
