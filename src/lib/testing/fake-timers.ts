/**
 * A manual clock for unit tests of code that takes injected setTimeout/clearTimeout.
 * Nothing fires until the test calls advance(); timers fire in due order (ties in the order
 * they were set), and a timer set while advancing fires in the same advance if it falls due.
 */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeTimers implements Timers {
  now = 0;
  private seq = 0;
  private pending = new Map<number, Pending>();

  setTimeout = (fn: () => void, ms: number): unknown => {
    const seq = ++this.seq;
    this.pending.set(seq, { at: this.now + Math.max(0, ms), seq, fn });
    return seq;
  };

  clearTimeout = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };

  /** How many timers are waiting. */
  get size(): number {
    return this.pending.size;
  }

  /** Move the clock forward by ms, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let next: Pending | null = null;
      for (const p of this.pending.values()) {
        if (p.at <= end && (!next || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      }
      if (!next) break;
      this.pending.delete(next.seq);
      this.now = next.at;
      next.fn();
    }
    this.now = end;
  }
}
