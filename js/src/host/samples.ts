/**
 * The view's sample controls: a picker over the samples of the kept batch ("sample 3 /
 * 16" with previous and next buttons and a slider) and, in a comparison, a caption
 * ("b − a: sample 2 − sample 0"). DOM only: the widget says what the payload shows;
 * this says which sample the user asked for (Python then sends it).
 */

import { compareCaption, pickerText, stepSample } from "../data/compare";
import type { ComparePair, SampleInfo } from "../spec";
import { button, element, rangeSlider } from "./dom";

export interface SamplePanelEvents {
  /** The user picked sample `index` (a button, the slider). */
  onPick(index: number): void;
}

export interface SamplePanel {
  /**
   * What the payload on screen shows: its sample (null: one sample) and comparison.
   * `live`: a kernel is behind the view, so picking can show another sample (an
   * exported page holds only the one it shows: no picker there).
   */
  show(sample: SampleInfo | null, compare: ComparePair | null, live: boolean): void;
  dispose(): void;
}

/** Builds the picker and the caption inside `root`; everything it adds goes on dispose(). */
export function createSamplePanel(root: HTMLElement, events: SamplePanelEvents): SamplePanel {
  const picker = element("div", "ls-samples");
  picker.setAttribute("role", "group");
  picker.setAttribute("aria-label", "Sample of the batch");
  const prev = button("ls-sample-prev", "‹", "Previous sample");
  const next = button("ls-sample-next", "›", "Next sample");
  const slider = rangeSlider("ls-sample-slider", "Sample shown");
  const position = element("span", "ls-sample-position");
  picker.append(prev, slider, next, position);
  picker.hidden = true;
  const caption = element("div", "ls-compare");
  caption.hidden = true;
  root.append(picker, caption);

  let info: SampleInfo | null = null;

  const pick = (index: number): void => {
    if (!info || index === info.index) return;
    events.onPick(index);
  };
  const onPrev = (): void => {
    if (info) pick(stepSample(info, -1));
  };
  const onNext = (): void => {
    if (info) pick(stepSample(info, 1));
  };
  const onInput = (): void => pick(Number(slider.value));
  prev.addEventListener("click", onPrev);
  next.addEventListener("click", onNext);
  slider.addEventListener("change", onInput);

  return {
    show(sample, compare, live) {
      info = sample;
      picker.hidden = !live || !sample || sample.kept < 2;
      if (sample) {
        slider.max = String(sample.kept - 1);
        slider.value = String(sample.index);
        position.textContent = pickerText(sample);
        slider.setAttribute("aria-valuetext", position.textContent);
        prev.disabled = sample.index <= 0;
        next.disabled = sample.index >= sample.kept - 1;
      }
      caption.hidden = compare === null;
      caption.textContent = compare ? compareCaption(compare) : "";
    },
    dispose() {
      prev.removeEventListener("click", onPrev);
      next.removeEventListener("click", onNext);
      slider.removeEventListener("change", onInput);
      picker.remove();
      caption.remove();
    },
  };
}
