import { describe, expect, it } from 'vitest';
import { FakePeerConnection } from '../testing/fake-peer-connection';
import { FakeTimers } from '../testing/fake-timers';
import { InMemoryLobbyNetwork, type InMemorySocket } from './in-memory';
import { harness, settle, stepAll, track } from './fixtures';
import { BAD_INPUTS, MESH_PEERS, MeshSession, VISITOR, makesOffer, type BadInputKind } from './mesh-session';
import { CLOSE, HOST_ID, MessageType, encodeMessage, parseServerMessage } from './protocol';
import { LobbyServer } from './server';
import { clientStates, heldFrames, lobbyDiagramRows, pairViews, wireIds } from './diagram-rows';
import type { LobbySocket } from './client';
import { LIMITS } from '../signalling/limits';

const sentBy = (session: MeshSession, peer: string) =>
  session.trace.events.flatMap((e) => (e.type === 'sent' && e.peer === peer ? [e.text] : []));

describe('makesOffer (multiplayer_client.gd: the higher id offers, so the host never does)', () => {
  it.each([
    [1, 2, false],
    [2, 1, true],
    [5000, 3000, true],
    [3000, 5000, false],
  ])('me %i, remote %i → %s', (me, remote, offers) => {
    expect(makesOffer(me, remote)).toBe(offers);
  });
});

