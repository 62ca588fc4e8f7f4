import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventBodyArb } from './arbitraries';
import {
  brokerState,
  channelOpen,
  deliveredCount,
  describeCandidate,
  describeMessage,
  diagramRows,
  droppedEvent,
  heldApart,
  heldMessages,
  messageByQid,
  peerStates,
  timeToConnected,
  type DiagramDetail,
  type DiagramRow,
  type RowStatus,
} from './selectors';
import { readFileSync } from 'node:fs';
import { parseTraceJson } from './export';
import { EXAMPLE_TRACES } from './examples';
import { loadSession } from '../ice/fixtures';
import { candidatePairs, candidateShort, pairSteps } from '../ice/stats';
import { timed, traced } from './fixtures';
import type { EventOf, MessageInfo, TraceEvent, TraceEventBody } from './types';

const ROOT = 'webrtc-lab/ab12cd34';
const PEERS: [string, string] = ['alice', 'bob'];
const HOST = 'candidate:842163049 1 udp 2122260223 x.local 50000 typ host generation 0';
const SRFLX = 'candidate:1 1 UDP 1686052607 203.0.113.7 61000 typ srflx raddr 0.0.0.0 rport 0';
const TCP = 'candidate:2 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active';

const statusPayload = (from: string, status: string, reason?: string) =>
  JSON.stringify({ v: 1, kind: 'status', from, session: 's', mid: 'm', ts: 0, status, ...(reason ? { reason } : {}) });
const candidatePayload = (candidate: string) =>
  JSON.stringify({ v: 1, kind: 'candidate', from: 'alice', to: 'bob', session: 's', mid: 'm', ts: 0, candidate, sdpMid: '0', sdpMLineIndex: 0 });

function info(over: Partial<MessageInfo>): MessageInfo {
  return {
    qid: 'q1',
    to: 'bob',
    from: 'alice',
    kind: 'offer',
    topic: `${ROOT}/bob/signal`,
    payload: '{}',
    bytes: 2,
    qos: 1,
    retain: false,
    will: false,
    mid: 'm1',
    ...over,
  };
}

const published = (peer: string, kind: MessageInfo['kind'], payload = '{}', retain = false): TraceEventBody => ({
  type: 'published',
  peer,
  mid: `${peer}-${kind}`,
  kind,
  topic: `${ROOT}/x/${kind === 'status' ? 'status' : 'signal'}`,
  payload,
  bytes: payload.length,
  qos: 1,
  retain,
});
const held = (qid: string, over: Partial<MessageInfo> = {}): TraceEventBody => ({ type: 'held', ...info({ qid, ...over }) });
const delivered = (qid: string, to = 'bob'): TraceEventBody => ({ type: 'delivered', qid, to });

describe('describeMessage', () => {
  it.each<[string, MessageInfo, string]>([
    ['live status', info({ kind: 'status', payload: statusPayload('alice', 'online') }), 'status: alice online'],
    ['retained status', info({ kind: 'status', retain: true, payload: statusPayload('alice', 'online') }), 'status: alice online (retained)'],
    ['will', info({ kind: 'status', from: 'bob', will: true, payload: statusPayload('bob', 'offline', 'will') }), 'will: bob offline'],
    ['will told by the payload alone', info({ kind: 'status', from: 'bob', payload: statusPayload('bob', 'offline', 'will') }), 'will: bob offline'],
    ['graceful bye', info({ kind: 'status', from: 'bob', payload: statusPayload('bob', 'offline', 'bye') }), 'status: bob offline'],
    ['status with a broken payload', info({ kind: 'status', payload: 'nope' }), 'status: alice'],
    ['status with a hostile value', info({ kind: 'status', payload: statusPayload('alice', '<script>') }), 'status: alice'],
    ['offer', info({ kind: 'offer' }), 'offer'],
    ['answer', info({ kind: 'answer' }), 'answer'],
    ['host candidate', info({ kind: 'candidate', payload: candidatePayload(HOST) }), 'candidate host udp'],
    ['srflx candidate, upper-case transport', info({ kind: 'candidate', payload: candidatePayload(SRFLX) }), 'candidate srflx udp'],
    ['tcp candidate', info({ kind: 'candidate', payload: candidatePayload(TCP) }), 'candidate host tcp'],
    ['end-of-candidates', info({ kind: 'end-of-candidates' }), 'end-of-candidates'],
  ])('%s', (_name, message, label) => {
    expect(describeMessage(message)).toBe(label);
  });

  it('labels published and held events alike', () => {
    const [pub, hold] = traced(
      published('alice', 'status', statusPayload('alice', 'online'), true),
      held('q1', { kind: 'candidate', payload: candidatePayload(HOST) }),
    );
    expect(describeMessage(pub as never)).toBe('status: alice online (retained)');
    expect(describeMessage(hold as never)).toBe('candidate host udp');
  });

  it('always returns a short label, whatever the payload', () => {
    fc.assert(
      fc.property(fc.constantFrom('status', 'offer', 'answer', 'candidate', 'end-of-candidates' as const), fc.string(), fc.boolean(), fc.boolean(), (kind, payload, retain, will) => {
        const label = describeMessage(info({ kind, payload, retain, will }));
        expect(label.length).toBeLessThanOrEqual(60);
        expect(label).toMatch(/^[a-z -]+(: alice( online| offline)?)?( \(retained\))?$/);
      }),
    );
  });
});

