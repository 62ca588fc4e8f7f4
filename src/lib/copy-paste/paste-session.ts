/**
 * PasteSession: one tab's side of copy-and-paste signalling. There is no server: the reader
 * carries the offer to the other tab or device, and the answer back, as text (or a QR code).
 *
 * It drives ONE LabPeer in vanilla ICE mode, so each description is handed over only once
 * gathering is complete and carries every candidate inside it (RFC 8829 §5.3.2/§5.3.3; no
 * trickled candidates, since nobody would carry them). Pasted text is checked by
 * readPastedDescription before it can reach setRemoteDescription; what the browser then
 * refuses is shown as the browser said it.
 *
 * Everything the peer does goes into one Trace, the single source of truth for the views.
 * Framework-free: the RTCPeerConnection is injected, so unit tests pass the fake.
 */
import { LabPeer, type PeerStates } from '../peer/lab-peer';
import type { AnswerSignal, DirectedSignal, OfferSignal, StatusSignal } from '../signalling/types';
import { SIGNAL_VERSION } from '../signalling/types';
import { Trace } from '../trace/trace';
import type { TraceEvent } from '../trace/types';
import { copyText, readPastedDescription } from './paste';

export type PasteRole = 'offerer' | 'answerer';

/** The names the rest of the site uses: alice offers, bob answers. */
export const PEER_IDS: Readonly<Record<PasteRole, { me: string; other: string }>> = {
  offerer: { me: 'alice', other: 'bob' },
  answerer: { me: 'bob', other: 'alice' },
};

/** Both tabs use it, so the signals this tab builds from pasted text pass LabPeer's session check. */
export const PASTE_SESSION = 'copy-paste';

/**
 * Where this tab is:
 * - choose: no role yet;
 * - wait-offer: the answerer waits for the offer to be pasted;
 * - gathering: our description is made, and we wait for ICE gathering to complete;
 * - wait-answer: the offerer's offer is ready to copy, and it waits for the answer;
 * - connecting: both descriptions are set (offerer), or our answer is out (answerer);
 * - open: the data channel is open.
 */
export type PastePhase = 'choose' | 'wait-offer' | 'gathering' | 'wait-answer' | 'connecting' | 'open';

export interface OwnDescription {
  type: 'offer' | 'answer';
  sdp: string;
  /** What the copy button and the QR code carry. */
  text: string;
  candidates: number;
}

export interface PastedDescription {
  type: 'offer' | 'answer';
  sdp: string;
  candidates: number;
  warnings: string[];
}

export interface PasteSnapshot {
  role: PasteRole | null;
  me: string | null;
  other: string | null;
  phase: PastePhase;
  own: OwnDescription | null;
  pasted: PastedDescription | null;
  /** The last problem: a refused paste (with its reason) or a failed API call (as the browser put it). */
  error: string | null;
  /** Local candidates gathered so far. */
  gathered: number;
  states: PeerStates;
  channelOpen: boolean;
  /** The connection reached 'failed'. */
  failed: boolean;
  /** A paste is being applied. */
  busy: boolean;
}

export interface PasteSessionOptions {
  createPeerConnection: (config: RTCConfiguration) => RTCPeerConnection;
  rtcConfig?: RTCConfiguration;
  /** Monotonic clock for the trace (performance.now by default). */
  now?: () => number;
  /** Wall clock for the signals' ts field (Date.now by default). */
  wallClock?: () => number;
}

const INITIAL_STATES: PeerStates = { signaling: 'stable', iceGathering: 'new', iceConnection: 'new', connection: 'new' };

/** What a tab shows before the reader picks a part. */
export function initialSnapshot(): PasteSnapshot {
  return {
    role: null,
    me: null,
    other: null,
    phase: 'choose',
    own: null,
    pasted: null,
    error: null,
    gathered: 0,
    states: { ...INITIAL_STATES },
    channelOpen: false,
    failed: false,
    busy: false,
  };
}

export class PasteSession {
  readonly trace: Trace;
  private readonly opts: PasteSessionOptions;
  private peer: LabPeer | null = null;
  private role: PasteRole | null = null;
  private own: OwnDescription | null = null;
  private pasted: PastedDescription | null = null;
  private error: string | null = null;
  private busy = false;
  private pasteCount = 0;
  private readonly listeners = new Set<() => void>();

  constructor(opts: PasteSessionOptions) {
    this.opts = opts;
    this.trace = new Trace(opts.now);
    this.trace.subscribe(() => this.changed());
  }

  /** Called after every change (a trace event or a paste). Returns the unsubscribe function. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  snapshot(): PasteSnapshot {
    if (!this.role) return { ...initialSnapshot(), error: this.error };
    const ids = PEER_IDS[this.role];
    const states = this.peer ? this.peer.states : { ...INITIAL_STATES };
    const channelOpen = this.peer?.channelOpen ?? false;
    return {
      role: this.role,
      me: ids.me,
      other: ids.other,
      phase: this.phase(channelOpen),
      own: this.own,
      pasted: this.pasted,
      error: this.error,
      gathered: gatheredCount(this.trace.events, ids.me),
      states,
      channelOpen,
      failed: states.connection === 'failed',
      busy: this.busy,
    };
  }

  /** Picks this tab's part. The offerer starts making its offer at once. */
  choose(role: PasteRole): void {
    if (this.role) return;
    this.role = role;
    const { me, other } = PEER_IDS[role];
    const peer = new LabPeer({
      id: me,
      remoteId: other,
      role,
      session: PASTE_SESSION,
      createPeerConnection: this.opts.createPeerConnection,
      ...(this.opts.rtcConfig ? { rtcConfig: this.opts.rtcConfig } : {}),
      emit: (body) => this.trace.append(body),
      send: (signal) => this.onOwnDescription(signal),
      iceMode: 'vanilla',
      traceReceivedChat: true,
    });
    this.peer = peer;
    const from = this.trace.length;
    peer.start();
    this.error = failureSince(this.trace.events, from, me);
    if (role === 'offerer' && !this.error) {
      // LabPeer's offerer offers when it hears the answerer is online. With no server, the
      // reader is the presence signal: choosing "Create an offer" says the other side exists.
      peer.handleSignal({ ...this.envelope(), kind: 'status', status: 'online' } satisfies StatusSignal);
      void peer.settled().then(() => this.afterPeerWork(from));
    }
    this.changed();
  }

