/**
 * QueuedSession: the pause-and-step queue every queued lab kind shares (the MQTT labs through
 * ./core, the lobby mesh directly). It owns the SignalQueue and the queue ids, holds and
 * delivers, and offers Step, Play, Pause and the fault injection that works on any held item:
 * Drop, Delay, Move and Duplicate. Each is traced once, here.
 *
 * The kinds trace the same moments with their own event shapes (the MQTT labs name the
 * recipient `to`, the lobby `peer`), so each passes a table of QueueEvents that builds them.
 */
import { SignalQueue, type QueueEdit, type Scheduler } from '../queue/signal-queue';
import type { Trace } from '../trace/trace';
import { SessionBase, type SessionBaseDeps } from './base';

/** A fault-injection action on a held item, as its 'tampered' event records it. */
export type QueueTamper = { action: 'delay' } | { action: 'move'; by: -1 | 1 } | { action: 'duplicate'; copy: string };

/** How a lab kind's trace records each thing the queue does to an item. */
export interface QueueEvents<T, B> {
  /** The item arrived and waits for Step. */
  held(item: T): B;
  /** Step (or Play) released it to its recipient. */
  delivered(item: T): B;
  /** The reader took it out: it never arrives. */
  dropped(item: T, reason?: string): B;
  /** The reader moved or duplicated it; `item` is the one acted on. */
  tampered(item: T, change: QueueTamper): B;
}

export interface QueuedSessionDeps extends SessionBaseDeps {
  /** Timers for Play. */
  scheduler?: Scheduler;
  /** After every change to what is held or to playing. */
  onQueueChange?: () => void;
  /** A delivery that threw (the queue counts the item as delivered and carries on). */
  onDeliverError?: (error: unknown) => void;
}

export abstract class QueuedSession<T extends { qid: string }, B extends { type: string }> extends SessionBase<B> {
  readonly queue: SignalQueue<T>;
  private qids = 0;

  constructor(
    private readonly events: QueueEvents<T, B>,
    deps: QueuedSessionDeps,
    trace?: Trace<B>,
  ) {
    super(deps, trace);
    this.queue = new SignalQueue<T>({
      deliver: (item) => {
        this.emit(events.delivered(item));
        this.deliver(item);
      },
      ...(deps.scheduler ? { scheduler: deps.scheduler } : {}),
      ...(deps.onQueueChange ? { onChange: deps.onQueueChange } : {}),
      ...(deps.onDeliverError ? { onError: deps.onDeliverError } : {}),
    });
  }

  /** What delivering an item means for this lab kind (after its 'delivered' event). */
  protected abstract deliver(item: T): void;

  /** Delivers the head of the queue; undefined when nothing is held. */
  step(): T | undefined {
    return this.queue.step();
  }

  /** Delivers one held item every `intervalMs` (0: as fast as they come) until paused. */
  play(intervalMs: number): void {
    this.queue.play(intervalMs);
  }

  pause(): void {
    this.queue.pause();
  }

  /** A queue id unique within the session ("q1", "q2" …) for an item about to be held. */
  protected nextQid(): string {
    this.qids += 1;
    return `q${this.qids}`;
  }

  /** Holds an item (its qid from nextQid) for Step. */
  protected hold<I extends T>(item: I): I {
    this.emit(this.events.held(item));
    this.queue.hold(item);
    return item;
  }

  // #region fault-injection
  /** Fault injection: take one held item out of the queue. It never reaches its recipient. */
  drop(qid: string, reason?: string): T | undefined {
    const item = this.queue.drop(qid);
    if (item) this.emit(this.events.dropped(item, reason));
    return item;
  }

  /** Fault injection: every item held now goes first; this one moves to the tail. */
  delay(qid: string): QueueEdit<T> {
    const result = this.queue.delay(qid);
    if (result.ok) this.emit(this.events.tampered(result.item, { action: 'delay' }));
    return result;
  }

  /** Fault injection: swap a held item with the one before (-1) or after (+1) it. */
  move(qid: string, by: -1 | 1): QueueEdit<T> {
    const result = this.queue.move(qid, by);
    if (result.ok) this.emit(this.events.tampered(result.item, { action: 'move', by }));
    return result;
  }

  /**
   * Fault injection: a second copy of the same item, held right after it under a new qid, so
   * the recipient really receives it twice. The copy's 'held' comes before the 'tampered'.
   */
  duplicate(qid: string): QueueEdit<T> {
    let original: T | undefined;
    const result = this.queue.duplicate(qid, (item) => {
      original = item;
      return { ...item, qid: this.nextQid() };
    });
    if (!result.ok || !original) return result;
    this.emit(this.events.held(result.item));
    this.emit(this.events.tampered(original, { action: 'duplicate', copy: result.item.qid }));
    return result;
  }
  // #endregion fault-injection

  /** Drops whatever is held and stops playing. */
  protected closeCore(): void {
    super.closeCore();
    this.queue.clear();
  }
}