describe('describeCandidate', () => {
  it.each<[unknown, string]>([
    [HOST, 'candidate host udp'],
    [`a=${HOST}`, 'candidate host udp'],
    [JSON.stringify({ candidate: SRFLX, sdpMid: '0' }), 'candidate srflx udp'],
    ['candidate:1 1 udp 1 192.0.2.1 3478 typ relay raddr 1.2.3.4 rport 5', 'candidate relay udp'],
    ['candidate:1 1 udp 1 192.0.2.1 3478 typ prflx', 'candidate prflx udp'],
    ['', 'candidate (end)'],
    ['garbage', 'candidate'],
    ['candidate:1 1 <img> 1 x 1 typ <script>', 'candidate'],
    ['candidate:1 1 udp 1 x 1', 'candidate udp'],
    ['{not json', 'candidate'],
    [42, 'candidate'],
    [undefined, 'candidate'],
  ])('%j → %s', (candidate, label) => {
    expect(describeCandidate(candidate)).toBe(label);
  });
});

/** A short but complete exchange, with one rejection and a pulled plug. */
const exchange = traced(
  { type: 'session', session: 's', root: ROOT, broker: 'in-page', peers: PEERS },
  { type: 'broker', peer: 'alice', state: 'connecting' },
  { type: 'broker', peer: 'alice', state: 'connected' },
  published('alice', 'status', statusPayload('alice', 'online'), true), // 3
  published('alice', 'offer'), // 4
  held('q1', { kind: 'offer' }), // 5
  { type: 'rejected', to: 'bob', topic: `${ROOT}/bob/signal`, reason: 'not JSON: Unexpected token', bytes: 5, preview: 'hello' }, // 6
  delivered('q1'), // 7
  { type: 'state', peer: 'bob', machine: 'signaling', value: 'have-remote-offer' },
  published('bob', 'answer'), // 9
  held('q2', { kind: 'answer', from: 'bob', to: 'alice' }), // 10
  held('q3', { kind: 'status', from: 'carol', to: 'alice', payload: statusPayload('carol', 'online') }), // 11: a stranger's status
  { type: 'plug-pulled', peer: 'bob' }, // 12
  held('q4', { kind: 'status', from: 'bob', to: 'alice', will: true, retain: false, payload: statusPayload('bob', 'offline', 'will') }), // 13
  published('mallory', 'offer'), // 14: not one of our lanes
);

