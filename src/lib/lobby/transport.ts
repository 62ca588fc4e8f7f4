/**
 * Where the lobby lab's clients connect: the server running in this page (LobbyServer over
 * in-memory sockets, no network), or a real `npm run lobby-server` at a ws:// URL.
 */
import type { LobbySocket } from './client';
import { InMemoryLobbyNetwork } from './in-memory';
import { IN_PAGE_SERVER } from './params';
import { LobbyServer, type LobbyInfo, type LobbyServerOptions } from './server';

export interface LobbyTransportHandle {
  /** 'in-page' or the URL. */
  readonly label: string;
  /** Opens one connection, like `new WebSocket(url)`. */
  connect(): LobbySocket;
  /** In-page only: what the server itself knows (a real server's state is not visible from the page). */
  snapshot?(): { connections: number; lobbies: LobbyInfo[] };
  /** Stops the in-page server's timers. Connections are closed by their clients. */
  dispose(): void;
}

/** Pass `log` to receive server.js's console lines ("Peer 7 created lobby …"). */
export function inPageTransport(options: LobbyServerOptions = {}): LobbyTransportHandle {
  const server = new LobbyServer(options);
  const network = new InMemoryLobbyNetwork(server);
  return {
    label: IN_PAGE_SERVER,
    connect: () => network.connect(),
    snapshot: () => server.snapshot(),
    dispose: () => server.dispose(),
  };
}

type WebSocketCtor = new (url: string) => LobbySocket;

/** A real server; the page passes its WebSocket constructor in. */
export function webSocketTransport(url: string, Ctor: WebSocketCtor): LobbyTransportHandle {
  return {
    label: url,
    connect: () => new Ctor(url),
    dispose: () => {},
  };
}
