/**
 * Test-only: fast-check generators for trace events. Imported by *.test.ts files only,
 * never by the site.
 */
import fc from 'fast-check';
import { MAX_PASTE_WARNINGS } from '../signalling/paste-limits';
import type { SignalKind } from '../signalling/types';
import type { LinkTraceBody, LobbyTraceBody, LobbyTraceType } from '../lobby/trace';
import type { TraceEventBody, TraceEventType } from './types';

export const peerIdArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
const idArb = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/);
/** Any well-formed text, hostile characters included. */
export const textArb = (maxLength = 40) => fc.string({ unit: 'binary', maxLength }).map((s) => s.toWellFormed());
const kindArb = fc.constantFrom<SignalKind>('status', 'offer', 'answer', 'candidate', 'end-of-candidates');
const qosArb = fc.constantFrom<0 | 1 | 2>(0, 1, 2);
const bytesArb = fc.nat({ max: 100_000 });
const hexArb = fc.stringMatching(/^[0-9a-f]{0,40}$/);

/** One arbitrary per event type, keyed by type: tsc demands one for every type in ./types.ts. */
export function eventArbs(peer: fc.Arbitrary<string> = peerIdArb): { [K in TraceEventType]: fc.Arbitrary<Extract<TraceEventBody, { type: K }>> } {
  const qid = fc.nat({ max: 50 }).map((n) => `q${n}`);
  return {
    session: fc.record({ type: fc.constant('session' as const), session: idArb, root: textArb(), broker: textArb(), peers: fc.tuple(peer, peer) }),
    broker: fc.record(
      { type: fc.constant('broker' as const), peer, state: fc.constantFrom('connecting', 'connected', 'lost', 'reconnecting', 'error', 'closed' as const), detail: textArb() },
      { requiredKeys: ['type', 'peer', 'state'] },
    ),
    published: fc.record(
      { type: fc.constant('published' as const), peer, mid: idArb, kind: kindArb, topic: textArb(), payload: textArb(200), bytes: bytesArb, qos: qosArb, retain: fc.boolean(), packetHex: hexArb, fromOutbox: fc.boolean() },
      { requiredKeys: ['type', 'peer', 'mid', 'kind', 'topic', 'payload', 'bytes', 'qos', 'retain'] },
    ),
    'queued-offline': fc.record(
      { type: fc.constant('queued-offline' as const), peer, mid: idArb, kind: kindArb, topic: textArb(), to: peer, reason: textArb() },
      { requiredKeys: ['type', 'peer', 'mid', 'kind', 'topic', 'reason'] },
    ),
    held: fc.record(
      { type: fc.constant('held' as const), qid, to: peer, from: peer, kind: kindArb, topic: textArb(), payload: textArb(200), bytes: bytesArb, qos: qosArb, retain: fc.boolean(), will: fc.boolean(), mid: idArb, packetHex: hexArb },
      { requiredKeys: ['type', 'qid', 'to', 'from', 'kind', 'topic', 'payload', 'bytes', 'qos', 'retain', 'will', 'mid'] },
    ),
    foreign: fc.record(
      {
        type: fc.constant('foreign' as const),
        verdict: fc.constantFrom('foreign', 'suspicious' as const),
        reason: textArb(),
        to: peer,
        from: peer,
        kind: kindArb,
        topic: textArb(),
        payload: textArb(200),
        bytes: bytesArb,
        qos: qosArb,
        retain: fc.boolean(),
        will: fc.boolean(),
        mid: idArb,
        packetHex: hexArb,
      },
      { requiredKeys: ['type', 'verdict', 'reason', 'to', 'from', 'kind', 'topic', 'payload', 'bytes', 'qos', 'retain', 'will', 'mid'] },
    ),
    delivered: fc.record({ type: fc.constant('delivered' as const), qid, to: peer }),
    dropped: fc.record({ type: fc.constant('dropped' as const), qid, to: peer, by: fc.constant('reader' as const), reason: textArb() }, { requiredKeys: ['type', 'qid', 'to', 'by'] }),
    tampered: fc.record(
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
    rejected: fc.record(
      { type: fc.constant('rejected' as const), to: peer, topic: textArb(), reason: textArb(), bytes: bytesArb, preview: textArb(), dropped: fc.integer({ min: 1, max: 100_000 }) },
      { requiredKeys: ['type', 'to', 'topic', 'reason', 'bytes', 'preview'] },
    ),
    'plug-pulled': fc.record({ type: fc.constant('plug-pulled' as const), peer }),
    state: fc.record({ type: fc.constant('state' as const), peer, machine: fc.constantFrom('signaling', 'iceGathering', 'iceConnection', 'connection' as const), value: fc.constantFrom('new', 'stable', 'have-local-offer', 'checking', 'connected', 'complete', 'failed') }),
    api: fc.record(
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
    'candidate-gathered': fc.record({ type: fc.constant('candidate-gathered' as const), peer, candidate: fc.option(textArb(), { nil: null }) }),
    'candidate-buffered': fc.record({ type: fc.constant('candidate-buffered' as const), peer, candidate: textArb(), reason: textArb() }),
    'candidates-flushed': fc.record({ type: fc.constant('candidates-flushed' as const), peer, count: fc.nat({ max: 20 }) }),
    'remote-status': fc.record({ type: fc.constant('remote-status' as const), peer, of: peer, status: fc.constantFrom('online', 'offline' as const), will: fc.boolean() }),
    channel: fc.record({ type: fc.constant('channel' as const), peer, state: fc.constantFrom('open', 'closed' as const) }),
    chat: fc.record({ type: fc.constant('chat' as const), from: peer, to: peer, text: textArb() }),
    dtls: fc.record({ type: fc.constant('dtls' as const), peer, state: fc.constantFrom('new', 'connecting', 'connected', 'closed', 'failed' as const) }),
    'ice-check': fc.record({
      type: fc.constant('ice-check' as const),
      peer,
      pair: idArb,
      step: fc.constantFrom('sent', 'succeeded', 'nominated', 'failed' as const),
      local: fc.oneof(textArb(30), fc.constantFrom('host udp', 'srflx udp', 'relay udp')),
      remote: fc.oneof(textArb(30), fc.constantFrom('host udp', 'prflx udp')),
    }),
    presence: fc.record({
      type: fc.constant('presence' as const),
      peer,
      of: peer,
      status: fc.constantFrom('online', 'offline', 'cleared' as const),
      will: fc.boolean(),
      retained: fc.boolean(),
      ts: fc.nat(),
    }),
    phase: fc.record(
      { type: fc.constant('phase' as const), peer, phase: fc.constantFrom('joining', 'joined', 'refused', 'error', 'left' as const), detail: textArb() },
      { requiredKeys: ['type', 'peer', 'phase'] },
    ),
    packet: fc.record({
      type: fc.constant('packet' as const),
      peer,
      direction: fc.constantFrom('out', 'in' as const),
      name: fc.constantFrom('CONNECT', 'PUBLISH', 'PUBACK', 'PINGREQ'),
      size: bytesArb,
      hex: hexArb,
    }),
    paste: fc.record(
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
  };
}

/** Any lab event, every type exercised. */
export function eventBodyArb(peer: fc.Arbitrary<string> = peerIdArb): fc.Arbitrary<TraceEventBody> {
  return fc.oneof(...Object.values(eventArbs(peer)));
}

/** A lobby wire id: the host's 1 and the 31-bit extremes included. */
const wireIdArb = fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 2 ** 31 }));
/** A lobby frame: the protocol's JSON, or anything a client or a server may write. */
const frameArb = fc.oneof(fc.record({ type: fc.nat({ max: 9 }), id: wireIdArb, data: textArb(60) }).map((m) => JSON.stringify(m)), textArb(80));

