import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Rate } from './limits';
import { TokenBuckets } from './rate-limit';

const RATE: Rate = { ratePerS: 10, burst: 5 };

/** Takes `n` tokens for `key`, `gapMs` apart from `start`; returns how many were granted. */
function send(tb: TokenBuckets, key: string, n: number, start: number, gapMs: number): number {
  let passed = 0;
  for (let i = 0; i < n; i++) if (tb.take(key, start + i * gapMs)) passed++;
  return passed;
}

describe('TokenBuckets', () => {
  it('lets a burst through, then refuses, then refills at the rate', () => {
    const tb = new TokenBuckets(RATE);
    expect(send(tb, 'k', 8, 0, 0)).toBe(5);
    // 10/s: one token per 100 ms.
    expect(tb.take('k', 99)).toBe(false);
    expect(send(tb, 'k', 3, 250, 0)).toBe(2);
    // Long quiet: back to a full burst, never more.
    expect(send(tb, 'k', 8, 60_000, 0)).toBe(5);
  });

  it('keeps keys apart: a flood on one key does not starve another', () => {
    const tb = new TokenBuckets(RATE);
    send(tb, 'flood', 1000, 0, 1);
    expect(send(tb, 'legit', 5, 500, 0)).toBe(5);
  });

  it('a steady stream under the rate is never refused', () => {
    const tb = new TokenBuckets(RATE);
    expect(send(tb, 'k', 1000, 0, 100)).toBe(1000);
  });

  it('forgets refilled buckets: 100,000 ids, one message each, leave a map the size of the last moment', () => {
    const tb = new TokenBuckets(RATE);
    // 10,000 ids a second: a bucket that spent one token is full again after 100 ms.
    for (let i = 0; i < 100_000; i++) tb.take(`m${i}`, i / 10);
    expect(tb.size).toBeLessThanOrEqual(2 * 1000 + 256);
  });

  it('property: what one key is granted in any span of t ms is at most burst + rate × t', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3 })), { maxLength: 300 }), (steps) => {
        const tb = new TokenBuckets(RATE);
        let t = 0;
        const grantedAt: number[] = [];
        for (const [gap, key] of steps) {
          t += gap;
          // Other keys come and go, and pruning must not hand key 0 a fresh bucket early.
          if (tb.take(key === 0 ? 'k' : `other${t}`, t) && key === 0) grantedAt.push(t);
        }
        for (let i = 0; i < grantedAt.length; i++) {
          for (let j = i; j < grantedAt.length; j++) {
            expect(j - i + 1).toBeLessThanOrEqual(RATE.burst + Math.floor(((grantedAt[j]! - grantedAt[i]!) * RATE.ratePerS) / 1000));
          }
        }
      }),
    );
  });
});
