import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIAGRAM_WINDOW, diagramWindow } from './window';

const rows = (count: number) => Array.from({ length: count }, (_, k) => ({ n: k + 1 }));

describe('diagramWindow', () => {
  it.each([
    { count: 0, max: 3, drawn: [], start: 0, omitted: null },
    { count: 2, max: 3, drawn: [1, 2], start: 0, omitted: null },
    { count: 3, max: 3, drawn: [1, 2, 3], start: 0, omitted: null },
    { count: 4, max: 3, drawn: [2, 3, 4], start: 1, omitted: { first: 1, last: 1, count: 1 } },
    { count: 10, max: 3, drawn: [8, 9, 10], start: 7, omitted: { first: 1, last: 7, count: 7 } },
    { count: 5, max: 0, drawn: [5], start: 4, omitted: { first: 1, last: 4, count: 4 } },
  ])('$count rows, window $max', ({ count, max, drawn, start, omitted }) => {
    const w = diagramWindow(rows(count), max);
    expect(w.drawn.map((r) => r.n)).toEqual(drawn);
    expect(w.start).toBe(start);
    expect(w.omitted).toEqual(omitted);
  });

  it('draws every row of a session up to the window, as the same array', () => {
    const all = rows(DIAGRAM_WINDOW);
    expect(diagramWindow(all).drawn).toBe(all);
    expect(diagramWindow(rows(DIAGRAM_WINDOW + 1)).drawn).toHaveLength(DIAGRAM_WINDOW);
  });

  it('omitted + drawn is every row, in order, and the newest row is always drawn', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 200 }), (count, max) => {
        const all = rows(count);
        const w = diagramWindow(all, max);
        expect([...all.slice(0, w.start), ...w.drawn]).toEqual(all);
        expect(w.drawn.length).toBe(Math.min(count, max));
        expect(w.omitted?.count ?? 0).toBe(w.start);
        if (count > 0) expect(w.drawn.at(-1)).toBe(all.at(-1));
      }),
    );
  });
});
