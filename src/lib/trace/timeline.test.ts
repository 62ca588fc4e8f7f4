import { describe, expect, it } from 'vitest';
import { Trace } from './trace';
import { stateTimeline } from './timeline';
import type { TraceEventBody } from './types';

const held = (qid: string, to: string, from: string, kind: 'status' | 'offer' | 'answer' | 'candidate'): TraceEventBody => ({
  type: 'held',
  qid,
  to,
  from,
  kind,
  topic: `r/${to}/${kind === 'status' ? 'status' : 'signal'}`,
  payload: kind === 'status' ? '{"status":"online"}' : '{}',
  bytes: 10,
  qos: 1,
  retain: false,
  will: false,
  mid: `${from}-${qid}`,
});

function build(bodies: TraceEventBody[]) {
  let t = 0;
  const trace = new Trace(() => (t += 1));
  for (const b of bodies) trace.append(b);
  return trace.events;
}

describe('stateTimeline', () => {
  const events = build([
    { type: 'state', peer: 'alice', machine: 'signaling', value: 'stable' },
    { type: 'api', peer: 'alice', call: 'createDataChannel', ok: true },
    held('q1', 'alice', 'bob', 'status'), // i = 2
    { type: 'delivered', qid: 'q1', to: 'alice' },
    { type: 'state', peer: 'alice', machine: 'signaling', value: 'have-local-offer' },
    { type: 'state', peer: 'bob', machine: 'signaling', value: 'have-remote-offer' },
    held('q2', 'alice', 'bob', 'answer'), // i = 6
    { type: 'delivered', qid: 'q2', to: 'alice' },
    { type: 'state', peer: 'alice', machine: 'signaling', value: 'stable' },
    { type: 'state', peer: 'alice', machine: 'signaling', value: 'stable' },
    { type: 'channel', peer: 'alice', state: 'open' },
  ]);

  it('lists each transition once, with the delivery that preceded it', () => {
    expect(stateTimeline(events, 'alice').map((t) => [t.machine, t.value, t.cause, t.causeLabel])).toEqual([
      ['signaling', 'stable', null, null],
      ['dataChannel', 'connecting', null, null],
      ['signaling', 'have-local-offer', 2, 'status: bob online from bob'],
      ['signaling', 'stable', 6, 'answer from bob'],
      ['dataChannel', 'open', 6, 'answer from bob'],
    ]);
  });

  it('only counts deliveries to that peer as causes', () => {
    expect(stateTimeline(events, 'bob')).toEqual([
      expect.objectContaining({ machine: 'signaling', value: 'have-remote-offer', cause: null }),
    ]);
  });
});
