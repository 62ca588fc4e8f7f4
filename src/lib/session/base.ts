/**
 * SessionBase: what every lab session owns, whatever it carries: the trace (the single
 * source of truth every view reads), the one way to append to it, and being closed. A lab
 * kind without a queue (copy and paste) extends it directly; the queued kinds extend
 * ./queued, which adds the pause-and-step queue.
 */
import { Trace } from '../trace/trace';

export interface SessionBaseDeps {
  /** Monotonic clock for the trace (performance.now by default); inject one in tests. */
  now?: () => number;
}

export abstract class SessionBase<B extends { type: string }> {
  readonly trace: Trace<B>;
  protected closed = false;

  /** `trace`: continue one that exists (a lab restarted over the same log); a new one otherwise. */
  constructor(deps: SessionBaseDeps, trace?: Trace<B>) {
    this.trace = trace ?? new Trace<B>(deps.now);
  }

  protected emit(body: B): void {
    this.trace.append(body);
  }

  /**
   * Marks the session closed; each layer adds what it must stop. A lab kind calls it first
   * from its own close (or leave), then tears down its topology; the trace stays readable.
   */
  protected closeCore(): void {
    this.closed = true;
  }
}
