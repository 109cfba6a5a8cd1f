/** The colour legend of an open view whose tiles (channels) may each have their own scale. */

import { describeScale, PER_CHANNEL_NO_TILE, type ColorScope, type ScaleChoice } from "../data/scales";
import type { LegendInfo } from "./types";

/**
 * One scale for every tile unless the scope is "channel"; then the scale of `channel`
 * (the tile under the pointer), or none when the pointer is on no sent channel.
 */
export function tileLegend(
  scales: readonly ScaleChoice[],
  scope: ColorScope,
  note: string,
  channel: number | null,
): LegendInfo {
  if (scope !== "channel") return { scale: scales[0].scale, note, scope: describeScale(scales[0]) };
  if (channel === null || channel >= scales.length) return { scale: null, note, scope: PER_CHANNEL_NO_TILE };
  const choice = scales[channel];
  return { scale: choice.scale, note: `${note}; channel ${channel}`, scope: describeScale(choice) };
}
