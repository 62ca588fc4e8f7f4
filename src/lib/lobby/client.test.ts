import { describe, expect, it } from 'vitest';
import type { WebSocket as NodeWebSocket } from 'ws';
import { LobbyClient, type LobbyClientEvent, type LobbySocket } from './client';

// Type-level: a browser WebSocket and a `ws` WebSocket can be handed to the client as they are.
export type BrowserSocketFits = WebSocket extends LobbySocket ? true : never;
export type NodeSocketFits = NodeWebSocket extends LobbySocket ? true : never;
const fits: [BrowserSocketFits, NodeSocketFits] = [true, true];

/** A socket whose server side is the test: `deliver` plays a frame from the server. */
class ScriptedSocket implements LobbySocket {
  readyState = 0;
  sent: string[] = [];
  closedWith: unknown[] | null = null;
  private handlers: Record<string, ((e: never) => void)[]> = {};
  addEventListener(type: string, listener: (e: never) => void): void {
    (this.handlers[type] ??= []).push(listener);
  }
  send(text: string): void {
    this.sent.push(text);
  }
  close(code?: number, reason?: string): void {
    this.closedWith = [code, reason];
  }
  fire(type: string, event: unknown = {}): void {
    if (type === 'open') this.readyState = 1;
    if (type === 'close') this.readyState = 3;
    for (const h of this.handlers[type] ?? []) (h as (e: unknown) => void)(event);
  }
  deliver(text: string): void {
    this.fire('message', { data: text });
  }
}

function setup(options?: ConstructorParameters<typeof LobbyClient>[1]) {
  const socket = new ScriptedSocket();
  const client = new LobbyClient(socket, options);
  const events: LobbyClientEvent[] = [];
  client.subscribe((e) => events.push(e));
  return { socket, client, events };
}

describe('LobbyClient', () => {
  it('types: browser and ws sockets fit', () => {
    expect(fits).toEqual([true, true]);
  });

  it.each([
    ['join("") mesh', (c: LobbyClient) => c.join(), '{"type":0,"id":0,"data":""}'],
    ['join(name, client/server)', (c: LobbyClient) => c.join('ABC', { mesh: false }), '{"type":0,"id":1,"data":"ABC"}'],
    ['seal', (c: LobbyClient) => c.seal(), '{"type":7,"id":0,"data":""}'],
    ['offer', (c: LobbyClient) => c.offer(1, 'v=0'), '{"type":4,"id":1,"data":"v=0"}'],
    ['answer', (c: LobbyClient) => c.answer(7, 'v=0'), '{"type":5,"id":7,"data":"v=0"}'],
    ['candidate', (c: LobbyClient) => c.candidate(7, { mid: '0', index: 0, sdp: 'candidate:x' }), '{"type":6,"id":7,"data":"\\n0\\n0\\ncandidate:x"}'],
  ])('writes %s as ws_webrtc_client.gd does', (_name, act, wire) => {
    const { socket, client, events } = setup();
    expect(act(client)).toBe(false); // not open yet: nothing is written
    socket.fire('open');
    expect(act(client)).toBe(true);
    expect(socket.sent).toEqual([wire]);
    expect(events.at(-1)).toMatchObject({ kind: 'sent', text: wire });
  });

  it('autoJoin joins on open', () => {
    const { socket } = setup({ autoJoin: { lobby: 'L', mesh: false } });
    socket.fire('open');
    expect(socket.sent).toEqual(['{"type":0,"id":1,"data":"L"}']);
  });

  it('tracks id, lobby, peers and seal from the server, as snapshots', () => {
    const { socket, client, events } = setup();
    socket.fire('open');
    const before = client.state;
    socket.deliver('{"type":1,"id":55,"data":""}');
    socket.deliver('{"type":2,"id":1,"data":""}');
    socket.deliver('{"type":2,"id":77,"data":""}');
    socket.deliver('{"type":2,"id":77,"data":""}');
    socket.deliver('{"type":0,"id":0,"data":"LOBBY"}');
    socket.deliver('{"type":3,"id":77,"data":""}');
    socket.deliver('{"type":7,"id":0,"data":""}');
    expect(before).toMatchObject({ id: null, peers: [] });
    expect(client.state).toEqual({ status: 'open', id: 55, mesh: false, lobby: 'LOBBY', peers: [1], sealed: true, close: null });
    expect(events.filter((e) => e.kind !== 'received').map((e) => e.kind)).toEqual([
      'open', 'id', 'peer-connected', 'peer-connected', 'peer-connected', 'joined', 'peer-disconnected', 'sealed',
    ]);
    socket.fire('close', { code: 4000, reason: 'Room host has disconnected' });
    expect(client.state).toMatchObject({ status: 'closed', close: { code: 4000, reason: 'Room host has disconnected' } });
  });

  it('on() filters by kind and unsubscribes', () => {
    const { socket, client } = setup();
    const offers: unknown[] = [];
    const off = client.on('offer', (e) => offers.push([e.from, e.sdp]));
    socket.fire('open');
    socket.deliver('{"type":4,"id":9,"data":"v=0"}');
    socket.deliver('{"type":5,"id":9,"data":"v=1"}');
    off();
    socket.deliver('{"type":4,"id":9,"data":"v=2"}');
    expect(offers).toEqual([[9, 'v=0']]);
  });
});
