/**
 * Conversation: what the two-device lab binds a connection to, so a signal that claims to
 * belong to it and does not match is held apart as suspicious.
 *
 * This lab cannot know the other device's messages in advance, and MQTT gives a subscriber
 * no publisher identity: a PUBLISH carries a topic, flags, a packet identifier that belongs
 * to the broker-to-subscriber hop (MQTT 3.1.1 §2.3.1) and the payload. The publisher's
 * ClientId is in its own CONNECT (§3.1.3.1) and never reaches other clients; MQTT 5 adds
 * only user properties, which the publisher writes itself. So the binding is made of what a
 * receiver can observe, taken from the first offer (or, when we offer, our own choice):
 * - the claimed sender (`from`) and the conversation's `session`;
 * - the session the sender announced in its retained status, which a real offer carries;
 * - the offer's (and answer's) message id, so a second offer or answer, or a copy, stands out;
 * - the ICE username fragment of each description (RFC 8839 §5.4), which every candidate of
 *   that description carries;
 * - the offer's DTLS fingerprint (RFC 8122 §5). A later offer from the bound peer is taken
 *   only as an ICE restart (RFC 8445 §9): all its ufrags new, its fingerprint the same, since
 *   a restart changes the ICE credentials and nothing else.
 * Anyone who reads the broker can copy all of these. What the binding gives is that the
 * first offer wins: a second one, or anything that contradicts it, is not applied. Who really
 * holds the session is settled by the DTLS handshake against the SDP's fingerprint (RFC 8122 §5).
 */
import type { WireSignal } from '../signalling/types';
import { sdpUfrags } from '../ice/credentials';

/** Why a signal does not match the conversation. */
export type SuspectCase =
  | 'offer-session-not-announced'
  | 'other-session'
  | 'second-offer'
  | 'offer-while-offering'
  | 'answer-to-answerer'
  | 'second-answer'
  | 'no-offer'
  | 'copy'
  | 'other-ufrag'
  | 'will-session';

/** What a reason may name: the signal, the conversation as it was bound, the sender's announced session. */
export interface SuspectFacts {
  signal: WireSignal;
  bound: Bound | null;
  announced: string | undefined;
}

/** The reason a reader sees for each case. */
export const SUSPECT_REASON: Readonly<Record<SuspectCase, (f: SuspectFacts) => string>> = {
  'offer-session-not-announced': ({ signal, announced }) =>
    `offer in session ${signal.session}, but ${signal.from}'s status announced session ${announced ?? '(none)'}: another client published it under ${signal.from}'s name`,
  'other-session': ({ signal, bound }) => `session ${signal.session}, but the conversation with ${signal.from} is in session ${bound?.session ?? '?'}`,
  'second-offer': ({ signal, bound }) =>
    `a second offer from ${signal.from}: the conversation already has its offer ${bound?.offerMid ?? '?'}, and this one is no ICE restart (a restart brings a new ufrag and keeps the DTLS fingerprint, RFC 8445 §9), so another client published it`,
  'offer-while-offering': ({ signal }) => `an offer from ${signal.from} while this tab's own offer to ${signal.from} is open`,
  'answer-to-answerer': ({ signal }) => `an answer from ${signal.from}, but ${signal.from} made the offer: this tab answers, it takes no answer`,
  'second-answer': ({ signal, bound }) => `a second answer from ${signal.from}: the conversation already has its answer ${bound?.answerMid ?? '?'}`,
  'no-offer': ({ signal }) => `an answer from ${signal.from}, but this tab made no offer`,
  copy: ({ signal }) => `a second copy of ${signal.from}'s ${signal.kind} ${signal.mid}, which arrived once already: a replay`,
  'other-ufrag': ({ signal, bound }) =>
    `ICE ufrag ${signal.kind === 'candidate' ? (signal.usernameFragment ?? '?') : '?'} is in neither description of the conversation (${[...(bound?.ufrags ?? [])].join(', ') || 'none yet'}; RFC 8839 §5.4)`,
  'will-session': ({ signal, announced }) => `a will in session ${signal.session}, but ${signal.from}'s status announced session ${announced ?? '(none)'}`,
};

