/**
 * The trace: an append-only log of everything that happens in a lab session, and the
 * single source of truth for every view. Events are frozen once appended. Generic over the
 * event body: the MQTT labs log TraceEventBody (./types), the lobby lab its own (../lobby/trace).
 */
import type { TraceEvent, TraceEventBody } from './types';

/** A body as stored: its index `i` and `at`, ms since the trace began. */
export type Stamped<B> = B & { i: number; at: number };

export type TraceListener<B = TraceEventBody> = (event: Stamped<B>) => void;

export class Trace<B extends { type: string } = TraceEventBody> {
  private readonly log: Stamped<B>[] = [];
  private readonly listeners = new Set<TraceListener<B>>();
  private readonly now: () => number;
  private start: number;
  private last = 0;
  private readonly unsent: Stamped<B>[] = [];
  private notifying = false;

  /** `now` is a monotonic clock in ms (performance.now by default); inject one in tests. */
  constructor(now: () => number = () => globalThis.performance.now()) {
    this.now = now;
    this.start = now();
  }

  /**
   * Every event so far, oldest first. The array grows in place as events are appended;
   * copy it (or slice it) to take a snapshot.
   */
  get events(): readonly Stamped<B>[] {
    return this.log;
  }

  get length(): number {
    return this.log.length;
  }

  /** ms since the trace began, on the same clock as each event's `at`. */
  elapsed(): number {
    return Math.max(this.last, this.now() - this.start);
  }

  /** Record an event: assigns its index `i` and `at` (ms since the trace began), then tells subscribers. */
  append(body: B): Stamped<B> {
    // Never let time run backwards in the log, even if the injected clock does.
    this.last = Math.max(this.last, this.now() - this.start);
    // A frozen copy: the caller keeps its objects, and nobody can edit history.
    const event = frozenCopy({ ...body, i: this.log.length, at: this.last } as Stamped<B>);
    this.log.push(event);
    this.unsent.push(event);
    this.notify();
    return event;
  }

  /**
   * A subscriber may append (a peer reacting to an event); queueing keeps every
   * subscriber seeing events in trace order even then.
   */
  private notify(): void {
    if (this.notifying) return;
    this.notifying = true;
    try {
      for (let event = this.unsent.shift(); event; event = this.unsent.shift()) {
        for (const fn of [...this.listeners]) {
          try {
            fn(event);
          } catch (err) {
            // A broken view must not stop the log or the other views.
            console.error('trace subscriber failed', err);
          }
        }
      }
    } finally {
      this.notifying = false;
    }
  }

  /** Called for each event appended from now on. Returns the unsubscribe function. */
  subscribe(fn: TraceListener<B>): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  /** A lab trace holding imported events (already validated, e.g. by parseTraceJson), for replay. */
  static from(events: readonly TraceEvent[], now?: () => number): Trace {
    const trace = new Trace<TraceEventBody>(now);
    for (const e of events) {
      trace.last = Math.max(trace.last, e.at);
      trace.log.push(frozenCopy({ ...e, i: trace.log.length, at: trace.last }));
    }
    // Events appended later continue the imported timeline.
    trace.start -= trace.last;
    return trace;
  }
}

/** Events are plain data (strings, numbers, booleans, null, arrays, objects). */
function frozenCopy<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) copy[k] = frozenCopy(v);
    return Object.freeze(copy) as T;
  }
  return value;
}
