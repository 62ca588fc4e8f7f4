/**
 * Geometry for the latency chart: message size (log scale) against round-trip time
 * (linear from 0). Pure numbers, so the Svelte component only draws.
 */
import type { LatencyResult } from './run';

export interface ChartBox {
  width: number;
  height: number;
  /** Space for axes and labels. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface SeriesPoint {
  size: number;
  x: number;
  /** y of the median, the quartiles and the extremes. */
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
}

export interface ChartModel {
  series: { path: string; points: SeriesPoint[] }[];
  xTicks: { size: number; x: number }[];
  yTicks: { ms: number; y: number }[];
  yMax: number;
}

/** 1, 2, 5 × 10^k: the smallest "nice" step that gives at most `count` intervals. */
export function niceStep(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

export function chartModel(results: readonly LatencyResult[], box: ChartBox): ChartModel {
  const done = results.filter((r) => r.summary !== null);
  const sizes = [...new Set(done.map((r) => r.size))].sort((a, b) => a - b);
  const top = Math.max(1, ...done.map((r) => r.summary!.max));
  const step = niceStep(top);
  const yMax = Math.ceil(top / step) * step;
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const [lo, hi] = [Math.log(sizes[0] ?? 1), Math.log(sizes.at(-1) ?? 1)];
  const x = (size: number) => (hi === lo ? box.left + plotW / 2 : box.left + ((Math.log(size) - lo) / (hi - lo)) * plotW);
  const y = (ms: number) => box.top + plotH - (ms / yMax) * plotH;
  const paths = [...new Set(done.map((r) => r.path))];
  return {
    series: paths.map((path) => ({
      path,
      points: done
        .filter((r) => r.path === path)
        .sort((a, b) => a.size - b.size)
        .map((r) => {
          const s = r.summary!;
          return { size: r.size, x: x(r.size), median: y(s.median), p25: y(s.p25), p75: y(s.p75), min: y(s.min), max: y(s.max) };
        }),
    })),
    xTicks: sizes.map((size) => ({ size, x: x(size) })),
    yTicks: Array.from({ length: Math.round(yMax / step) + 1 }, (_, k) => ({ ms: k * step, y: y(k * step) })),
    yMax,
  };
}
