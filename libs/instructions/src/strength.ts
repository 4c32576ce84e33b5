/**
 * The strength scale: how far a word moves a parameter, in parameter units (a map value
 * lies in [-1, 1], so 0.2 is a tenth of the whole range). The numbers follow the original
 * agent's prompt ("slightly" ≈ 0.1, "very" ≈ 0.4, a plain "increase" in between) with one
 * step above for "extremely".
 */
export const STRENGTH = {
  /** "a touch", "slightly", "a bit", "a little" */
  slight: 0.1,
  /** no intensifier: "brighter", "more contrast", "too dark" */
  plain: 0.2,
  /** "much", "a lot", "very", "significantly", "way too" */
  strong: 0.4,
  /** "extremely", "dramatically", "as much as possible" */
  extreme: 0.6,
} as const;

export type StrengthBand = keyof typeof STRENGTH;

const BANDS = Object.entries(STRENGTH) as [StrengthBand, number][];

/** The band whose value is nearest to |delta| (boundaries at 0.15, 0.3 and 0.5). */
export function strengthBand(delta: number): StrengthBand {
  const size = Math.abs(delta);
  let best = BANDS[0];
  for (const band of BANDS) if (Math.abs(band[1] - size) < Math.abs(best[1] - size)) best = band;
  return best[0];
}