describe('diagramRows', () => {
  it('draws one row per arrow, in trace order', () => {
    const rows = diagramRows(exchange, PEERS);
    expect(rows.map((r) => [r.n, r.eventIndex, r.from, r.to, r.status, r.label])).toEqual([
      [1, 3, 'alice', 'broker', 'sent', 'status: alice online (retained)'],
      [2, 4, 'alice', 'broker', 'sent', 'offer'],
      [3, 5, 'broker', 'bob', 'delivered', 'offer'],
      [4, 6, 'broker', 'bob', 'rejected', 'rejected: not JSON: Unexpected token'],
      [5, 9, 'bob', 'broker', 'sent', 'answer'],
      [6, 10, 'broker', 'alice', 'pending', 'answer'],
      [7, 11, 'broker', 'alice', 'pending', 'status: carol online'],
      [8, 12, 'bob', 'bob', 'note', 'plug pulled'],
      [9, 13, 'broker', 'alice', 'pending', 'will: bob offline'],
    ]);
  });

  it('fills in qid, mid, kind, retained, will and over', () => {
    const rows = diagramRows(exchange, PEERS);
    expect(rows[0]).toMatchObject({ mid: 'alice-status', kind: 'status', retained: true, will: false });
    expect(rows[2]).toMatchObject({ qid: 'q1', kind: 'offer' });
    expect(rows[3]).not.toHaveProperty('qid');
    expect(rows[7]).toMatchObject({ over: 'bob', status: 'note' });
    expect(rows[8]).toMatchObject({ qid: 'q4', will: true });
  });

  it('shows a held message as pending until its delivery is within the prefix', () => {
    expect(diagramRows(exchange.slice(0, 7), PEERS)[2]!.status).toBe('pending');
    expect(diagramRows(exchange.slice(0, 8), PEERS)[2]!.status).toBe('delivered');
  });

  it('is empty for an empty trace', () => {
    expect(diagramRows([], PEERS)).toEqual([]);
  });

  const drop = (qid: string, reason?: string): TraceEventBody => ({ type: 'dropped', qid, to: 'bob', by: 'reader', ...(reason ? { reason } : {}) });
  it.each<[string, TraceEventBody[], RowStatus]>([
    ['held only', [held('q1')], 'pending'],
    ['delivered', [held('q1'), delivered('q1')], 'delivered'],
    ['dropped by the reader', [held('q1'), drop('q1')], 'dropped'],
    ['dropped by a filter, with a reason', [held('q1'), drop('q1', 'discard alice’s host candidates')], 'dropped'],
    ['another message dropped', [held('q1'), held('q2'), drop('q2')], 'pending'],
    ['dropped, then a stray delivery: the first fate wins', [held('q1'), drop('q1'), delivered('q1')], 'dropped'],
  ])('a held message that is %s is drawn %s', (_name, bodies, status) => {
    const rows = diagramRows(traced(...bodies), PEERS);
    expect(rows[0]).toMatchObject({ qid: 'q1', status });
    // A drop adds no row of its own: it changes the message's arrow.
    expect(rows).toHaveLength(bodies.filter((b) => b.type === 'held').length);
  });

  it('holds for any trace: numbered 1..n, in event order, only known lanes, consistent status', () => {
    const peer = fc.constantFrom('alice', 'bob', 'carol');
    fc.assert(
      fc.property(fc.array(eventBodyArb(peer), { maxLength: 60 }), (bodies) => {
        const evs = traced(...bodies);
        const rows = diagramRows(evs, PEERS);
        // A queue id's fate is its first delivery or drop.
        const fate = new Map<string, string>();
        for (const e of evs) if ((e.type === 'delivered' || e.type === 'dropped') && !fate.has(e.qid)) fate.set(e.qid, e.type);
        rows.forEach((row, k) => {
          expect(row.n).toBe(k + 1);
          if (k) expect(row.eventIndex).toBeGreaterThan(rows[k - 1]!.eventIndex);
          for (const lane of [row.from, row.to]) expect(['alice', 'bob', 'broker']).toContain(lane);
          const e = evs[row.eventIndex]!;
          const expected = { published: 'sent', rejected: 'rejected', foreign: 'foreign', 'plug-pulled': 'note', 'queued-offline': 'note', api: 'note' }[e.type as string];
          if (e.type === 'held') expect(row.status).toBe(fate.get(e.qid) ?? 'pending');
          else expect(row.status).toBe(expected);
        });
        // Every drawable event between our lanes has its row.
        const noted = (e: TraceEvent) =>
          e.type === 'api' && ((!e.ok && ['setRemoteDescription', 'createAnswer'].includes(e.call)) || e.call === 'ignoreOffer');
        const drawable = evs.filter((e) =>
          e.type === 'published' || e.type === 'plug-pulled' || e.type === 'queued-offline' || e.type === 'api'
            ? PEERS.includes(e.peer) && (e.type !== 'api' || noted(e))
            : (e.type === 'held' || e.type === 'rejected' || e.type === 'foreign') && PEERS.includes(e.to),
        );
        expect(rows.length).toBe(drawable.length);
      }),
    );
  });
});

