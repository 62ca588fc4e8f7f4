import { describe, expect, it } from 'vitest';
import { toMermaid } from '../diagram/mermaid';
import { badInputOutcomes, frameLabel, heldFrames, lobbyDiagramRows, lobbyLanes, lobbyView, pairViews, wireIds } from './diagram-rows';
import { encodeCandidate, encodeMessage, MessageType } from './protocol';
import { Trace } from '../trace/trace';
import { SERVER_LANE, type LobbyTraceBody, type LobbyTraceEvent } from './trace';

const LANES = [SERVER_LANE, 'p1', 'p2', 'p3'];
const IDS = new Map([
  ['p1', 1],
  ['p2', 3000],
  ['p3', 2000],
]);

function trace(bodies: LobbyTraceBody[]): LobbyTraceEvent[] {
  let t = 0;
  const tr = new Trace<LobbyTraceBody>(() => t++);
  for (const b of bodies) tr.append(b);
  return [...tr.events];
}

/** ID frames delivered to p1, p2, p3, so names resolve. */
const IDS_DELIVERED: LobbyTraceBody[] = [...IDS].flatMap(([peer, id], k) => [
  { type: 'held', qid: `id${k}`, peer, text: encodeMessage(MessageType.ID, id, 'true') } as LobbyTraceBody,
  { type: 'delivered', qid: `id${k}`, peer } as LobbyTraceBody,
]);

describe('frameLabel', () => {
  const CANDIDATE = encodeCandidate({ mid: '0', index: 0, sdp: 'candidate:1 1 udp 2113937151 abc.local 5000 typ host' });
  it.each([
    ['join a new mesh lobby', encodeMessage(0, 0, ''), 'sent', 'p1', 'JOIN new mesh lobby'],
    ['join a client/server lobby', encodeMessage(0, 1, ''), 'sent', 'p1', 'JOIN new client/server lobby'],
    ['join by name', encodeMessage(0, 0, 'LOBBYNAME0123456'), 'sent', 'p2', 'JOIN LOBBYNAME0123456'],
    ['the JOIN echo', encodeMessage(0, 0, 'LOBBYNAME0123456'), 'received', 'p2', 'JOIN LOBBYNAME0123456'],
    ['ID in a mesh', encodeMessage(1, 1, 'true'), 'received', 'p1', 'ID 1 (mesh)'],
    ['ID client/server', encodeMessage(1, 77, ''), 'received', 'p2', 'ID 77'],
    ['PEER_CONNECT named', encodeMessage(2, 3000, ''), 'received', 'p1', 'PEER_CONNECT 3000 (p2)'],
    ['PEER_CONNECT of the host', encodeMessage(2, 1, ''), 'received', 'p2', 'PEER_CONNECT 1 (p1)'],
    ['PEER_DISCONNECT', encodeMessage(3, 2000, ''), 'received', 'p1', 'PEER_DISCONNECT 2000 (p3)'],
    ['OFFER out: the destination', encodeMessage(4, 1, 'v=0'), 'sent', 'p2', 'OFFER to 1 (p1)'],
    ['OFFER in: the sender', encodeMessage(4, 3000, 'v=0'), 'received', 'p1', 'OFFER from 3000 (p2)'],
    ['ANSWER', encodeMessage(5, 3000, 'v=0'), 'sent', 'p3', 'ANSWER to 3000 (p2)'],
    ['CANDIDATE with its type', encodeMessage(6, 2000, CANDIDATE), 'received', 'p2', 'CANDIDATE host udp from 2000 (p3)'],
    ['SEAL', encodeMessage(7, 0, ''), 'sent', 'p1', 'SEAL'],
    ['unknown type', encodeMessage(42, 0, ''), 'sent', 'p4', 'type 42 (unknown)'],
    ['not JSON', 'hello, server', 'sent', 'p4', 'not a lobby message: hello, server'],
    ['long junk is cut', 'x'.repeat(100), 'sent', 'p4', `not a lobby message: ${'x'.repeat(23)}…`],
    ['p4 gets no names: 1 is the host of its own lobby', encodeMessage(4, 3000, 'v=0'), 'sent', 'p4', 'OFFER to 3000'],
  ] as const)('%s', (_name, text, direction, peer, label) => {
    const ids = new Map(IDS);
    ids.set('p4', 1);
    expect(frameLabel(text, direction, peer, ids)).toBe(label);
  });
});

