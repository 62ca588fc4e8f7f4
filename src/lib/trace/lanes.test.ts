import { describe, expect, it } from 'vitest';
import { negotiationRole, traceLanes } from './lanes';
import type { MessageInfo, TraceEvent, TraceEventBody } from './types';

function trace(bodies: TraceEventBody[]): TraceEvent[] {
  return bodies.map((b, i) => ({ ...b, i, at: i }) as TraceEvent);
}

const session = (peers: [string, string]): TraceEventBody => ({ type: 'session', session: 's', root: 'r', broker: 'in-page', peers });
function held(from: string, kind: MessageInfo['kind'], to = 'dog1'): TraceEventBody {
  return { type: 'held', qid: `q-${from}-${kind}`, to, from, kind, topic: 't', payload: '{}', bytes: 2, qos: 1, retain: false, will: false, mid: 'm' };
}

describe('traceLanes', () => {
  it.each([
    ['no session event', [], ['alice', 'bob']],
    ['a two-peer session names both', [session(['alice', 'bob']), held('bob', 'offer', 'alice')], ['alice', 'bob']],
    ['one device, nobody heard yet', [session(['dog1', 'dog1'])], ['dog1', 'peer']],
    ['one device: the peer it negotiated with, not the first status', [session(['dog1', 'dog1']), held('owl2', 'status'), held('cat3', 'offer')], ['dog1', 'cat3']],
    ['one device: candidates before the offer still name the caller', [session(['dog1', 'dog1']), held('cat3', 'candidate'), held('cat3', 'offer')], ['dog1', 'cat3']],
    ['one device that only saw statuses', [session(['dog1', 'dog1']), held('owl2', 'status'), held('cat3', 'status')], ['dog1', 'owl2']],
  ] as const)('%s', (_name, bodies, lanes) => {
    expect(traceLanes(trace([...bodies]))).toEqual(lanes);
  });
});

describe('negotiationRole', () => {
  const api = (peer: string, call: string, ok = true): TraceEventBody => ({ type: 'api', peer, call, ok });
  it.each([
    ['nothing yet', [], null],
    ['its createOffer succeeded', [api('dog1', 'RTCPeerConnection'), api('dog1', 'createOffer')], 'offerer'],
    ['a failed createOffer is no offer', [api('dog1', 'createOffer', false)], null],
    ['it answered', [api('cat3', 'createOffer'), api('dog1', 'createAnswer')], 'answerer'],
    ['another peer offered', [api('cat3', 'createOffer')], null],
  ] as const)('%s', (_name, bodies, role) => {
    expect(negotiationRole(trace([...bodies]), 'dog1')).toBe(role);
  });
});