describe('diagramRows: notes for the offer/answer calls', () => {
  const api = (call: string, ok: boolean, detail?: string): TraceEventBody =>
    detail === undefined ? { type: 'api', peer: 'bob', call, ok } : { type: 'api', peer: 'bob', call, ok, detail };
  const WRONG_STATE =
    "InvalidStateError: Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': Failed to set remote answer sdp: Called in wrong state: stable";

  it.each([
    ['a failed setRemoteDescription, without Chromium’s prefix', api('setRemoteDescription', false, WRONG_STATE), 'setRemoteDescription failed: InvalidStateError: Failed to set remote answer sdp: Called in wrong state: stable'],
    ['a failed createAnswer without detail', api('createAnswer', false), 'createAnswer failed'],
    ['the impolite peer ignoring an offer', api('ignoreOffer', true, 'glare: bob keeps his own offer'), 'ignored the offer: glare: bob keeps his own offer'],
    ['the end of vanilla ICE’s wait', api('waitForIceGathering', true, 'gathering complete after 111 ms; the offer carries 2 candidates'), 'vanilla ICE: gathering complete after 111 ms; the offer carries 2 candidates'],
    ['the start of that wait', api('waitForIceGathering', true, 'vanilla ICE: the offer waits until gathering is complete'), null],
    ['a successful setRemoteDescription', api('setRemoteDescription', true, 'offer'), null],
    ['a failed addIceCandidate (the ICE views show those)', api('addIceCandidate', false, 'OperationError'), null],
    ['a refused signal', api('handleSignal', false, 'ignored offer from mallory'), null],
  ])('%s', (_name, body, label) => {
    const rows = diagramRows(traced(body), PEERS);
    if (label === null) expect(rows).toEqual([]);
    else expect(rows).toEqual([expect.objectContaining({ n: 1, from: 'bob', to: 'bob', over: 'bob', status: 'note', label })]);
  });
});

describe('queue views', () => {
  it('counts deliveries and lists what is still held, oldest first', () => {
    expect(deliveredCount(exchange)).toBe(1);
    expect(heldMessages(exchange).map((e) => e.qid)).toEqual(['q2', 'q3', 'q4']);
    expect(heldMessages(exchange.slice(0, 7)).map((e) => e.qid)).toEqual(['q1']);
    expect(heldMessages([])).toEqual([]);
  });

  it.each<[string, TraceEventBody[], string[]]>([
    ['nothing dropped', [held('q1'), held('q2'), held('q3')], ['q1', 'q2', 'q3']],
    ['the middle one dropped', [held('q1'), held('q2'), held('q3'), { type: 'dropped', qid: 'q2', to: 'bob', by: 'reader' }], ['q1', 'q3']],
    ['one dropped, one delivered', [held('q1'), held('q2'), delivered('q1'), { type: 'dropped', qid: 'q2', to: 'bob', by: 'reader' }], []],
  ])('a dropped message leaves the held list (%s)', (_name, bodies, qids) => {
    expect(heldMessages(traced(...bodies)).map((e) => e.qid)).toEqual(qids);
  });

  it('finds the drop of a queue id, with its reason', () => {
    const evs = traced(held('q1'), { type: 'dropped', qid: 'q1', to: 'bob', by: 'reader', reason: 'because' });
    expect(droppedEvent(evs, 'q1')).toMatchObject({ type: 'dropped', by: 'reader', reason: 'because' });
    expect(droppedEvent(evs, 'q2')).toBeUndefined();
    expect(messageByQid(evs, 'q1')).toMatchObject({ type: 'held' }); // the inspector still opens it
  });

  it('finds a message by qid', () => {
    expect(messageByQid(exchange, 'q2')).toMatchObject({ type: 'held', qid: 'q2', from: 'bob' });
    expect(messageByQid(exchange, 'q9')).toBeUndefined();
  });

  it('held + delivered + dropped accounts for every held qid', () => {
    fc.assert(
      fc.property(fc.array(eventBodyArb(fc.constantFrom('alice', 'bob')), { maxLength: 60 }), (bodies) => {
        const evs = traced(...bodies);
        // A qid is held from its 'held' event until a later 'delivered' or 'dropped' takes it out.
        const expected: string[] = [];
        for (const e of evs) {
          if (e.type === 'held') expected.push(e.qid);
          else if ((e.type === 'delivered' || e.type === 'dropped') && expected.includes(e.qid)) expected.splice(expected.indexOf(e.qid), 1);
        }
        const qids = heldMessages(evs).map((e) => e.qid);
        // Tampering (delay, move, duplicate placement, edit) reorders or rewrites, never adds or loses.
        expect([...qids].sort()).toEqual([...expected].sort());
        if (!evs.some((e) => e.type === 'tampered')) expect(qids).toEqual(expected);
      }),
    );
  });
});

