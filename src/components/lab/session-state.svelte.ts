/**
 * The runes bases of every live lab's state class. TraceState follows one session's trace
 * into reactive state and holds what every lab does the same way (the announcement, the
 * selected message); SessionState adds the pause-and-step queue's controls; LabTraceState
 * adds the export of a lab-kind trace (the MQTT labs; the lobby lab exports its own kind
 * with downloadTraceFile). A lab kind extends one of them with its own settings and controls; all protocol
 * logic stays in src/lib. E is the trace's event type, M what the queue holds.
 */
import type { HeldMessage } from '../../lib/session/core';
import type { TraceEvent } from '../../lib/trace/types';
import type { TraceFile } from '../../lib/trace/export';
import { foreignLabel, heldApart } from '../../lib/trace/selectors';
import { download } from '../site/download';

/** What every lab state needs of its session: a trace (../../lib/trace/trace.ts) to follow. */
export interface TracedSession<E = TraceEvent> {
  readonly trace: { readonly events: readonly E[]; subscribe(fn: (event: E) => void): () => void };
}

/** A session with a pause-and-step queue. */
export interface SteppedSession<M = HeldMessage, E = TraceEvent> extends TracedSession<E> {
  readonly queue: { readonly playing: boolean };
  step(): M | undefined;
  play(intervalMs: number): void;
  pause(): void;
}

/** Longest a trace event waits to be shown when no frame comes (a hidden tab). */
const FLUSH_FALLBACK_MS = 100;

export abstract class TraceState<S extends TracedSession<E>, E = TraceEvent> {
  events = $state.raw<E[]>([]);
  /** Trace index of the message open in the inspector. */
  selected = $state<number | null>(null);
  /** Said by the lab's live region. */
  announcement = $state('');

  protected session: S | null = null;
  private offTrace: (() => void) | null = null;

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

  /**
   * Trace events arrive in bursts (a candidate flurry, a PUBLISH and its acknowledgements, each
   * in its own task). The first event of a frame is copied at once (a microtask, so one task's
   * events go together), so a Step paints in the next frame; later events in the same frame wait
   * for the frame's end and are copied together, so a flood recomputes and lays out at most twice
   * per frame. A hidden tab gets no frames: the timer ends the frame there.
   */
  private flushQueued = false;
  private framePending = false;
  private pendingInFrame = false;

  protected scheduleFlush(): void {
    if (this.framePending) {
      this.pendingInFrame = true;
      return;
    }
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
      this.openFrame();
    });
  }

  private flush(): void {
    if (!this.onlyUnwatchedPackets()) this.sync();
  }

  /** Holds later events until this frame ends, then copies any that came. */
  private openFrame(): void {
    this.framePending = true;
    let frame = 0;
    const end = () => {
      if (!this.framePending) return;
      this.framePending = false;
      clearTimeout(timer);
      if (frame) cancelAnimationFrame(frame);
      if (this.pendingInFrame) {
        this.pendingInFrame = false;
        this.flush();
        this.openFrame();
      }
    };
    const timer = setTimeout(end, FLUSH_FALLBACK_MS);
    if (typeof requestAnimationFrame === 'function') frame = requestAnimationFrame(end);
  }

  /** Views that show MQTT packets right now (the packet list, the QoS legs). */
  private packetViews = 0;

  /**
   * A view that shows packets calls this while it is shown, and the returned function when it
   * is not. Meanwhile every packet refreshes the state; otherwise packets wait for the next other
   * event, so acknowledgements and keep-alive pings do not make every view recompute.
   */
  watchPackets(): () => void {
    this.packetViews += 1;
    this.sync();
    return () => {
      this.packetViews -= 1;
    };
  }

  /** True when everything new since the last copy is packets and no view shows them. */
  private onlyUnwatchedPackets(): boolean {
    const all = this.session?.trace.events as readonly { type: string }[] | undefined;
    if (!all || this.packetViews > 0 || all.length <= this.events.length) return false;
    for (let k = this.events.length; k < all.length; k++) if (all[k]!.type !== 'packet') return false;
    return true;
  }

  /** Copies the session into state now. */
  protected sync(): void {
    const s = this.session;
    // The trace only grows: the same length is the same events, and a new array would make
    // every view recompute for nothing.
    if (s && s.trace.events.length !== this.events.length) this.events = [...s.trace.events];
  }

  announce(text: string): void {
    this.announcement = text;
  }
}

