/**
 * A small lobby client: what ws_webrtc_client.gd does (godotengine/godot-demo-projects,
 * networking/webrtc_signaling/client/), over any WebSocket-like socket — a browser
 * WebSocket to `npm run lobby-server`, or an in-memory one (in-memory.ts).
 *
 * It sends JOIN / SEAL / OFFER / ANSWER / CANDIDATE, tracks its id, lobby and peers, and
 * reports every frame and every protocol event through typed callbacks. Like Godot's client
 * it drops malformed frames from the server, but reports them as 'invalid'.
 */
import {
  MessageType,
  decodeCandidate,
  encodeCandidate,
  encodeMessage,
  parseServerMessage,
  type LobbyCandidate,
  type LobbyMessage,
} from './protocol';

/** The part of the WebSocket API the client uses (browser WebSocket, ws, InMemorySocket). */
export interface LobbySocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

/** WebSocket.OPEN. */
const OPEN = 1;

export type LobbyClientEvent =
  | { kind: 'open' }
  /** Every frame this client wrote, decoded. */
  | { kind: 'sent'; message: LobbyMessage; text: string }
  /** Every well-formed frame from the server, before its own event below. */
  | { kind: 'received'; message: LobbyMessage; text: string }
  /** A frame from the server that Godot's client would drop, and why. */
  | { kind: 'invalid'; text: string; reason: string }
  | { kind: 'id'; id: number; mesh: boolean }
  | { kind: 'joined'; lobby: string }
  | { kind: 'peer-connected'; id: number }
  | { kind: 'peer-disconnected'; id: number }
  | { kind: 'offer'; from: number; sdp: string }
  | { kind: 'answer'; from: number; sdp: string }
  | { kind: 'candidate'; from: number; candidate: LobbyCandidate }
  | { kind: 'sealed' }
  | { kind: 'closed'; code: number; reason: string };
export type LobbyClientEventKind = LobbyClientEvent['kind'];
export type LobbyClientEventOf<K extends LobbyClientEventKind> = Extract<LobbyClientEvent, { kind: K }>;

export interface LobbyClientState {
  status: 'connecting' | 'open' | 'closed';
  /** Our id in the lobby (1 if we are the host), once ID arrived. */
  id: number | null;
  mesh: boolean | null;
  lobby: string | null;
  /** Ids of the other peers, in the order they were announced. */
  peers: readonly number[];
  sealed: boolean;
  close: { code: number; reason: string } | null;
}

export interface LobbyClientOptions {
  /** Join as soon as the socket opens, as ws_webrtc_client.gd's autojoin does. */
  autoJoin?: { lobby?: string; mesh?: boolean };
}

export class LobbyClient {
  private st: LobbyClientState;
  private listeners = new Set<(event: LobbyClientEvent) => void>();

  constructor(
    private readonly socket: LobbySocket,
    options: LobbyClientOptions = {},
  ) {
    this.st = {
      status: socket.readyState === OPEN ? 'open' : 'connecting',
      id: null,
      mesh: null,
      lobby: null,
      peers: [],
      sealed: false,
      close: null,
    };
    socket.addEventListener('open', () => {
      this.update({ status: 'open' });
      this.emit({ kind: 'open' });
      if (options.autoJoin) this.join(options.autoJoin.lobby ?? '', options.autoJoin);
    });
    socket.addEventListener('message', (event) => this.receive(event.data));
    socket.addEventListener('close', (event) => {
      this.update({ status: 'closed', close: { code: event.code, reason: event.reason } });
      this.emit({ kind: 'closed', code: event.code, reason: event.reason });
    });
  }

  /** A snapshot; a new object after every change. */
  get state(): LobbyClientState {
    return this.st;
  }

  /** Every event. Returns the unsubscribe function. */
  subscribe(listener: (event: LobbyClientEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events of one kind. Returns the unsubscribe function. */
  on<K extends LobbyClientEventKind>(kind: K, listener: (event: LobbyClientEventOf<K>) => void): () => void {
    return this.subscribe((event) => {
      if (event.kind === kind) listener(event as LobbyClientEventOf<K>);
    });
  }

  /** JOIN: an empty name creates a lobby. id 0 asks for mesh, 1 for client/server (join_lobby). */
  join(lobby = '', { mesh = true }: { mesh?: boolean } = {}): boolean {
    return this.send(MessageType.JOIN, mesh ? 0 : 1, lobby);
  }

  /** SEAL (host only; anyone else is disconnected). */
  seal(): boolean {
    return this.send(MessageType.SEAL, 0);
  }

  offer(to: number, sdp: string): boolean {
    return this.send(MessageType.OFFER, to, sdp);
  }

  answer(to: number, sdp: string): boolean {
    return this.send(MessageType.ANSWER, to, sdp);
  }

  candidate(to: number, candidate: LobbyCandidate): boolean {
    return this.send(MessageType.CANDIDATE, to, encodeCandidate(candidate));
  }

  /** Write any text, valid or not: for showing what the server does with bad input. */
  sendRaw(text: string): boolean {
    if (this.socket.readyState !== OPEN) return false;
    this.socket.send(text);
    return true;
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  private send(type: number, id: number, data = ''): boolean {
    const text = encodeMessage(type, id, data);
    if (!this.sendRaw(text)) return false;
    this.emit({ kind: 'sent', message: { type, id, data }, text });
    return true;
  }

  // #region receive
  private receive(frame: unknown): void {
    const text = typeof frame === 'string' ? frame : '';
    const parsed = parseServerMessage(frame);
    if (!parsed.ok) {
      this.emit({ kind: 'invalid', text, reason: parsed.reason });
      return;
    }
    const m = parsed.message;
    // A candidate Godot's client cannot split is dropped before anything else is reported.
    const candidate = m.type === MessageType.CANDIDATE ? decodeCandidate(m.data) : null;
    if (m.type === MessageType.CANDIDATE && !candidate) {
      this.emit({ kind: 'invalid', text, reason: 'candidate data is not "\\n" mid "\\n" index "\\n" candidate' });
      return;
    }
    this.emit({ kind: 'received', message: m, text });
    switch (m.type) {
      case MessageType.ID:
        this.update({ id: m.id, mesh: m.data === 'true' });
        return this.emit({ kind: 'id', id: m.id, mesh: m.data === 'true' });
      case MessageType.JOIN:
        this.update({ lobby: m.data });
        return this.emit({ kind: 'joined', lobby: m.data });
      case MessageType.PEER_CONNECT:
        if (!this.st.peers.includes(m.id)) this.update({ peers: [...this.st.peers, m.id] });
        return this.emit({ kind: 'peer-connected', id: m.id });
      case MessageType.PEER_DISCONNECT:
        this.update({ peers: this.st.peers.filter((p) => p !== m.id) });
        return this.emit({ kind: 'peer-disconnected', id: m.id });
      case MessageType.SEAL:
        this.update({ sealed: true });
        return this.emit({ kind: 'sealed' });
      case MessageType.OFFER:
        return this.emit({ kind: 'offer', from: m.id, sdp: m.data });
      case MessageType.ANSWER:
        return this.emit({ kind: 'answer', from: m.id, sdp: m.data });
      case MessageType.CANDIDATE:
        return this.emit({ kind: 'candidate', from: m.id, candidate: candidate as LobbyCandidate });
    }
  }
  // #endregion receive

  private update(patch: Partial<LobbyClientState>): void {
    this.st = { ...this.st, ...patch };
  }

  private emit(event: LobbyClientEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
