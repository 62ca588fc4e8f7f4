/**
 * The lobby lab's session: three LobbyClients (p1 the host, p2, p3) join one mesh lobby and
 * connect every pair with an RTCPeerConnection, as Godot's multiplayer_client.gd does
 * (godotengine/godot-demo-projects, networking/webrtc_signaling/client/). Everything the
 * server sends a client (frames and the closing of the connection) waits in one SignalQueue
 * until Step or Play; what clients send goes to the server at once. Everything is traced.
 *
 * A fourth client, p4, is the troublemaker: each bad input opens a fresh connection for it
 * and sends one frame the server must refuse (see BAD_INPUTS), so the reader sees the close
 * code and reason while the mesh carries on.
 *
 * Each end of each pair is a LabPeer (see ./link.ts). Browser objects are injected: the
 * socket factory (in-page server or a real WebSocket) and the RTCPeerConnection factory, so
 * unit tests run on fakes.
 */
import { LobbyClient, type LobbyClientState, type LobbySocket } from './client';
import { MessageType, encodeMessage } from './protocol';
import { BAD_INPUTS, type BadInputKind } from './bad-inputs';
import { SignalQueue, type Scheduler } from '../queue/signal-queue';
import { Stepped } from '../queue/stepped';
import { Trace } from '../trace/trace';
import { LabPeer } from '../peer/lab-peer';
import type { SignalFactory } from '../peer/signal-factory';
import { MESH_PEERS, VISITOR, type LobbyTraceBody } from './trace';
import {
  MESH_CHANNEL,
  MESH_SESSION,
  RELAYED_EVENTS,
  incomingSignals,
  linkEvent,
  makesOffer,
  peerOnline,
  remoteName,
  sendFrame,
  signalBody,
  type RelayedEvent,
} from './link';

export { BAD_INPUTS, MESH_CHANNEL, MESH_PEERS, VISITOR, makesOffer, type BadInputKind };

/** WebSocket.readyState values (WHATWG WebSockets). */
const CONNECTING = 0;
const OPEN = 1;

/** The frame p4 sends for each bad input; ids and the lobby name come from the mesh. */
function badFrame(kind: BadInputKind, mesh: { lobby: string; p2: number }): string {
  switch (kind) {
    case 'not-json':
      return 'hello, server';
    case 'unknown-type':
      return encodeMessage(42, 0, '');
    case 'other-lobby':
      return encodeMessage(MessageType.OFFER, mesh.p2, 'v=0');
    case 'sealed-lobby':
      return encodeMessage(MessageType.JOIN, 0, mesh.lobby);
  }
}

/** One thing from the server to a client, waiting in the queue. */
export interface HeldItem {
  qid: string;
  peer: string;
  text: string;
  close?: { code: number; reason: string };
  socket: HeldSocket;
}

/**
 * Sits between a real socket and its LobbyClient: passes 'open' and sends straight through
 * (tracing each frame written), and hands every frame and the close to `hold` instead of the
 * client; the session calls deliver() when the reader steps.
 */
export class HeldSocket implements LobbySocket {
  private listeners = new Map<string, ((event: never) => void)[]>();
  /** Opened at some point (a close before that is a failure to connect, not a held close). */
  opened = false;

  constructor(
    readonly peer: string,
    private readonly inner: LobbySocket,
    private readonly hooks: {
      trace: (body: LobbyTraceBody) => void;
      hold: (socket: HeldSocket, text: string, close?: { code: number; reason: string }) => void;
      failed: (socket: HeldSocket, detail: string) => void;
    },
  ) {
    inner.addEventListener('open', () => {
      this.opened = true;
      hooks.trace({ type: 'socket', peer, state: 'open' });
      this.dispatch('open', {});
    });
    inner.addEventListener('message', (event) => {
      hooks.hold(this, typeof event.data === 'string' ? event.data : '[binary frame]');
    });
    inner.addEventListener('close', (event) => {
      if (!this.opened) hooks.failed(this, `closed ${event.code}${event.reason ? ` ${event.reason}` : ''} before it opened`);
      else hooks.hold(this, '', { code: event.code, reason: event.reason });
    });
  }

  get readyState(): number {
    return this.inner.readyState;
  }

  send(data: string): void {
    this.write(data);
  }

  /** Writes any text; `bad` names the bad input it is. False when the socket is not open. */
  write(text: string, bad?: string): boolean {
    if (this.inner.readyState !== OPEN) return false;
    this.hooks.trace({ type: 'sent', peer: this.peer, text, ...(bad ? { bad } : {}) });
    this.inner.send(text);
    return true;
  }

