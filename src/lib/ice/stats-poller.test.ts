import { describe, expect, it } from 'vitest';
import { StatsPoller } from './stats-poller';

/** Manual timers: run() fires the pending one. */
function clock() {
  const pending: Array<{ fn: () => void; ms: number; id: number }> = [];
  let next = 1;
  return {
    pending,
    setTimeout: (fn: () => void, ms: number) => {
      const id = next++;
      pending.push({ fn, ms, id });
      return id;
    },
    clearTimeout: (id: unknown) => {
      const k = pending.findIndex((p) => p.id === id);
      if (k >= 0) pending.splice(k, 1);
    },
    async run() {
      const p = pending.shift();
      if (!p) throw new Error('no timer pending');
      p.fn();
      await flush();
      return p.ms;
    },
  };
}
const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(states: string[], report: () => unknown = () => new Map([['a', { id: 'a', type: 'transport' }]])) {
  const c = clock();
  let k = 0;
  const seen: unknown[][] = [];
  const errors: unknown[] = [];
  const poller = new StatsPoller({
    getStats: async () => report() as { values(): Iterable<unknown> },
    iceState: () => states[Math.min(k++, states.length - 1)]!,
    onStats: (s) => seen.push(s),
    onError: (e) => errors.push(e),
    setTimeout: c.setTimeout,
    clearTimeout: c.clearTimeout,
  });
  return { c, poller, seen, errors };
}

describe('StatsPoller', () => {
  it('polls every 250 ms while checking, every second once connected, once more on failure, then stops', async () => {
    const { c, poller, seen } = setup(['new', 'checking', 'connected', 'connected', 'failed']);
    poller.start();
    await flush();
    const intervals = [];
    while (c.pending.length) intervals.push(await c.run());
    expect(intervals).toEqual([250, 250, 1000, 1000]);
    expect(seen).toHaveLength(5);
    expect(seen[0]).toEqual([{ id: 'a', type: 'transport' }]);
    expect(poller.active).toBe(false);
  });

  it('stop() cancels the next poll; start() twice polls once', async () => {
    const { c, poller, seen } = setup(['checking']);
    poller.start();
    poller.start();
    await flush();
    expect(seen).toHaveLength(1);
    poller.stop();
    expect(c.pending).toHaveLength(0);
  });

  it('accepts an array, and reports a rejected getStats() without stopping', async () => {
    let calls = 0;
    const { c, poller, seen, errors } = setup(['checking'], () => {
      if (calls++ === 0) throw new Error('closed');
      return [{ id: 'x' }];
    });
    poller.start();
    await flush();
    expect(errors).toHaveLength(1);
    await c.run();
    expect(seen).toEqual([[{ id: 'x' }]]);
    await poller.refresh();
    expect(seen).toHaveLength(2);
    poller.stop();
  });
});
