/**
 * RefusalLog: how the MQTT labs trace what they refuse. The trace is append-only and drawn
 * row by row, so a hostile publisher sending junk for an hour must not add a row for every
 * message the flood gate lets through to be refused: the first KEEP.refusalsPerSession
 * refusals are traced one by one; after that each recipient's refusals are summed into one
 * 'rejected' event per KEEP.refusalSummaryMs, counted in `dropped` like a rate-limit summary.
 */
import type { Scheduler } from '../queue/signal-queue';
import { KEEP } from '../signalling/keep-limits';
import type { TraceEventBody } from '../trace/types';

export type Refusal = Extract<TraceEventBody, { type: 'rejected' }>;

interface Sum {
  first: Refusal;
  messages: number;
  bytes: number;
}

export interface RefusalLogDeps {
  emit: (refusal: Refusal) => void;
  scheduler?: Pick<Scheduler, 'setTimeout'>;
  limits?: { perSession: number; summaryMs: number };
}

export class RefusalLog {
  private kept = 0;
  private readonly sums = new Map<string, Sum>();
  private closed = false;
  private readonly limits: { perSession: number; summaryMs: number };

  constructor(private readonly deps: RefusalLogDeps) {
    this.limits = deps.limits ?? { perSession: KEEP.refusalsPerSession, summaryMs: KEEP.refusalSummaryMs };
  }

  /** Traces a refusal, or adds it to its recipient's summary once the session's budget is spent. */
  record(refusal: Refusal): void {
    if (this.closed) return;
    if (this.kept < this.limits.perSession) {
      this.kept += 1;
      this.deps.emit(refusal);
      return;
    }
    let sum = this.sums.get(refusal.to);
    if (!sum) {
      sum = { first: refusal, messages: 0, bytes: 0 };
      this.sums.set(refusal.to, sum);
      this.schedule(() => this.flush(refusal.to), this.limits.summaryMs);
    }
    sum.messages += refusal.dropped ?? 1;
    sum.bytes += refusal.bytes;
  }

  /** No more events after this (the session is over). */
  close(): void {
    this.closed = true;
    this.sums.clear();
  }

  private flush(to: string): void {
    const sum = this.sums.get(to);
    this.sums.delete(to);
    if (!sum || this.closed) return;
    const { first, messages, bytes } = sum;
    const seconds = Math.round(this.limits.summaryMs / 1000);
    this.deps.emit({
      type: 'rejected',
      to,
      topic: first.topic,
      reason: `${messages} more messages refused in ${seconds} s, summed: this session already shows ${this.limits.perSession} refusals one by one. The first: ${first.reason}`,
      bytes,
      preview: first.preview,
      dropped: messages,
    });
  }

  private schedule(fn: () => void, ms: number): void {
    // A fake scheduler is called as a method; window.setTimeout on another object throws.
    const s = this.deps.scheduler;
    if (s && s.setTimeout !== globalThis.setTimeout) s.setTimeout(fn, ms);
    else globalThis.setTimeout(fn, ms);
  }
}
