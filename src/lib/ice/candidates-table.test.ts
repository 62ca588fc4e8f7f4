import { describe, expect, it } from 'vitest';
import type { TraceEventBody } from '../trace/types';
import { candidateKey, candidateKeyOf, candidateRows, messageCandidateKey, type CandidateRow } from './candidates-table';
import { loadSession, SCENARIOS } from './fixtures';
import { heldBody, timed } from '../trace/fixtures';

const A1 = 'candidate:1317930280 1 udp 2113937151 c37c161d-1920-4b1b-9ad3-86e05cc83833.local 55265 typ host generation 0 ufrag DYbT network-cost 999';
const A2 = 'candidate:4125665015 1 udp 1677729535 127.0.0.1 53885 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag DYbT network-cost 999';
const B1 = 'candidate:46753809 1 udp 2122194687 192.0.2.2 48087 typ host generation 0 ufrag gKz9 network-id 1';

const gathering = (peer: string): TraceEventBody => ({ type: 'state', peer, machine: 'iceGathering', value: 'gathering' });
const gathered = (peer: string, candidate: string | null): TraceEventBody => ({ type: 'candidate-gathered', peer, candidate });
const held = (qid: string, from: string, to: string, kind: 'candidate' | 'end-of-candidates', payload: unknown): TraceEventBody =>
  heldBody({ qid, from, to, kind, payload: JSON.stringify(payload), bytes: 100 });

describe('candidateRows', () => {
  it('times each candidate from its own peer’s gathering start, and marks gathering complete', () => {
    const rows = candidateRows(
      timed(
        [0, { type: 'state', peer: 'alice', machine: 'iceGathering', value: 'new' }],
        [100, gathering('alice')],
        [104.5, gathered('alice', A1)],
        [150, gathering('bob')],
        [160, gathered('alice', A2)],
        [151, gathered('bob', B1)],
        [170, gathered('bob', null)],
        [180, gathered('alice', null)],
      ),
    );
    expect(rows.map((r) => [r.kind, r.peer, r.i, r.sinceGatheringMs, r.gatheringStartI])).toEqual([
      ['candidate', 'alice', 2, 4.5, 1],
      ['candidate', 'alice', 4, 60, 1],
      ['candidate', 'bob', 5, 1, 3],
      ['complete', 'bob', 6, 20, 3],
      ['complete', 'alice', 7, 80, 1],
    ]);
    expect(rows.filter((r) => r.kind === 'complete').map((r) => r.count)).toEqual([1, 2]);
  });

  it('parses each candidate and keys it', () => {
    const [row] = candidateRows(timed([0, gathering('alice')], [1, gathered('alice', A1)])) as CandidateRow[];
    expect(row).toMatchObject({
      kind: 'candidate',
      text: A1,
      error: null,
      key: '1317930280|1|udp|55265',
      mdns: true,
      parsed: { type: 'host', address: 'c37c161d-1920-4b1b-9ad3-86e05cc83833.local' },
    });
  });

  it('keeps a candidate that does not parse, with its error and no key', () => {
    const [row] = candidateRows(timed([0, gathering('alice')], [1, gathered('alice', 'candidate:garbage')])) as CandidateRow[];
    expect(row).toMatchObject({ kind: 'candidate', text: 'candidate:garbage', parsed: null, key: null, mdns: false });
    expect(row!.error).toMatch(/at least 8 fields/);
  });

  it('a candidate before the gathering state event (Chromium fires it late) starts the clock itself', () => {
    const rows = candidateRows(timed([10.3, gathered('bob', B1)], [11.1, gathering('bob')], [11.5, gathered('bob', null)]));
    expect(rows.map((r) => [r.kind, r.sinceGatheringMs, r.gatheringStart, r.gatheringStartI])).toEqual([
      ['candidate', 0, 'first-candidate', 0],
      ['complete', 1.2, 'first-candidate', 0],
    ]);
  });

  it('a second gathering after complete (ICE restart) starts a new round', () => {
    const rows = candidateRows(
      timed(
        [0, gathering('alice')],
        [5, gathered('alice', A1)],
        [6, gathered('alice', null)],
        [1000, gathering('alice')],
        [1003, gathered('alice', A2)],
        [1004, gathered('alice', null)],
      ),
    );
    expect(rows.map((r) => [r.kind, r.sinceGatheringMs, r.gatheringStartI])).toEqual([
      ['candidate', 5, 0],
      ['complete', 6, 0],
      ['candidate', 3, 3],
      ['complete', 4, 3],
    ]);
  });

  it('links each row to the signal that carried it: held, delivered, added by the other peer', () => {
    const rows = candidateRows(
      timed(
        [0, gathering('alice')],
        [1, gathered('alice', A1)],
        [2, held('q7', 'alice', 'bob', 'candidate', { v: 1, kind: 'candidate', from: 'alice', to: 'bob', candidate: A1 })],
        [3, gathered('alice', null)],
        [4, held('q8', 'alice', 'bob', 'end-of-candidates', { v: 1, kind: 'end-of-candidates' })],
        [5, { type: 'delivered', qid: 'q7', to: 'bob' }],
        [6, { type: 'api', peer: 'alice', call: 'addIceCandidate', ok: true, detail: A1 }], // not the other peer
        [7, { type: 'api', peer: 'bob', call: 'addIceCandidate', ok: true, detail: A1 }],
      ),
    );
    expect(rows[0]).toMatchObject({ qid: 'q7', heldI: 2, deliveredI: 5, addedI: 7 });
    expect(rows[1]).toMatchObject({ kind: 'complete', qid: 'q8', heldI: 4, deliveredI: null });
  });

  it('a candidate not yet sent has no links', () => {
    const [row] = candidateRows(timed([0, gathering('alice')], [1, gathered('alice', A1)]));
    expect(row).toMatchObject({ qid: null, heldI: null, deliveredI: null, addedI: null });
  });

  it('ignores everything else and an empty trace', () => {
    expect(candidateRows([])).toEqual([]);
    expect(candidateRows(timed([0, { type: 'chat', from: 'a', to: 'b', text: 'hi' }]))).toEqual([]);
  });

  it.each(SCENARIOS)('%s: a trace rebuilt from the capture gives one row per gathered candidate, times from gathering', (name) => {
    const s = loadSession(name);
    const events: Array<[number, TraceEventBody]> = [
      ...s.states.filter((x) => x.iceGatheringState).map((x) => [x.at, { type: 'state', peer: x.peer, machine: 'iceGathering', value: String(x.iceGatheringState) }] as [number, TraceEventBody]),
      ...(['alice', 'bob'] as const).flatMap((peer) => s.candidates[peer].map((c) => [c.at, gathered(peer, c.candidate)] as [number, TraceEventBody])),
    ];
    events.sort((a, b) => a[0] - b[0]);
    const rows = candidateRows(timed(...events));
    for (const peer of ['alice', 'bob'] as const) {
      const mine = rows.filter((r) => r.peer === peer);
      expect(mine.length).toBe(s.candidates[peer].length);
      expect(mine.at(-1)!.kind).toBe('complete');
      const start = s.states.find((x) => x.peer === peer && x.iceGatheringState === 'gathering')!.at;
      for (const [k, r] of mine.entries()) {
        expect(r.sinceGatheringMs).toBeCloseTo(s.candidates[peer][k]!.at - start, 6);
        if (r.kind === 'candidate') expect(r.error).toBeNull();
      }
    }
  });
});

