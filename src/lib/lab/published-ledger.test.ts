/** The ledger of what a two-peer lab published: its own messages pass, anything else is foreign, and why. */
import { describe, expect, it } from 'vitest';
import { encodeSignal } from '../signalling/codec';
import type { WireSignal } from '../signalling/types';
import { FOREIGN_REASON, PublishedLedger, type ForeignCase } from './published-ledger';

const ROOT = 'webrtc-lab/t';
const BOB_INBOX = `${ROOT}/bob/signal`;
const BOB_STATUS = `${ROOT}/bob/status`;
const ALICE_STATUS = `${ROOT}/alice/status`;

const offer: WireSignal = { v: 1, kind: 'offer', from: 'alice', to: 'bob', session: 's1', mid: 'alice-1-x', ts: 1, sdp: 'v=0\r\n' };
const aliceOnline: WireSignal = { v: 1, kind: 'status', from: 'alice', session: 's1', mid: 'alice-2-x', ts: 1, status: 'online' };
const bobWill: WireSignal = { v: 1, kind: 'status', from: 'bob', session: 's1', mid: 'bob-3-x', ts: 1, status: 'offline', reason: 'will' };

/** A ledger that has published alice's offer (to bob) and her retained status, and knows bob's will. */
function ledger(): PublishedLedger {
  const l = new PublishedLedger(['alice', 'bob'], 's1');
  l.published(BOB_INBOX, encodeSignal(offer), offer, false);
  l.published(ALICE_STATUS, encodeSignal(aliceOnline), aliceOnline, true);
  l.will('bob', BOB_STATUS, encodeSignal(bobWill));
  return l;
}

type Arrival = { topic: string; signal: WireSignal; payload?: string };
const arrive = (topic: string, signal: WireSignal, payload = encodeSignal(signal)): Arrival => ({ topic, signal, payload });

/** Each row: what arrives, in order, on a fresh ledger (with `before` run on it first), and the verdicts. */
const CASES: ReadonlyArray<{ name: string; before?: (l: PublishedLedger) => void; arrivals: Arrival[]; expected: (ForeignCase | null)[] }> = [
  { name: 'its own offer, once', arrivals: [arrive(BOB_INBOX, offer)], expected: [null] },
  { name: 'its own offer twice: the copy is a replay', arrivals: [arrive(BOB_INBOX, offer), arrive(BOB_INBOX, offer)], expected: [null, 'replayed'] },
  {
    name: 'the same offer published twice is expected twice',
    before: (l) => l.published(BOB_INBOX, encodeSignal(offer), offer, false),
    arrivals: [arrive(BOB_INBOX, offer), arrive(BOB_INBOX, offer), arrive(BOB_INBOX, offer)],
    expected: [null, null, 'replayed'],
  },
  { name: 'a retained status, replayed to every subscription', arrivals: [arrive(ALICE_STATUS, aliceOnline), arrive(ALICE_STATUS, aliceOnline)], expected: [null, null] },
  {
    name: 'a forged offer: same sender, session and shape, another mid',
    arrivals: [arrive(BOB_INBOX, { ...offer, mid: 'alice-9-y', sdp: 'v=0\r\nforged' })],
    expected: ['forged'],
  },
  { name: 'the real mid on other bytes: an altered copy', arrivals: [arrive(BOB_INBOX, { ...offer, sdp: 'v=0\r\nforged' })], expected: ['altered'] },
  {
    name: 'the same bytes re-serialised (whitespace): not what the lab published',
    arrivals: [arrive(BOB_INBOX, offer, JSON.stringify(offer, null, 1))],
    expected: ['altered'],
  },
  { name: 'its own offer on another topic', arrivals: [arrive(`${ROOT}/alice/signal`, offer)], expected: ['altered'] },
  { name: 'a stranger', arrivals: [arrive(`${ROOT}/carol/status`, { ...aliceOnline, from: 'carol', mid: 'c1' })], expected: ['stranger'] },
  { name: 'a leftover of another session', arrivals: [arrive(ALICE_STATUS, { ...aliceOnline, session: 's0', mid: 'old' })], expected: ['other-session'] },
  { name: "bob's real will while bob is connected", arrivals: [arrive(BOB_STATUS, bobWill)], expected: ['will-while-connected'] },
  { name: "bob's real will after bob dropped, replayed as retained", before: (l) => l.dropped('bob'), arrivals: [arrive(BOB_STATUS, bobWill), arrive(BOB_STATUS, bobWill)], expected: [null, null] },
  { name: 'alice dropping does not arm bob\'s will', before: (l) => l.dropped('alice'), arrivals: [arrive(BOB_STATUS, bobWill)], expected: ['will-while-connected'] },
  { name: 'a will-shaped forgery for bob', arrivals: [arrive(BOB_STATUS, { ...bobWill, mid: 'bob-9' })], expected: ['forged-will'] },
  { name: 'a will-shaped forgery after bob dropped', before: (l) => l.dropped('bob'), arrivals: [arrive(BOB_STATUS, { ...bobWill, mid: 'bob-9' })], expected: ['forged-will'] },
];

describe('PublishedLedger', () => {
  it.each(CASES)('$name', ({ before, arrivals, expected }) => {
    const l = ledger();
    before?.(l);
    expect(arrivals.map((a) => l.judge(a.topic, a.payload!, a.signal))).toEqual(expected);
  });

  it('every case has a reason that names the sender', () => {
    for (const [, reason] of Object.entries(FOREIGN_REASON)) expect(reason(offer)).toMatch(/alice|s1|alice-1-x/);
  });
});