describe('lobbyDiagramRows', () => {
  const events = trace([
    ...IDS_DELIVERED,
    { type: 'sent', peer: 'p2', text: encodeMessage(4, 1, 'v=0') },
    { type: 'held', qid: 'q1', peer: 'p1', text: encodeMessage(4, 3000, 'v=0') },
    { type: 'delivered', qid: 'q1', peer: 'p1' },
    { type: 'held', qid: 'q2', peer: 'p1', text: encodeMessage(6, 3000, encodeCandidate({ mid: '0', index: 0, sdp: 'candidate:1 1 udp 1 a.local 1 typ host' })) },
    { type: 'sent', peer: 'p4', text: 'hello', bad: 'Not JSON' },
    { type: 'held', qid: 'q3', peer: 'p4', text: '', close: { code: 4000, reason: 'Invalid message format' } },
    { type: 'ignored', peer: 'p3', reason: 'OFFER from 9: no connection to that peer' },
    { type: 'api', peer: 'p2', remote: 1, call: 'setRemoteDescription', ok: false, detail: 'InvalidStateError: wrong state' },
    { type: 'api', peer: 'p2', remote: 1, call: 'createOffer', ok: true },
  ]);

  it('draws frames each way, held ones pending, notes for ignored frames and failed calls; unknown lanes are left out', () => {
    const rows = lobbyDiagramRows(events, LANES);
    expect(rows.map((r) => [r.n, r.from, r.to, r.status, r.label])).toEqual([
      [1, 'server', 'p1', 'delivered', 'ID 1 (mesh)'],
      [2, 'server', 'p2', 'delivered', 'ID 3000 (mesh)'],
      [3, 'server', 'p3', 'delivered', 'ID 2000 (mesh)'],
      [4, 'p2', 'server', 'sent', 'OFFER to 1 (p1)'],
      [5, 'server', 'p1', 'delivered', 'OFFER from 3000 (p2)'],
      [6, 'server', 'p1', 'pending', 'CANDIDATE host udp from 3000 (p2)'],
      [7, 'p3', 'p3', 'note', 'ignored: OFFER from 9: no connection to that peer'],
      [8, 'p2', 'p2', 'note', 'setRemoteDescription failed: InvalidStateError: wrong state'],
    ]);
    expect(rows[5]!.qid).toBe('q2');
  });

  it('with the p4 lane, its bad input and the server’s close are drawn', () => {
    const rows = lobbyDiagramRows(events, [...LANES, 'p4']);
    expect(rows.filter((r) => r.from === 'p4' || r.to === 'p4').map((r) => [r.from, r.to, r.status, r.label])).toEqual([
      ['p4', 'server', 'sent', 'not a lobby message: hello [bad input]'],
      ['server', 'p4', 'pending', 'close 4000 Invalid message format'],
    ]);
  });

  it('feeds toMermaid with one participant per lane, labels escaped', () => {
    const text = toMermaid(lobbyDiagramRows(events, LANES), ['p1', 'p2'], LANES);
    expect(text.split('\n').slice(0, 5)).toEqual([
      'sequenceDiagram',
      '  participant P0 as server',
      '  participant P1 as p1',
      '  participant P2 as p2',
      '  participant P3 as p3',
    ]);
    expect(text).toContain('  P0->>P1: 1. ID 1 (mesh)');
    expect(text).toContain('  P2->>P0: 4. OFFER to 1 (p1)');
    expect(text).toContain('  P0-->>P1: 6. CANDIDATE host udp from 3000 (p2)');
    expect(text).toContain('  Note over P3: 7. ignored: OFFER from 9: no connection to that peer');
  });

  it('a hostile frame from a real server cannot inject diagram syntax', () => {
    const evil = trace([{ type: 'held', qid: 'x', peer: 'p1', text: encodeMessage(0, 0, 'a\nNote over P0: <b>hi</b>;%%') }]);
    const text = toMermaid(lobbyDiagramRows(evil, LANES), ['p1', 'p2'], LANES);
    expect(text.split('\n')).toHaveLength(6);
    expect(text).not.toMatch(/<b>|%%|\nNote over P0: </);
  });
});

