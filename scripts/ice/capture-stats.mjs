#!/usr/bin/env node
/**
 * Captures real getStats() output and icecandidateerror events from headless Chromium for
 * the fixtures in tests/fixtures/ice/ (read by src/lib/ice/*.test.ts). Not run by vitest.
 *
 * Two RTCPeerConnections in one blank page (alice offers, bob answers), candidates trickled
 * by direct calls, a data channel opened and a few bytes sent. coturn runs on 127.0.0.1 for
 * the STUN/TURN scenarios.
 *
 *   node scripts/ice/capture-stats.mjs [--out tests/fixtures/ice] [--only host-mdns,errors]
 *   CHROMIUM_PATH=/path/to/chromium node scripts/ice/capture-stats.mjs
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../chromium.mjs';
import { startCoturn, freePort } from './coturn.mjs';
import { blankPageServer, inPageSession } from './page-session.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outArg = process.argv.indexOf('--out');
const outDir = resolve(outArg > 0 ? process.argv[outArg + 1] : resolve(here, '../../tests/fixtures/ice'));
mkdirSync(outDir, { recursive: true });

const turn = await startCoturn();
const noLoopbackTurn = await startCoturn({ allowLoopbackPeers: false });
const closedPort = await freePort(); // nothing listens here: STUN requests time out (701 after ~40 s)
const server = await blankPageServer();
// 'plain' is what a reader gets: no media permission, so host candidates are mDNS names.
// 'media' has fake camera/microphone with the prompt auto-accepted: raw host IPs.
const browsers = {
  plain: await launchChromium(),
  media: await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']),
};
const stun = (port) => ({ urls: `stun:127.0.0.1:${port}` });
const turnUdp = (port, credential = 'test') => ({ urls: `turn:127.0.0.1:${port}?transport=udp`, username: 'test', credential });
const turnTcp = (port) => ({ urls: `turn:127.0.0.1:${port}?transport=tcp`, username: 'test', credential: 'test' });

/** name -> [browser, session options, call getUserMedia first] */
const SCENARIOS = {
  // Host candidates only, trickled at once: connects in a few ms.
  'host-mdns': ['plain', { sendBytes: 1000, snapshotOn: ['checking'] }, false],
  // The same after camera/microphone permission: raw host IPs, one per interface.
  'host-raw': ['media', { sendBytes: 1000 }, true],
  // STUN + TURN (udp and tcp), candidates held until gathering completes: host, srflx, relay.
  'stun-turn': ['plain', { iceServers: [stun(turn.port), turnUdp(turn.port), turnTcp(turn.port)], holdCandidates: true, sendBytes: 1000 }, false],
  // iceTransportPolicy 'relay': relay candidates only.
  relay: ['plain', { iceServers: [turnUdp(turn.port)], iceTransportPolicy: 'relay', sendBytes: 1000 }, false],
  // icecandidateerror: unknown STUN host (701 at once), TURN with a wrong password (401),
  // STUN on a port nobody listens on (701 after ~40 s; gathering completes only then).
  errors: [
    'plain',
    { iceServers: [{ urls: 'stun:stun.invalid:3478' }, turnUdp(turn.port, 'wrong'), stun(closedPort)], holdCandidates: true, timeoutMs: 60000 },
    false,
  ],
  // coturn without --allow-loopback-peers refuses the permission (403): relay-only ICE fails.
  'relay-forbidden': ['plain', { iceServers: [turnUdp(noLoopbackTurn.port)], iceTransportPolicy: 'relay', timeoutMs: 6000, snapshotOn: ['checking', 'disconnected', 'failed'] }, false],
};

let failed = false;
try {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : null;
  for (const [name, [which, opts, withMedia]] of Object.entries(SCENARIOS)) {
    if (only && !only.includes(name)) continue;
    const browser = browsers[which];
    const version = browser.version();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    if (withMedia) {
      await page.evaluate(async () => {
        const s = await navigator.mediaDevices.getUserMedia({ audio: true });
        for (const t of s.getTracks()) t.stop();
      });
    }
    const result = await page.evaluate(inPageSession, opts);
    await context.close();
    const fixture = {
      captured: { by: 'scripts/ice/capture-stats.mjs', scenario: name, browser: `Chromium ${version}`, flags: which, date: new Date().toISOString().slice(0, 10) },
      ...result,
    };
    // Ports of our own coturn change every run; the JSON keeps them as captured.
    writeFileSync(resolve(outDir, `${name}.json`), JSON.stringify(fixture, null, 2) + '\n');
    const pairs = (snap) => snap.alice.filter((s) => s.type === 'candidate-pair').length;
    const last = result.snapshots.at(-1);
    console.log(
      `${name.padEnd(16)} ${result.opened.padEnd(13)} alice ${result.candidates.alice.length} candidates, ${last ? pairs(last) : 0} pairs; ` +
        `bob ${result.candidates.bob.length} candidates; ${result.errors.length} errors; final ${JSON.stringify(result.final)}`,
    );
  }
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  for (const b of Object.values(browsers)) await b.close();
  await server.close();
  await turn.stop();
  await noLoopbackTurn.stop();
}
process.exit(failed ? 1 : 0);