/** Play's paces, ms between deliveries; SessionState starts at Normal. */
export const PACES: readonly { ms: number; label: string }[] = [
  { ms: 1500, label: 'Slow (1.5 s)' },
  { ms: 600, label: 'Normal (0.6 s)' },
  { ms: 150, label: 'Fast (0.15 s)' },
  { ms: 0, label: 'As fast as possible' },
];

export abstract class SessionState<S extends SteppedSession<M, E>, M = HeldMessage, E = TraceEvent> extends TraceState<S, E> {
  playing = $state(false);
  /** ms between deliveries while playing. */
  pace = $state(600);
  /** Why the lab stopped, or why Start was refused; null while all is well. */
  error = $state<string | null>(null);

  /** What the live region says after a Step delivered `message`. */
  protected abstract stepped(message: M): void;
  /** What it says when Step finds nothing held. */
  protected readonly nothingHeld: string = 'Nothing is held. Waiting for the peers to publish.';

  protected sync(): void {
    super.sync();
    this.playing = this.session?.queue.playing ?? false;
  }

  /**
   * Whether Start (or Join) may go on: not while `busy` (one is under way or done), nor while
   * the settings are refused (`refusal`, which `error` then shows); else the last error goes.
   */
  protected mayStart(busy: boolean, refusal: string | null): boolean {
    if (busy) return false;
    this.error = refusal;
    return refusal === null;
  }

  step(): void {
    const message = this.session?.step();
    if (!message) {
      this.announce(this.nothingHeld);
      return;
    }
    this.sync();
    this.stepped(message);
  }

  /** The interval Play runs at now (autoplay plays at 0 whatever Pace says). */
  playInterval = $state(600);

  play(intervalMs = this.pace): void {
    if (!this.session) return;
    this.session.play(intervalMs);
    this.playing = true;
    this.playInterval = intervalMs;
    this.announce('Playing: every held message is delivered in turn.');
  }

  pause(): void {
    this.session?.pause();
    this.playing = false;
    this.announce('Paused.');
  }
}

/** Redaction asked for when a trace leaves the page. */
export interface RedactOptions {
  ips: boolean;
  iceCredentials: boolean;
}

/** Downloads a trace file of either kind (../../lib/trace/export.ts); returns what to announce. */
export async function downloadTraceFile(file: TraceFile, name: string, note = ''): Promise<string> {
  const { exportTraceFile } = await import('../../lib/trace/export');
  download(exportTraceFile(file), `${name}.json`, 'application/json');
  return `Trace exported: ${file.events.length} events.${note}`;
}

/** Downloads a lab-kind trace, redacted as asked; returns what to announce. */
export async function downloadTrace(events: readonly TraceEvent[], name: string, redact: RedactOptions = { ips: false, iceCredentials: false }): Promise<string> {
  if (!redact.ips && !redact.iceCredentials) return downloadTraceFile({ kind: 'lab', events }, name);
  const { redactTrace } = await import('../../lib/trace/redact');
  const result = redactTrace(events, redact);
  const note = ` Redacted ${result.replaced.ips} address(es) and ${result.replaced.credentials} credential(s).`;
  return downloadTraceFile({ kind: 'lab', events: result.events }, name, note);
}

/** A stepped lab whose trace is the lab format, so it can be exported. */
export abstract class LabTraceState<S extends SteppedSession> extends SessionState<S> {
  /** Export options: replace IP addresses / ICE credentials before the trace leaves the page. */
  redactIps = $state(false);
  redactCredentials = $state(false);

  /** The exported file's name, without extension. */
  protected abstract traceName(session: S): string;

  /** A message held apart is said when it arrives: no Step will ever announce it. */
  protected sync(): void {
    const before = this.events.length;
    super.sync();
    const apart = this.events.length > before ? heldApart(this.events.slice(before)).at(-1) : undefined;
    if (apart) this.announce(`Held apart, never delivered: ${foreignLabel(apart)}`);
  }

  async exportTrace(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.announce(await downloadTrace(session.trace.events, this.traceName(session), { ips: this.redactIps, iceCredentials: this.redactCredentials }));
  }
}
