/**
 * Summary statistics for round-trip times: the median and the spread a chart draws.
 */
export interface Summary {
  n: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  max: number;
}

/** Linear-interpolated quantile of sorted values (the "R-7" rule spreadsheets use). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** null for no samples; non-finite samples are ignored. */
export function summarize(samples: readonly number[]): Summary | null {
  // `+ 0` turns -0 into 0, so the summary never reports a "negative zero" round trip.
  const sorted = samples.filter(Number.isFinite).map((x) => x + 0).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return {
    n: sorted.length,
    min: sorted[0]!,
    p25: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    p75: quantile(sorted, 0.75),
    max: sorted.at(-1)!,
  };
}