describe('candidate keys', () => {
  it('are the same for the gathered line, the a=candidate line and a signal payload', () => {
    const key = candidateKeyOf(A1);
    expect(key).toBe('1317930280|1|udp|55265');
    expect(candidateKeyOf(`a=${A1.replace(' ufrag DYbT', '')}`)).toBe(key);
    expect(messageCandidateKey({ kind: 'candidate', payload: JSON.stringify({ candidate: A1 }) })).toBe(key);
    expect(messageCandidateKey({ kind: 'candidate', payload: JSON.stringify({ candidate: JSON.stringify({ candidate: A1, sdpMid: '0' }) }) })).toBe(key);
  });

  it('ignore the address (Chromium getStats hides mDNS addresses) and lower-case the transport', () => {
    expect(candidateKey({ foundation: 'f', component: 1, transport: 'UDP', port: 9 })).toBe('f|1|udp|9');
  });

  it.each<[string, { kind: string; payload: string }]>([
    ['an offer', { kind: 'offer', payload: '{"sdp":"v=0"}' }],
    ['not JSON', { kind: 'candidate', payload: '{' }],
    ['no candidate field', { kind: 'candidate', payload: '{}' }],
    ['a bad candidate', { kind: 'candidate', payload: '{"candidate":"candidate:x"}' }],
    ['end-of-candidates', { kind: 'end-of-candidates', payload: '{}' }],
  ])('are null for %s', (_name, m) => {
    expect(messageCandidateKey(m)).toBeNull();
  });
});
