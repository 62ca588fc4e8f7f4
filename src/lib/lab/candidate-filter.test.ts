import { describe, expect, it } from 'vitest';
import { CandidateFilter, discardReason, signalCandidateType, type CandidateType } from './candidate-filter';
import type { Signal } from '../signalling/types';

const base = { v: 1, from: 'alice', to: 'bob', session: 's', mid: 'm', ts: 0 } as const;
const cand = (line: string, from = 'alice'): Signal => ({ ...base, from, kind: 'candidate', candidate: line, sdpMid: '0', sdpMLineIndex: 0 });
const HOST = 'candidate:1317930280 1 udp 2113937151 c37c161d-1920-4b1b-9ad3-86e05cc83833.local 55265 typ host generation 0';
const SRFLX = 'candidate:1118771454 1 udp 1677729535 127.0.0.1 58807 typ srflx raddr 0.0.0.0 rport 0';
const RELAY = 'candidate:1819169941 1 udp 50340095 127.0.0.1 50166 typ relay raddr 127.0.0.1 rport 58807';
const PRFLX = 'candidate:9 1 udp 1845501695 192.0.2.9 4000 typ prflx raddr 0.0.0.0 rport 0';

describe('signalCandidateType', () => {
  it.each<[string, Signal, CandidateType | null]>([
    ['host', cand(HOST), 'host'],
    ['srflx', cand(SRFLX), 'srflx'],
    ['relay', cand(RELAY), 'relay'],
    ['prflx', cand(PRFLX), 'prflx'],
    ['with a=', cand(`a=${HOST}`), 'host'],
    ['an unknown type', cand(HOST.replace('typ host', 'typ weird')), null],
    ['garbage', cand('candidate:nonsense'), null],
    ['an empty candidate', cand(''), null],
    ['an offer', { ...base, kind: 'offer', sdp: 'v=0' }, null],
    ['end-of-candidates', { ...base, kind: 'end-of-candidates' }, null],
  ])('%s → %s', (_name, signal, type) => {
    expect(signalCandidateType(signal)).toBe(type);
  });
});

describe('CandidateFilter', () => {
  it.each<[string, Array<[string, CandidateType, boolean]>, Signal, string | null]>([
    ['nothing on', [], cand(HOST), null],
    ["alice's host on, alice's host candidate", [['alice', 'host', true]], cand(HOST), discardReason('alice', 'host')],
    ["alice's host on, bob's host candidate", [['alice', 'host', true]], cand(HOST, 'bob'), null],
    ["alice's host on, alice's srflx candidate", [['alice', 'host', true]], cand(SRFLX), null],
    ['on, then off again', [['alice', 'host', true], ['alice', 'host', false]], cand(HOST), null],
    ["alice's relay on", [['alice', 'relay', true]], cand(RELAY), "discarding alice's relay candidates"],
    ['never an offer', [['alice', 'host', true]], { ...base, kind: 'offer', sdp: 'v=0' }, null],
  ])('%s', (_name, switches, signal, reason) => {
    const filter = new CandidateFilter();
    for (const [from, type, on] of switches) filter.set(from, type, on);
    expect(filter.reasonFor({ from: signal.from, signal })).toBe(reason);
  });
});
