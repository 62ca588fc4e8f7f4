/**
 * The rate limit as a session uses it: one RateLimiter keyed by recipient and topic, a timer
 * per summary window, and one report per window naming how many messages were dropped and
 * showing the first of them. Shared by the two-peer lab and the two-device lab, whose
 * brokers (a public one, say) anyone can publish to.
 */
import { previewPayload } from './codec';
import { dropReason, LAB_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limit';

/** A flood's summary, ready to be a 'rejected' trace event. */
export interface FloodReport {
  to: string;
  topic: string;
  reason: string;
  bytes: number;
  preview: string;
  dropped: number;
}

export interface FloodGateDeps {
  now?: () => number;
  /** Timers; a fake one in tests. */
  scheduler?: { setTimeout(fn: () => void, ms: number): unknown };
  report: (report: FloodReport) => void;
}

export class FloodGate {
  private readonly limiter: RateLimiter;
  /** The preview of the first payload dropped in each open window, by key: the summary shows it (never the payload, which may be megabytes). */
  private readonly firstDropped = new Map<string, string>();
  private closed = false;

  constructor(
    private readonly deps: FloodGateDeps,
    private readonly opts: RateLimitOptions = LAB_RATE_LIMIT,
  ) {
    this.limiter = new RateLimiter(opts);
  }

  /** Whether a message for `to` on `topic` may be decoded; if not, it is only counted. */
  admit(to: string, topic: string, payload: Uint8Array): boolean {
    const key = `${to}\n${topic}`;
    const now = this.now();
    const admission = this.limiter.admit(key, now, payload.length);
    if (admission.ok) return true;
    if (admission.firstOfWindow) {
      this.firstDropped.set(key, previewPayload(payload));
      const due = now + this.opts.windowMs;
      const report = () => this.reportDrops(due);
      // A fake scheduler is called as a method; window.setTimeout on another object throws.
      const s = this.deps.scheduler;
      if (s && s.setTimeout !== globalThis.setTimeout) s.setTimeout(report, this.opts.windowMs);
      else globalThis.setTimeout(report, this.opts.windowMs);
    }
    return false;
  }

  /** No more reports after this (the session is over). */
  close(): void {
    this.closed = true;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private reportDrops(due: number): void {
    if (this.closed) return;
    for (const s of this.limiter.endWindows(Math.max(due, this.now()))) {
      const [to, topic] = s.key.split('\n') as [string, string];
      const preview = this.firstDropped.get(s.key) ?? '';
      this.firstDropped.delete(s.key);
      this.deps.report({ to, topic, reason: dropReason(s, this.opts), bytes: s.bytes, preview, dropped: s.dropped });
    }
  }
}
