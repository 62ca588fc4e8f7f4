/**
 * Test-only: fast-check generators for trace events. Imported by *.test.ts files only,
 * never by the site.
 */
import fc from 'fast-check';
import { MAX_PASTE_WARNINGS } from '../signalling/paste-limits';
import type { SignalKind } from '../signalling/types';
import type { TraceEventBody } from './types';

export const peerIdArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
const idArb = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/);
/** Any well-formed text, hostile characters included. */
export const textArb = (maxLength = 40) => fc.string({ unit: 'binary', maxLength }).map((s) => s.toWellFormed());
const kindArb = fc.constantFrom<SignalKind>('status', 'offer', 'answer', 'candidate', 'end-of-candidates');
const qosArb = fc.constantFrom<0 | 1 | 2>(0, 1, 2);
const bytesArb = fc.nat({ max: 100_000 });
const hexArb = fc.stringMatching(/^[0-9a-f]{0,40}$/);

/** One arbitrary per event type, so every type is exercised. */
export function eventBodyArb(peer: fc.Arbitrary<string> = peerIdArb): fc.Arbitrary<TraceEventBody> {
  const qid = fc.nat({ max: 50 }).map((n) => `q${n}`);
  return fc.oneof(
    fc.record({ type: fc.constant('session' as const), session: idArb, root: textArb(), broker: textArb(), peers: fc.tuple(peer, peer) }),
    fc.record(
      { type: fc.constant('broker' as const), peer, state: fc.constantFrom('connecting', 'connected', 'lost', 'reconnecting', 'error', 'closed' as const), detail: textArb() },
      { requiredKeys: ['type', 'peer', 'state'] },
    ),
    fc.record(
      { type: fc.constant('published' as const), peer, mid: idArb, kind: kindArb, topic: textArb(), payload: textArb(200), bytes: bytesArb, qos: qosArb, retain: fc.boolean(), packetHex: hexArb },
      { requiredKeys: ['type', 'peer', 'mid', 'kind', 'topic', 'payload', 'bytes', 'qos', 'retain'] },
    ),
    fc.record(
      { type: fc.constant('held' as const), qid, to: peer, from: peer, kind: kindArb, topic: textArb(), payload: textArb(200), bytes: bytesArb, qos: qosArb, retain: fc.boolean(), will: fc.boolean(), mid: idArb, packetHex: hexArb },
      { requiredKeys: ['type', 'qid', 'to', 'from', 'kind', 'topic', 'payload', 'bytes', 'qos', 'retain', 'will', 'mid'] },
    ),
    fc.record({ type: fc.constant('delivered' as const), qid, to: peer }),
    fc.record({ type: fc.constant('dropped' as const), qid, to: peer, by: fc.constant('reader' as const), reason: textArb() }, { requiredKeys: ['type', 'qid', 'to', 'by'] }),
    fc.record(
      {
        type: fc.constant('tampered' as const),
        qid,
        to: peer,
        action: fc.constantFrom('delay', 'duplicate', 'move', 'edit' as const),
        by: fc.constantFrom<-1 | 1>(-1, 1),
        copy: qid,
        payload: textArb(200),
        bytes: bytesArb,
      },
      { requiredKeys: ['type', 'qid', 'to', 'action'] },
    ),
    fc.record(
      { type: fc.constant('rejected' as const), to: peer, topic: textArb(), reason: textArb(), bytes: bytesArb, preview: textArb(), dropped: fc.integer({ min: 1, max: 100_000 }) },
      { requiredKeys: ['type', 'to', 'topic', 'reason', 'bytes', 'preview'] },
    ),
    fc.record({ type: fc.constant('plug-pulled' as const), peer }),
    fc.record({ type: fc.constant('state' as const), peer, machine: fc.constantFrom('signaling', 'iceGathering', 'iceConnection', 'connection' as const), value: fc.constantFrom('new', 'stable', 'have-local-offer', 'checking', 'connected', 'complete', 'failed') }),
    fc.record(
      {
        type: fc.constant('api' as const),
        peer,
        // Real call names too: some of them draw a note on the diagram.
        call: fc.oneof(textArb(), fc.constantFrom('setRemoteDescription', 'createAnswer', 'addIceCandidate', 'ignoreOffer')),
        ok: fc.boolean(),
        detail: textArb(),
      },
      { requiredKeys: ['type', 'peer', 'call', 'ok'] },
    ),
    fc.record({ type: fc.constant('candidate-gathered' as const), peer, candidate: fc.option(textArb(), { nil: null }) }),
    fc.record({ type: fc.constant('candidate-buffered' as const), peer, candidate: textArb(), reason: textArb() }),
    fc.record({ type: fc.constant('candidates-flushed' as const), peer, count: fc.nat({ max: 20 }) }),
    fc.record({ type: fc.constant('remote-status' as const), peer, of: peer, status: fc.constantFrom('online', 'offline' as const), will: fc.boolean() }),
    fc.record({ type: fc.constant('channel' as const), peer, state: fc.constantFrom('open', 'closed' as const) }),
    fc.record({ type: fc.constant('chat' as const), from: peer, to: peer, text: textArb() }),
    fc.record({
      type: fc.constant('presence' as const),
      peer,
      of: peer,
      status: fc.constantFrom('online', 'offline', 'cleared' as const),
      will: fc.boolean(),
      retained: fc.boolean(),
      ts: fc.nat(),
    }),
    fc.record(
      { type: fc.constant('phase' as const), peer, phase: fc.constantFrom('joining', 'joined', 'refused', 'error', 'left' as const), detail: textArb() },
      { requiredKeys: ['type', 'peer', 'phase'] },
    ),
    fc.record({
      type: fc.constant('packet' as const),
      peer,
      direction: fc.constantFrom('out', 'in' as const),
      name: fc.constantFrom('CONNECT', 'PUBLISH', 'PUBACK', 'PINGREQ'),
      size: bytesArb,
      hex: hexArb,
    }),
    fc.record(
      {
        type: fc.constant('paste' as const),
        peer,
        what: fc.constantFrom('role', 'own', 'accepted', 'refused', 'settled' as const),
        role: fc.constantFrom('offerer', 'answerer' as const),
        sdpType: fc.constantFrom('offer', 'answer' as const),
        sdp: textArb(200),
        candidates: fc.nat({ max: 20 }),
        warnings: fc.array(textArb(), { maxLength: MAX_PASTE_WARNINGS }),
        reason: textArb(),
      },
      { requiredKeys: ['type', 'peer', 'what'] },
    ),
  );
}
