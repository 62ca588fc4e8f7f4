/**
 * Test support for traces, imported by *.test.ts only, never by the site: event bodies with
 * plain defaults, so that a test names only the fields it is about.
 */
import { Trace } from './trace';
import type { MessageInfo, TraceEvent, TraceEventBody } from './types';

/**
 * A 'held' message with `qid`: alice's status for bob on bob's signal topic, QoS 1, not
 * retained, no will, payload '{}', unless `fields` say otherwise.
 */
export function heldBody(fields: Partial<MessageInfo> & { qid: string }): TraceEventBody {
  const { from = 'alice', to = 'bob', payload = '{}' } = fields;
  return {
    type: 'held',
    from,
    to,
    kind: 'status',
    topic: `lab/x/${to}/signal`,
    payload,
    bytes: payload.length,
    qos: 1,
    retain: false,
    will: false,
    mid: `m-${fields.qid}`,
    ...fields,
  };
}

/** A trace of `bodies` at the given times (ms since the trace began); `i` is the position. */
export function timed(...bodies: Array<[number, TraceEventBody]>): TraceEvent[] {
  return bodies.map(([at, body], i) => ({ ...body, i, at }) as TraceEvent);
}

/** The events a Trace (its clock at 0) records when `bodies` are appended in order. */
export function traced(...bodies: TraceEventBody[]): TraceEvent[] {
  const trace = new Trace(() => 0);
  for (const b of bodies) trace.append(b);
  return [...trace.events];
}
