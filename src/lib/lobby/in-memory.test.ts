import { describe, expect, it } from 'vitest';
import { FakeTimers } from '../testing/fake-timers';
import { LobbyClient, type LobbyClientEvent } from './client';
import { InMemoryLobbyNetwork, InMemorySocket, type LobbyFrame } from './in-memory';
import { LobbyServer } from './server';

/** Let every queued delivery run (they chain, so loop a few macrotask turns). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

function setup(limits = {}) {
  const timers = new FakeTimers();
  let id = 100;
  let lobby = 0;
  const server = new LobbyServer({ limits, timers, randomId: () => ++id, randomSecret: () => `LOBBY${++lobby}` });
  const frames: LobbyFrame[] = [];
  const net = new InMemoryLobbyNetwork(server, { onFrame: (f) => frames.push(f) });
  const client = (opts?: ConstructorParameters<typeof LobbyClient>[1]) => {
    const c = new LobbyClient(net.connect(), opts);
    const events: LobbyClientEvent[] = [];
    c.subscribe((e) => events.push(e));
    return { c, events, kinds: () => events.map((e) => e.kind) };
  };
  return { timers, server, net, frames, client };
}

describe('LobbyClient over the in-memory transport', () => {
  it('three peers: ids, lobby, peers, and relays with the id rewritten', async () => {
    const { client, server } = setup();
    const a = client({ autoJoin: { lobby: '', mesh: true } });
    await settle();
    expect(a.c.state).toMatchObject({ status: 'open', id: 1, mesh: true, lobby: 'LOBBY1', peers: [] });

    const b = client({ autoJoin: { lobby: 'LOBBY1' } });
    const c = client({ autoJoin: { lobby: 'LOBBY1' } });
    await settle();
    expect(a.c.state.peers).toEqual([102, 103]);
    expect(b.c.state).toMatchObject({ id: 102, lobby: 'LOBBY1', peers: [1, 103] });
    expect(c.c.state).toMatchObject({ id: 103, lobby: 'LOBBY1', peers: [1, 102] });
    expect(c.kinds()).toEqual([
      'open', 'sent', 'received', 'id', 'received', 'peer-connected', 'received', 'peer-connected', 'received', 'joined',
    ]);

    const got: LobbyClientEvent[] = [];
    a.c.on('offer', (e) => got.push(e));
    b.c.on('answer', (e) => got.push(e));
    c.c.on('candidate', (e) => got.push(e));
    b.c.offer(1, 'offer-sdp');
    a.c.answer(102, 'answer-sdp');
    a.c.candidate(103, { mid: '0', index: 0, sdp: 'candidate:1 1 udp 1 192.0.2.1 9 typ host' });
    await settle();
    expect(got).toEqual([
      { kind: 'offer', from: 102, sdp: 'offer-sdp' },
      { kind: 'answer', from: 1, sdp: 'answer-sdp' },
      { kind: 'candidate', from: 1, candidate: { mid: '0', index: 0, sdp: 'candidate:1 1 udp 1 192.0.2.1 9 typ host' } },
    ]);

    b.c.close(1000, 'bye');
    await settle();
    expect(a.c.state.peers).toEqual([103]);
    expect(b.c.state).toMatchObject({ status: 'closed', close: { code: 1000, reason: 'bye' } });
    expect(server.snapshot()).toEqual({
      connections: 2,
      lobbies: [{ name: 'LOBBY1', hostId: 101, mesh: true, sealed: false, peers: [1, 103] }],
    });
  });

  it('client/server mode: JOIN with id 1, ID data ""', async () => {
    const { client, frames } = setup();
    const a = client({ autoJoin: { mesh: false } });
    await settle();
    expect(a.c.state).toMatchObject({ id: 1, mesh: false });
    expect(frames[0]).toEqual({ connection: 1, direction: 'to-server', data: '{"type":0,"id":1,"data":""}' });
  });

  it('seal: everyone hears it, the 10 s timer closes all with 1000 "Seal complete"', async () => {
    const { client, timers } = setup();
    const a = client({ autoJoin: {} });
    await settle();
    const b = client({ autoJoin: { lobby: 'LOBBY1' } });
    await settle();
    a.c.seal();
    await settle();
    expect([a.c.state.sealed, b.c.state.sealed]).toEqual([true, true]);
    const late = client({ autoJoin: { lobby: 'LOBBY1' } });
    await settle();
    expect(late.c.state.close).toEqual({ code: 4000, reason: 'Lobby is sealed' });
    timers.advance(9_999);
    await settle();
    expect(a.c.state.status).toBe('open');
    timers.advance(1);
    await settle();
    expect(a.c.state.close).toEqual({ code: 1000, reason: 'Seal complete' });
    expect(b.c.state.close).toEqual({ code: 1000, reason: 'Seal complete' });
  });

  it('bad input: the server closes with a reason, and frames sent after are not delivered', async () => {
    const { client, frames } = setup();
    const a = client();
    await settle();
    expect(a.c.sendRaw('not json')).toBe(true);
    a.c.join();
    await settle();
    expect(a.c.state.close).toEqual({ code: 4000, reason: 'Invalid message format' });
    expect(a.kinds()).toEqual(['open', 'sent', 'closed']);
    expect(frames.filter((f) => f.direction === 'to-client')).toEqual([]);
    expect(a.c.join()).toBe(false);
  });

  it('a binary frame is refused as server.js refuses it', async () => {
    const { net } = setup();
    const socket = net.connect();
    const closes: unknown[] = [];
    socket.addEventListener('open', () => socket.send(new Uint8Array([1, 2])));
    socket.addEventListener('close', (e) => closes.push([e.code, e.reason]));
    await settle();
    expect(closes).toEqual([[4000, 'Invalid transfer mode, must be text']]);
  });

  it('too many peers: the socket opens, then closes with 4000', async () => {
    const { client } = setup({ maxPeers: 1 });
    client();
    const b = client();
    await settle();
    expect(b.kinds()).toEqual(['open', 'closed']);
    expect(b.c.state.close).toEqual({ code: 4000, reason: 'Too many peers connected' });
  });

  it('a close without a code reports 1005, and the server forgets the connection', async () => {
    const { client, server } = setup();
    const a = client();
    await settle();
    a.c.close();
    await settle();
    expect(a.c.state.close).toEqual({ code: 1005, reason: '' });
    expect(server.snapshot().connections).toBe(0);
  });

  it('frames from the server Godot would drop are reported as invalid', async () => {
    const { net } = setup();
    // A stand-in socket, so the "server" can send anything.
    const socket = net.connect();
    const c = new LobbyClient(socket);
    const events: LobbyClientEvent[] = [];
    c.subscribe((e) => events.push(e));
    await settle();
    socket.dispatch('message', { data: '{"type":6,"id":5,"data":"\\n\\n0\\nx"}' });
    socket.dispatch('message', { data: 'I: 1\n' });
    expect(events.filter((e) => e.kind === 'invalid').map((e) => (e as { reason: string }).reason)).toEqual([
      'candidate data is not "\\n" mid "\\n" index "\\n" candidate',
      'not JSON',
    ]);
  });

  it('send before open throws, as WebSocket does', () => {
    const { net } = setup();
    const socket = net.connect();
    expect(socket.readyState).toBe(InMemorySocket.CONNECTING);
    expect(() => socket.send('x')).toThrow(/CONNECTING/);
  });
});
