/**
 * The view's training controls: a readout (the shown step's epoch, batch, loss and
 * metrics, with a small chart of each over the run) and a scrubber (a slider and a
 * play button over the recorded frames). DOM only: the widget decides what a frame
 * shows; this says which frame the user asked for.
 */

import { curvesOf } from "../data/curves";
import { historyIndex, metricLine, otherMetrics, stepTitle } from "../data/readout";
import { drawCurve, type ChartColors } from "../render/chart";
import type { TrainingStep } from "../spec";
import { button, element, rangeSlider } from "./dom";

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

const LIGHT: ChartColors = { train: "#2563eb", val: "#ea580c", marker: "rgba(107,114,128,0.6)", text: "#1f2937" };
const DARK: ChartColors = { train: "#60a5fa", val: "#fb923c", marker: "rgba(156,163,175,0.6)", text: "#e5e7eb" };

/** Builds the readout and the scrubber inside `root`; everything it adds goes on dispose(). */
export function createTrainingPanel(root: HTMLElement, events: TrainingPanelEvents): TrainingPanel {
  const readout = element("div", "ls-readout");
  const heading = element("div", "ls-readout-step");
  const metrics = element("div", "ls-readout-metrics");
  const charts = element("div", "ls-readout-charts");
  readout.append(heading, metrics, charts);
  readout.hidden = true;

  const scrubber = element("div", "ls-scrubber");
  const play = button("ls-play", "▶", "Play the recorded training");
  const slider = rangeSlider("ls-scrub", "Recorded training frame");
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
      (row.firstElementChild as HTMLDivElement).textContent = metricLine(curve.name, shown?.logs ?? {});
      drawCurve(row.lastElementChild as HTMLCanvasElement, curve, history.length, at, colors);
    });
  };

  const render = (): void => {
    readout.hidden = history.length === 0 && shown === null;
    heading.textContent = stepTitle(shown, history.length > 0);
    // Metrics with no curve yet (no history synced) are still listed.
    const loose = otherMetrics(shown?.logs ?? {}, new Set(curvesOf(history).map((c) => c.name)));
    metrics.textContent = loose;
    metrics.hidden = loose === "";
    drawCharts();
    scrubber.hidden = count < 2;
    slider.max = String(Math.max(0, count - 1));
    // Live (a predict on screen, not a frame): the slider rests at the newest frame,
    // where new frames are followed; the position says "live".
    slider.value = String(frame ?? Math.max(0, count - 1));
    position.textContent = frame !== null ? `${frame + 1} / ${count}` : `live · ${count} frames`;
    slider.setAttribute(
      "aria-valuetext",
      frame !== null ? `frame ${frame + 1} of ${count}: ${heading.textContent}` : "live",
    );
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