  /** Resolves once everything started so far (including gathering) is done. */
  settled(): Promise<void> {
    return this.peer?.settled() ?? Promise.resolve();
  }

  /** The answerer pastes the offer. Resolves true once the answer is ready to copy. */
  pasteOffer(text: string): Promise<boolean> {
    return this.applyPasted(text, 'offer');
  }

  /** The offerer pastes the answer. Resolves true once setRemoteDescription accepted it. */
  pasteAnswer(text: string): Promise<boolean> {
    return this.applyPasted(text, 'answer');
  }

  sendChat(text: string): boolean {
    return this.peer?.sendChat(text) ?? false;
  }

  close(): void {
    this.peer?.close();
    this.listeners.clear();
  }

  // ---------------------------------------------------------------- internals

  /** A pasted description was accepted by setRemoteDescription (we call it for nothing else). */
  private get applied(): boolean {
    const me = this.role ? PEER_IDS[this.role].me : null;
    return this.trace.events.some((e) => e.type === 'api' && e.peer === me && e.call === 'setRemoteDescription' && e.ok);
  }

  private phase(channelOpen: boolean): PastePhase {
    if (!this.role) return 'choose';
    if (channelOpen) return 'open';
    if (this.role === 'offerer') {
      if (!this.own) return 'gathering';
      return this.applied ? 'connecting' : 'wait-answer';
    }
    if (!this.applied) return 'wait-offer';
    return this.own ? 'connecting' : 'gathering';
  }

  private async applyPasted(text: string, expected: 'offer' | 'answer'): Promise<boolean> {
    const peer = this.peer;
    const wants: PasteRole = expected === 'offer' ? 'answerer' : 'offerer';
    if (!peer || this.role !== wants) return this.refuse(`only the ${wants} takes a pasted ${expected}`);
    if (this.busy) return this.refuse(`the last paste is still being applied`);
    if (expected === 'answer' && !this.own) return this.refuse('your offer is not ready yet: wait until gathering is complete, then send it first');
    if (expected === 'offer' && this.applied) return this.refuse('this tab already took an offer; press Start over to take another');
    const read = readPastedDescription(text, expected);
    if (!read.ok) return this.refuse(`That is not a usable ${expected}: ${read.reason}.`);

    this.pasted = { type: read.description.type, sdp: read.description.sdp, candidates: read.candidates, warnings: read.warnings };
    this.error = null;
    this.busy = true;
    this.changed();
    const from = this.trace.length;
    this.pasteCount += 1;
    const signal: OfferSignal | AnswerSignal = { ...this.envelope(), kind: expected, to: PEER_IDS[wants].me, sdp: read.description.sdp };
    peer.handleSignal(signal);
    await peer.settled();
    this.busy = false;
    this.afterPeerWork(from);
    return this.error === null;
  }

  /** Records the first failed call since trace index `from`, as the browser put it. */
  private afterPeerWork(from: number): void {
    if (!this.role) return;
    const failure = failureSince(this.trace.events, from, PEER_IDS[this.role].me);
    if (failure) this.error = failure;
    this.changed();
  }

  private refuse(reason: string): false {
    this.error = reason;
    this.changed();
    return false;
  }

  /** LabPeer hands us its one vanilla description (every candidate inside) to "send". */
  private onOwnDescription(signal: DirectedSignal): void {
    if (signal.kind !== 'offer' && signal.kind !== 'answer') return;
    const description = { type: signal.kind, sdp: signal.sdp };
    this.own = { ...description, text: copyText(description), candidates: (signal.sdp.match(/^a=candidate:/gm) ?? []).length };
    this.changed();
  }

  /** The envelope of a signal as if the other tab had sent it: what LabPeer checks (session, from). */
  private envelope(): Pick<StatusSignal, 'v' | 'from' | 'session' | 'mid' | 'ts'> {
    const { other } = PEER_IDS[this.role!];
    return {
      v: SIGNAL_VERSION,
      from: other,
      session: PASTE_SESSION,
      mid: `${other}-pasted-${this.pasteCount}`,
      ts: (this.opts.wallClock ?? Date.now)(),
    };
  }

  private changed(): void {
    for (const fn of [...this.listeners]) fn();
  }
}

/** Local candidates `peer` has gathered (the null end-of-gathering event not counted). */
export function gatheredCount(events: readonly TraceEvent[], peer: string): number {
  return events.filter((e) => e.type === 'candidate-gathered' && e.peer === peer && e.candidate !== null).length;
}

/** "setRemoteDescription failed: InvalidStateError: …" for the first failed call of `peer` since `from`. */
export function failureSince(events: readonly TraceEvent[], from: number, peer: string): string | null {
  for (let i = from; i < events.length; i++) {
    const e = events[i]!;
    // onicecandidateerror is not fatal (ICE goes on with other servers), so it is not a failure here.
    if (e.type === 'api' && e.peer === peer && !e.ok && e.call !== 'onicecandidateerror') {
      return `${e.call} failed: ${e.detail ?? 'no reason given'}`;
    }
  }
  return null;
}
