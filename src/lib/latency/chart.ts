/**
 * Geometry for the latency chart: message size (log scale) against round-trip time
 * (linear from 0). Pure numbers, so the Svelte component only draws. Every label is placed
 * here too, with room made for it, so none is clipped at any width (the "100 KB" tick used
 * to run past the right edge).
 */
import type { LatencyResult } from './run';
import { formatSize } from './run';

export interface ChartBox {
  width: number;
  height: number;
  /** Least space for axes and labels; the model widens a margin a label needs. */
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

export interface ChartLabel {
  text: string;
  x: number;
  /** Baseline. */
  y: number;
  anchor: 'start' | 'middle' | 'end';
}

export interface ChartModel {
  /** 'log' when the times span more than LOG_SPAN (a data channel at 1 ms beside MQTT at seconds). */
  scale: 'linear' | 'log';
  series: { path: string; points: SeriesPoint[] }[];
  xTicks: { size: number; x: number }[];
  yTicks: { ms: number; y: number }[];
  yMax: number;
  /** The plot area, inside the margins. */
  plot: { left: number; right: number; top: number; bottom: number };
  /** Tick labels and axis titles, placed inside the box. */
  labels: ChartLabel[];
}

/** The chart's text size (px); the component draws at 1 unit = 1 CSS px, so this is what the reader sees. */
export const LABEL_PX = 12;
/** Widest glyph advance of the site's sans-serif digits and letters, as a share of the font size (generous). */
const ADVANCE = 0.62;
/** How wide a label is drawn, at most (px). */
export const labelWidth = (text: string, px = LABEL_PX): number => text.length * px * ADVANCE;

/** [left, right] of a label's box. */
export function labelExtent(label: ChartLabel, px = LABEL_PX): [number, number] {
  const w = labelWidth(label.text, px);
  const start = label.anchor === 'start' ? label.x : label.anchor === 'middle' ? label.x - w / 2 : label.x - w;
  return [start, start + w];
}

/** 1, 2, 5 × 10^k: the smallest "nice" step that gives at most `count` intervals. */
export function niceStep(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

const GAP = 6;
export const X_TITLE = 'message size (log scale)';
const Y_TITLES = { linear: 'ms', log: 'ms (log scale)' } as const;
/** Largest max over smallest min that a linear axis shows legibly; beyond it the axis is logarithmic. */
export const LOG_SPAN = 100;
/** Lowest tick of a log axis (ms): below it a time shows at the axis. */
const LOG_FLOOR = 0.01;

/**
 * The time axis: its ticks, and where a time goes as a share of the height from the bottom.
 * The span is judged on the medians (what the lines join); the log axis reaches down to the
 * smallest time above zero, and a zero sits on the axis.
 */
function timeAxis(medians: readonly number[], mins: readonly number[], top: number): { scale: ChartModel['scale']; values: number[]; share: (ms: number) => number } {
  const fastest = Math.min(...medians);
  if (fastest > 0 && top / fastest > LOG_SPAN) {
    const lowest = Math.min(fastest, ...mins.filter((m) => m > 0));
    const lo = Math.max(Math.log10(LOG_FLOOR), Math.floor(Math.log10(lowest)));
    const hi = Math.ceil(Math.log10(top));
    const values = Array.from({ length: hi - lo + 1 }, (_, k) => 10 ** (lo + k));
    return { scale: 'log', values, share: (ms) => (Math.log10(Math.max(ms, 10 ** lo)) - lo) / (hi - lo) };
  }
  const step = niceStep(top);
  const yMax = Math.ceil(top / step) * step;
  return { scale: 'linear', values: Array.from({ length: Math.round(yMax / step) + 1 }, (_, k) => k * step), share: (ms) => ms / yMax };
}

export function chartModel(results: readonly LatencyResult[], box: ChartBox): ChartModel {
  const done = results.filter((r) => r.summary !== null);
  const sizes = [...new Set(done.map((r) => r.size))].sort((a, b) => a - b);
  const top = Math.max(1, ...done.map((r) => r.summary!.max));
  const axis = timeAxis(
    done.map((r) => r.summary!.median),
    done.map((r) => r.summary!.min),
    top,
  );
  const yValues = axis.values;
  const yMax = yValues.at(-1)!;
  const Y_TITLE = Y_TITLES[axis.scale];
  // Margins wide enough for the labels: the widest y tick left of the plot, half of the
  // first and last x tick either side of their ticks, and the y title above the plot, clear
  // of the top tick's label.
  const xText = sizes.map(formatSize);
  const yText = yValues.map((v) => String(+v.toFixed(3)));
  const left = Math.max(box.left, GAP + Math.max(...yText.map((t) => labelWidth(t))) + GAP);
  const right = Math.max(box.right, labelWidth(xText.at(-1) ?? '') / 2 + 2);
  const leftEdge = Math.max(left, labelWidth(xText[0] ?? '') / 2 + 2);
  const plotTop = Math.max(box.top, 2 * LABEL_PX);
  const bottom = Math.max(box.bottom, 2 * (LABEL_PX + GAP) + 4);
  const plotW = Math.max(1, box.width - leftEdge - right);
  const plotH = Math.max(1, box.height - plotTop - bottom);
  const [lo, hi] = [Math.log(sizes[0] ?? 1), Math.log(sizes.at(-1) ?? 1)];
  const x = (size: number) => (hi === lo ? leftEdge + plotW / 2 : leftEdge + ((Math.log(size) - lo) / (hi - lo)) * plotW);
  const y = (ms: number) => plotTop + plotH - axis.share(ms) * plotH;
  const paths = [...new Set(done.map((r) => r.path))];
  const xTicks = sizes.map((size) => ({ size, x: x(size) }));
  const yTicks = yValues.map((ms) => ({ ms, y: y(ms) }));
  const plotBottom = plotTop + plotH;
  const labels: ChartLabel[] = [
    ...yTicks.map((t, k) => ({ text: yText[k]!, x: leftEdge - GAP, y: t.y + LABEL_PX / 3, anchor: 'end' as const })),
    // A tick close to the last one (a custom size) keeps its label inside the box too.
    ...xTicks.map((t, k) => {
      const half = labelWidth(xText[k]!) / 2 + 1;
      return { text: xText[k]!, x: Math.min(box.width - half, Math.max(half, t.x)), y: plotBottom + GAP + LABEL_PX, anchor: 'middle' as const };
    }),
    { text: Y_TITLE, x: GAP, y: LABEL_PX, anchor: 'start' },
    { text: X_TITLE, x: leftEdge + plotW / 2, y: box.height - GAP, anchor: 'middle' },
  ];
  return {
    scale: axis.scale,
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
    xTicks,
    yTicks,
    yMax,
    plot: { left: leftEdge, right: leftEdge + plotW, top: plotTop, bottom: plotBottom },
    labels,
  };
}