describe('peer views', () => {
  it('starts from the initial RTCPeerConnection states', () => {
    expect(peerStates([], 'alice')).toEqual({ connection: 'new', signaling: 'stable', iceGathering: 'new', iceConnection: 'new' });
  });

  it('keeps the latest value of each machine, per peer', () => {
    const evs = traced(
      { type: 'state', peer: 'alice', machine: 'signaling', value: 'have-local-offer' },
      { type: 'state', peer: 'alice', machine: 'iceGathering', value: 'gathering' },
      { type: 'state', peer: 'bob', machine: 'connection', value: 'connecting' },
      { type: 'state', peer: 'alice', machine: 'signaling', value: 'stable' },
      { type: 'state', peer: 'alice', machine: 'iceGathering', value: 'complete' },
    );
    expect(peerStates(evs, 'alice')).toEqual({ connection: 'new', signaling: 'stable', iceGathering: 'complete', iceConnection: 'new' });
    expect(peerStates(evs, 'bob')).toEqual({ connection: 'connecting', signaling: 'stable', iceGathering: 'new', iceConnection: 'new' });
    expect(peerStates(evs.slice(0, 1), 'alice').signaling).toBe('have-local-offer');
  });

  it('tracks the broker connection', () => {
    expect(brokerState([], 'alice')).toBe('idle');
    expect(brokerState(exchange, 'alice')).toBe('connected');
    expect(brokerState(exchange.slice(0, 2), 'alice')).toBe('connecting');
    expect(brokerState(exchange, 'bob')).toBe('idle');
  });

  it('says the channel is open only when both peers’ channels are', () => {
    const session: TraceEventBody = { type: 'session', session: 's', root: ROOT, broker: 'in-page', peers: PEERS };
    const open = (peer: string): TraceEventBody => ({ type: 'channel', peer, state: 'open' });
    const closed = (peer: string): TraceEventBody => ({ type: 'channel', peer, state: 'closed' });
    expect(channelOpen([])).toBe(false);
    expect(channelOpen(traced(session, open('alice')))).toBe(false);
    expect(channelOpen(traced(session, open('alice'), open('bob')))).toBe(true);
    expect(channelOpen(traced(session, open('alice'), open('bob'), closed('bob')))).toBe(false);
    expect(channelOpen(traced(session, open('alice'), open('carol')))).toBe(false);
    expect(channelOpen(traced(open('alice'), open('bob')))).toBe(true);
  });
});