describe('held, ids, pairs and bad-input outcomes', () => {
  it('heldFrames lists what is not delivered yet, oldest first', () => {
    const events = trace([
      { type: 'held', qid: 'a', peer: 'p1', text: '{}' },
      { type: 'held', qid: 'b', peer: 'p2', text: '{}' },
      { type: 'delivered', qid: 'a', peer: 'p1' },
      { type: 'held', qid: 'c', peer: 'p3', text: '{}' },
    ]);
    expect(heldFrames(events).map((e) => e.qid)).toEqual(['b', 'c']);
  });

  it('wireIds comes from delivered ID frames only', () => {
    const events = trace([...IDS_DELIVERED, { type: 'held', qid: 'z', peer: 'p4', text: encodeMessage(1, 1, '') }]);
    expect(wireIds(events)).toEqual(IDS);
  });

  it.each([
    ['nothing yet', [], 'not yet'],
    ['one end made its connection', [{ type: 'pc', peer: 'p1', remote: 3000, offerer: false }], 'connecting'],
    [
      'both channels open',
      [
        { type: 'channel', peer: 'p1', remote: 3000, state: 'open' },
        { type: 'channel', peer: 'p2', remote: 1, state: 'open' },
      ],
      'open',
    ],
    [
      'one channel open only',
      [
        { type: 'pc', peer: 'p2', remote: 1, offerer: true },
        { type: 'channel', peer: 'p2', remote: 1, state: 'open' },
      ],
      'connecting',
    ],
    ['an end failed', [{ type: 'state', peer: 'p2', remote: 1, machine: 'connection', value: 'failed' }], 'failed'],
  ] as [string, LobbyTraceBody[], string][])('pair p1–p2: %s → %s', (_name, extra, status) => {
    const pairs = pairViews(trace([...IDS_DELIVERED, ...extra]), ['p1', 'p2', 'p3']);
    expect(pairs.map((p) => [p.a, p.b])).toEqual([
      ['p1', 'p2'],
      ['p1', 'p3'],
      ['p2', 'p3'],
    ]);
    expect(pairs[0]!.status).toBe(status);
    expect(pairs.map((p) => p.offerer)).toEqual(['p2', 'p3', 'p2']);
  });

  it('badInputOutcomes pairs each bad frame with the close delivered to p4 after it', () => {
    const events = trace([
      { type: 'sent', peer: 'p4', text: 'x', bad: 'Not JSON' },
      { type: 'held', qid: 'c1', peer: 'p4', text: '', close: { code: 4000, reason: 'Invalid message format' } },
      { type: 'delivered', qid: 'c1', peer: 'p4' },
      { type: 'sent', peer: 'p4', text: '{"type":42,"id":0,"data":""}', bad: 'Unknown type' },
      { type: 'held', qid: 'c2', peer: 'p4', text: '', close: { code: 4000, reason: 'Invalid command' } },
    ]);
    expect(badInputOutcomes(events).map((o) => [o.label, o.close])).toEqual([
      ['Not JSON', { code: 4000, reason: 'Invalid message format' }],
      ['Unknown type', null],
    ]);
  });
});

describe('lobbyView', () => {
  it('draws p4 a lane only once it has done something, and bundles the views of the same prefix', () => {
    const before = trace([{ type: 'session', transport: 'in-page', peers: ['p1', 'p2', 'p3'] }, ...IDS_DELIVERED]);
    expect(lobbyLanes(before)).toEqual(LANES);
    const after = trace([...before, { type: 'socket', peer: 'p4', state: 'connecting' }]);
    expect(lobbyLanes(after)).toEqual([...LANES, 'p4']);
    const view = lobbyView(after);
    expect(view).toMatchObject({ lanes: [...LANES, 'p4'], delivered: 3, newestQid: 'id2', held: [], allOpen: false, outcomes: [] });
    expect(view.rows).toEqual(lobbyDiagramRows(after, view.lanes));
    expect(view.ids).toEqual(IDS);
    // A client exists from its socket event: p4 here; p1–p3 were only handed frames.
    expect(view.clients).toEqual({ p4: { status: 'connecting', id: null, mesh: null, lobby: null, peers: [], sealed: false, close: null } });
  });
});