describe('MeshSession', () => {
  it('holds every frame from the server until Step; p2 and p3 join only once p1 knows the lobby', async () => {
    const { session } = harness();
    await session.start();
    await settle();
    const held = session.trace.events.filter((e) => e.type === 'held');
    expect(held.map((e) => e.type === 'held' && parseServerMessage(e.text).ok && e.peer)).toEqual(['p1', 'p1']);
    expect(session.trace.events.some((e) => e.type === 'delivered')).toBe(false);
    expect(Object.keys(session.states())).toEqual(['p1']);
    expect(session.states().p1!.id).toBeNull(); // the ID frame is still held

    session.step(); // ID 1 (mesh)
    session.step(); // JOIN echo: now p1 knows the name
    await settle();
    expect(session.states().p1).toMatchObject({ id: 1, mesh: true, lobby: 'LOBBYNAME0123456' });
    expect(Object.keys(session.states())).toEqual(['p1', 'p2', 'p3']);
    expect(sentBy(session, 'p2')).toEqual(['{"type":0,"id":0,"data":"LOBBYNAME0123456"}']);
  });

  it.each([
    ['p2 has the higher id', [3000, 2000], 'p2'],
    ['p3 has the higher id', [2000, 3000], 'p3'],
  ])('connects all three pairs; %s, so it offers to the other; p1 never offers', async (_name, ids, p23offerer) => {
    const { session } = harness(ids);
    await session.start();
    await stepAll(session);
    const pairs = pairViews(session.trace.events, [...MESH_PEERS]);
    expect(pairs.map((p) => `${p.a}-${p.b}:${p.status}`)).toEqual(['p1-p2:open', 'p1-p3:open', 'p2-p3:open']);
    expect(pairs.map((p) => p.offerer)).toEqual(['p2', 'p3', p23offerer]);
    const offers = session.trace.events.filter((e) => e.type === 'pc' && e.offerer).map((e) => (e.type === 'pc' ? e.peer : ''));
    expect(offers.sort()).toEqual(['p2', 'p3', p23offerer].sort());
    expect(sentBy(session, 'p1').some((t) => JSON.parse(t).type === MessageType.OFFER)).toBe(false);
    // Nothing failed and nothing was dropped: the diagram has no notes.
    expect(session.trace.events.filter((e) => (e.type === 'api' && !e.ok) || e.type === 'ignored')).toEqual([]);
  });

  it('the server rewrites a relayed id: p2 writes the destination (1), p1 receives the sender (p2)', async () => {
    const { session } = harness([3000, 2000]);
    await session.start();
    await stepAll(session);
    const offerOut = sentBy(session, 'p2').map((t) => JSON.parse(t)).find((m) => m.type === MessageType.OFFER && m.id === HOST_ID);
    expect(offerOut).toBeDefined();
    const offerIn = session.trace.events.find(
      (e) => e.type === 'held' && e.peer === 'p1' && JSON.parse(e.text || '{}').type === MessageType.OFFER,
    );
    expect(offerIn && offerIn.type === 'held' && JSON.parse(offerIn.text)).toEqual({ type: MessageType.OFFER, id: 3000, data: offerOut.data });
    expect(wireIds(session.trace.events)).toEqual(new Map([['p1', 1], ['p2', 3000], ['p3', 2000]]));
  });

  it('sends candidates only after the description they belong to', async () => {
    const { session } = harness();
    await session.start();
    await stepAll(session);
    for (const peer of MESH_PEERS) {
      const sent = sentBy(session, peer).map((t) => JSON.parse(t));
      for (const [k, m] of sent.entries()) {
        if (m.type !== MessageType.CANDIDATE) continue;
        const description = sent.findIndex((d) => (d.type === MessageType.OFFER || d.type === MessageType.ANSWER) && d.id === m.id);
        expect(description, `${peer}'s candidate to ${m.id}`).toBeGreaterThanOrEqual(0);
        expect(description).toBeLessThan(k);
      }
    }
  });

  it('both ends of every pair create the negotiated "mesh" channel (id 1), as Godot does; no DCEP channel', async () => {
    const { session, pcs } = harness();
    await session.start();
    await stepAll(session);
    expect([...pcs.keys()].sort()).toEqual(['p1>p2', 'p1>p3', 'p2>p1', 'p2>p3', 'p3>p1', 'p3>p2']);
    for (const [ends, pc] of pcs) {
      expect(pc.channels.map((c) => [c.label, c.negotiated, c.id]), ends).toEqual([['mesh', true, 1]]);
    }
    const channels = session.trace.events.filter((e) => e.type === 'channel');
    expect(channels).toHaveLength(6);
    expect(channels.every((e) => e.type === 'channel' && e.state === 'open' && typeof e.remote === 'number')).toBe(true);
  });

  it('each end gathers to the end, but no end-of-candidates goes on the wire (the protocol has none)', async () => {
    const { session } = harness();
    await session.start();
    await stepAll(session);
    const gathered = session.trace.events.filter((e) => e.type === 'candidate-gathered');
    expect(gathered.filter((e) => e.type === 'candidate-gathered' && e.candidate === null)).toHaveLength(6);
    const real = gathered.filter((e) => e.type === 'candidate-gathered' && e.candidate !== null);
    const frames = MESH_PEERS.flatMap((p) => sentBy(session, p).map((t) => JSON.parse(t)));
    const candidates = frames.filter((m) => m.type === MessageType.CANDIDATE);
    expect(candidates).toHaveLength(real.length);
    expect(candidates.every((m) => typeof m.data === 'string' && m.data.split('\n')[3]!.startsWith('candidate:'))).toBe(true);
  });

  it('PEER_DISCONNECT: when p3 leaves, p1 and p2 close their connection to it; p1–p2 stays open', async () => {
    const { session, sockets } = harness([3000, 2000]);
    await session.start();
    await stepAll(session);
    sockets[2]!.close(1000, 'bye'); // p3
    await stepAll(session);
    const closes = session.trace.events.filter((e) => e.type === 'api' && e.call === 'close');
    expect(closes.map((e) => e.type === 'api' && [e.peer, e.remote, e.detail])).toEqual([
      ['p1', 2000, 'PEER_DISCONNECT'],
      ['p2', 2000, 'PEER_DISCONNECT'],
    ]);
    expect(pairViews(session.trace.events, [...MESH_PEERS]).map((p) => `${p.a}-${p.b}:${p.status}`)).toEqual([
      'p1-p2:open',
      'p1-p3:closed',
      'p2-p3:closed',
    ]);
  });

  it('Play delivers everything without Step, one per tick', async () => {
    const timers = new FakeTimers();
    const h = harness();
    const session = new MeshSession({
      transport: 'in-page',
      connect: () => new InMemoryLobbyNetwork(h.server).connect(),
      createPeerConnection: (config) => new FakePeerConnection(config) as unknown as RTCPeerConnection,
      scheduler: timers,
    });
    track({ ...h, session });
    await session.start();
    await settle();
    session.play(100);
    expect(session.queue.size).toBe(2);
    timers.advance(100);
    expect(session.queue.size).toBe(1);
    timers.advance(100);
    await settle();
    // p2's and p3's joins produced new frames, which Play keeps delivering.
    expect(session.queue.size).toBeGreaterThan(0);
    for (let k = 0; k < 50 && session.queue.size > 0; k++) {
      timers.advance(100);
      await settle();
    }
    expect(Object.values(session.states()).every((s) => s.peers.length === 2)).toBe(true);
  });

  it('a signal from a peer without a connection is ignored and traced, as Godot drops it', async () => {
    const server = new LobbyServer({ timers: new FakeTimers() });
    const network = new InMemoryLobbyNetwork(server);
    const sockets: InMemorySocket[] = [];
    const session = new MeshSession({
      transport: 'in-page',
      connect: () => {
        const s = network.connect();
        sockets.push(s);
        return s;
      },
      createPeerConnection: (config) => new FakePeerConnection(config) as unknown as RTCPeerConnection,
    });
    track({ session, server, timers: new FakeTimers(), pcs: new Map(), sockets });
    await session.start();
    await stepAll(session);
    // As if the server relayed an offer from a peer p1 never heard of.
    sockets[0]!.dispatch('message', { data: encodeMessage(MessageType.OFFER, 4242, 'v=0') });
    await stepAll(session);
    expect(session.trace.events.filter((e) => e.type === 'ignored')).toMatchObject([
      { peer: 'p1', reason: 'OFFER from 4242: no connection to that peer (Godot drops it too)' },
    ]);
  });

  const CASES: [BadInputKind, { code: number; reason: string }][] = [
    ['not-json', CLOSE.INVALID_FORMAT],
    ['unknown-type', CLOSE.INVALID_CMD],
    ['other-lobby', CLOSE.INVALID_DEST],
    ['sealed-lobby', CLOSE.LOBBY_IS_SEALED],
  ];

  it.each(CASES)('bad input %s: the server closes p4 with %j and keeps serving the mesh', async (kind, expected) => {
    const { session, server } = harness();
    await session.start();
    await stepAll(session);
    if (kind === 'sealed-lobby') {
      expect(session.badInputBlocked(kind)).toBe('Seal the lobby first.');
      expect(session.seal()).toBe(true);
    }
    expect(session.badInput(kind)).toBeNull();
    await stepAll(session);
    const p4 = session.states()[VISITOR]!;
    expect(p4.close).toEqual(expected);
    expect(BAD_INPUTS.find((b) => b.kind === kind)!.expect).toEqual(expected);
    const bad = session.trace.events.filter((e) => e.type === 'sent' && e.bad);
    expect(bad).toHaveLength(1);
    // The server is still there: the mesh lobby and its three peers, and a new connection is answered.
    const mesh = server.snapshot().lobbies.find((l) => l.name === 'LOBBYNAME0123456');
    expect(mesh?.peers).toHaveLength(3);
    expect(session.badInput('not-json')).toBeNull();
    await stepAll(session);
    expect(session.states()[VISITOR]!.close).toEqual(CLOSE.INVALID_FORMAT);
  });

  it('seal: SEAL reaches everyone, then 10 s later the server closes them with 1000; the data channels stay open', async () => {
    const { session, timers } = harness();
    await session.start();
    await stepAll(session);
    expect(session.seal()).toBe(true);
    expect(session.seal()).toBe(false);
    await stepAll(session);
    expect(Object.values(session.states()).every((s) => s.sealed)).toBe(true);
    timers.advance(10_000);
    await stepAll(session);
    for (const peer of MESH_PEERS) expect(session.states()[peer]!.close).toEqual(CLOSE.SEAL_COMPLETE);
    expect(pairViews(session.trace.events, [...MESH_PEERS]).every((p) => p.status === 'open')).toBe(true);
  });

  it('start() rejects with a clear message when the server cannot be reached', async () => {
    const refused: LobbySocket = {
      readyState: 0,
      send() {},
      close() {},
      addEventListener(type: string, listener: (event: never) => void) {
        if (type === 'close') queueMicrotask(() => (listener as (e: unknown) => void)({ code: 1006, reason: '' }));
      },
    };
    const session = new MeshSession({
      transport: 'ws://127.0.0.1:9/',
      connect: () => refused,
      createPeerConnection: () => {
        throw new Error('not reached');
      },
    });
    await expect(session.start()).rejects.toThrow('p1 could not connect to ws://127.0.0.1:9/ (closed 1006 before it opened).');
    expect(session.trace.events.at(-1)).toMatchObject({ type: 'socket', peer: 'p1', state: 'failed' });
  });

  describe('fault injection on held frames (the session core offers it to every queued lab)', () => {
    /** After start, p1's two frames are held: q1 the ID, q2 the JOIN echo. */
    async function started(): Promise<MeshSession> {
      const { session } = harness();
      await session.start();
      await settle();
      expect(session.queue.held.map((h) => [h.qid, JSON.parse(h.text).type])).toEqual([
        ['q1', MessageType.ID],
        ['q2', MessageType.JOIN],
      ]);
      return session;
    }
    const tail = (session: MeshSession, n: number) => session.trace.events.slice(-n).map(({ i: _i, at: _at, ...body }) => body);

    it('drop: the ID frame never reaches p1, the trace says so, and the views no longer hold it', async () => {
      const session = await started();
      expect(session.drop('q1', 'test')?.peer).toBe('p1');
      expect(tail(session, 1)).toEqual([{ type: 'dropped', qid: 'q1', peer: 'p1', by: 'reader', reason: 'test' }]);
      expect(session.drop('q1')).toBeUndefined();
      expect(heldFrames(session.trace.events).map((e) => e.qid)).toEqual(['q2']);
      expect(lobbyDiagramRows(session.trace.events, ['server', 'p1']).find((r) => r.qid === 'q1')?.status).toBe('dropped');
      session.step();
      await settle();
      expect(session.states().p1).toMatchObject({ id: null, lobby: 'LOBBYNAME0123456' });
    });

    it('delay and move reorder what p1 receives; each is traced', async () => {
      const session = await started();
      expect(session.delay('q1')).toMatchObject({ ok: true, from: 0, to: 1 });
      expect(session.delay('q1')).toEqual({ ok: false, reason: 'at-edge' });
      expect(session.move('q1', -1)).toMatchObject({ ok: true, from: 1, to: 0 });
      expect(session.move('q2', 1)).toEqual({ ok: false, reason: 'at-edge' });
      expect(tail(session, 2)).toEqual([
        { type: 'tampered', qid: 'q1', peer: 'p1', action: 'delay' },
        { type: 'tampered', qid: 'q1', peer: 'p1', action: 'move', by: -1 },
      ]);
      session.delay('q1');
      expect(session.step()?.qid).toBe('q2');
      expect(session.trace.events.filter((e) => e.type === 'delivered')).toMatchObject([{ qid: 'q2', peer: 'p1' }]);
      await settle();
      expect(session.states().p1).toMatchObject({ id: null, lobby: 'LOBBYNAME0123456' });
    });

    it('duplicate: a copy under a new qid, held right after it, and p1 receives the frame twice', async () => {
      const session = await started();
      const result = session.duplicate('q1');
      expect(result).toMatchObject({ ok: true, from: 0, to: 1, item: { qid: 'q3', peer: 'p1' } });
      const [original] = session.queue.held;
      expect(tail(session, 2)).toEqual([
        { type: 'held', qid: 'q3', peer: 'p1', text: original!.text },
        { type: 'tampered', qid: 'q1', peer: 'p1', action: 'duplicate', copy: 'q3' },
      ]);
      expect(session.queue.held.map((h) => h.qid)).toEqual(['q1', 'q3', 'q2']);
      session.step();
      session.step();
      const delivered = session.trace.events.filter((e) => e.type === 'delivered').map((e) => e.qid);
      expect(delivered).toEqual(['q1', 'q3']);
      expect(session.states().p1!.id).toBe(1);
    });
  });

  it('close() drops what is held and closes every client', async () => {
    const { session, server } = harness();
    await session.start();
    await settle();
    expect(session.queue.size).toBe(2);
    session.close();
    await settle();
    expect(session.queue.size).toBe(0);
    expect(server.snapshot().connections).toBe(0);
  });
});