describe('timeToConnected', () => {
  const session: TraceEventBody = { type: 'session', session: 's', root: ROOT, broker: 'in-page', peers: PEERS };
  const api = (peer: string, call: string, ok = true): TraceEventBody => ({ type: 'api', peer, call, ok });
  const conn = (peer: string, value: string): TraceEventBody => ({ type: 'state', peer, machine: 'connection', value });

  const trickle = timed(
    [0, session],
    [40, published('alice', 'status', statusPayload('alice', 'online'), true)],
    [100, api('alice', 'createOffer')],
    [102, published('alice', 'offer')],
    [104, published('alice', 'candidate')],
    [110, published('bob', 'answer')],
    [111, published('bob', 'candidate')],
    [115, conn('alice', 'connecting')],
    [130, conn('bob', 'connected')],
    [131, published('alice', 'end-of-candidates')],
    [142, conn('alice', 'connected')],
    [150, published('bob', 'end-of-candidates')],
    [160, conn('bob', 'disconnected')],
  );
  const vanilla = timed(
    [0, session],
    [100, api('alice', 'createOffer')],
    [240, published('alice', 'offer')],
    [250, published('bob', 'answer')],
    [262, conn('bob', 'connected')],
    [265, conn('alice', 'connected')],
  );

  it.each([
    ['trickle: from createOffer to the later of the two, counting signals so far (not status)', trickle, { ms: 42, signals: 5 }],
    ['vanilla: one offer and one answer, the gathering wait included', vanilla, { ms: 165, signals: 2 }],
  ])('%s', (_name, evs, expected) => {
    expect(timeToConnected(evs)).toEqual(expected);
  });

  it.each([
    ['no events', [] as TraceEvent[]],
    ['only one peer connected', trickle.slice(0, 10)],
    ['connected before any createOffer (not a measurable negotiation)', timed([0, session], [5, conn('alice', 'connected')], [6, conn('bob', 'connected')])],
    ['a failed createOffer does not start the clock', timed([0, session], [5, api('alice', 'createOffer', false)], [6, conn('alice', 'connected')], [7, conn('bob', 'connected')])],
    ['a stranger connected, not the session peers', timed([0, session], [1, api('alice', 'createOffer')], [5, conn('alice', 'connected')], [6, conn('carol', 'connected')])],
  ])('is null with %s', (_name, evs) => {
    expect(timeToConnected(evs)).toBeNull();
  });

  it('keeps the first time both were connected, whatever happens later', () => {
    expect(timeToConnected(trickle)).toEqual(timeToConnected(trickle.slice(0, 11)));
  });

  it('uses the first createOffer when both peers offer (glare)', () => {
    const glare = timed([0, session], [10, api('bob', 'createOffer')], [12, api('alice', 'createOffer')], [50, conn('alice', 'connected')], [60, conn('bob', 'connected')]);
    expect(timeToConnected(glare)).toEqual({ ms: 50, signals: 0 });
  });
});

