/**
 * A token bucket per key (a recipient and a topic), for messages from the broker. Anyone can
 * publish on a shared root, so a flood must not become a thousand trace events, diagram rows
 * and decodes per second. Each key holds `burst` tokens, refilled at `ratePerS`; a message
 * without a token is dropped before it is decoded, and only counted. The drops of one key
 * are summed per window of `windowMs` from the first drop, so a flood is told once a second
 * ("812 messages dropped") instead of once per message.
 * Pure: the caller passes the time (ms), so tests use a fake clock.
 */

export interface RateLimitOptions {
  /** Tokens added per second. */
  ratePerS: number;
  /** Most tokens a key can hold: how many messages may arrive at once. */
  burst: number;
  /** How long one summary of drops covers, from its first drop (ms). */
  windowMs: number;
}

/**
 * A lab session's traffic per recipient and topic is a status, or an offer with a dozen
 * candidates at most, in one go. What gets through is decoded and, if hostile, drawn as a
 * rejected arrow, so the burst also bounds how many of those a flood adds per second.
 */
export const LAB_RATE_LIMIT: RateLimitOptions = { ratePerS: 10, burst: 20, windowMs: 1000 };

export interface DropSummary {
  key: string;
  /** Messages dropped in the window. */
  dropped: number;
  /** Their payload bytes, summed. */
  bytes: number;
  /** Time of the first and the last drop (ms). */
  firstAt: number;
  lastAt: number;
}

export type Admission = { ok: true } | { ok: false; firstOfWindow: boolean };

interface Bucket {
  tokens: number;
  at: number;
  window: DropSummary | null;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ended: DropSummary[] = [];

  constructor(private readonly opts: RateLimitOptions = LAB_RATE_LIMIT) {}

  /**
   * One message for `key` at time `now`: let it through (a token is spent) or drop it (it is
   * counted). `firstOfWindow` says a new summary window began: call endWindows() after windowMs.
   */
  admit(key: string, now: number, bytes = 0): Admission {
    const { ratePerS, burst, windowMs } = this.opts;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: burst, at: now, window: null };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(burst, b.tokens + (Math.max(0, now - b.at) * ratePerS) / 1000);
    b.at = Math.max(b.at, now);
    if (b.window && now - b.window.firstAt >= windowMs) this.close(b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    const firstOfWindow = b.window === null;
    b.window ??= { key, dropped: 0, bytes: 0, firstAt: now, lastAt: now };
    b.window.dropped += 1;
    b.window.bytes += bytes;
    b.window.lastAt = now;
    return { ok: false, firstOfWindow };
  }

  /** Summaries of every window that is over at `now` (all of them with `all`), oldest first, each once. */
  endWindows(now: number, all = false): DropSummary[] {
    for (const b of this.buckets.values()) {
      if (b.window && (all || now - b.window.firstAt >= this.opts.windowMs)) this.close(b);
    }
    return this.ended.splice(0).sort((x, y) => x.firstAt - y.firstAt);
  }

  private close(b: Bucket): void {
    if (b.window) this.ended.push(b.window);
    b.window = null;
  }
}

/** The reason a summary gives, e.g. "rate limit: 812 messages on this topic dropped in 0.9 s (over 10/s, bursts of 20)". */
export function dropReason(s: DropSummary, opts: RateLimitOptions = LAB_RATE_LIMIT): string {
  const n = s.dropped === 1 ? '1 message' : `${s.dropped} messages`;
  const secs = Math.max(0.1, Math.ceil((s.lastAt - s.firstAt) / 100) / 10);
  return `rate limit: ${n} on this topic dropped in ${secs} s (over ${opts.ratePerS}/s, bursts of ${opts.burst})`;
}
