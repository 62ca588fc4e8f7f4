/**
 * The lobby server and its clients in one page, with no network: each connect() returns a
 * WebSocket-like socket wired to a LobbyServer. Delivery is asynchronous and in order, like a
 * socket (queueMicrotask by default; pass `schedule` to slow it down or step it).
 *
 * Close follows RFC 6455 §7: whoever closes first sends the code and reason; the other side's
 * close event carries them; nothing sent after that is delivered. A client close() without a
 * code reports 1005 (no status received), as browsers do.
 */
import type { LobbyServer, LobbyTransport } from './server';
import type { LobbySocket } from './client';

export interface LobbyFrame {
  /** Which connection (1, 2, … in connect order). */
  connection: number;
  direction: 'to-server' | 'to-client';
  /** The text, or for a binary frame its bytes. */
  data: string | Uint8Array;
}

export interface InMemoryLobbyOptions {
  /** Runs a delivery later; default queueMicrotask. Must keep order. */
  schedule?: (task: () => void) => void;
  /** Every frame as it is delivered, and every close, for an inspector. */
  onFrame?: (frame: LobbyFrame) => void;
  onClose?: (event: { connection: number; by: 'client' | 'server'; code: number; reason: string }) => void;
}

type Listener = (event: never) => void;

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

export class InMemorySocket implements LobbySocket {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;

  readyState: number = CONNECTING;
  private listeners = new Map<string, Set<Listener>>();

  constructor(
    /** 1, 2, … in connect order. */
    readonly connection: number,
    private readonly link: {
      send(data: string | Uint8Array): void;
      close(code: number | undefined, reason: string): void;
    },
  ) {}

  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string; wasClean: boolean }) => void): void;
  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  /** Like WebSocket.send: throws while connecting, drops silently once closing. */
  send(data: string | Uint8Array): void {
    if (this.readyState === CONNECTING) throw new Error("InvalidStateError: Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.");
    if (this.readyState !== OPEN) return;
    this.link.send(data);
  }

  close(code?: number, reason = ''): void {
    if (this.readyState === CLOSING || this.readyState === CLOSED) return;
    this.readyState = CLOSING;
    this.link.close(code, reason);
  }

  /** @internal */
  dispatch(type: 'open' | 'message' | 'close', event: unknown): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) (listener as (e: unknown) => void)(event);
  }
}

export class InMemoryLobbyNetwork {
  private count = 0;
  private readonly schedule: (task: () => void) => void;

  constructor(
    readonly server: LobbyServer,
    private readonly options: InMemoryLobbyOptions = {},
  ) {
    this.schedule = options.schedule ?? ((task) => queueMicrotask(task));
  }

  /** Open a connection to the server, like `new WebSocket(url)`. */
  connect(): InMemorySocket {
    const connection = ++this.count;
    const { server, schedule, options } = this;
    // Set once either side starts closing; after that nothing more is delivered either way.
    let closed = false;

    const finish = (by: 'client' | 'server', code: number, reason: string) => {
      schedule(() => {
        socket.readyState = CLOSED;
        options.onClose?.({ connection, by, code, reason });
        socket.dispatch('close', { code, reason, wasClean: true });
        server.onClose(transport, code, reason);
      });
    };

    const transport: LobbyTransport = {
      send(text) {
        if (closed) return;
        schedule(() => {
          if (socket.readyState === CLOSED) return;
          options.onFrame?.({ connection, direction: 'to-client', data: text });
          socket.dispatch('message', { data: text });
        });
      },
      close(code, reason) {
        if (closed) return;
        closed = true;
        if (socket.readyState === OPEN) socket.readyState = CLOSING;
        finish('server', code, reason);
      },
    };

    const socket = new InMemorySocket(connection, {
      send(data) {
        if (closed) return;
        schedule(() => {
          options.onFrame?.({ connection, direction: 'to-server', data });
          server.onMessage(transport, data);
        });
      },
      close(code, reason) {
        if (closed) return;
        closed = true;
        finish('client', code ?? 1005, reason);
      },
    });

    schedule(() => {
      if (socket.readyState !== CONNECTING) return;
      socket.readyState = OPEN;
      // The server may refuse (too many peers): open, then the close it already scheduled.
      server.onConnect(transport);
      socket.dispatch('open', {});
    });
    return socket;
  }
}
