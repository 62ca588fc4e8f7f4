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
 * Everything the peer does, and every step of the tab (role, own description, pastes), goes
 * into one Trace, the single source of truth: the tab's state is pasteView(trace), and the
 * checks here read it too. The trace is the session core's (../session/base); there is no
 * queue, since the reader carries every message. Framework-free: the RTCPeerConnection is
 * injected.
 */
import { LabPeer } from '../peer/lab-peer';
import { clip } from '../signalling/shape';
import type { AnswerSignal, DirectedSignal, OfferSignal, StatusSignal } from '../signalling/types';
import { SIGNAL_VERSION } from '../signalling/types';
import { SessionBase } from '../session/base';
import type { EventOf, TraceEventBody } from '../trace/types';
import { MAX_PASTE_REASON, MAX_PASTE_WARNINGS } from '../signalling/paste-limits';
import { readPastedDescription } from './paste';
import { PEER_IDS, pasteView, type PasteRole, type PasteSnapshot } from './paste-view';

/** Both tabs use it, so the signals this tab builds from pasted text pass LabPeer's session check. */
export const PASTE_SESSION = 'copy-paste';

export interface PasteSessionOptions {
  createPeerConnection: (config: RTCConfiguration) => RTCPeerConnection;
  rtcConfig?: RTCConfiguration;
  /** Monotonic clock for the trace (performance.now by default). */
  now?: () => number;
  /** Wall clock for the signals' ts field (Date.now by default). */
  wallClock?: () => number;
}

type PasteBody = Omit<EventOf<'paste'>, 'type' | 'peer' | 'i' | 'at'>;

export class PasteSession extends SessionBase<TraceEventBody> {
  private readonly opts: PasteSessionOptions;
  private peer: LabPeer | null = null;
  private role: PasteRole | null = null;
  private pasteCount = 0;

  constructor(opts: PasteSessionOptions) {
    super(opts);
    this.opts = opts;
  }

  /** The tab as the trace tells it (the views use pasteView on their copy of the events). */
  snapshot(): PasteSnapshot {
    return pasteView(this.trace.events);
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
      emit: (body) => this.emit(body),
      send: (signal) => this.onOwnDescription(signal),
      iceMode: 'vanilla',
      traceReceivedChat: true,
    });
    this.peer = peer;
    this.record({ what: 'role', role });
    peer.start();
    if (role === 'answerer' || this.snapshot().error) return this.record({ what: 'settled' });
    // LabPeer's offerer offers when it hears the answerer is online. With no server, the
    // reader is the presence signal: choosing "Create an offer" says the other side exists.
    peer.handleSignal({ ...this.envelope(), kind: 'status', status: 'online' } satisfies StatusSignal);
    void peer.settled().then(() => this.record({ what: 'settled' }));
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
    if (this.closed) return;
    this.closeCore();
    this.peer?.close();
  }

  // ---------------------------------------------------------------- internals

  private async applyPasted(text: string, expected: 'offer' | 'answer'): Promise<boolean> {
    const peer = this.peer;
    const wants: PasteRole = expected === 'offer' ? 'answerer' : 'offerer';
    if (!peer || this.role !== wants) return this.refuse(`only the ${wants} takes a pasted ${expected}`);
    const now = this.snapshot();
    if (now.busy) return this.refuse(`the last paste is still being applied`);
    if (expected === 'answer' && (!now.own || now.working)) return this.refuse('your offer is not ready yet: wait until gathering is complete, then send it first');
    if (expected === 'offer' && now.phase !== 'wait-offer') return this.refuse('this tab already took an offer; press Start over to take another');
    const read = readPastedDescription(text, expected);
    if (!read.ok) return this.refuse(`That is not a usable ${expected}: ${read.reason}.`);

    const { type, sdp } = read.description;
    this.record({ what: 'accepted', sdpType: type, sdp, candidates: read.candidates, warnings: read.warnings.slice(0, MAX_PASTE_WARNINGS) });
    this.pasteCount += 1;
    const signal: OfferSignal | AnswerSignal = { ...this.envelope(), kind: expected, to: PEER_IDS[wants].me, sdp };
    peer.handleSignal(signal);
    await peer.settled();
    this.record({ what: 'settled' });
    return this.snapshot().error === null;
  }
  private refuse(reason: string): false {
    if (this.role) this.record({ what: 'refused', reason: clip(reason, MAX_PASTE_REASON) });
    return false;
  }

  /** LabPeer hands us its one vanilla description (every candidate inside) to "send". */
  private onOwnDescription(signal: DirectedSignal): void {
    if (signal.kind !== 'offer' && signal.kind !== 'answer') return;
    this.record({ what: 'own', sdpType: signal.kind, sdp: signal.sdp, candidates: (signal.sdp.match(/^a=candidate:/gm) ?? []).length });
  }

  private record(step: PasteBody): void {
    this.emit({ type: 'paste', peer: PEER_IDS[this.role!].me, ...step });
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
}
