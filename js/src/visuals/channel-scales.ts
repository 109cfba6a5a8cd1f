/**
 * What a channels-last layer (feature map, volume) keeps of its data for drawing: the
 * open view's channels, the closed summary over channels, and their colour scales —
 * the summary's at once, the tiles' on first use after each update (most layers are
 * never opened).
 */

import { reduceChannels } from "../data/channels";
import type { DecodedTensor, NodeTensors } from "../data/decode";
import { describeScale, LAYER_PLAN, summaryScale, tileScales, type ScaleChoice, type ScalePlan } from "../data/scales";
import type { LegendInfo } from "./types";

/** What a closed layer's summary is, in words: "mean over 6 channels". */
export function summaryNote(summary: DecodedTensor, total: number): string {
  return `${summary.reduce ?? "mean"} over ${total} channel${total === 1 ? "" : "s"}`;
}

export class ChannelScales {
  plan: ScalePlan = LAYER_PLAN;
  /** The channels sent (rank `rank`), or null. */
  full: DecodedTensor | null = null;
  /** The summary over channels (rank `rank - 1`): sent, or reduced from `full`. */
  summary: DecodedTensor | null = null;
  summaryChoice: ScaleChoice | null = null;
  private data: NodeTensors | null = null;
  private tileChoices: ScaleChoice[] | null = null;

  /** `rank`: the layer's output rank without the batch (3 for H×W×C, 4 for D×H×W×C). */
  constructor(private readonly rank: number) {}

  update(data: NodeTensors | null, plan: ScalePlan): void {
    this.data = data;
    this.plan = plan;
    this.full = data?.full && data.full.shape.length === this.rank ? data.full : null;
    const sent = data?.summary && data.summary.shape.length === this.rank - 1 ? data.summary : null;
    this.summary = sent ?? (this.full ? reduceChannels(this.full) : null);
    this.summaryChoice = this.summary ? summaryScale(plan, this.summary) : null;
    this.tileChoices = null;
  }

  /** One scale per sent channel (all the same unless the scope is "channel"). */
  tiles(): ScaleChoice[] | null {
    if (!this.full) return null;
    this.tileChoices ??= tileScales(this.plan, this.full);
    return this.tileChoices;
  }

  /** The layer's channel count as the payload tells it (`fallback`: the graph's). */
  channelsTotal(fallback: number): number {
    return this.data?.full?.channelsTotal ?? this.summary?.channelsTotal ?? fallback;
  }

  /** The closed layer's legend: the summary's scale, saying what it reduces (`detail` appended). */
  summaryLegend(total: number, detail = ""): LegendInfo | null {
    const s = this.summary;
    if (!s || !this.summaryChoice) return null;
    return {
      scale: this.summaryChoice.scale,
      note: `${summaryNote(s, total)}${detail} (closed layer summary)`,
      scope: describeScale(this.summaryChoice),
    };
  }
}
