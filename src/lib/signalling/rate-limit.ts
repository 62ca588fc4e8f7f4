/**
 * Token buckets by key, for messages from the broker. Each key holds `burst` tokens, refilled
 * at `ratePerS`; a message without a token is refused. A bucket that has refilled is the
 * same as no bucket, so such buckets are forgotten: a flood under a million claimed ids
 * leaves a map the size of the last fraction of a second, not a million entries.
 * Pure: the caller passes the time (ms), so tests use a fake clock.
 */
import { LIMITS, type Rate } from './limits';

/** The per-sender rate of the MQTT labs (kept under its old name for the e2e tests that pace by it). */
export const LAB_RATE_LIMIT: Rate = LIMITS.mqtt.sender;

interface Bucket {
  tokens: number;
  at: number;
}

/** Below this many buckets nothing is pruned. */
const PRUNE_FLOOR = 256;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private pruneAbove = PRUNE_FLOOR;

  constructor(private readonly rate: Rate) {}

  /** Spends one of `key`'s tokens at `now`; false when it has none (nothing is spent). */
  take(key: string, now: number): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.pruneAbove) this.prune(now);
      b = { tokens: this.rate.burst, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = this.tokensAt(b, now);
    b.at = Math.max(b.at, now);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** How many keys are remembered (those whose bucket is not full). */
  get size(): number {
    return this.buckets.size;
  }

  private tokensAt(b: Bucket, now: number): number {
    return Math.min(this.rate.burst, b.tokens + (Math.max(0, now - b.at) * this.rate.ratePerS) / 1000);
  }

  /** Forgets full buckets; the next prune waits until the map has doubled, so each costs O(1) per take. */
  private prune(now: number): void {
    for (const [key, b] of this.buckets) if (this.tokensAt(b, now) >= this.rate.burst) this.buckets.delete(key);
    this.pruneAbove = Math.max(PRUNE_FLOOR, 2 * this.buckets.size);
  }
}
