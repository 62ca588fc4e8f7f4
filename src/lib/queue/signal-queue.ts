/**
 * SignalQueue: holds application signals between the broker and their recipient until
 * the reader releases them, one per Step, or one per interval while playing.
 *
 * Invariants (property-tested in signal-queue.test.ts): on its own the queue never
 * loses, duplicates or reorders an item. Items leave the queue only by delivery (head
 * first), by drop(qid) (the reader's fault injection: exactly that item), or by clear(),
 * which hands the dropped items back to the caller.
 *
 * Fault-injection actions by qid (drop now; later delay / duplicate / move / edit) are
 * methods that edit `items` through `indexOf(qid)` and then call `changed()`; the play
 * loop re-reads the head on every tick, so it needs no changes.
 */

/** The two timer functions the queue needs; inject a fake in tests. */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SignalQueueOptions<T> {
  /** Receives each released item, in order. May throw; may call hold() or step() again. */
  deliver: (item: T) => void;
  /** Called after every change to `held`, `size` or `playing`. */
  onChange?: () => void;
  /** Called when deliver or onChange throws; the queue carries on regardless. */
  onError?: (error: unknown, item: T | undefined) => void;
  scheduler?: Scheduler;
}

const realScheduler: Scheduler = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

/**
 * `{ setTimeout, clearTimeout }` copied off `window` throws "Illegal invocation" when
 * called as a method of another object, so the real globals are called on globalThis;
 * any other scheduler (a fake with methods) is called as a method.
 */
function detachGlobals(s: Scheduler): Scheduler {
  return {
    setTimeout: (fn, ms) => (s.setTimeout === globalThis.setTimeout ? realScheduler : s).setTimeout(fn, ms),
    clearTimeout: (handle) => (s.clearTimeout === globalThis.clearTimeout ? realScheduler : s).clearTimeout(handle),
  };
}

export class SignalQueue<T extends { qid: string }> {
  private readonly items: T[] = [];
  private readonly opts: SignalQueueOptions<T>;
  private readonly scheduler: Scheduler;
  private interval: number | null = null;
  private timer: { handle: unknown } | null = null;
  private snapshot: readonly T[] | null = null;

  constructor(opts: SignalQueueOptions<T>) {
    this.opts = opts;
    this.scheduler = opts.scheduler ? detachGlobals(opts.scheduler) : realScheduler;
  }

  /** True between play() and pause() (or clear()), even while there is nothing to deliver. */
  get playing(): boolean {
    return this.interval !== null;
  }

  /** The pace set by the last play(), or null when paused. */
  get intervalMs(): number | null {
    return this.interval;
  }

  /** Held items, head first. A frozen snapshot: it does not change under the caller. */
  get held(): readonly T[] {
    this.snapshot ??= Object.freeze([...this.items]);
    return this.snapshot;
  }

  get size(): number {
    return this.items.length;
  }

  /** Position of an item by qid, or -1. (Hook for fault injection.) */
  indexOf(qid: string): number {
    return this.items.findIndex((item) => item.qid === qid);
  }

  /** Queue an item at the tail. Throws if an item with the same qid is already held. */
  hold(item: T): void {
    if (this.indexOf(item.qid) !== -1) throw new Error(`qid ${item.qid} is already held`);
    this.items.push(item);
    this.changed();
    this.schedule();
  }

  /** Deliver the head now. Returns it, or undefined when nothing is held. */
  step(): T | undefined {
    const item = this.items.shift();
    if (item === undefined) return undefined;
    this.changed();
    try {
      this.opts.deliver(item);
    } catch (err) {
      // A recipient that throws must not stall the queue: the item counts as delivered.
      this.report(err, item);
    }
    return item;
  }

  /**
   * Deliver one item every `intervalMs` until pause(), including items held later.
   * Each item waits a full interval after the previous delivery (or after it arrived,
   * if the queue was idle), so the reader sees it held before it moves. With 0 it is
   * delivered on the next timer tick: still asynchronous, still one per tick.
   * Calling play() while playing changes the pace and restarts the current wait.
   */
  play(intervalMs: number): void {
    if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new RangeError(`interval must be ≥ 0 ms, got ${intervalMs}`);
    const wasPlaying = this.playing;
    this.interval = intervalMs;
    this.cancelTimer();
    this.schedule();
    if (!wasPlaying) this.changed();
  }

  pause(): void {
    if (!this.playing) return;
    this.interval = null;
    this.cancelTimer();
    this.changed();
  }

  /**
   * Fault injection: remove one held item without delivering it. Returns it, or undefined
   * when no held item has that qid (already delivered or dropped). Playing goes on: the
   * next tick delivers whatever is then at the head.
   */
  drop(qid: string): T | undefined {
    const index = this.indexOf(qid);
    if (index === -1) return undefined;
    const [item] = this.items.splice(index, 1);
    this.changed();
    return item;
  }

  /** Drop everything held without delivering it, and pause. Returns what was dropped. */
  clear(): T[] {
    const dropped = this.items.splice(0);
    this.interval = null;
    this.cancelTimer();
    this.changed();
    return dropped;
  }

  private schedule(): void {
    if (this.interval === null || this.timer !== null || this.items.length === 0) return;
    const timer: { handle: unknown } = { handle: undefined };
    this.timer = timer;
    timer.handle = this.scheduler.setTimeout(() => {
      // A stale callback (its timer was cancelled but fired anyway) must do nothing.
      if (this.timer !== timer) return;
      this.timer = null;
      this.step();
      this.schedule();
    }, this.interval);
  }

  private cancelTimer(): void {
    if (this.timer === null) return;
    const { handle } = this.timer;
    this.timer = null;
    this.scheduler.clearTimeout(handle);
  }

  private changed(): void {
    this.snapshot = null;
    if (!this.opts.onChange) return;
    try {
      this.opts.onChange();
    } catch (err) {
      this.report(err, undefined);
    }
  }

  private report(err: unknown, item: T | undefined): void {
    try {
      this.opts.onError?.(err, item);
    } catch {
      // An error handler that throws has nowhere left to report to.
    }
  }
}
