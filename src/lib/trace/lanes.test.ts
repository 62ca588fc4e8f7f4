import { describe, expect, it } from 'vitest';
import { traceLanes } from './lanes';
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
