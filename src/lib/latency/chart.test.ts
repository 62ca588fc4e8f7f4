import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chartModel, labelExtent, LABEL_PX, niceStep } from './chart';
import { summarize } from './stats';
import type { LatencyResult } from './run';

const box = { width: 500, height: 300, left: 50, right: 10, top: 10, bottom: 40 };
const result = (path: string, size: number, samples: number[]): LatencyResult => ({ path, size, samples, summary: summarize(samples), errors: [] });

describe('niceStep', () => {
  it.each([
    [10, 2],
    [47, 10],
    [120, 50],
    [0.3, 0.1],
    [0, 1],
  ])('max %s → %s', (max, step) => {
    expect(niceStep(max)).toBeCloseTo(step);
  });
});

describe('chartModel', () => {
  const results = [
    result('MQTT', 1024, [10, 12, 14]),
    result('MQTT', 10240, [20, 22]),
    result('MQTT', 102400, [40, 44, 48]),
    result('Data channel', 1024, [1, 2, 3]),
    result('Data channel', 102400, [5, 6]),
    { path: 'TURN relay', size: 1024, samples: [], summary: null, errors: ['no echo'] },
  ];
  const m = chartModel(results, box);

  it('sizes on a log scale across the plot, RTT from 0 up to a nice maximum', () => {
    // The right margin grows from 10 to fit half of "100 KB"; the top one to fit "ms" above the top tick's label.
    expect(m.scale).toBe('linear');
    expect(m.plot).toEqual({ left: 50, right: expect.closeTo(475.7, 1), top: 24, bottom: 260 });
    expect(m.xTicks.map((t) => t.size)).toEqual([1024, 10240, 102400]);
    expect(m.xTicks.map((t) => t.x)).toEqual([m.plot.left, (m.plot.left + m.plot.right) / 2, m.plot.right]);
    expect(m.yMax).toBe(50);
    expect(m.yTicks.map((t) => t.ms)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(m.yTicks[0]!.y).toBe(260);
    expect(m.yTicks.at(-1)!.y).toBe(24);
    expect(m.labels.map((l) => l.text)).toEqual(['0', '10', '20', '30', '40', '50', '1 KB', '10 KB', '100 KB', 'ms', 'message size (log scale)']);
  });

  it('one series per path that has results; spread drawn around the median', () => {
    expect(m.series.map((s) => [s.path, s.points.length])).toEqual([
      ['MQTT', 3],
      ['Data channel', 2],
    ]);
    for (const s of m.series) for (const p of s.points) expect(p.max <= p.p75 && p.p75 <= p.median && p.median <= p.p25 && p.p25 <= p.min).toBe(true);
  });

  it('times spanning more than a hundredfold: a log axis in powers of ten, so the fast path is not flat on the floor', () => {
    const wide = chartModel([result('MQTT', 1024, [5, 6]), result('MQTT', 102400, [5000, 5400]), result('Data channel', 1024, [0.4, 0.6]), result('Data channel', 102400, [12, 15])], box);
    expect(wide.scale).toBe('log');
    expect(wide.yTicks.map((t) => t.ms)).toEqual([0.1, 1, 10, 100, 1000, 10000]);
    expect(wide.labels.map((l) => l.text)).toContain('ms (log scale)');
    // Each decade the same height; 1 ms one decade above 0.1 ms.
    const [a, b, c] = wide.yTicks.map((t) => t.y);
    expect(a! - b!).toBeCloseTo(b! - c!);
    const dc = wide.series.find((s) => s.path === 'Data channel')!;
    expect(dc.points[0]!.median).toBeCloseTo(a! - (a! - b!) * Math.log10(5), 5);
    // A zero-time sample sits on the axis, not below it; the axis reaches the smallest time above zero.
    const zero = chartModel([result('A', 1024, [0, 0.2, 0.3]), result('A', 2048, [500])], box);
    expect(zero.scale).toBe('log');
    expect(zero.yTicks[0]!.ms).toBe(0.1);
    expect(zero.series[0]!.points[0]!.min).toBe(zero.plot.bottom);
    // Medians of zero: nothing to take a logarithm of, so a linear axis.
    expect(chartModel([result('A', 1024, [0, 0]), result('A', 2048, [500])], box).scale).toBe('linear');
  });

  it('no results: an empty chart, no NaN', () => {
    const empty = chartModel([], box);
    expect(empty.series).toEqual([]);
    expect(JSON.stringify(empty)).not.toContain('null');
  });
  it('every label lies inside the box, at any width from a phone to a wide screen, for any sizes and times', () => {
    const sizes = fc.uniqueArray(fc.integer({ min: 64, max: 256 * 1024 }), { minLength: 1, maxLength: 6 });
    const times = fc.array(fc.double({ min: 0, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(sizes, times, fc.integer({ min: 280, max: 900 }), (ss, ts, width) => {
        const rs = ss.flatMap((size) => ['MQTT', 'Data channel'].map((path) => result(path, size, ts)));
        const model = chartModel(rs, { width, height: 300, left: 0, right: 0, top: 0, bottom: 0 });
        for (const l of model.labels) {
          const [a, b] = labelExtent(l);
          expect(a, l.text).toBeGreaterThanOrEqual(0);
          expect(b, l.text).toBeLessThanOrEqual(width);
          expect(l.y - LABEL_PX, l.text).toBeGreaterThanOrEqual(0);
          expect(l.y, l.text).toBeLessThanOrEqual(300);
        }
        // Tick labels never overlap the plot: x ticks below it, y ticks left of it.
        for (const l of model.labels.filter((l) => l.anchor === 'end')) expect(l.x).toBeLessThanOrEqual(model.plot.left);
      }),
    );
  });
});
