import { describe, expect, it } from 'vitest';
import { RefusalLog, type Refusal } from './refusals';
import { KEEP } from '../signalling/keep-limits';

/** A scheduler whose timers run when the test says. */
function fakeScheduler() {
  const due: (() => void)[] = [];
  return { setTimeout: (fn: () => void) => void due.push(fn), runAll: () => due.splice(0).forEach((fn) => fn()), pending: () => due.length };
}

const refusal = (to: string, n: number, extra: Partial<Refusal> = {}): Refusal => ({ type: 'rejected', to, topic: `lab/m${n}/status`, reason: 'not JSON', bytes: 10, preview: `junk ${n}`, ...extra });

describe('RefusalLog', () => {
  it('traces the first refusals of a session one by one, then sums each recipient’s per window, counting flood summaries by what they stand for', () => {
    const emitted: Refusal[] = [];
    const timers = fakeScheduler();
    const log = new RefusalLog({ emit: (r) => emitted.push(r), scheduler: timers, limits: { perSession: 3, summaryMs: 10_000 } });
    for (let n = 0; n < 3; n++) log.record(refusal('bob', n));
    expect(emitted.map((r) => r.preview)).toEqual(['junk 0', 'junk 1', 'junk 2']);

    log.record(refusal('bob', 3));
    log.record(refusal('alice', 4));
    log.record(refusal('bob', 5, { dropped: 812, bytes: 8120, reason: 'rate limit: 812 messages on this topic dropped in 1 s' }));
    expect(emitted).toHaveLength(3);
    expect(timers.pending()).toBe(2);
    timers.runAll();
    expect(emitted.slice(3)).toEqual([
      {
        type: 'rejected',
        to: 'bob',
        topic: 'lab/m3/status',
        reason: '813 more messages refused in 10 s, summed: this session already shows 3 refusals one by one. The first: not JSON',
        bytes: 8130,
        preview: 'junk 3',
        dropped: 813,
      },
      expect.objectContaining({ to: 'alice', dropped: 1, preview: 'junk 4' }),
    ]);
    // A new window starts with the next refusal.
    log.record(refusal('bob', 6));
    timers.runAll();
    expect(emitted.at(-1)).toMatchObject({ to: 'bob', dropped: 1, preview: 'junk 6' });
  });

  it('a session of any length under junk adds at most one event per recipient and window past its budget', () => {
    const emitted: Refusal[] = [];
    const timers = fakeScheduler();
    const log = new RefusalLog({ emit: (r) => emitted.push(r), scheduler: timers });
    const windows = 6;
    for (let w = 0; w < windows; w++) {
      for (let n = 0; n < 5000; n++) log.record(refusal(n % 2 ? 'alice' : 'bob', n));
      timers.runAll();
    }
    expect(emitted).toHaveLength(KEEP.refusalsPerSession + 2 * windows);
    expect(emitted.reduce((n, r) => n + (r.dropped ?? 1), 0)).toBe(windows * 5000);
  });

  it('says nothing more once closed, summaries pending included', () => {
    const emitted: Refusal[] = [];
    const timers = fakeScheduler();
    const log = new RefusalLog({ emit: (r) => emitted.push(r), scheduler: timers, limits: { perSession: 0, summaryMs: 1000 } });
    log.record(refusal('bob', 1));
    log.close();
    timers.runAll();
    log.record(refusal('bob', 2));
    expect(emitted).toEqual([]);
  });
});
