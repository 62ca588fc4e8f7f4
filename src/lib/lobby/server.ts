/**
 * The lobby signalling server, transport-free: the Node server (scripts/lobby-server.mjs,
 * over `ws`) and the in-page lab (in-memory.ts) run this same logic.
 *
 * It follows godotengine/godot-demo-projects networking/webrtc_signaling/server_node/server.js
 * (Godot 4 JSON protocol) message for message: the same replies in the same order, the same
 * close codes and reasons, the same limits. Where it differs, a comment says "Adapted".
 * Clock, timers and randomness are injected so tests are deterministic and need no waiting.
 *
 * A transport reports a connection (onConnect), each frame (onMessage) and the end of the
 * connection (onClose, after the close handshake, like ws's 'close' event). No method throws.
 */
import {
  CLOSE,
  HOST_ID,
  LOBBY_LIMITS,
  MessageType,
  RELAYED_TYPES,
  encodeMessage,
  parseClientMessage,
  type CloseReason,
  type LobbyLimits,
} from './protocol';

/** One connection, as the server sees it. */
export interface LobbyTransport {
  send(text: string): void;
  /** Start the closing handshake. The transport calls onClose once it is done. */
  close(code: number, reason: string): void;
  /** Bytes sent but not yet handed to the network (ws bufferedAmount); absent when it cannot tell. */
  bufferedAmount?(): number;
}

export interface LobbyTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LobbyServerOptions {
  limits?: Partial<LobbyLimits>;
  /** Default: the global setTimeout/clearTimeout. */
  timers?: LobbyTimers;
  /** A candidate peer id; the server retries until it gets an unused one >= 2. */
  randomId?: () => number;
  /** A candidate lobby name; the server retries until it gets an unused one. */
  randomSecret?: () => string;
  /** server.js's console.log lines. */
  log?: (line: string) => void;
}

export interface LobbyInfo {
  name: string;
  /** The host's real id; on the wire the host is always 1. */
  hostId: number;
  mesh: boolean;
  sealed: boolean;
  /** Wire ids, in join order. */
  peers: number[];
}

const ALFNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * server.js randomId: Math.abs of a random int32. Adapted: masked to 0..2^31-1 (abs(-2^31)
 * overflows an int32), and the server skips 0, 1 and ids in use, which server.js does not.
 */
export function defaultRandomId(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0] & 0x7fffffff;
}

/** server.js randomSecret: 16 characters from ALFNUM, with Math.random. */
export function defaultRandomSecret(random: () => number = Math.random): string {
  let out = '';
  for (let i = 0; i < 16; i++) out += ALFNUM[Math.floor(random() * ALFNUM.length)];
  return out;
}

interface Peer {
  id: number;
  transport: LobbyTransport;
  lobby: string;
  timeout: unknown;
  /** The server has called close(); like ws, later sends and closes are dropped. */
  closing: boolean;
}

class Lobby {
  peers: Peer[] = [];
  sealed = false;
  closeTimer: unknown = null;
  constructor(
    readonly name: string,
    readonly host: number,
    readonly mesh: boolean,
  ) {}

  /** server.js getPeerId: the host is 1 whatever the mode; everyone else keeps their id. */
  peerId(peer: Peer): number {
    return peer.id === this.host ? HOST_ID : peer.id;
  }
}

export class LobbyServer {
  readonly limits: LobbyLimits;
  private readonly timers: LobbyTimers;
  private readonly randomId: () => number;
  private readonly randomSecret: () => string;
  private readonly log: (line: string) => void;
  private readonly peers = new Map<LobbyTransport, Peer>();
  private readonly ids = new Set<number>();
  private readonly lobbies = new Map<string, Lobby>();

