/**
 * The runes bases of every live lab's state class. TraceState follows one session's trace
 * into reactive state and holds what every lab does the same way (the announcement, the
 * selected message, export); SessionState adds the pause-and-step queue's controls. A lab
 * kind extends one of them with its own settings and controls; all protocol logic stays in
 * src/lib.
 */
import type { HeldMessage } from '../../lib/session/core';
import type { Trace } from '../../lib/trace/trace';
import type { TraceEvent } from '../../lib/trace/types';
import { download } from '../site/download';

/** What every lab state needs of its session. */
export interface TracedSession {
  readonly trace: Trace;
}

/** A session with a pause-and-step queue. */
export interface SteppedSession extends TracedSession {
  readonly queue: { readonly playing: boolean };
  step(): HeldMessage | undefined;
  play(intervalMs: number): void;
  pause(): void;
}

export abstract class TraceState<S extends TracedSession> {
  events = $state.raw<TraceEvent[]>([]);
  /** Trace index of the message open in the inspector. */
  selected = $state<number | null>(null);
  /** Said by the lab's live region. */
  announcement = $state('');
  /** Export options: replace IP addresses / ICE credentials before the trace leaves the page. */
  redactIps = $state(false);
  redactCredentials = $state(false);

  protected session: S | null = null;
  private offTrace: (() => void) | null = null;
  private flushScheduled = false;

  /** The exported file's name, without extension. */
  protected abstract traceName(session: S): string;

  protected attach(session: S): void {
    this.detach();
    this.session = session;
    this.events = [];
    this.offTrace = session.trace.subscribe(() => this.scheduleFlush());
    this.scheduleFlush();
  }

  protected detach(): void {
    this.offTrace?.();
    this.offTrace = null;
    this.session = null;
  }

  /** Trace events arrive in bursts (a candidate flurry); copy them into state once per tick. */
  protected scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.sync();
    });
  }

  /** Copies the session into state now. */
  protected sync(): void {
    const s = this.session;
    if (s) this.events = [...s.trace.events];
  }

  announce(text: string): void {
    this.announcement = text;
  }

  async exportTrace(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const [{ exportTrace }, { redactTrace }] = await Promise.all([import('../../lib/trace/export'), import('../../lib/trace/redact')]);
    let events: readonly TraceEvent[] = session.trace.events;
    let note = '';
    if (this.redactIps || this.redactCredentials) {
      const result = redactTrace(events, { ips: this.redactIps, iceCredentials: this.redactCredentials });
      events = result.events;
      note = ` Redacted ${result.replaced.ips} address(es) and ${result.replaced.credentials} credential(s).`;
    }
    download(exportTrace(events), `${this.traceName(session)}.json`, 'application/json');
    this.announce(`Trace exported: ${events.length} events.${note}`);
  }
}

export abstract class SessionState<S extends SteppedSession> extends TraceState<S> {
  playing = $state(false);
  /** ms between deliveries while playing. */
  pace = $state(600);

  /** What the live region says after a Step delivered `message`. */
  protected abstract stepped(message: HeldMessage): void;

  protected sync(): void {
    super.sync();
    this.playing = this.session?.queue.playing ?? false;
  }

  step(): void {
    const message = this.session?.step();
    if (!message) {
      this.announce('Nothing is held. Waiting for the peers to publish.');
      return;
    }
    this.sync();
    this.stepped(message);
  }

  play(intervalMs = this.pace): void {
    if (!this.session) return;
    this.session.play(intervalMs);
    this.playing = true;
    this.announce('Playing: every held message is delivered in turn.');
  }

  pause(): void {
    this.session?.pause();
    this.playing = false;
    this.announce('Paused.');
  }
}
