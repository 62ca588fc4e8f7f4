/**
 * SignalQueue: holds application signals between the broker and their recipient until
 * the reader releases them, one per Step, or one per interval while playing.
 *
 * Invariants (property-tested in signal-queue.test.ts against an array model): the queue
 * changes only as the reader asked. On its own it never loses, duplicates or reorders an
 * item. Items leave only by delivery (head first), by drop(qid), or by clear(), which hands
 * the dropped items back to the caller.
 *
 * Fault injection, each by qid, each exactly what it says and nothing else:
 * - drop(qid): remove that item.
 * - delay(qid): move it to the tail, behind every item held right now. Those pass first;
 *   an item held later queues behind it as usual (Delay again to let those pass too).
 * - duplicate(qid, copy): insert copy(item), which needs a new qid, right after it.
 * - move(qid, -1 | +1): swap it with the item before (up, towards the head) or after it.
 * - replace(qid, next): put next (same qid) in its place, e.g. an edited payload.
 * The last four return an Edit: ok with the item's position before and after, or not ok
 * with why nothing changed ('not-held', or 'at-edge' for a move or delay that has nowhere
 * to go). A no-op never calls onChange. The play loop re-reads the head on every tick, so
 * none of them disturbs playing.
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

/** The outcome of a fault-injection action; `from`/`to` are 0-based positions (head = 0). */
export type QueueEdit<T> =
  | { ok: true; item: T; from: number; to: number }
  | { ok: false; reason: 'not-held' | 'at-edge' };

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

  /**
   * Fault injection: move one held item to the tail, behind everything held now, so those
   * are delivered first. Not ok ('at-edge') when it is already last.
   */
  delay(qid: string): QueueEdit<T> {
    const from = this.indexOf(qid);
    if (from === -1) return { ok: false, reason: 'not-held' };
    const to = this.items.length - 1;
    if (from === to) return { ok: false, reason: 'at-edge' };
    const [item] = this.items.splice(from, 1) as [T];
    this.items.push(item);
    this.changed();
    return { ok: true, item, from, to };
  }

  /**
   * Fault injection: hold a copy right after the item, so it is delivered twice. `copy`
   * makes the copy from the item and must give it a qid not already held (else it throws,
   * as hold() does). Returns the copy and where it went.
   */
  duplicate(qid: string, copy: (item: T) => T): QueueEdit<T> {
    const from = this.indexOf(qid);
    if (from === -1) return { ok: false, reason: 'not-held' };
    const twin = copy(this.items[from]!);
    if (this.indexOf(twin.qid) !== -1) throw new Error(`qid ${twin.qid} is already held`);
    this.items.splice(from + 1, 0, twin);
    this.changed();
    this.schedule();
    return { ok: true, item: twin, from, to: from + 1 };
  }

  /** Fault injection: swap the item with its neighbour, -1 towards the head, +1 away from it. */
  move(qid: string, by: -1 | 1): QueueEdit<T> {
    const from = this.indexOf(qid);
    if (from === -1) return { ok: false, reason: 'not-held' };
    const to = from + by;
    if (to < 0 || to >= this.items.length) return { ok: false, reason: 'at-edge' };
    const item = this.items[from]!;
    this.items[from] = this.items[to]!;
    this.items[to] = item;
    this.changed();
    return { ok: true, item, from, to };
  }

  /** Fault injection: put `next` in the item's place (an edit). `next` must keep the qid. */
  replace(qid: string, next: T): QueueEdit<T> {
    if (next.qid !== qid) throw new Error(`replace keeps the qid: ${next.qid} is not ${qid}`);
    const from = this.indexOf(qid);
    if (from === -1) return { ok: false, reason: 'not-held' };
    this.items[from] = next;
    this.changed();
    return { ok: true, item: next, from, to: from };
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