  close(code?: number, reason?: string): void {
    if (this.inner.readyState === CONNECTING || this.inner.readyState === OPEN) this.inner.close(code, reason);
  }

  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: string, listener: (event: never) => void): void {
    const list = this.listeners.get(type) ?? [];
    list.push(listener);
    this.listeners.set(type, list);
  }

  /** The queue released this item: now the client sees it. */
  deliver(item: HeldItem): void {
    if (item.close) this.dispatch('close', item.close);
    else this.dispatch('message', { data: item.text });
  }

  private dispatch(type: string, event: unknown): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) (listener as (e: unknown) => void)(event);
  }
}

/** One end of one pair: a client's LabPeer for one remote peer. */
interface Link {
  peer: LabPeer;
  /** Wraps what the remote sent in the envelope LabPeer checks. */
  incoming: SignalFactory;
}

interface Member {
  name: string;
  socket: HeldSocket;
  client: LobbyClient;
  links: Map<number, Link>;
}

export interface MeshSessionOptions {
  /** Shown in the trace: 'in-page' or the URL. */
  transport: string;
  /** Opens one WebSocket(-like) connection to the lobby server. */
  connect: () => LobbySocket;
  /** `ends` says whose connection it is and to which remote id (tests pair fakes with it). */
  createPeerConnection: (config: RTCConfiguration, ends: { peer: string; remote: number }) => RTCPeerConnection;
  rtcConfig?: RTCConfiguration;
  /** Timers for Play. */
  scheduler?: Scheduler;
  now?: () => number;
  /** Called after anything changed (trace, queue, client state). */
  onChange?: () => void;
}

export class MeshSession extends Stepped<HeldItem> {
  readonly trace: Trace<LobbyTraceBody>;
  readonly queue: SignalQueue<HeldItem>;
  private members = new Map<string, Member>();
  private visitor: Member | null = null;
  private qids = 0;
  private closed = false;
  private joinedOthers = false;
  private sealSent = false;
  private startWaiter: { resolve: () => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly options: MeshSessionOptions) {
    super();
    this.trace = new Trace<LobbyTraceBody>(options.now);
    this.trace.subscribe(() => options.onChange?.());
    this.queue = new SignalQueue<HeldItem>({
      deliver: (item) => this.deliver(item),
      onChange: () => options.onChange?.(),
      onError: (err) => console.error('lobby queue', err),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    });
  }

  /** Connects p1, which creates the lobby. Resolves once p1's socket is open. */
  start(): Promise<void> {
    this.trace.append({ type: 'session', transport: this.options.transport, peers: [...MESH_PEERS] });
    return new Promise<void>((resolve, reject) => {
      this.startWaiter = { resolve, reject };
      const host = this.join(MESH_PEERS[0], '');
      host.client.on('joined', ({ lobby }) => this.joinOthers(lobby));
    });
  }

  /** Each client's view: its id, lobby, peers, close. */
  states(): Record<string, LobbyClientState> {
    const out: Record<string, LobbyClientState> = {};
    for (const m of this.members.values()) out[m.name] = m.client.state;
    if (this.visitor) out[VISITOR] = this.visitor.client.state;
    return out;
  }

  get sealed(): boolean {
    return this.sealSent;
  }

  /** SEAL from the host: nobody may join any more, and everyone is closed 10 s later. */
  seal(): boolean {
    const host = this.members.get(MESH_PEERS[0]);
    if (!host || this.sealSent || !host.client.state.lobby) return false;
    this.sealSent = host.client.seal();
    return this.sealSent;
  }

  /** Why a bad input cannot be sent now, or null when it can. */
  badInputBlocked(kind: BadInputKind): string | null {
    if (this.closed || !this.members.has(MESH_PEERS[0])) return 'Press Start first.';
    if (kind === 'other-lobby' && !this.members.get('p2')?.client.state.id) return 'Wait until p2 has its id.';
    if (kind === 'sealed-lobby' && !this.sealSent) return 'Seal the lobby first.';
    return null;
  }

  /** Opens a fresh connection for p4 (closing its last one) and sends the bad input. */
  badInput(kind: BadInputKind): string | null {
    const blocked = this.badInputBlocked(kind);
    if (blocked) return blocked;
    const spec = BAD_INPUTS.find((b) => b.kind === kind)!;
    const mesh = { lobby: this.members.get(MESH_PEERS[0])!.client.state.lobby ?? '', p2: this.members.get('p2')?.client.state.id ?? 2 };
    this.visitor?.socket.close(1000, 'Next bad input');
    const visitor = this.connectMember(VISITOR);
    this.visitor = visitor;
    const send = () => visitor.socket.write(badFrame(kind, mesh), spec.label);
    if (spec.join === 'own') {
      visitor.client.on('open', () => visitor.client.join(''));
      visitor.client.on('joined', send);
    } else {
      visitor.client.on('open', send);
    }
    return null;
  }

