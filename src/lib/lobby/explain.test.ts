import { describe, expect, it } from 'vitest';
import { closeCodeMeaning, explainEvent } from './explain';
import { encodeCandidate, encodeMessage, MessageType } from './protocol';
import { Trace } from '../trace/trace';
import { type LobbyTraceBody, type LobbyTraceEvent } from './trace';

function trace(bodies: LobbyTraceBody[]): LobbyTraceEvent[] {
  const tr = new Trace<LobbyTraceBody>(() => 0);
  for (const b of bodies) tr.append(b);
  return [...tr.events];
}

const IDS: LobbyTraceBody[] = [
  { type: 'held', qid: 'i1', peer: 'p1', text: encodeMessage(MessageType.ID, 1, 'true') },
  { type: 'delivered', qid: 'i1', peer: 'p1' },
  { type: 'held', qid: 'i2', peer: 'p2', text: encodeMessage(MessageType.ID, 3000, 'true') },
  { type: 'delivered', qid: 'i2', peer: 'p2' },
];

describe('explainEvent', () => {
  it('a relayed OFFER out: id is the destination, which the server will replace', () => {
    const events = trace([...IDS, { type: 'sent', peer: 'p2', text: encodeMessage(MessageType.OFFER, 1, 'v=0\r\ns=-\r\n') }]);
    const x = explainEvent(events, events.length - 1)!;
    expect(x).toMatchObject({ from: 'p2', to: 'server', state: 'sent', raw: '{"type":4,"id":1,"data":"v=0\\r\\ns=-\\r\\n"}' });
    expect(x.fields.map((f) => [f.field, f.value])).toEqual([
      ['type', '4'],
      ['id', '1'],
      ['data', '"v=0\\r\\ns=-\\r\\n"'],
    ]);
    expect(x.fields[0]!.meaning).toBe('OFFER: relayed between peers.');
    expect(x.fields[1]!.meaning).toBe('the destination, p1 (1), the host. The server replaces it with the sender’s id before passing the frame on.');
    expect(x.fields[2]!.meaning).toBe('the SDP offer as text, 2 lines.');
    expect(x.verdict).toMatch(/^A well-formed frame/);
  });

  it('a relayed OFFER in: id is the sender, rewritten by the server', () => {
    const events = trace([
      ...IDS,
      { type: 'held', qid: 'q', peer: 'p1', text: encodeMessage(MessageType.OFFER, 3000, 'v=0') },
      { type: 'delivered', qid: 'q', peer: 'p1' },
    ]);
    const x = explainEvent(events, events.length - 2)!;
    expect(x).toMatchObject({ from: 'server', to: 'p1', state: 'delivered', verdict: null });
    expect(x.fields[1]!.meaning).toBe('the sender, p2 (3000), rewritten by the server: the sender wrote 1 (the host), p1’s id here.');
  });

  it.each([
    ['ID of the host', 'p1', encodeMessage(MessageType.ID, 1, 'true'), 'id', /the host is always 1/],
    ['ID data in a mesh', 'p1', encodeMessage(MessageType.ID, 1, 'true'), 'data', /"true": the lobby is a mesh/],
    ['JOIN echo id', 'p1', encodeMessage(MessageType.JOIN, 0, 'ABC'), 'id', /^always 0/],
    ['PEER_CONNECT', 'p1', encodeMessage(MessageType.PEER_CONNECT, 3000, ''), 'id', /^p2 \(3000\) is in the lobby/],
    [
      'CANDIDATE data',
      'p1',
      encodeMessage(MessageType.CANDIDATE, 3000, encodeCandidate({ mid: '0', index: 0, sdp: 'candidate:1 1 udp 1 a.local 9 typ host' })),
      'data',
      /mid 0, m-line index 0, candidate:1 1 udp/,
    ],
  ] as const)('held %s: %s', (_name, peer, text, field, meaning) => {
    const events = trace([...IDS, { type: 'held', qid: 'q', peer, text }]);
    const x = explainEvent(events, events.length - 1)!;
    expect(x.state).toBe('held');
    expect(x.fields.find((f) => f.field === field)!.meaning).toMatch(meaning);
  });

  it.each([
    ['not JSON', 'hello, server', 'The server refuses it: it closes the connection with 4000 “Invalid message format”'],
    ['a negative id', '{"type":0,"id":-1,"data":""}', 'The server refuses it: it closes the connection with 4000 “Invalid message format”'],
    ['unknown type', '{"type":42,"id":0,"data":""}', 'A well-formed frame'],
  ])('a bad frame a client wrote (%s) gets the server’s verdict', (_name, text, verdict) => {
    const events = trace([{ type: 'sent', peer: 'p4', text, bad: 'x' }]);
    expect(explainEvent(events, 0)!.verdict).toContain(verdict);
  });

  it('a close: the code per RFC 6455 and why the server sent that reason', () => {
    const events = trace([{ type: 'held', qid: 'c', peer: 'p4', text: '', close: { code: 4000, reason: 'Lobby is sealed' } }]);
    const x = explainEvent(events, 0)!;
    expect(x.raw).toBe('');
    expect(x.fields).toEqual([
      { field: 'code', value: '4000', meaning: closeCodeMeaning(4000) },
      { field: 'reason', value: 'Lobby is sealed', meaning: 'the lobby was sealed by its host: nobody may join any more.' },
    ]);
  });

  it('is null for events that are not frames', () => {
    const events = trace([{ type: 'socket', peer: 'p1', state: 'open' }]);
    expect(explainEvent(events, 0)).toBeNull();
    expect(explainEvent(events, 5)).toBeNull();
  });

  it.each([
    [1000, /normal closure/],
    [1001, /going away/],
    [1005, /no status code/],
    [1008, /policy violation/],
    [4000, /private-use/],
    [3000, /see RFC 6455/],
  ])('closeCodeMeaning(%i)', (code, re) => {
    expect(closeCodeMeaning(code)).toMatch(re);
  });
});
