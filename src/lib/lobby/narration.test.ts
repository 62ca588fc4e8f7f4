import { describe, expect, it } from 'vitest';
import { Trace } from '../trace/trace';
import { harness, settle } from './fixtures';
import { LOBBY_NARRATION, narrateLobby } from './narration';
import { CLOSE, encodeCandidate, encodeMessage, MessageType } from './protocol';
import type { LobbyTraceBody, LobbyTraceEvent } from './trace';

function trace(bodies: LobbyTraceBody[]): LobbyTraceEvent[] {
  let t = 0;
  const tr = new Trace<LobbyTraceBody>(() => t++);
  for (const b of bodies) tr.append(b);
  return [...tr.events];
}

/** p2 (id 3000) knows its id and p1's; then `frame` is delivered to it, and `after` follows. */
function stepTo(frame: Omit<Extract<LobbyTraceBody, { type: 'held' }>, 'type' | 'qid' | 'peer'>, after: LobbyTraceBody[] = []): LobbyTraceEvent[] {
  return trace([
    { type: 'held', qid: 'h0', peer: 'p1', text: encodeMessage(MessageType.ID, 1, 'true') },
    { type: 'delivered', qid: 'h0', peer: 'p1' },
    { type: 'held', qid: 'q0', peer: 'p2', text: encodeMessage(MessageType.ID, 3000, 'true') },
    { type: 'delivered', qid: 'q0', peer: 'p2' },
    { type: 'held', qid: 'q1', peer: 'p2', ...frame },
    { type: 'delivered', qid: 'q1', peer: 'p2' },
    ...after,
  ]);
}

const CANDIDATE = encodeCandidate({ mid: '0', index: 0, sdp: 'candidate:1 1 udp 2113937151 192.0.2.1 5000 typ host' });

/** One case per row of LOBBY_NARRATION that a whole session may not reach, and what it must say. */
const CASES: [key: string, events: LobbyTraceEvent[], says: RegExp][] = [
  ['ID/host', trace([{ type: 'held', qid: 'q', peer: 'p1', text: encodeMessage(MessageType.ID, 1, 'true') }, { type: 'delivered', qid: 'q', peer: 'p1' }]), /its id, 1: .*host/],
  ['ID/member', stepTo({ text: encodeMessage(MessageType.ID, 3000, 'true') }), /its id, 3000, in a mesh lobby/],
  ['JOIN/in', stepTo({ text: encodeMessage(MessageType.JOIN, 0, 'LOBBYNAME') }), /p2 is in lobby “LOBBYNAME”/],
  ['PEER_CONNECT/offerer', stepTo({ text: encodeMessage(MessageType.PEER_CONNECT, 1, '') }, [{ type: 'pc', peer: 'p2', remote: 1, offerer: true }]), /p1 \(id 1\) is in the lobby.*makes the offer/],
  ['PEER_CONNECT/answerer', stepTo({ text: encodeMessage(MessageType.PEER_CONNECT, 5000, '') }, [{ type: 'pc', peer: 'p2', remote: 5000, offerer: false }]), /5000 is in the lobby.*waits/],
  ['PEER_DISCONNECT/left', stepTo({ text: encodeMessage(MessageType.PEER_DISCONNECT, 1, '') }), /p1 \(id 1\) has left/],
  ['OFFER/failed', stepTo({ text: encodeMessage(MessageType.OFFER, 1, 'v=0') }, [{ type: 'api', peer: 'p2', remote: 1, call: 'setRemoteDescription', ok: false, detail: 'bad' }]), /could not take p1's offer/],
  ['OFFER/answered', stepTo({ text: encodeMessage(MessageType.OFFER, 1, 'v=0') }), /sends ANSWER back/],
  ['ANSWER/failed', stepTo({ text: encodeMessage(MessageType.ANSWER, 1, 'v=0') }, [{ type: 'api', peer: 'p2', remote: 1, call: 'setRemoteDescription', ok: false }]), /could not take p1's answer/],
  ['ANSWER/set', stepTo({ text: encodeMessage(MessageType.ANSWER, 1, 'v=0') }), /exchange is done/],
  ['CANDIDATE/buffered', stepTo({ text: encodeMessage(MessageType.CANDIDATE, 1, CANDIDATE) }, [{ type: 'candidate-buffered', peer: 'p2', remote: 1, candidate: 'candidate:1', reason: 'no remote description yet' }]), /keeps p1's candidate/],
  ['CANDIDATE/added', stepTo({ text: encodeMessage(MessageType.CANDIDATE, 1, CANDIDATE) }), /addIceCandidate/],
  ['SEAL/sealed', stepTo({ text: encodeMessage(MessageType.SEAL, 0, '') }), /sealed the lobby.*10 s/],
  ['close/server', stepTo({ text: '', close: CLOSE.INVALID_DEST }), /4000 “Invalid destination”: the id names no peer/],
  ['unreadable/dropped', stepTo({ text: 'hello' }), /cannot read this frame/],
  ['any/ignored', stepTo({ text: encodeMessage(MessageType.OFFER, 4242, 'v=0') }, [{ type: 'ignored', peer: 'p2', reason: 'OFFER from 4242: no connection to that peer' }]), /does nothing with it: OFFER from 4242/],
];

describe('LOBBY_NARRATION', () => {
  it.each(CASES)('%s', (key, events, says) => {
    const told = narrateLobby(events)!;
    expect(told.key).toBe(key);
    expect(told.text).toMatch(says);
    expect(told.step).toBe(events.filter((e) => e.type === 'delivered').length);
  });

  it('has a case above for every row', () => {
    const keys = new Set(Object.values(LOBBY_NARRATION).flatMap((rows) => rows.map((r) => r.key)));
    expect(new Set(CASES.map(([key]) => key))).toEqual(keys);
  });

  it('says nothing before the first delivery', () => {
    expect(narrateLobby(trace([{ type: 'held', qid: 'q', peer: 'p1', text: encodeMessage(MessageType.ID, 1, 'true') }]))).toBeNull();
  });
});

describe('narrateLobby over a whole mesh session (in-page server, paired fake peer connections)', () => {
  it('narrates every step, about the frame it delivered, and meets each kind of a join and a negotiation', async () => {
    const { session } = harness();
    await session.start();
    await settle();
    const keys = new Set<string>();
    for (let step = 1; session.queue.size > 0; step++) {
      expect(step).toBeLessThan(200);
      session.step();
      await settle();
      const events = session.trace.events as readonly LobbyTraceEvent[];
      const told = narrateLobby(events)!;
      expect(told.step).toBe(step);
      const delivered = events.filter((e) => e.type === 'delivered').at(-1)!;
      expect(told.qid).toBe(delivered.type === 'delivered' && delivered.qid);
      expect(told.delivered).toMatch(new RegExp(`^server to ${delivered.type === 'delivered' && delivered.peer}: `));
      keys.add(told.key);
    }
    for (const key of ['ID/host', 'ID/member', 'JOIN/in', 'PEER_CONNECT/offerer', 'PEER_CONNECT/answerer', 'OFFER/answered', 'ANSWER/set']) expect(keys).toContain(key);
    expect([...keys].some((k) => k.startsWith('CANDIDATE/'))).toBe(true);
  });
});