  /** Closes every client and connection and drops whatever is held. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.clear();
    for (const m of [...this.members.values(), ...(this.visitor ? [this.visitor] : [])]) {
      for (const link of m.links.values()) link.peer.close();
      m.socket.close(1000, 'Lab reset');
    }
    this.startWaiter?.reject(new Error('The session was reset.'));
    this.startWaiter = null;
  }

  // #region join
  private join(name: string, lobby: string): Member {
    const member = this.connectMember(name);
    this.members.set(name, member);
    const { client } = member;
    client.on('open', () => client.join(lobby, { mesh: true }));
    client.on('peer-connected', ({ id }) => this.createLink(member, id));
    client.on('peer-disconnected', ({ id }) => this.removeLink(member, id));
    for (const kind of RELAYED_EVENTS) client.on(kind, (event) => this.relayed(member, event));
    return member;
  }

  /** Once p1 knows the lobby's name (the JOIN echo), p2 and p3 join it. */
  private joinOthers(lobby: string): void {
    if (this.joinedOthers || this.closed) return;
    this.joinedOthers = true;
    for (const name of MESH_PEERS.slice(1)) this.join(name, lobby);
  }
  // #endregion join

  private connectMember(name: string): Member {
    this.trace.append({ type: 'socket', peer: name, state: 'connecting' });
    const socket = new HeldSocket(name, this.options.connect(), {
      trace: (body) => this.trace.append(body),
      hold: (s, text, close) => this.hold(s, text, close),
      failed: (s, detail) => this.failed(s, detail),
    });
    const client = new LobbyClient(socket);
    client.on('invalid', ({ reason }) => this.trace.append({ type: 'ignored', peer: name, reason: `not a valid frame: ${reason}` }));
    if (name === MESH_PEERS[0]) {
      client.on('open', () => {
        this.startWaiter?.resolve();
        this.startWaiter = null;
      });
    }
    return { name, socket, client, links: new Map() };
  }

  private hold(socket: HeldSocket, text: string, close?: { code: number; reason: string }): void {
    if (this.closed) return;
    const qid = `q${++this.qids}`;
    this.trace.append({ type: 'held', qid, peer: socket.peer, text, ...(close ? { close } : {}) });
    this.queue.hold({ qid, peer: socket.peer, text, ...(close ? { close } : {}), socket });
  }

  private failed(socket: HeldSocket, detail: string): void {
    this.trace.append({ type: 'socket', peer: socket.peer, state: 'failed', detail });
    if (socket.peer === MESH_PEERS[0] && this.startWaiter) {
      this.startWaiter.reject(new Error(`${socket.peer} could not connect to ${this.options.transport} (${detail}).`));
      this.startWaiter = null;
    }
  }

  private deliver(item: HeldItem): void {
    this.trace.append({ type: 'delivered', qid: item.qid, peer: item.peer });
    item.socket.deliver(item);
  }

  // #region links
  /** multiplayer_client.gd _create_peer: one connection per remote peer, on PEER_CONNECT. */
  private createLink(member: Member, remote: number): void {
    const myId = member.client.state.id;
    if (myId === null || member.links.has(remote) || this.closed) return;
    const offerer = makesOffer(myId, remote);
    const peer = new LabPeer({
      id: member.name,
      remoteId: remoteName(remote),
      role: offerer ? 'offerer' : 'answerer',
      session: MESH_SESSION,
      channel: MESH_CHANNEL,
      ...(this.options.rtcConfig ? { rtcConfig: this.options.rtcConfig } : {}),
      createPeerConnection: (config) => {
        const pc = this.options.createPeerConnection(config, { peer: member.name, remote });
        this.trace.append({ type: 'pc', peer: member.name, remote, offerer });
        return pc;
      },
      emit: (body) => {
        const event = linkEvent(body, remote);
        if (event) this.trace.append(event);
      },
      send: (signal) => sendFrame(member.client, remote, signal),
    });
    member.links.set(remote, { peer, incoming: incomingSignals(member.name, remote) });
    peer.start();
    if (offerer) peer.handleSignal(peerOnline(member.name, remote, Date.now()));
  }

  /** multiplayer_client.gd: `if rtc_mp.has_peer(id)` — a signal from an unknown peer is dropped. */
  private relayed(member: Member, event: RelayedEvent): void {
    const link = member.links.get(event.from);
    if (!link) {
      const what = event.kind.toUpperCase();
      this.trace.append({ type: 'ignored', peer: member.name, reason: `${what} from ${event.from}: no connection to that peer (Godot drops it too)` });
      return;
    }
    link.peer.handleSignal(link.incoming(signalBody(event)));
  }

  /** PEER_DISCONNECT: multiplayer_client.gd removes (and so closes) that peer's connection. */
  private removeLink(member: Member, remote: number): void {
    const link = member.links.get(remote);
    if (!link) return;
    member.links.delete(remote);
    link.peer.close('PEER_DISCONNECT');
  }
  // #endregion links
}
