import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dropReason, RateLimiter, type RateLimitOptions } from './rate-limit';

const OPTS: RateLimitOptions = { ratePerS: 10, burst: 5, windowMs: 1000 };

/** Admits `n` messages for `key`, `gapMs` apart from `start`; returns how many got through. */
function send(rl: RateLimiter, key: string, n: number, start: number, gapMs: number): number {
  let passed = 0;
  for (let i = 0; i < n; i++) if (rl.admit(key, start + i * gapMs, 100).ok) passed++;
  return passed;
}

describe('RateLimiter', () => {
  it('lets a burst through, then drops, then refills at the rate', () => {
    const rl = new RateLimiter(OPTS);
    expect(send(rl, 'k', 8, 0, 0)).toBe(5);
    // 10/s: one token per 100 ms.
    expect(rl.admit('k', 99).ok).toBe(false);
    expect(send(rl, 'k', 3, 250, 0)).toBe(2);
    // Long quiet: back to a full burst, never more.
    expect(send(rl, 'k', 8, 60_000, 0)).toBe(5);
  });

  it('keeps keys apart: a flood on one topic does not starve another', () => {
    const rl = new RateLimiter(OPTS);
    send(rl, 'flood', 1000, 0, 1);
    expect(send(rl, 'legit', 5, 500, 0)).toBe(5);
  });

  it('a steady stream under the rate is never dropped', () => {
    const rl = new RateLimiter(OPTS);
    expect(send(rl, 'k', 1000, 0, 100)).toBe(1000);
    expect(rl.endWindows(1e9, true)).toEqual([]);
  });

  it('sums a flood into one summary per window, each reported once', () => {
    const rl = new RateLimiter(OPTS);
    // 1,000 messages in 1 s: 5 burst + 9 refilled get through.
    const results = Array.from({ length: 1000 }, (_, i) => rl.admit('k', i, 100));
    const passed = results.filter((r) => r.ok).length;
    expect(passed).toBe(14);
    expect(results.filter((r) => !r.ok && r.firstOfWindow)).toHaveLength(1);
    expect(rl.endWindows(999)).toEqual([]); // the window is not over yet
    const [summary, ...rest] = rl.endWindows(1005);
    expect(rest).toEqual([]);
    expect(summary).toEqual({ key: 'k', dropped: 986, bytes: 98_600, firstAt: 5, lastAt: 999 });
    expect(rl.endWindows(5000)).toEqual([]);
  });

  it('a flood longer than a window starts a new window, and the old one is kept for endWindows', () => {
    const rl = new RateLimiter(OPTS);
    const firsts = Array.from({ length: 2500 }, (_, i) => rl.admit('k', i)).filter((r) => !r.ok && r.firstOfWindow);
    expect(firsts).toHaveLength(3);
    const summaries = rl.endWindows(2500, true);
    expect(summaries.map((s) => s.firstAt)).toEqual([5, 1005, 2005]);
    expect(summaries.reduce((n, s) => n + s.dropped, 0)).toBe(2500 - 5 - 24);
  });

  it('property: what passes in any span of t ms is at most burst + rate × t', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (gaps) => {
        const rl = new RateLimiter(OPTS);
        let t = 0;
        const passedAt: number[] = [];
        for (const g of gaps) {
          t += g;
          if (rl.admit('k', t).ok) passedAt.push(t);
        }
        for (let i = 0; i < passedAt.length; i++) {
          for (let j = i; j < passedAt.length; j++) {
            expect(j - i + 1).toBeLessThanOrEqual(OPTS.burst + Math.floor(((passedAt[j]! - passedAt[i]!) * OPTS.ratePerS) / 1000));
          }
        }
        const dropped = rl.endWindows(t, true).reduce((n, s) => n + s.dropped, 0);
        expect(dropped + passedAt.length).toBe(gaps.length);
      }),
    );
  });
});

describe('dropReason', () => {
  it.each([
    [{ key: 'k', dropped: 812, bytes: 0, firstAt: 0, lastAt: 940 }, 'rate limit: 812 messages on this topic dropped in 1 s (over 10/s, bursts of 5)'],
    [{ key: 'k', dropped: 1, bytes: 0, firstAt: 7, lastAt: 7 }, 'rate limit: 1 message on this topic dropped in 0.1 s (over 10/s, bursts of 5)'],
    [{ key: 'k', dropped: 30, bytes: 0, firstAt: 0, lastAt: 420 }, 'rate limit: 30 messages on this topic dropped in 0.5 s (over 10/s, bursts of 5)'],
  ])('%#', (summary, reason) => {
    expect(dropReason(summary, OPTS)).toBe(reason);
  });
});