/** One arbitrary per lobby event type (../lobby/trace.ts), keyed by type. */
export function lobbyEventArbs(peer: fc.Arbitrary<string> = peerIdArb): { [K in LobbyTraceType]: fc.Arbitrary<Extract<LobbyTraceBody, { type: K }>> } {
  const qid = fc.nat({ max: 50 }).map((n) => `q${n}`);
  const lab = eventArbs(peer);
  // LabPeer's events with the other end's wire id, as link.ts makes them.
  const link = <K extends LinkTraceBody['type']>(type: K) =>
    fc.tuple(lab[type], wireIdArb).map(([body, remote]) => ({ ...body, remote }) as Extract<LobbyTraceBody, { type: K }>);
  return {
    session: fc.record({ type: fc.constant('session' as const), transport: textArb(), peers: fc.array(peer, { maxLength: 8 }) }),
    socket: fc.record(
      { type: fc.constant('socket' as const), peer, state: fc.constantFrom('connecting', 'open', 'failed' as const), detail: textArb() },
      { requiredKeys: ['type', 'peer', 'state'] },
    ),
    sent: fc.record({ type: fc.constant('sent' as const), peer, text: frameArb, bad: textArb() }, { requiredKeys: ['type', 'peer', 'text'] }),
    held: fc.record(
      { type: fc.constant('held' as const), qid, peer, text: frameArb, close: fc.record({ code: fc.integer({ min: 1000, max: 4999 }), reason: textArb(60) }) },
      { requiredKeys: ['type', 'qid', 'peer', 'text'] },
    ),
    delivered: fc.record({ type: fc.constant('delivered' as const), qid, peer }),
    dropped: fc.record({ type: fc.constant('dropped' as const), qid, peer, by: fc.constant('reader' as const), reason: textArb() }, { requiredKeys: ['type', 'qid', 'peer', 'by'] }),
    tampered: fc.record(
      { type: fc.constant('tampered' as const), qid, peer, action: fc.constantFrom('delay', 'move', 'duplicate' as const), by: fc.constantFrom<-1 | 1>(-1, 1), copy: qid },
      { requiredKeys: ['type', 'qid', 'peer', 'action'] },
    ),
    ignored: fc.record({ type: fc.constant('ignored' as const), peer, reason: textArb() }),
    pc: fc.record({ type: fc.constant('pc' as const), peer, remote: wireIdArb, offerer: fc.boolean() }),
    api: link('api'),
    state: link('state'),
    channel: link('channel'),
    'candidate-gathered': link('candidate-gathered'),
    'candidate-buffered': link('candidate-buffered'),
    'candidates-flushed': link('candidates-flushed'),
  };
}

/** Any lobby event, every type exercised. */
export function lobbyEventBodyArb(peer: fc.Arbitrary<string> = peerIdArb): fc.Arbitrary<LobbyTraceBody> {
  return fc.oneof(...Object.values(lobbyEventArbs(peer)));
}