  constructor(options: LobbyServerOptions = {}) {
    this.limits = { ...LOBBY_LIMITS, ...options.limits };
    this.timers = options.timers ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
    };
    this.randomId = options.randomId ?? defaultRandomId;
    this.randomSecret = options.randomSecret ?? (() => defaultRandomSecret());
    this.log = options.log ?? (() => {});
  }

  /** server.js wss.on('connection'). Returns false if the server refused the connection. */
  onConnect(transport: LobbyTransport): boolean {
    if (this.peers.has(transport)) return true;
    if (this.peers.size >= this.limits.maxPeers) {
      transport.close(CLOSE.TOO_MANY_PEERS.code, CLOSE.TOO_MANY_PEERS.reason);
      return false;
    }
    const peer: Peer = { id: this.newId(), transport, lobby: '', timeout: null, closing: false };
    // server.js Peer: close the connection if it has not joined a lobby in time.
    peer.timeout = this.timers.setTimeout(() => {
      peer.timeout = null;
      if (!peer.lobby) this.close(peer, CLOSE.NO_LOBBY);
    }, this.limits.noLobbyTimeoutMs);
    this.peers.set(transport, peer);
    this.ids.add(peer.id);
    return true;
  }

  /** server.js ws.on('message') + parseMsg; a bad frame closes the connection with a reason. */
  onMessage(transport: LobbyTransport, frame: string | Uint8Array): void {
    const peer = this.peers.get(transport);
    // Adapted: server.js would still act on frames that arrive after it closed a connection.
    if (!peer || peer.closing) return;
    const error = this.handle(peer, frame);
    if (error) {
      this.log(`Error parsing message from ${peer.id}: ${error.reason}`);
      this.close(peer, error);
    }
  }

  /** server.js ws.on('close'): leave the lobby; a host leaving ends it. */
  onClose(transport: LobbyTransport, code?: number, reason?: string): void {
    const peer = this.peers.get(transport);
    if (!peer) return;
    this.peers.delete(transport);
    this.ids.delete(peer.id);
    peer.closing = true;
    this.log(`Connection with peer ${peer.id} closed with reason ${code ?? ''}: ${reason ?? ''}`);
    const lobby = peer.lobby ? this.lobbies.get(peer.lobby) : undefined;
    if (lobby && this.leave(lobby, peer)) {
      this.lobbies.delete(lobby.name);
      this.log(`Deleted lobby ${lobby.name}`);
      this.log(`Open lobbies: ${this.lobbies.size}`);
      peer.lobby = '';
    }
    if (peer.timeout !== null) {
      this.timers.clearTimeout(peer.timeout);
      peer.timeout = null;
    }
  }

  /** For a lab's inspector: every open lobby. */
  snapshot(): { connections: number; lobbies: LobbyInfo[] } {
    return {
      connections: this.peers.size,
      lobbies: [...this.lobbies.values()].map((l) => ({
        name: l.name,
        hostId: l.host,
        mesh: l.mesh,
        sealed: l.sealed,
        peers: l.peers.map((p) => l.peerId(p)),
      })),
    };
  }

  /** Cancel every timer (shutting down, or the end of a test). Connections are left alone. */
  dispose(): void {
    for (const peer of this.peers.values()) {
      if (peer.timeout !== null) this.timers.clearTimeout(peer.timeout);
      peer.timeout = null;
    }
    for (const lobby of this.lobbies.values()) {
      if (lobby.closeTimer !== null) this.timers.clearTimeout(lobby.closeTimer);
      lobby.closeTimer = null;
    }
  }

  // #region handle
  private handle(peer: Peer, frame: string | Uint8Array): CloseReason | null {
    const parsed = parseClientMessage(frame, this.limits.maxMessageBytes);
    if (!parsed.ok) return parsed.close;
    const { type, id, data } = parsed.message;

    // JOIN: id 0 asks for a mesh lobby (ws_webrtc_client.gd sends 0 if mesh else 1).
    if (type === MessageType.JOIN) return this.join(peer, data, id === 0);

    if (!peer.lobby) return CLOSE.NEED_LOBBY;
    const lobby = this.lobbies.get(peer.lobby);
    if (!lobby) return CLOSE.SERVER_ERROR;

    if (type === MessageType.SEAL) return this.seal(lobby, peer);

    if (RELAYED_TYPES.has(type)) {
      // The client addresses the destination; 1 means the host. The server swaps in the sender.
      const destId = id === HOST_ID ? lobby.host : id;
      const dest = lobby.peers.find((p) => p.id === destId);
      if (!dest) return CLOSE.INVALID_DEST; // not in this lobby (or no such peer)
      this.send(dest, encodeMessage(type, lobby.peerId(peer), data));
      return null;
    }
    return CLOSE.INVALID_CMD;
  }
  // #endregion handle

  // #region join
  /** server.js joinLobby + Lobby.join: ID, then PEER_CONNECT both ways per member, then the JOIN echo. */
  private join(peer: Peer, requested: string, mesh: boolean): CloseReason | null {
    let name = requested;
    if (name === '') {
      if (this.lobbies.size >= this.limits.maxLobbies) return CLOSE.TOO_MANY_LOBBIES;
      if (peer.lobby !== '') return CLOSE.ALREADY_IN_LOBBY;
      name = this.newSecret();
      this.lobbies.set(name, new Lobby(name, peer.id, mesh));
      this.log(`Peer ${peer.id} created lobby ${name}`);
      this.log(`Open lobbies: ${this.lobbies.size}`);
    } else if (peer.lobby !== '') {
      // Adapted: server.js checks this only when creating, so a peer could sit in two lobbies.
      return CLOSE.ALREADY_IN_LOBBY;
    }
    const lobby = this.lobbies.get(name);
    if (!lobby) return CLOSE.LOBBY_DOES_NOT_EXISTS;
    if (lobby.sealed) return CLOSE.LOBBY_IS_SEALED;
    peer.lobby = name;
    this.log(`Peer ${peer.id} joining lobby ${name} with ${lobby.peers.length} peers`);
    const assigned = lobby.peerId(peer);
    this.send(peer, encodeMessage(MessageType.ID, assigned, lobby.mesh ? 'true' : ''));
    for (const p of lobby.peers) {
      this.send(p, encodeMessage(MessageType.PEER_CONNECT, assigned));
      this.send(peer, encodeMessage(MessageType.PEER_CONNECT, lobby.peerId(p)));
    }
    lobby.peers.push(peer);
    this.send(peer, encodeMessage(MessageType.JOIN, 0, name));
    return null;
  }
  // #endregion join

  // #region seal
  /** server.js Lobby.seal: tell everyone, then close them all with 1000 after the timeout. */
  private seal(lobby: Lobby, peer: Peer): CloseReason | null {
    if (peer.id !== lobby.host) return CLOSE.ONLY_HOST_CAN_SEAL;
    lobby.sealed = true;
    for (const p of lobby.peers) this.send(p, encodeMessage(MessageType.SEAL, 0));
    this.log(`Peer ${peer.id} sealed lobby ${lobby.name} with ${lobby.peers.length} peers`);
    // Adapted: server.js starts a second timer on a second SEAL; the first one closes everyone anyway.
    if (lobby.closeTimer === null) {
      lobby.closeTimer = this.timers.setTimeout(() => {
        lobby.closeTimer = null;
        // Closing the host ends the lobby (see leave).
        for (const p of [...lobby.peers]) this.close(p, CLOSE.SEAL_COMPLETE);
      }, this.limits.sealCloseTimeoutMs);
    }
    return null;
  }
  // #endregion seal

  // #region leave
  /** server.js Lobby.leave. Returns true when the host left, so the lobby must go. */
  private leave(lobby: Lobby, peer: Peer): boolean {
    const idx = lobby.peers.indexOf(peer);
    if (idx === -1) return false;
    const assigned = lobby.peerId(peer);
    const hostLeft = assigned === HOST_ID;
    lobby.peers.splice(idx, 1);
    for (const p of lobby.peers) {
      if (hostLeft) this.close(p, CLOSE.HOST_DISCONNECTED);
      else this.send(p, encodeMessage(MessageType.PEER_DISCONNECT, assigned));
    }
    if (hostLeft && lobby.closeTimer !== null) {
      this.timers.clearTimeout(lobby.closeTimer);
      lobby.closeTimer = null;
    }
    return hostLeft;
  }
  // #endregion leave

  private send(peer: Peer, text: string): void {
    if (peer.closing) return;
    peer.transport.send(text);
    // Adapted: server.js buffers for a client that stops reading until the process runs out
    // of memory. Past the bound the client is closed, and what is relayed to it is dropped.
    if ((peer.transport.bufferedAmount?.() ?? 0) > this.limits.maxBufferedBytes) this.close(peer, CLOSE.SLOW_READER);
  }

  /** Like ws: the first close() wins, later ones are no-ops while the handshake runs. */
  private close(peer: Peer, why: CloseReason): void {
    if (peer.closing) return;
    peer.closing = true;
    peer.transport.close(why.code, why.reason);
  }

  /** A bad injected source (a constant, say) must not hang the server: give up after a while. */
  private newId(): number {
    for (let tries = 0; tries < 100; tries++) {
      const id = this.randomId();
      if (Number.isSafeInteger(id) && id > HOST_ID && !this.ids.has(id)) return id;
    }
    let id = HOST_ID + 1;
    while (this.ids.has(id)) id++;
    return id;
  }

  private newSecret(): string {
    for (let tries = 0; tries < 100; tries++) {
      const name = this.randomSecret();
      if (name !== '' && !this.lobbies.has(name)) return name;
    }
    let n = this.lobbies.size;
    while (this.lobbies.has(`lobby-${n}`)) n++;
    return `lobby-${n}`;
  }
}
