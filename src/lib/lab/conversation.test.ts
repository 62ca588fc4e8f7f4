/** The two-device lab's binding to its conversation: what matches passes, what contradicts it is suspicious, and why. */
import { describe, expect, it } from 'vitest';
import type { WireSignal } from '../signalling/types';
import { Conversation, SUSPECT_REASON, type SuspectCase } from './conversation';

const sdp = (ufrag: string, fingerprint = 'AA:BB') =>
  `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=ice-ufrag:${ufrag}\r\na=ice-pwd:x\r\na=fingerprint:sha-256 ${fingerprint}\r\n`;
const base = { v: 1 as const, to: 'dog', ts: 1 };
const offer = (mid: string, session = 'S', from = 'cat', ufrag = 'catU', fingerprint?: string): WireSignal => ({ ...base, kind: 'offer', from, session, mid, sdp: sdp(ufrag, fingerprint) });
const answer = (mid: string, session = 'D', from = 'cat', ufrag = 'catU'): WireSignal => ({ ...base, kind: 'answer', from, session, mid, sdp: sdp(ufrag) });
const candidate = (mid: string, session = 'S', ufrag: string | null = 'catU', from = 'cat'): WireSignal => ({
  ...base,
  kind: 'candidate',
  from,
  session,
  mid,
  candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: ufrag,
});
const will = (session: string): WireSignal => ({ v: 1, kind: 'status', from: 'cat', session, mid: 'w', ts: 1, status: 'offline', reason: 'will' });
const chat = (session: string): WireSignal => ({ ...base, kind: 'chat', from: 'cat', session, mid: 'c', text: 'hi' });

/** Each row: how the conversation starts (dog offers to cat in session D, or nothing), then arrivals with cat's announced session. */
const CASES: ReadonlyArray<{ name: string; dogOffers?: boolean; announced?: string; arrivals: WireSignal[]; expected: (SuspectCase | null)[] }> = [
  { name: 'the first offer binds; its candidates match', announced: 'S', arrivals: [offer('o1'), candidate('c1'), candidate('c2')], expected: [null, null, null] },
  { name: 'a second offer from the same sender, same session', announced: 'S', arrivals: [offer('o1'), offer('o2')], expected: [null, 'second-offer'] },
  { name: 'an ICE restart: a new offer with a new ufrag, same fingerprint; its candidates match', announced: 'S', arrivals: [offer('o1'), offer('o2', 'S', 'cat', 'newU'), candidate('c1', 'S', 'newU')], expected: [null, null, null] },
  { name: 'a late candidate of the old ufrag after a restart still matches', announced: 'S', arrivals: [offer('o1'), offer('o2', 'S', 'cat', 'newU'), candidate('c1')], expected: [null, null, null] },
  { name: 'a second offer with a new ufrag but another fingerprint is no restart', announced: 'S', arrivals: [offer('o1'), offer('o2', 'S', 'cat', 'newU', 'EV:IL')], expected: [null, 'second-offer'] },
  { name: 'a restart offer in another session', announced: 'S', arrivals: [offer('o1'), offer('o2', 'X', 'cat', 'newU')], expected: [null, 'other-session'] },
  { name: 'a copy of the offer', announced: 'S', arrivals: [offer('o1'), offer('o1')], expected: [null, 'copy'] },
  { name: 'a candidate in another session', announced: 'S', arrivals: [offer('o1'), candidate('c1', 'X')], expected: [null, 'other-session'] },
  { name: 'a candidate with another ufrag', announced: 'S', arrivals: [offer('o1'), candidate('c1', 'S', 'evil')], expected: [null, 'other-ufrag'] },
  { name: 'a candidate with no ufrag is not judged on it', announced: 'S', arrivals: [offer('o1'), candidate('c1', 'S', null)], expected: [null, null] },
  { name: 'a copy of a candidate', announced: 'S', arrivals: [offer('o1'), candidate('c1'), candidate('c1')], expected: [null, null, 'copy'] },
  { name: "an offer in a session the sender didn't announce", announced: 'S', arrivals: [offer('o1', 'X'), offer('o2')], expected: ['offer-session-not-announced', null] },
  { name: 'an offer from a sender with no status yet binds', arrivals: [offer('o1', 'X')], expected: [null] },
  { name: 'candidates before any offer wait for it', announced: 'S', arrivals: [candidate('c1'), offer('o1'), candidate('c2')], expected: [null, null, null] },
  { name: 'an answer with no offer of ours', announced: 'S', arrivals: [answer('a1', 'S')], expected: ['no-offer'] },
  { name: 'an answer to the answerer', announced: 'S', arrivals: [offer('o1'), answer('a1', 'S')], expected: [null, 'answer-to-answerer'] },
  { name: 'another peer while bound is left to the delivery', announced: 'S', arrivals: [offer('o1'), offer('e1', 'E', 'eve'), candidate('e2', 'E', 'x', 'eve')], expected: [null, null, null] },
  { name: 'dog offers: the first answer binds, its candidates match', dogOffers: true, arrivals: [answer('a1'), candidate('c1', 'D')], expected: [null, null] },
  { name: 'dog offers: a second answer', dogOffers: true, arrivals: [answer('a1'), answer('a2')], expected: [null, 'second-answer'] },
  { name: 'dog offers: an answer in another session', dogOffers: true, arrivals: [answer('a1', 'S')], expected: ['other-session'] },
  { name: 'dog offers: an offer from cat', dogOffers: true, arrivals: [offer('o1', 'D')], expected: ['offer-while-offering'] },
  { name: "dog offers: a candidate with another ufrag than the answer's", dogOffers: true, arrivals: [answer('a1'), candidate('c1', 'D', 'evil')], expected: [null, 'other-ufrag'] },
  { name: "a will in cat's announced session", announced: 'S', arrivals: [will('S')], expected: [null] },
  { name: 'a will in another session', announced: 'S', arrivals: [will('X')], expected: ['will-session'] },
  { name: 'a will from a peer that announced nothing', arrivals: [will('X')], expected: [null] },
  { name: 'chat is not part of the conversation', announced: 'S', arrivals: [offer('o1'), chat('X')], expected: [null, null] },
];

describe('Conversation', () => {
  it.each(CASES)('$name', ({ dogOffers, announced, arrivals, expected }) => {
    const c = new Conversation();
    if (dogOffers) c.open('cat', 'D');
    expect(arrivals.map((s) => c.judge(s, announced))).toEqual(expected);
  });

  it('hanging up ends the binding: the next offer opens a new one', () => {
    const c = new Conversation();
    expect(c.judge(offer('o1'), 'S')).toBeNull();
    c.end();
    expect(c.judge(offer('o2'), 'S')).toBeNull();
    expect(c.bound?.offerMid).toBe('o2');
  });

  it('a reason for every case, naming the sender', () => {
    const c = new Conversation();
    c.judge(offer('o1'), 'S');
    for (const [name, reason] of Object.entries(SUSPECT_REASON)) {
      expect(reason({ signal: candidate('c9', 'X', 'evil'), bound: c.bound, announced: 'S' }), name).toMatch(/cat|X|evil/);
    }
  });

  it('a restart moves the bound offer to the new one', () => {
    const c = new Conversation();
    c.judge(offer('o1'), 'S');
    expect(c.judge(offer('o2', 'S', 'cat', 'newU'), 'S')).toBeNull();
    expect(c.bound?.offerMid).toBe('o2');
    expect(c.judge(offer('o3', 'S', 'cat', 'newU'), 'S')).toBe('second-offer');
  });
});