export interface Bound {
  remote: string;
  session: string;
  /** Who offered: this tab ('self') or the remote. */
  offerer: 'self' | 'remote';
  offerMid?: string;
  answerMid?: string;
  /** The ICE ufrags of the descriptions so far; candidates must carry one of them. */
  ufrags: Set<string>;
  /** Every mid taken into the conversation: a copy of one is a replay. */
  mids: Set<string>;
  /** The remote offer's a=fingerprint lines, which an ICE restart keeps. */
  fingerprint?: string;
}

/** The a=fingerprint lines of an SDP, joined: what a restart offer must repeat (RFC 8122 §5). */
function sdpFingerprint(sdp: string): string {
  return sdp
    .split('\n')
    .filter((line) => line.startsWith('a=fingerprint:'))
    .map((line) => line.trim())
    .join(' ');
}

/**
 * A later offer from the bound peer that is an ICE restart (RFC 8445 §9; RFC 8839
 * §4.4.1.1.1): every ufrag new, the DTLS fingerprint unchanged.
 */
function isRestart(bound: Bound, sdp: string): boolean {
  const ufrags = sdpUfrags(sdp);
  return ufrags.length > 0 && ufrags.every((u) => !bound.ufrags.has(u)) && sdpFingerprint(sdp) === bound.fingerprint;
}

export class Conversation {
  bound: Bound | null = null;

  /** This tab offers to `remote`, in its own session. */
  open(remote: string, session: string): void {
    this.bound = { remote, session, offerer: 'self', ufrags: new Set(), mids: new Set() };
  }

  /** The connection is over (hang up): the next offer opens a new conversation. */
  end(): void {
    this.bound = null;
  }

  /**
   * Null when `signal` may go to the queue (binding the conversation if it is its first
   * offer); else why it is suspicious. `announced`: the session `signal.from` announced in
   * its latest status. While we talk to one peer, another peer's signals are not judged here:
   * the session ignores them on delivery, as it always did.
   */
  judge(signal: WireSignal, announced: string | undefined): SuspectCase | null {
    const bound = this.bound;
    if (signal.kind === 'status') {
      // A will is the broker's, from the sender's own CONNECT: it carries the session that client announced.
      return signal.reason === 'will' && announced !== undefined && signal.session !== announced ? 'will-session' : null;
    }
    if (signal.kind === 'chat') return null;
    if (bound && bound.remote !== signal.from) return null;
    if (!bound) {
      // Candidates may come before their offer (they wait for it on delivery); an answer may not.
      if (signal.kind === 'answer') return 'no-offer';
      if (signal.kind !== 'offer') return null;
      if (announced !== undefined && signal.session !== announced) return 'offer-session-not-announced';
      this.bound = {
        remote: signal.from,
        session: signal.session,
        offerer: 'remote',
        offerMid: signal.mid,
        ufrags: new Set(sdpUfrags(signal.sdp)),
        mids: new Set([signal.mid]),
        fingerprint: sdpFingerprint(signal.sdp),
      };
      return null;
    }
    if (bound.mids.has(signal.mid)) return 'copy';
    if (signal.session !== bound.session) return 'other-session';
    if (signal.kind === 'offer') {
      if (bound.offerer === 'self') return 'offer-while-offering';
      if (!isRestart(bound, signal.sdp)) return 'second-offer';
      // The restart's candidates carry its new ufrag; late ones of the old may still come.
      bound.offerMid = signal.mid;
      for (const u of sdpUfrags(signal.sdp)) bound.ufrags.add(u);
    }
    if (signal.kind === 'answer') {
      if (bound.offerer === 'remote') return 'answer-to-answerer';
      if (bound.answerMid !== undefined) return 'second-answer';
      bound.answerMid = signal.mid;
      for (const u of sdpUfrags(signal.sdp)) bound.ufrags.add(u);
    }
    if (signal.kind === 'candidate' && signal.usernameFragment && bound.ufrags.size > 0 && !bound.ufrags.has(signal.usernameFragment)) return 'other-ufrag';
    bound.mids.add(signal.mid);
    return null;
  }
}
