import { describe, expect, it } from 'vitest';
import { newestDelivered, offerSdpBefore } from './messages';
import { Trace } from './trace';
import type { TraceEventBody } from './types';

const msg = (kind: 'offer' | 'answer' | 'candidate', payload: string): TraceEventBody => ({
  type: 'published', peer: 'alice', mid: kind, kind, topic: 't', payload, bytes: payload.length, qos: 1, retain: false,
});

describe('offerSdpBefore', () => {
  const trace = new Trace(() => 0);
  for (const b of [
    msg('offer', JSON.stringify({ sdp: 'v=0 first' })),
    msg('offer', JSON.stringify({ sdp: 'v=0 second' })),
    msg('candidate', '{}'),
    msg('answer', JSON.stringify({ sdp: 'v=0 answer' })),
    msg('offer', 'not json'),
    msg('answer', '{}'),
  ]) trace.append(b);
  const events = trace.events;

  it.each([
    [3, 'v=0 second'],
    [5, null],
    [1, null],
    [2, null],
    [99, null],
  ])('event %s → %s', (index, sdp) => {
    expect(offerSdpBefore(events, index)).toBe(sdp);
  });
});

describe('newestDelivered', () => {
  it('is the qid of the latest delivery, or null', () => {
    expect(newestDelivered([])).toBeNull();
    expect(newestDelivered([{ type: 'held', qid: 'q1' }])).toBeNull();
    expect(newestDelivered([{ type: 'delivered', qid: 'q1' }, { type: 'held', qid: 'q2' }, { type: 'delivered', qid: 'q3' }, { type: 'api' }])).toBe('q3');
  });
});