describe('the clients as the trace tells them (clientStates), which the live lab and the replay show', () => {
  it('match every LobbyClient after each step: joins, the mesh, bad input, a peer leaving, SEAL and its closes', async () => {
    const { session, sockets, timers } = harness([3000, 2000]);
    const same = () => expect(clientStates(session.trace.events)).toEqual(session.states());
    const stepChecked = async () => {
      await settle();
      for (let k = 0; k < 200 && session.queue.size > 0; k++) {
        session.step();
        await settle();
        same();
      }
    };
    await session.start();
    same();
    await stepChecked();
    expect(session.badInput('not-json')).toBeNull();
    await stepChecked();
    expect(session.badInput('unknown-type')).toBeNull();
    await stepChecked();
    sockets[2]!.close(1000, 'bye'); // p3 leaves
    await stepChecked();
    expect(session.seal()).toBe(true);
    await stepChecked();
    timers.advance(10_000);
    await stepChecked();
    expect(clientStates(session.trace.events)).toMatchObject({ p1: { close: CLOSE.SEAL_COMPLETE, sealed: true }, p4: { close: CLOSE.INVALID_CMD } });
  });
});

describe('connect timeout', () => {
  /** A socket whose server took the TCP connection and never answers the upgrade: CONNECTING for ever. */
  class SilentSocket implements LobbySocket {
    readyState = 0;
    closes = 0;
    private onClose: ((e: { code: number; reason: string }) => void)[] = [];
    send(): void {}
    close(): void {
      this.closes += 1;
      this.readyState = 3;
      // A browser fails a CONNECTING socket it is told to close, with 1006 (RFC 6455 §7.1.7).
      for (const l of this.onClose) l({ code: 1006, reason: '' });
    }
    addEventListener(type: string, listener: never): void {
      if (type === 'close') this.onClose.push(listener);
    }
  }

  it('gives up on a handshake that never completes after 8 s, with the reason and one failed event', async () => {
    const timers = new FakeTimers();
    const socket = new SilentSocket();
    const session = new MeshSession({
      transport: 'ws://127.0.0.1:9/',
      connect: () => socket,
      createPeerConnection: (config) => new FakePeerConnection(config) as unknown as RTCPeerConnection,
      scheduler: timers,
    });
    let error: Error | undefined;
    const started = session.start().catch((e: Error) => (error = e));
    timers.advance(7999);
    await Promise.resolve();
    expect(error).toBeUndefined();
    timers.advance(1);
    await started;
    expect(error?.message).toBe(
      'p1 could not connect to ws://127.0.0.1:9/ (no answer to the WebSocket opening handshake after 8 s: the server took the connection but never completed the upgrade).',
    );
    expect(socket.closes).toBe(1);
    expect(session.trace.events.filter((e) => e.type === 'socket' && e.state === 'failed')).toHaveLength(1);
    session.close();
  });
});

