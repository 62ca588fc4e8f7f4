/**
 * Issue 14: a peer that stops reading while a stranger floods it with offers. The real
 * `npm run lobby-server` process; the slow peer's socket is paused, so the kernel's buffers
 * fill and everything relayed to it would pile up in the server. The server's resident
 * memory (/proc/<pid>/status VmRSS) is sampled throughout.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type Server } from './fixtures';
import { CLOSE, LOBBY_LIMITS, encodeMessage, parseServerMessage, type LobbyMessage } from './protocol';

const OFFERS = 4000;
const OFFER_BYTES = 60_000;

function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** A ws client that collects what it receives and the close. */
function connect(url: string) {
  const ws = new WebSocket(url);
  const got: LobbyMessage[] = [];
  let wake: () => void = () => undefined;
  ws.on('message', (data) => {
    const parsed = parseServerMessage(data.toString(), Infinity);
    if (parsed.ok) got.push(parsed.message);
    wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const until = (n: number) =>
    new Promise<void>((resolve) => {
      wake = () => got.length >= n && resolve();
      wake();
    });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, got, closed, until, opened };
}

let server: Server;
beforeAll(async () => {
  server = await startServer(['--quiet']);
}, 30_000);
afterAll(() => {
  server?.proc.kill('SIGKILL');
});

it(`a peer that stops reading is closed with ${CLOSE.SLOW_READER.code}, and the server's memory stays bounded`, async () => {
  const pid = server.proc.pid!;
  const host = connect(server.url);
  await host.opened;
  host.ws.send(encodeMessage(0, 0, ''));
  await host.until(2); // ID, JOIN echo
  const lobby = host.got[1]!.data;
  const slow = connect(server.url);
  await slow.opened;
  slow.ws.send(encodeMessage(0, 0, lobby));
  await slow.until(3); // ID, PEER_CONNECT host, JOIN echo
  const slowId = slow.got[0]!.id;
  // Stop reading: the socket is paused, as a stuck or hostile client would leave it.
  slow.ws.pause();

  const baseline = rssMiB(pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20);
  const sdp = 'v=0\r\n' + 'a'.repeat(OFFER_BYTES);
  const started = Date.now();
  for (let n = 0; n < OFFERS; n++) {
    // Wait for our own socket every 50 offers, so the test process does not buffer 240 MB itself.
    if (n % 50 === 49) await new Promise<void>((resolve, reject) => host.ws.send(encodeMessage(4, slowId, sdp), (err) => (err ? reject(err) : resolve())));
    else host.ws.send(encodeMessage(4, slowId, sdp));
  }
  // The server has read them all once it answers a ping sent after the last.
  await new Promise<void>((resolve) => {
    host.ws.once('pong', () => resolve());
    host.ws.ping();
  });
  const floodMs = Date.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, rssMiB(pid));
  console.log(`lobby server RSS: ${baseline.toFixed(0)} MiB before, ${peak.toFixed(0)} MiB at most while ${OFFERS} × ${OFFER_BYTES / 1000} KB offers went to a peer that does not read (${floodMs} ms)`);

  // Reading again, the slow peer gets what was buffered, then the close with its reason.
  slow.ws.resume();
  expect(await slow.closed).toEqual({ code: CLOSE.SLOW_READER.code, reason: CLOSE.SLOW_READER.reason });
  const relayed = slow.got.filter((m) => m.type === 4).length;
  expect(relayed).toBeGreaterThan(0);
  // What reached it: the server's bounded buffer, plus what the kernel's socket buffers at both
  // ends held (loopback TCP auto-tunes them to several MiB), far below the 240 MB sent.
  expect(relayed * OFFER_BYTES).toBeLessThan(LOBBY_LIMITS.maxBufferedBytes + 16 * 1024 * 1024);
  // Bounded: the offers total 240 MB; without the bound the server grew from 60 to 424 MiB.
  // With it, about 55 MiB: the 4 MiB buffer, and the garbage of parsing 240 MB before GC.
  expect(peak - baseline).toBeLessThan(120);
  // The server carries on: the host is still connected and a newcomer can join.
  expect(host.ws.readyState).toBe(WebSocket.OPEN);
  const fresh = connect(server.url);
  await fresh.opened;
  fresh.ws.send(encodeMessage(0, 0, lobby));
  await fresh.until(1);
  expect(fresh.got[0]!.type).toBe(1);
  fresh.ws.close();
  host.ws.close();
}, 120_000);
