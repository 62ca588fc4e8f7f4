/**
 * The lobby lab's session: three LobbyClients (p1 the host, p2, p3) join one mesh lobby and
 * connect every pair with an RTCPeerConnection, as Godot's multiplayer_client.gd does
 * (godotengine/godot-demo-projects, networking/webrtc_signaling/client/). Everything the
 * server sends a client (frames and the closing of the connection) waits in the session
 * core's queue (../session/queued) until Step or Play; what clients send goes to the server
 * at once (./ws-endpoint). Everything is traced. Only the topology lives here.
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
import type { Scheduler } from '../queue/signal-queue';
import { QueuedSession, type QueueEvents } from '../session/queued';
import { FloodGate } from '../signalling/flood-gate';
import { LIMITS } from '../signalling/limits';
import { LabPeer } from '../peer/lab-peer';
import type { SignalFactory } from '../peer/signal-factory';
import { MESH_PEERS, VISITOR, type LobbyTraceBody } from './trace';
import { HeldSocket, type CloseFrame, type HeldItem } from './ws-endpoint';
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

export { BAD_INPUTS, MESH_CHANNEL, MESH_PEERS, VISITOR, makesOffer, type BadInputKind, type HeldItem };

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
  /** Timers for Play and the connect timeout. */
  scheduler?: Scheduler;
  /** Give up on a connection whose handshake does not complete in this long (default 8 s). */
  connectTimeoutMs?: number;
  now?: () => number;
  /** Called after anything changed (trace, queue, client state). */
  onChange?: () => void;
}

/** The lobby trace's queue events: the recipient is `peer`; 'held' carries the frame or the close. */
const LOBBY_QUEUE_EVENTS: QueueEvents<HeldItem, LobbyTraceBody> = {
  held: ({ qid, peer, text, close }) => ({ type: 'held', qid, peer, text, ...(close ? { close } : {}) }),
  delivered: ({ qid, peer }) => ({ type: 'delivered', qid, peer }),
  dropped: ({ qid, peer }, reason) => ({ type: 'dropped', qid, peer, by: 'reader', ...(reason ? { reason } : {}) }),
  tampered: ({ qid, peer }, change) => ({ type: 'tampered', qid, peer, ...change }),
};

export class MeshSession extends QueuedSession<HeldItem, LobbyTraceBody> {
  private members = new Map<string, Member>();
  private visitor: Member | null = null;
  private joinedOthers = false;
  private sealSent = false;
  private startWaiter: { resolve: () => void; reject: (e: Error) => void } | null = null;
  /** A server may send anything, as fast as it likes: frames beyond the lobby's limits are dropped and summed. */
  private readonly gate: FloodGate;

  constructor(private readonly options: MeshSessionOptions) {
    super(LOBBY_QUEUE_EVENTS, {
      now: options.now,
      scheduler: options.scheduler,
      onQueueChange: () => options.onChange?.(),
      onDeliverError: (err) => console.error('lobby queue', err),
    });
    this.trace.subscribe(() => options.onChange?.());
    this.gate = new FloodGate(
      {
        now: options.now,
        scheduler: options.scheduler,
        report: (r) => this.emit({ type: 'ignored', peer: r.to, reason: `${r.reason}; the first: ${r.preview}` }),
        held: (peer) => this.queue.held.reduce((n, item) => n + (item.peer === peer ? 1 : 0), 0),
      },
      LIMITS.lobby,
    );
  }

  /** Connects p1, which creates the lobby. Resolves once p1's socket is open. */
  start(): Promise<void> {
    this.emit({ type: 'session', transport: this.options.transport, peers: [...MESH_PEERS] });
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
    this.closeCore();
    this.gate.close();
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
    this.emit({ type: 'socket', peer: name, state: 'connecting' });
    const socket = new HeldSocket(name, this.options.connect(), {
      trace: (body) => this.emit(body),
      hold: (s, text, close) => this.holdFrame(s, text, close),
      failed: (s, detail) => this.failed(s, detail),
      ...(this.options.connectTimeoutMs !== undefined ? { connectTimeoutMs: this.options.connectTimeoutMs } : {}),
      ...(this.options.scheduler ? { timers: this.options.scheduler } : {}),
    });
    const client = new LobbyClient(socket);
    client.on('invalid', ({ reason }) => this.emit({ type: 'ignored', peer: name, reason: `not a valid frame: ${reason}` }));
    if (name === MESH_PEERS[0]) {
      client.on('open', () => {
        this.startWaiter?.resolve();
        this.startWaiter = null;
      });
    }
    return { name, socket, client, links: new Map() };
  }

  /** A frame or the close from the server, held for Step. The close is never dropped: it comes once. */
  private holdFrame(socket: HeldSocket, text: string, close?: CloseFrame): void {
    if (this.closed) return;
    if (!close && !this.gate.admit(socket.peer, 'server', '', text)) return;
    this.hold({ qid: this.nextQid(), peer: socket.peer, text, ...(close ? { close } : {}), socket });
  }

  private failed(socket: HeldSocket, detail: string): void {
    this.emit({ type: 'socket', peer: socket.peer, state: 'failed', detail });
    if (socket.peer === MESH_PEERS[0] && this.startWaiter) {
      this.startWaiter.reject(new Error(`${socket.peer} could not connect to ${this.options.transport} (${detail}).`));
      this.startWaiter = null;
    }
  }

  protected deliver(item: HeldItem): void {
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
        this.emit({ type: 'pc', peer: member.name, remote, offerer });
        return pc;
      },
      emit: (body) => {
        const event = linkEvent(body, remote);
        if (event) this.emit(event);
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
      this.emit({ type: 'ignored', peer: member.name, reason: `${what} from ${event.from}: no connection to that peer (Godot drops it too)` });
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
