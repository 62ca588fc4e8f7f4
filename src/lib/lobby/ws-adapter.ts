/**
 * Wires a LobbyServer to a `ws` WebSocketServer (Node only; used by scripts/lobby-server.mjs
 * and the integration test). Type-only import: nothing from `ws` is bundled by this module.
 */
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { CLOSE, LOBBY_LIMITS } from './protocol';
import type { LobbyServer, LobbyTransport } from './server';

export interface ServeOptions {
  /** Ping every client this often, as server.js does (it never drops a silent one either). */
  pingIntervalMs?: number;
  log?: (line: string) => void;
}

export interface Serving {
  /** Close every client with 1001, stop pinging, cancel the server's timers, close the listener. */
  close(): Promise<void>;
}

function bytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return new Uint8Array(data as ArrayBuffer);
}

export function serveLobby(wss: WebSocketServer, server: LobbyServer, options: ServeOptions = {}): Serving {
  const log = options.log ?? (() => {});
  wss.on('connection', (ws: WebSocket) => {
    const transport: LobbyTransport = {
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
      close: (code, reason) => ws.close(code, reason),
      bufferedAmount: () => ws.bufferedAmount,
    };
    // The server must survive anything a client does; a throw here would kill the process.
    const guard = (what: string, fn: () => void) => {
      try {
        fn();
      } catch (err) {
        log(`lobby: ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
        ws.terminate();
      }
    };
    ws.on('message', (data: RawData, isBinary: boolean) =>
      guard('message', () => server.onMessage(transport, isBinary ? bytes(data) : data.toString('utf8'))),
    );
    ws.on('close', (code: number, reason: Buffer) => guard('close', () => server.onClose(transport, code, reason.toString('utf8'))));
    // ws closes the socket itself after an error (e.g. 1009 over maxPayload, 1007 bad UTF-8).
    ws.on('error', (err: Error) => log(`lobby: socket error: ${err.message}`));
    guard('connect', () => server.onConnect(transport));
  });

  const ping = setInterval(() => {
    for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.ping();
  }, options.pingIntervalMs ?? LOBBY_LIMITS.pingIntervalMs);
  ping.unref?.();

  return {
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(ping);
        server.dispose();
        for (const ws of wss.clients) ws.close(CLOSE.SHUTTING_DOWN.code, CLOSE.SHUTTING_DOWN.reason);
        // Give the closing handshakes a moment, then cut whatever is left.
        const cut = setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
        }, 1000);
        cut.unref?.();
        wss.close(() => {
          clearTimeout(cut);
          resolve();
        });
      }),
  };
}
