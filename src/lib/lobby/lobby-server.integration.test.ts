/**
 * The real `npm run lobby-server` script on 127.0.0.1 (a free port), driven by real `ws`
 * clients. Timeouts are shortened by flags so the seal and no-lobby closes come quickly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LobbyClient } from './client';
import { startServer, type Server } from './fixtures';
import { encodeMessage, parseServerMessage, type LobbyMessage } from './protocol';

const SEAL_MS = 300;
const NO_LOBBY_MS = 1500;

/** A ws client that queues what it receives, so a test can await the next message. */
class Client {
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  private inbox: LobbyMessage[] = [];
  private waiting: ((m: LobbyMessage) => void)[] = [];

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('message', (data) => {
      const parsed = parseServerMessage(data.toString());
      if (!parsed.ok) throw new Error(`server sent an invalid frame: ${data.toString()}`);
      const waiter = this.waiting.shift();
      if (waiter) waiter(parsed.message);
      else this.inbox.push(parsed.message);
    });
  }

  static async open(url: string): Promise<Client> {
    const c = new Client(url);
    await c.opened;
    return c;
  }

  send(type: number, id: number, data = ''): void {
    this.ws.send(encodeMessage(type, id, data));
  }

  next(): Promise<LobbyMessage> {
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async nextN(n: number): Promise<LobbyMessage[]> {
    const out: LobbyMessage[] = [];
    for (let i = 0; i < n; i++) out.push(await this.next());
    return out;
  }

  /** JOIN and read ID, the PEER_CONNECTs, and the JOIN echo. */
  async join(lobby = '', existing = 0): Promise<{ id: number; lobby: string; peers: number[] }> {
    this.send(0, 0, lobby);
    const [id, ...rest] = await this.nextN(2 + existing);
    const echo = rest.pop() as LobbyMessage;
    expect(id.type).toBe(1);
    expect(echo).toMatchObject({ type: 0, id: 0 });
    return { id: id.id, lobby: echo.data, peers: rest.map((m) => m.id) };
  }

  get pending(): number {
    return this.inbox.length;
  }
}

let server: Server;
const clients: Client[] = [];
const open = async () => {
  const c = await Client.open(server.url);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await startServer(['--seal-timeout-ms', String(SEAL_MS), '--no-lobby-timeout-ms', String(NO_LOBBY_MS)]);
}, 30_000);

afterAll(() => {
  for (const c of clients) c.ws.terminate();
  server?.proc.kill('SIGKILL');
});

