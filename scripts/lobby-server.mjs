#!/usr/bin/env node
// The lobby signalling server of Godot's WebRTC signalling demo (server_node/server.js in
// godotengine/godot-demo-projects), over WebSockets. The protocol logic is the site's own
// src/lib/lobby/server.ts, bundled on the fly with esbuild, so the lab's in-page server and
// this one cannot drift apart.
//
//   npm run lobby-server -- [--host 127.0.0.1] [--port 9080]
//                           [--seal-timeout-ms 10000] [--no-lobby-timeout-ms 1000] [--quiet]
//
// LOBBY_HOST and LOBBY_PORT work too; flags win. --port 0 picks a free port. The first line
// on stdout is "Lobby server listening on ws://HOST:PORT/". Ctrl-C (SIGINT) or SIGTERM closes
// every client with 1001 and exits 0.
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { importTs } from './import-ts.mjs';

/** server.ts, protocol.ts and ws-adapter.ts, bundled for Node. */
function loadLib() {
  return importTs(
    'lobby-server',
    "export { LobbyServer } from './src/lib/lobby/server.ts'; export { serveLobby } from './src/lib/lobby/ws-adapter.ts'; export { LOBBY_LIMITS, DEFAULT_PORT } from './src/lib/lobby/protocol.ts';",
  );
}

function fail(message) {
  console.error(`lobby-server: ${message}`);
  process.exit(2);
}

function number(name, text, { min, max }) {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(String(text).trim()) || n < min || n > max) fail(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

async function main() {
  let opts;
  try {
    ({ values: opts } = parseArgs({
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'seal-timeout-ms': { type: 'string' },
        'no-lobby-timeout-ms': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    fail(err.message);
  }
  if (opts.help) {
    console.log(
      'Usage: npm run lobby-server -- [--host 127.0.0.1] [--port 9080] [--seal-timeout-ms 10000] [--no-lobby-timeout-ms 1000] [--quiet]',
    );
    return;
  }
  const lib = await loadLib();
  const host = opts.host ?? process.env.LOBBY_HOST ?? '127.0.0.1';
  const port = number('--port', opts.port ?? process.env.LOBBY_PORT, { min: 0, max: 65535 }) ?? lib.DEFAULT_PORT;
  const limits = {};
  const seal = number('--seal-timeout-ms', opts['seal-timeout-ms'], { min: 0, max: 86_400_000 });
  const noLobby = number('--no-lobby-timeout-ms', opts['no-lobby-timeout-ms'], { min: 0, max: 86_400_000 });
  if (seal !== undefined) limits.sealCloseTimeoutMs = seal;
  if (noLobby !== undefined) limits.noLobbyTimeoutMs = noLobby;

  const log = opts.quiet ? () => {} : (line) => console.log(line);
  const server = new lib.LobbyServer({ limits, log });
  // ws's own cap; frames up to it reach the server, which refuses any over 64 KiB with a reason.
  const wss = new WebSocketServer({ host, port, maxPayload: 1024 * 1024 });
  wss.on('error', (err) => {
    const why = err.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use (try --port)` : err.message;
    console.error(`lobby-server: ${why}`);
    process.exit(1);
  });
  const serving = lib.serveLobby(wss, server, { pingIntervalMs: lib.LOBBY_LIMITS.pingIntervalMs, log });
  wss.on('listening', () => {
    const addr = wss.address();
    const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    console.log(`Lobby server listening on ws://${shown}:${addr.port}/`);
  });

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    if (!opts.quiet) console.log(`${signal}: closing`);
    serving.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
