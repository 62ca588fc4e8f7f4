/**
 * What every lab session offers the reader over its pause-and-step queue: Step, Play and
 * Pause. The MQTT labs (../session/core) and the lobby mesh each extend it with what they hold.
 */
import type { SignalQueue } from './signal-queue';

export abstract class Stepped<T extends { qid: string }> {
  abstract readonly queue: SignalQueue<T>;

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
}