describe('npm run lobby-server with real ws clients', () => {
  it('three peers join one lobby; OFFER/ANSWER/CANDIDATE are relayed with the sender id', async () => {
    const [a, b, c] = [await open(), await open(), await open()];
    const host = await a.join();
    expect(host).toMatchObject({ id: 1, peers: [] });
    expect(host.lobby).toMatch(/^[A-Za-z0-9]{16}$/);
    const bj = await b.join(host.lobby, 1);
    expect(bj.peers).toEqual([1]);
    expect(await a.next()).toEqual({ type: 2, id: bj.id, data: '' });
    const cj = await c.join(host.lobby, 2);
    expect(cj.peers).toEqual([1, bj.id]);
    expect(await a.next()).toEqual({ type: 2, id: cj.id, data: '' });
    expect(await b.next()).toEqual({ type: 2, id: cj.id, data: '' });

    b.send(4, 1, 'offer from b');
    expect(await a.next()).toEqual({ type: 4, id: bj.id, data: 'offer from b' });
    a.send(5, bj.id, 'answer from host');
    expect(await b.next()).toEqual({ type: 5, id: 1, data: 'answer from host' });
    c.send(6, bj.id, '\n0\n0\ncandidate:1 1 udp 1 192.0.2.1 9 typ host');
    expect(await b.next()).toEqual({ type: 6, id: cj.id, data: '\n0\n0\ncandidate:1 1 udp 1 192.0.2.1 9 typ host' });

    c.ws.close(1000);
    expect(await a.next()).toEqual({ type: 3, id: cj.id, data: '' });
    expect(await b.next()).toEqual({ type: 3, id: cj.id, data: '' });
  });

  it('a peer in another lobby cannot be reached: the sender is closed, the target hears nothing', async () => {
    const [a, b, d] = [await open(), await open(), await open()];
    const { lobby } = await a.join();
    const bj = await b.join(lobby, 1);
    await a.next(); // PEER_CONNECT b
    await d.join(); // LOBBY2, d is its host
    d.send(4, bj.id, 'sneaky offer');
    expect(await d.closed).toEqual({ code: 4000, reason: 'Invalid destination' });
    a.send(4, bj.id, 'fine');
    expect(await b.next()).toEqual({ type: 4, id: 1, data: 'fine' });
    expect(b.pending).toBe(0);
  });

  it('a sealed lobby refuses joins, and is closed and destroyed after the (shortened) timeout', async () => {
    const [a, b] = [await open(), await open()];
    const { lobby } = await a.join();
    await b.join(lobby, 1);
    await a.next();
    a.send(7, 0);
    expect(await a.next()).toEqual({ type: 7, id: 0, data: '' });
    expect(await b.next()).toEqual({ type: 7, id: 0, data: '' });
    const late = await open();
    late.send(0, 0, lobby);
    expect(await late.closed).toEqual({ code: 4000, reason: 'Lobby is sealed' });
    expect(await a.closed).toEqual({ code: 1000, reason: 'Seal complete' });
    expect(await b.closed).toEqual({ code: 1000, reason: 'Seal complete' });
    const later = await open();
    later.send(0, 0, lobby);
    expect(await later.closed).toEqual({ code: 4000, reason: 'Lobby does not exists' });
  });

  it('only the host can seal', async () => {
    const [a, b] = [await open(), await open()];
    const { lobby } = await a.join();
    await b.join(lobby, 1);
    b.send(7, 0);
    expect(await b.closed).toEqual({ code: 4000, reason: 'Only host can seal the lobby' });
  });

  const badFrames: [name: string, frame: () => string | Buffer, expected: { code: number; reason: string }, inLobby?: boolean][] = [
    ['garbage', () => 'garbage', { code: 4000, reason: 'Invalid message format' }],
    ['a binary frame', () => Buffer.from('{"type":0,"id":0,"data":""}'), { code: 4000, reason: 'Invalid transfer mode, must be text' }],
    ['70 KB of text', () => encodeMessage(0, 0, 'x'.repeat(70_000)), { code: 1009, reason: 'Message too big' }],
    ['an unknown type before joining', () => '{"type":42,"id":0,"data":""}', { code: 4000, reason: 'Invalid message when not in a lobby' }],
    ['a server-only type in a lobby', () => '{"type":1,"id":0,"data":""}', { code: 4000, reason: 'Invalid command' }, true],
  ];
  it.each(badFrames)('%s closes with a reason, and the server keeps serving', async (_name, frame, expected, inLobby = false) => {
    const bad = await open();
    if (inLobby) await bad.join();
    bad.ws.send(frame());
    expect(await bad.closed).toEqual(expected);
    const fresh = await open();
    expect((await fresh.join()).id).toBe(1);
  });

  it('a connection that joins no lobby is closed with "Have not joined lobby yet"', async () => {
    const idle = await open();
    expect(await idle.closed).toEqual({ code: 4000, reason: 'Have not joined lobby yet' });
  }, 10_000);

  it('LobbyClient works over the platform WebSocket (as in a browser)', async () => {
    const host = new LobbyClient(new globalThis.WebSocket(server.url), { autoJoin: {} });
    const joined = await new Promise<string>((resolve) => host.on('joined', (e) => resolve(e.lobby)));
    const guest = new LobbyClient(new globalThis.WebSocket(server.url), { autoJoin: { lobby: joined, mesh: false } });
    const offer = new Promise((resolve) => host.on('offer', resolve));
    guest.on('joined', () => guest.offer(1, 'v=0'));
    expect(await offer).toEqual({ kind: 'offer', from: guest.state.id, sdp: 'v=0' });
    expect(host.state).toMatchObject({ id: 1, mesh: true, lobby: joined, peers: [guest.state.id] });
    const closed = new Promise((resolve) => guest.on('closed', resolve));
    host.close();
    expect(await closed).toEqual({ kind: 'closed', code: 4000, reason: 'Room host has disconnected' });
  });

  it('SIGTERM closes clients with 1001 and exits 0', async () => {
    const a = await open();
    await a.join();
    const exited = new Promise<number | null>((resolve) => server.proc.once('exit', (code) => resolve(code)));
    server.proc.kill('SIGTERM');
    expect(await a.closed).toEqual({ code: 1001, reason: 'Server shutting down' });
    expect(await exited).toBe(0);
  });
});