/** A lobby server of the attacker's: it answers p1's JOIN, then sends `frames` frames at once. */
class FloodingSocket implements LobbySocket {
  readyState = 0;
  private listeners = new Map<string, ((event: never) => void)[]>();
  constructor(private readonly frames: number) {
    queueMicrotask(() => {
      this.readyState = 1;
      this.dispatch('open', {});
    });
  }
  send(): void {
    this.dispatch('message', { data: encodeMessage(MessageType.ID, 1, 'true') });
    this.dispatch('message', { data: encodeMessage(MessageType.JOIN, 0, 'HOSTILE') });
    for (let i = 0; i < this.frames; i++) this.dispatch('message', { data: encodeMessage(MessageType.CANDIDATE, 10 + i, `\n0\ncandidate:${i} 1 udp 1 192.0.2.1 ${1024 + i} typ host`) });
    this.readyState = 3;
    this.dispatch('close', { code: 1000, reason: 'done' });
  }
  close(): void {}
  addEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  private dispatch(type: string, event: unknown): void {
    for (const l of this.listeners.get(type) ?? []) (l as (e: unknown) => void)(event);
  }
}

describe('MeshSession against a flooding server', () => {
  it('20,000 frames at once: the queue stays bounded, the drop is told once, and the close still arrives', async () => {
    const timers = new FakeTimers();
    const session = new MeshSession({
      transport: 'ws://hostile',
      connect: () => new FloodingSocket(20_000),
      createPeerConnection: () => {
        throw new Error('no peer connection expected');
      },
      now: () => timers.now,
      scheduler: timers,
    });
    track({ session, server: { dispose: () => undefined } as unknown as LobbyServer, timers, pcs: new Map(), sockets: [] });
    await session.start();
    await settle();
    timers.advance(LIMITS.lobby.windowMs);
    const held = heldFrames(session.trace.events);
    expect(held.length).toBeLessThanOrEqual(LIMITS.lobby.held + 1);
    expect(held.at(-1)?.close).toEqual({ code: 1000, reason: 'done' });
    const summaries = session.trace.events.filter((e) => e.type === 'ignored' && e.reason.startsWith('rate limit:'));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ peer: 'p1' });
    expect(summaries[0]!.type === 'ignored' && summaries[0]!.reason).toMatch(/^rate limit: \d+ frames dropped in 0\.1 s \(over 30\/s, bursts of 80 from the server\); the first: \{"type":6/);
    expect(Number(/rate limit: (\d+)/.exec(summaries[0]!.type === 'ignored' ? summaries[0]!.reason : '')![1]) + held.length).toBe(20_003);
  });
});