describe('diagramRows at each detail level, over the recorded example traces', () => {
  const dir = new URL('../../../public/traces/', import.meta.url);
  const load = (id: string): TraceEvent[] => {
    const parsed = parseTraceJson(readFileSync(new URL(`${id}.json`, dir), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.events;
  };
  const PEERS: [string, string] = ['alice', 'bob'];
  const trickle = load('trickle');
  const shape = (rows: readonly DiagramRow[]) => rows.map((r) => `${r.status === 'note' ? `over ${r.over}` : `${r.from} → ${r.to}`}: ${r.label}`);
  const LEVELS: DiagramDetail[] = ['signalling', 'api', 'p2p'];

  it.each(EXAMPLE_TRACES.map((e) => e.id))('%s: each level keeps every row of the one before, signalling only is the default', (id) => {
    const events = load(id);
    const at = LEVELS.map((d) => diagramRows(events, PEERS, d));
    expect(at[0]).toEqual(diagramRows(events, PEERS));
    // Nothing but the MQTT hops and the failure notes at signalling only; no arrow past the broker before p2p.
    expect(at[0]!.filter((r) => r.status === 'p2p')).toEqual([]);
    expect(at[1]!.filter((r) => r.status === 'p2p')).toEqual([]);
    for (const [lower, higher] of [[at[0]!, at[1]!], [at[1]!, at[2]!]] as const) {
      const kept = new Set(higher.map((r) => r.eventIndex));
      expect(lower.every((r) => kept.has(r.eventIndex))).toBe(true);
    }
    // Rows are numbered 1…n at every level: the table and the drawing count the same.
    for (const rows of at) expect(rows.map((r) => r.n)).toEqual(rows.map((_, k) => k + 1));
  });

  // [row, the levels that show it], from the recorded trickle session.
  it.each<[string, DiagramDetail[]]>([
    ['alice → broker: offer', ['signalling', 'api', 'p2p']],
    ['broker → bob: offer', ['signalling', 'api', 'p2p']],
    ['over alice: createOffer()', ['api', 'p2p']],
    ['over alice: setLocalDescription(offer)', ['api', 'p2p']],
    ['over alice: signalingState: have-local-offer', ['api', 'p2p']],
    ['over bob: setRemoteDescription(offer)', ['api', 'p2p']],
    ['over bob: createAnswer()', ['api', 'p2p']],
    ['over bob: setLocalDescription(answer)', ['api', 'p2p']],
    ['over bob: addIceCandidate(candidate host udp)', ['api', 'p2p']],
    ['over alice: addIceCandidate(end-of-candidates)', ['api', 'p2p']],
    ['over alice: setRemoteDescription(answer)', ['api', 'p2p']],
    ['over bob: iceConnectionState: checking', ['api', 'p2p']],
    ['over alice: connectionState: connected', ['api', 'p2p']],
    ['over alice: data channel is open', ['api']],
    ['alice → bob: data channel is open', ['p2p']],
    ['bob → alice: data channel is open', ['p2p']],
    ['alice → bob: data channel: hello over the data cha…', ['p2p']],
    // The initial values LabPeer traces at start are not changes: never drawn.
    ['over alice: iceConnectionState: new', []],
    ['over alice: connectionState: new', []],
  ])('%s is drawn at %j', (row, levels) => {
    for (const detail of LEVELS) expect(shape(diagramRows(trickle, PEERS, detail)).includes(row), detail).toBe(levels.includes(detail));
  });

  it('notes signalingState stable only when it becomes stable again, after the answer', () => {
    expect(shape(diagramRows(trickle, PEERS, 'api')).filter((r) => r.endsWith('signalingState: stable'))).toEqual([
      'over bob: signalingState: stable',
      'over alice: signalingState: stable',
    ]);
  });

  // The recorded session, plus what LabPeer now traces of the path (DTLS, pairs from a captured getStats()).
  const stats = loadSession('host-raw').snapshots.at(-1)!.alice;
  const checks: TraceEventBody[] = pairSteps(candidatePairs(stats)).flatMap(({ pair, steps }) =>
    steps.map((step) => ({ type: 'ice-check' as const, peer: 'alice', pair: pair.id, step, local: candidateShort(pair.local), remote: candidateShort(pair.remote) })),
  );
  const path = traced(
    ...trickle.map(({ i: _i, at: _at, ...body }) => body as TraceEventBody),
    { type: 'dtls', peer: 'alice', state: 'new' },
    { type: 'dtls', peer: 'alice', state: 'connecting' },
    ...checks,
    { type: 'dtls', peer: 'alice', state: 'connected' },
    { type: 'candidate-buffered', peer: 'bob', candidate: 'candidate:1 1 udp 2122194687 192.0.2.2 33727 typ host', reason: 'no remote description yet' },
    { type: 'candidates-flushed', peer: 'bob', count: 1 },
    { type: 'api', peer: 'bob', call: 'addIceCandidate', ok: false, detail: 'InvalidStateError: no remote description' },
  );

  // The captured pair that was nominated, as its label reads ("host udp :PORT → host udp :PORT").
  const chosen = checks.find((e) => e.type === 'ice-check' && e.step === 'nominated') as EventOf<'ice-check'>;
  const pairLabel = `${chosen.local} → ${chosen.remote}`;

  it('labels the nominated pair by kind and port', () => {
    expect(pairLabel).toMatch(/^host udp :\d+ → host udp :\d+$/);
  });

  it.each<[string, DiagramDetail[]]>([
    [`alice → bob: ICE check ${pairLabel}`, ['p2p']],
    [`alice → bob: ICE check succeeded ${pairLabel}`, ['p2p']],
    [`alice → bob: ICE nominated ${pairLabel}`, ['p2p']],
    ['over alice: DTLS connecting', ['api', 'p2p']],
    ['over alice: DTLS connected', ['api']],
    ['alice → bob: DTLS connected', ['p2p']],
    ['over alice: DTLS new', []],
    ['over bob: buffered candidate host udp: no remote description yet', ['api', 'p2p']],
    ['over bob: flushed 1 buffered candidate to addIceCandidate', ['api', 'p2p']],
    ['over bob: addIceCandidate failed: InvalidStateError: no remote description', ['api', 'p2p']],
  ])('with the peer-to-peer path traced, %s is drawn at %j', (row, levels) => {
    expect(checks.length).toBeGreaterThanOrEqual(3);
    for (const detail of LEVELS) expect(shape(diagramRows(path, PEERS, detail)).includes(row), detail).toBe(levels.includes(detail));
  });

  it('draws a peer-to-peer row between the two peers only, and never a lane it did not declare', () => {
    const rows = diagramRows(traced({ type: 'chat', from: 'carol', to: 'bob', text: 'hi' }, { type: 'dtls', peer: 'alice', state: 'connected' }), PEERS, 'p2p');
    expect(shape(rows)).toEqual(['alice → bob: DTLS connected']);
  });
});

describe('the outbox on the diagram', () => {
  it('draws a signal kept while offline as a note on its sender, and its later sending as an arrow that says so', () => {
    const published = (fromOutbox: boolean): TraceEventBody => ({ type: 'published', peer: 'bob', mid: 'b-1', kind: 'answer', topic: `${ROOT}/alice/signal`, payload: '{}', bytes: 2, qos: 1, retain: false, ...(fromOutbox ? { fromOutbox } : {}) });
    const events = traced(
      { type: 'queued-offline', peer: 'bob', mid: 'b-1', kind: 'answer', topic: `${ROOT}/alice/signal`, to: 'alice', reason: 'the link to the broker is down' },
      published(true),
      published(false),
    );
    expect(diagramRows(events, PEERS).map((r) => [r.from, r.to, r.status, r.label])).toEqual([
      ['bob', 'bob', 'note', 'answer for alice queued while offline'],
      ['bob', 'broker', 'sent', 'answer (sent from the outbox)'],
      ['bob', 'broker', 'sent', 'answer'],
    ]);
  });
});

describe('messages held apart', () => {
  const apart = (verdict: 'foreign' | 'suspicious', reason: string, over: Partial<MessageInfo> = {}): TraceEventBody => {
    const { qid: _qid, ...rest } = info({ qid: 'x', kind: 'offer', from: 'alice', to: 'bob', payload: '{"kind":"offer"}', ...over });
    return { type: 'foreign', verdict, reason, ...rest };
  };

  it('draw an arrow of their own, verdict first, and never join the queue', () => {
    const evs = traced(held('q1'), apart('foreign', "this lab's alice never published it"), delivered('q1'), apart('suspicious', 'a second offer', { kind: 'status', payload: '{"status":"offline","reason":"will"}', will: true }));
    const rows = diagramRows(evs, PEERS);
    expect(rows.map((r) => [r.status, r.from, r.to, r.label])).toEqual([
      ['delivered', 'broker', 'bob', 'offer'],
      ['foreign', 'broker', 'bob', "foreign: offer — this lab's alice never published it"],
      ['foreign', 'broker', 'bob', 'suspicious: will: alice offline — a second offer'],
    ]);
    expect(heldMessages(evs)).toEqual([]);
    expect(heldApart(evs).map((e) => e.i)).toEqual([1, 3]);
    // As of any step: a prefix shows only what had arrived by then.
    expect(heldApart(evs.slice(0, 2)).map((e) => e.verdict)).toEqual(['foreign']);
  });
});
