/**
 * Candidates that reach the two-device lab before the offer they belong to.
 *
 * Nothing obliges a peer to send its offer first: werift, for one, trickles every candidate
 * and then the offer. A candidate only makes sense once its description is set (RFC 8838 §9;
 * addIceCandidate() rejects while remoteDescription is null, webrtc-pc), so the session holds
 * them per sender until that sender's offer comes, then hands the answering LabPeer the offer
 * and the held candidates in arrival order (RFC 8838 §18).
 *
 * Anyone can publish on a shared root, so the hold is bounded: per sender, one session (the
 * one named in its candidates) and at most `perSender` candidates; at most `senders` senders.
 * Anything beyond is dropped and traced.
 */
import type { CandidateSignal, EndOfCandidatesSignal, OfferSignal, Signal } from '../signalling/types';
import type { TraceEvent, TraceEventBody } from '../trace/types';

export type EarlyCandidate = CandidateSignal | EndOfCandidatesSignal;

export const EARLY_CANDIDATE_LIMIT = { perSender: 64, senders: 8 } as const;

/** What the session hands the held candidates to (a LabPeer). */
export interface CandidateSink {
  handleSignal(signal: Signal): void;
  /** Resolves once every signal handed over so far has been processed. */
  settled(): Promise<void>;
}

export function isEarlyCandidate(signal: { kind: string }): signal is EarlyCandidate {
  return signal.kind === 'candidate' || signal.kind === 'end-of-candidates';
}

/** The trace reason of a held candidate. */
export function earlyReason(from: string): string {
  return `no offer from ${from} yet`;
}

export class EarlyCandidates {
  private readonly held = new Map<string, { session: string; signals: EarlyCandidate[] }>();

  constructor(
    /** The local peer's id (the trace's `peer`). */
    private readonly self: string,
    private readonly emit: (body: TraceEventBody) => void,
    private readonly limit: { perSender: number; senders: number } = EARLY_CANDIDATE_LIMIT,
  ) {}

  /** Holds a candidate from a peer we have no connection with yet, or drops it (traced). */
  hold(sig: EarlyCandidate): void {
    const entry = this.held.get(sig.from);
    if (entry && entry.session !== sig.session) {
      // The sender started over (a reload): its old candidates belong to an offer that will not come.
      this.forget(sig.from, `its session ${sig.session} replaces ${entry.session}`);
    } else if (!entry && this.held.size >= this.limit.senders) {
      return this.drop(sig, `already holding early candidates from ${this.limit.senders} peers`);
    } else if (entry && entry.signals.length >= this.limit.perSender) {
      return this.drop(sig, `already holding ${this.limit.perSender} early candidates from ${sig.from}`);
    }
    const signals = this.held.get(sig.from)?.signals ?? [];
    signals.push(sig);
    this.held.set(sig.from, { session: sig.session, signals });
    this.emit({ type: 'candidate-buffered', peer: this.self, candidate: sig.kind === 'candidate' ? sig.candidate : '', reason: earlyReason(sig.from) });
  }

  /**
   * The offer has come and `peer` answers it: hands over the offer, then the candidates held
   * for its sender and session, in arrival order; 'candidates-flushed' once they are added.
   */
  release(offer: OfferSignal, peer: CandidateSink): void {
    const entry = this.held.get(offer.from);
    this.held.delete(offer.from);
    peer.handleSignal(offer);
    if (!entry) return;
    if (entry.session !== offer.session) {
      this.dropped(offer.from, entry.signals.length, `they are for session ${entry.session}, the offer for ${offer.session}`);
      return;
    }
    for (const sig of entry.signals) peer.handleSignal(sig);
    const count = entry.signals.length;
    void peer.settled().then(() => this.emit({ type: 'candidates-flushed', peer: this.self, count }));
  }

  /** Drops what is held from `from` (it went offline, or started over). */
  forget(from: string, why: string): void {
    const entry = this.held.get(from);
    if (!entry) return;
    this.held.delete(from);
    this.dropped(from, entry.signals.length, why);
  }

  private drop(sig: EarlyCandidate, why: string): void {
    this.emit({ type: 'api', peer: this.self, call: 'handleSignal', ok: false, detail: `dropped ${sig.kind} from ${sig.from}: ${why}` });
  }

  private dropped(from: string, n: number, why: string): void {
    const what = n === 1 ? 'early candidate' : 'early candidates';
    this.emit({ type: 'api', peer: this.self, call: 'handleSignal', ok: false, detail: `dropped ${n} ${what} from ${from}: ${why}` });
  }
}

/** For the view, a pure function of the trace: candidates held until their description came, and how many were then added. */
export function heldCandidates(events: readonly TraceEvent[], self: string): { held: number; added: number } {
  let held = 0;
  let added = 0;
  for (const e of events) {
    if (e.type === 'candidate-buffered' && e.peer === self) held += 1;
    else if (e.type === 'candidates-flushed' && e.peer === self) added += e.count;
  }
  return { held, added };
}
