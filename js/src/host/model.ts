/**
 * The anywidget model as this widget uses it: the traits Python's `ModelView` syncs
 * (src/layerscape/widget.py), typed, and the calls render() makes on them. The
 * notebook's real model and the exported page's stand-in (standalone.ts) both fit it.
 *
 * The types say what Python sends. render() still checks each value it reads: a
 * notebook saved by an older version, or a script on an exported page, may hold
 * something else.
 */

import type { ColorScope } from "../data/scales";
import type { BoxesState, GraphSpec, TrainingStep } from "../spec";

/** `theme` as Python allows it; "auto" follows the host page. */
export type ThemeSetting = "auto" | "light" | "dark";

/** `_focus`, set by Python's fly_to: fly to layer `id` whenever the counter `n` changes. */
export interface FocusRequest {
  id: string;
  n: number;
}

/** Every trait the widget reads or writes, by name. */
export interface WidgetTraits {
  /** The graph spec; `{}` until Python sets one. */
  _graph: GraphSpec | Record<string, never>;
  /** The LSP1 payload (anywidget hands binary traits over as a DataView); empty before any prediction. */
  _payload: DataView | ArrayBuffer | ArrayBufferView | null;
  /** Ids of the open layers: written by clicks here, and by Python's expand()/collapse(). */
  _open: string[];
  /** Ids of the folded blocks (groups of `_graph.groups`): written by clicks and fly-to here, and by Python's fold()/unfold(). */
  _folded: string[];
  /** `{}` until Python's first fly_to. */
  _focus: FocusRequest | Record<string, never>;
  theme: ThemeSetting;
  /** Pixels. */
  height: number;
  color_scope: ColorScope;
  /** Ids of the layers drawn as their weights: written by the Weights button here, and by Python's show_weights()/hide_weights(). */
  _weights: string[];
  /** One per Python `ModelView`: a host's re-render of the same model takes over its view (adopt.ts). */
  _uid: string;
  /** The training steps the readout plots (Python's `view.history`); missing before any training. */
  _history: TrainingStep[];
  /** The last prediction's detections (Python's `boxes=fn`); `{}` without a boxes function. */
  _boxes: BoxesState | Record<string, never>;
  /** An exported page's recorded training frames (LSP1 payloads, oldest first); a notebook's model has none. */
  _frames: DataView[];
  /** An exported page's kept samples (one LSP1 payload each, sample 0 first), for its picker; a notebook's model has none. */
  _samples: DataView[];
  /** The sample of the kept batch shown: written by the picker here, and by Python's `view.sample = i`. */
  sample: number;
}

export type TraitName = keyof WidgetTraits;
/** The events render() listens to: one per trait. */
export type TraitEvent = `change:${TraitName}`;

/** The part of anywidget's model this widget uses. */
export interface WidgetModel {
  get<K extends TraitName>(name: K): WidgetTraits[K];
  set<K extends TraitName>(name: K, value: WidgetTraits[K]): void;
  on(event: TraitEvent, callback: () => void): void;
  /** No event: remove every listener; an event without a callback: all of that event's. */
  off(event?: TraitEvent | null, callback?: (() => void) | null): void;
  /** Sends what set() changed to Python. */
  save_changes(): void;
}

/** What anywidget hands render(). */
export interface RenderProps {
  model: WidgetModel;
  el: HTMLElement;
}

/** The module's default export, as anywidget (and the exported page) call it. */
export interface WidgetModule {
  initialize(props: { model: WidgetModel }): void | Promise<void>;
  render(props: RenderProps): () => void;
}
