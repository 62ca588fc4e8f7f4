import { describe, expect, it } from 'vitest';
import { chartModel, niceStep } from './chart';
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
    expect(m.xTicks.map((t) => [t.size, Math.round(t.x)])).toEqual([
      [1024, 50],
      [10240, 270],
      [102400, 490],
    ]);
    expect(m.yMax).toBe(50);
    expect(m.yTicks.map((t) => t.ms)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(m.yTicks[0]!.y).toBe(260);
    expect(m.yTicks.at(-1)!.y).toBe(10);
  });

  it('one series per path that has results; spread drawn around the median', () => {
    expect(m.series.map((s) => [s.path, s.points.length])).toEqual([
      ['MQTT', 3],
      ['Data channel', 2],
    ]);
    for (const s of m.series) for (const p of s.points) expect(p.max <= p.p75 && p.p75 <= p.median && p.median <= p.p25 && p.p25 <= p.min).toBe(true);
  });

  it('no results: an empty chart, no NaN', () => {
    const empty = chartModel([], box);
    expect(empty.series).toEqual([]);
    expect(JSON.stringify(empty)).not.toContain('null');
  });
});
