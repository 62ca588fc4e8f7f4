import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTraceJson } from './export';
import { heldBody, traced } from './fixtures';
import { NARRATION, SURPRISES, narrate, stepAnnouncement, type SurpriseId } from './narration';
import { lastStep, prefixAt } from './replay';
import type { TraceEvent, TraceEventBody } from './types';
import type { SignalKind } from '../signalling/types';

/** A recorded trace (tests/fixtures/traces/: pinned, so re-recording the site's examples does not move the steps). */
function recorded(id: string): TraceEvent[] {
  const parsed = parseTraceJson(readFileSync(new URL(`../../../tests/fixtures/traces/${id}.json`, import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.events as TraceEvent[];
}

const at = (id: string, step: number) => narrate(prefixAt(recorded(id), step))!;

/** One case per table row: the recorded trace and step where it speaks, and words it must say. */
const RECORDED_ROWS: [key: string, trace: string, step: number, says: RegExp][] = [
  ['status/online-mqtt', 'mqtt-will', 1, /^bob learns that alice is online: the broker kept this status \(retained\)/],
  ['chat/any', 'mqtt-will', 3, /^bob gets a chat message through the broker/],
  ['status/will', 'mqtt-will', 4, /^bob vanished without saying goodbye, so the broker published the last will/],
  ['status/online-answerer', 'trickle', 1, /^bob learns that alice is online\. As the answerer it does nothing yet/],
  ['status/online-offerer', 'trickle', 2, /^alice learns that bob is online, so it starts: createOffer\(\)/],
  ['offer/stable', 'trickle', 3, /^bob sets the offer as its remote description \(have-remote-offer\).*Next: the answer waits in the queue for alice/],
  ['candidate/added', 'trickle', 4, /^bob adds alice's host udp candidate with addIceCandidate\(\)/],
  ['answer/have-local-offer', 'trickle', 5, /^alice sets the answer as its remote description/],
  ['candidate/after-connected', 'trickle', 7, /^alice adds bob's candidate, but it is connected already/],
  ['end-of-candidates/any', 'trickle', 9, /^bob has gathered all its candidates/],
  ['offer/glare', 'glare-polite', 3, /^alice has an offer of its own out, so the two offers collide \(glare\)/],
  ['candidate/buffered', 'glare-polite', 5, /^alice has no remote description yet.*keeps bob's candidate in a buffer/],
];

const session: TraceEventBody = { type: 'session', session: 's', root: 'r', broker: 'in-page', peers: ['alice', 'bob'] };
const pc = (peer: string): TraceEventBody => ({ type: 'api', peer, call: 'RTCPeerConnection', ok: true });

/** A watch (lab/watch-session.ts): one message of `kind` seen going from bob to alice, no peer state at all. */
const watching: TraceEventBody = { type: 'session', session: 'w', root: 'r', broker: 'ws://x', peers: ['watcher', 'watcher'], watch: true };
const watched = (kind: SignalKind, payload = '{}') =>
  traced(watching, heldBody({ qid: 'q1', from: 'bob', to: 'alice', kind, payload }), { type: 'delivered', qid: 'q1', to: 'alice' });
const SEES_ONLY = /This page only watches: it sees the messages, not what the peers do with them\.$/;

/** An ICE restart (RFC 8445 §9): alice and bob have had one round (ufrags A1, B1); alice now offers with A2. */
const desc = (qid: string, kind: 'offer' | 'answer', from: string, to: string, ufrag: string) =>
  heldBody({ qid, kind, from, to, payload: JSON.stringify({ sdp: `v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=ice-ufrag:${ufrag}\r\n` }) });
const cand = (qid: string, from: string, to: string, ufrag: string) =>
  heldBody({ qid, kind: 'candidate', from, to, payload: JSON.stringify({ candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host', sdpMid: '0', usernameFragment: ufrag }) });
const set = (peer: string, what: string): TraceEventBody => ({ type: 'api', peer, call: 'setRemoteDescription', ok: true, detail: what });
const firstRound: TraceEventBody[] = [
  session, pc('alice'), pc('bob'),
  desc('q1', 'offer', 'alice', 'bob', 'A1'), { type: 'delivered', qid: 'q1', to: 'bob' }, set('bob', 'offer'),
  desc('q2', 'answer', 'bob', 'alice', 'B1'), { type: 'delivered', qid: 'q2', to: 'alice' }, set('alice', 'answer'),
];
const restartOffer: TraceEventBody[] = [
  { type: 'state', peer: 'alice', machine: 'signaling', value: 'have-local-offer' },
  desc('q3', 'offer', 'alice', 'bob', 'A2'), { type: 'delivered', qid: 'q3', to: 'bob' }, set('bob', 'offer'),
];

/** Rows no recorded session reaches (a failure, a naive peer, a watch): the events the lab would record. */
const BUILT_ROWS: [key: string, events: TraceEvent[], says: RegExp][] = [
  // A watch claims nothing about a peer's state: it says what the message is for.
  ['status/watched', watched('status', '{"status":"offline"}'), /^alice learns that bob is offline\. This page only watches/],
  ['offer/watched', watched('offer'), /^alice gets bob's offer, to set as its remote description and answer\./],
  ['answer/watched', watched('answer'), /^alice gets bob's answer: once it is set/],
  ['candidate/watched', watched('candidate', '{"candidate":"candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host"}'), /^alice gets one of bob's candidates \(candidate host udp\)/],
  ['end-of-candidates/watched', watched('end-of-candidates'), /^bob says it has no more candidates for alice\./],
  ['chat/watched', watched('chat', '{"text":"hi"}'), /^alice gets a chat message through the broker\./],
  [
    'status/offline',
    traced(session, pc('alice'), pc('bob'), heldBody({ qid: 'q1', from: 'bob', to: 'alice', payload: '{"status":"offline"}' }), { type: 'delivered', qid: 'q1', to: 'alice' }),
    /^alice learns that bob has left/,
  ],
  [
    'offer/failed',
    traced(session, pc('bob'), heldBody({ qid: 'q1', kind: 'offer' }), { type: 'delivered', qid: 'q1', to: 'bob' }, { type: 'api', peer: 'bob', call: 'setRemoteDescription', ok: false, detail: 'bad sdp' }),
    /^bob could not take the offer/,
  ],
  [
    'answer/unexpected',
    traced(session, pc('alice'), heldBody({ qid: 'q1', from: 'bob', to: 'alice', kind: 'answer' }), { type: 'delivered', qid: 'q1', to: 'alice' }),
    /^alice was not waiting for an answer \(signalingState stable\)/,
  ],
  [
    'handshake/any',
    traced(session, heldBody({ qid: 'q1', from: 'bob', to: 'alice', kind: 'handshake', payload: '{"kind":"handshake","subject":"request_offer"}' }), { type: 'delivered', qid: 'q1', to: 'alice' }),
    /^alice gets "request_offer" from bob: a step the app takes before anyone offers/,
  ],
  ['offer/restart', traced(...firstRound, ...restartOffer), /^ICE restart: alice's new offer brings new ufrag A2 \(was A1\) and a new password\. bob sets it.*DTLS and the data channel stay up/],
  [
    'answer/restart',
    traced(...firstRound, ...restartOffer, desc('q4', 'answer', 'bob', 'alice', 'B2'), { type: 'delivered', qid: 'q4', to: 'alice' }, set('alice', 'answer')),
    /^ICE restart: bob's answer brings new ufrag B2 \(was B1\)\. alice sets it and is stable again.*no new DTLS handshake/,
  ],
  [
    'candidate/restart',
    traced(...firstRound, ...restartOffer, cand('q4', 'alice', 'bob', 'A2'), { type: 'delivered', qid: 'q4', to: 'bob' }),
    /^bob adds alice's host udp candidate of the restarted ICE \(ufrag A2, was A1\)/,
  ],
  [
    'candidate/restart-early',
    traced(...firstRound, ...restartOffer, cand('q4', 'bob', 'alice', 'B2'), { type: 'delivered', qid: 'q4', to: 'alice' }, { type: 'candidate-buffered', peer: 'alice', candidate: 'candidate:1', reason: 'its ufrag B2 is not in the remote description yet' }),
    /^bob's candidate belongs to its restarted ICE \(ufrag B2\), but the description that brings that ufrag has not reached alice yet/,
  ],
  [
    'candidate/too-early',
    traced(session, pc('bob'), heldBody({ qid: 'q1', kind: 'candidate' }), { type: 'delivered', qid: 'q1', to: 'bob' }, { type: 'api', peer: 'bob', call: 'addIceCandidate', ok: false, detail: 'no remote description' }),
    /^bob has no remote description yet and does not buffer, so addIceCandidate\(\) fails/,
  ],
];

describe('the narration table', () => {
  it.each(RECORDED_ROWS)('%s speaks at %s step %i', (key, trace, step, says) => {
    const n = at(trace, step);
    expect(n.key).toBe(key);
    expect(n.step).toBe(step);
    expect(n.text).toMatch(says);
  });

  it('a watched step always ends by saying the page only watches', () => {
    for (const [key, events] of BUILT_ROWS.filter(([k]) => k.endsWith('/watched'))) expect(narrate(events)!.text, key).toMatch(SEES_ONLY);
  });

  it.each(BUILT_ROWS)('%s', (key, events, says) => {
    const n = narrate(events)!;
    expect(n.key).toBe(key);
    expect(n.text).toMatch(says);
  });

  it('has a case for every row', () => {
    const rows = Object.values(NARRATION).flatMap((rows) => rows.map((r) => r.key));
    expect([...RECORDED_ROWS.map((c) => c[0]), ...BUILT_ROWS.map((c) => c[0])].sort()).toEqual([...rows].sort());
  });

  it('a candidate of the first round, or a second offer with the same ufrag, is no restart', () => {
    expect(narrate(traced(...firstRound, cand('q3', 'alice', 'bob', 'A1'), { type: 'delivered', qid: 'q3', to: 'bob' }))!.key).toBe('candidate/added');
    const again = traced(...firstRound, desc('q3', 'offer', 'alice', 'bob', 'A1'), { type: 'delivered', qid: 'q3', to: 'bob' });
    expect(narrate(again)!.key).toBe('offer/stable');
  });

  it('says nothing before the first delivery', () => {
    expect(narrate(prefixAt(recorded('trickle'), 0))).toBeNull();
  });

  it('names what each step delivered, and changes with every step', () => {
    const events = recorded('trickle');
    const texts: string[] = [];
    for (let n = 1; n <= lastStep(events); n++) {
      const narration = narrate(prefixAt(events, n))!;
      texts.push(`Step ${narration.step}, ${narration.delivered}: ${stepAnnouncement(narration)}`);
    }
    expect(texts[2]).toMatch(/^Step 3, offer from alice to bob: bob sets the offer/);
    for (let k = 1; k < texts.length; k++) expect(texts[k]).not.toBe(texts[k - 1]);
  });
});

/** Where each surprising order happens in a recorded session, and the reason it must give. */
const SURPRISE_CASES: [id: SurpriseId, trace: string, step: number, says: RegExp][] = [
  ['ice-before-answer', 'vanilla', 3, /^bob is ICE connected before alice has the answer\..*\(RFC 8445 §7\.3\)/],
  ['ice-before-answer', 'srflx', 6, /^bob is ICE connected before alice has the answer/],
  ['open-while-held', 'trickle', 6, /^The chat channel opened while 1 of bob's candidates are still held.*peer-reflexive candidate \(RFC 8445 §7\.3\.1\.3\)/],
  ['open-while-held', 'drop-alice-hosts', 6, /still held/],
  ['open-before-connecting', 'trickle', 6, /^alice's data channel is open while its connectionState still says new\..*§6\.2\.2.*§4\.4\.1\.3/],
  ['same-mdns-name', 'trickle', 5, /^bob shows the same \.local name as alice\. An agent stores the mDNS name.*draft-ietf-mmusic-mdns-ice-candidates §3\.1\.1.*whole browser/],
];

describe('surprises', () => {
  it.each(SURPRISE_CASES)('%s at %s step %i', (id, trace, step, says) => {
    const found = at(trace, step).surprises.find((s) => s.id === id);
    expect(found?.text).toMatch(says);
    expect(found?.ref).toBe(SURPRISES.find((s) => s.id === id)!.ref);
    // The first sentence says what looks wrong; the rest why it is right, citing the section.
    expect(found!.what).toMatch(/^[^.]*(\.local[^.]*)?\.$/);
    expect(found!.why).toContain(found!.ref.split(',')[0]!.replace(/^W3C webrtc-pc /, ''));
    expect(`${found!.what} ${found!.why}`).toBe(found!.text);
  });

  it('has a case for every surprise', () => {
    expect(new Set([...SURPRISE_CASES.map((c) => c[0]), 'queued-offline'])).toEqual(new Set(SURPRISES.map((s) => s.id)));
  });

  it('queued-offline: the broker is away when bob answers; said once per outage', () => {
    const lost: TraceEventBody = { type: 'broker', peer: 'bob', state: 'lost' };
    const queued = (kind: 'answer' | 'candidate'): TraceEventBody => ({ type: 'queued-offline', peer: 'bob', mid: `m-${kind}`, kind, topic: 'lab/x/alice/signal', to: 'alice', reason: 'the link to the broker is down' });
    const offer = [session, pc('bob'), heldBody({ qid: 'q1', kind: 'offer' }), { type: 'delivered', qid: 'q1', to: 'bob' }, lost] as const;
    const found = narrate(traced(...offer, queued('answer'), queued('candidate')))!.surprises.filter((s) => s.id === 'queued-offline');
    expect(found).toHaveLength(1);
    expect(found[0]!.what).toBe("bob's answer waits in bob's outbox: its link to the broker is down.");
    expect(found[0]!.why).toMatch(/once bob is reconnected and has seen alice online again.*MQTT 3\.1\.1 §4\.4/);
    // A second outage is told again.
    const again = traced(...offer, queued('answer'), { type: 'broker', peer: 'bob', state: 'connected' }, heldBody({ qid: 'q2', kind: 'candidate' }), { type: 'delivered', qid: 'q2', to: 'bob' }, lost, queued('candidate'));
    expect(narrate(again)!.surprises.map((s) => s.id)).toContain('queued-offline');
  });

  it('says none where the order is the expected one', () => {
    for (const [trace, step] of [['trickle', 3], ['trickle', 7], ['relay', 5], ['mqtt-will', 4]] as const) {
      expect(at(trace, step).surprises, `${trace} step ${step}`).toEqual([]);
    }
  });

  it('is told once, in the step where it happens', () => {
    const events = recorded('trickle');
    const steps = [];
    for (let n = 1; n <= lastStep(events); n++) if (narrate(prefixAt(events, n))!.surprises.some((s) => s.id === 'open-before-connecting')) steps.push(n);
    expect(steps).toEqual([6]);
  });

  it('the announcement carries the table text and then each surprise', () => {
    const n = at('trickle', 6);
    expect(stepAnnouncement(n)).toBe([n.text, ...n.surprises.map((s) => s.text)].join(' '));
    expect(n.surprises.length).toBeGreaterThan(1);
  });
});
