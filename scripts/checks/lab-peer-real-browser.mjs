#!/usr/bin/env node
/**
 * Real-browser check for LabPeer (not run by vitest).
 *
 * Bundles src/lib/peer/lab-peer.ts with esbuild, loads it into a blank page in headless
 * Chromium, and wires two LabPeers directly (alice.send -> bob.handleSignal and back, each
 * signal round-tripped through JSON as on the wire). Alice first receives bob's 'online'
 * status, which makes her offer. Checks that both data channels open and chat crosses both
 * ways, that every RTCPeerConnection call succeeded (including end-of-candidates), then runs
 * one "reordered" session in which alice's candidates reach bob before her offer, to prove
 * buffering and flushing against a real browser. Prints the median time from the status
 * delivery to both channels open.
 *
 *   node scripts/checks/lab-peer-real-browser.mjs [--runs 10]
 *   CHROMIUM_PATH=/path/to/chromium node scripts/checks/lab-peer-real-browser.mjs
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchChromium } from '../chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const entry = resolve(here, '../../src/lib/peer/lab-peer.ts');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;


const bundle = await build({
  entryPoints: [entry],
  bundle: true,
  format: 'iife',
  globalName: 'LabPeerLib',
  platform: 'browser',
  target: 'es2022',
  write: false,
});
const code = bundle.outputFiles[0].text;

const browser = await launchChromium();

let failed = false;
try {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><title>LabPeer check</title>');
  await page.addScriptTag({ content: code });

  const result = await page.evaluate(async (runs) => {
    const { LabPeer } = /** @type {any} */ (globalThis).LabPeerLib;
    const SESSION = 'check';

    /** One session; `reorder` holds alice's offer until her end-of-candidates has gone out. */
    async function session(reorder) {
      const traces = { alice: [], bob: [] };
      const peers = {};
      const held = [];
      let offerHeld = null;
      const wire = (signal) => JSON.parse(JSON.stringify(signal));
      const deliver = (signal) => peers[signal.to].handleSignal(wire(signal));
      const send = (signal) => {
        if (reorder && signal.kind === 'offer') {
          offerHeld = signal;
          return;
        }
        if (reorder && offerHeld && signal.from === 'alice') {
          held.push(signal);
          if (signal.kind === 'end-of-candidates') {
            for (const s of held) deliver(s);
            deliver(offerHeld);
          }
          return;
        }
        deliver(signal);
      };
      let resolveOpen;
      const bothOpen = new Promise((r) => (resolveOpen = r));
      let opened = 0;
      for (const [id, remoteId, role] of [
        ['alice', 'bob', 'offerer'],
        ['bob', 'alice', 'answerer'],
      ]) {
        peers[id] = new LabPeer({
          id,
          remoteId,
          role,
          session: SESSION,
          createPeerConnection: (config) => new RTCPeerConnection(config),
          emit: (e) => {
            traces[id].push(e);
            if (e.type === 'channel' && e.state === 'open' && ++opened === 2) resolveOpen();
          },
          send,
          traceReceivedChat: true, // separate traces per peer here, so record receipt too
        });
      }
      peers.alice.start();
      peers.bob.start();
      const t0 = performance.now();
      peers.alice.handleSignal({ v: 1, kind: 'status', from: 'bob', session: SESSION, mid: 'bob-0', ts: Date.now(), status: 'online' });
      const timeout = new Promise((r) => setTimeout(() => r('timeout'), 10_000));
      const outcome = await Promise.race([bothOpen.then(() => 'open'), timeout]);
      const ms = performance.now() - t0;

      let chat = false;
      if (outcome === 'open') {
        peers.alice.sendChat('hello bob');
        peers.bob.sendChat('hi alice');
        const deadline = performance.now() + 2000;
        const got = (id, text) => traces[id].some((e) => e.type === 'chat' && e.to === id && e.text === text);
        while (performance.now() < deadline && !(got('bob', 'hello bob') && got('alice', 'hi alice'))) {
          await new Promise((r) => setTimeout(r, 5));
        }
        chat = got('bob', 'hello bob') && got('alice', 'hi alice');
      }
      // Let the trailing end-of-candidates settle before judging the trace.
      const deadline = performance.now() + 3000;
      const eocAdded = (id) => traces[id].some((e) => e.type === 'api' && e.call === 'addIceCandidate' && e.detail === 'end-of-candidates');
      while (performance.now() < deadline && !(eocAdded('alice') && eocAdded('bob'))) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const states = { alice: peers.alice.states, bob: peers.bob.states };
      peers.alice.close();
      peers.bob.close();
      await new Promise((r) => setTimeout(r, 50));

      const all = [...traces.alice, ...traces.bob];
      const failures = all.filter((e) => e.type === 'api' && !e.ok).map((e) => `${e.peer} ${e.call}: ${e.detail}`);
      const gathered = all.filter((e) => e.type === 'candidate-gathered' && e.candidate).map((e) => e.candidate);
      const calls = (id) => traces[id].filter((e) => e.type === 'api').map((e) => `${e.call}${e.ok ? '' : ' FAIL'}`);
      return {
        outcome,
        ms,
        chat,
        failures,
        eoc: { alice: eocAdded('alice'), bob: eocAdded('bob') },
        buffered: traces.bob.filter((e) => e.type === 'candidate-buffered').length,
        flushed: traces.bob.filter((e) => e.type === 'candidates-flushed').map((e) => e.count),
        mdns: gathered.length > 0 && gathered.every((c) => / [0-9a-f-]+\.local /.test(c)),
        gatheredCount: gathered.length,
        states,
        calls: { alice: calls('alice'), bob: calls('bob') },
        closedTrace: traces.alice.slice(-6).map((e) => `${e.type} ${e.machine ?? e.call ?? e.state ?? ''}=${e.value ?? e.ok ?? ''}`),
      };
    }

    const normal = [];
    for (let i = 0; i < runs; i++) normal.push(await session(false));
    const reordered = await session(true);
    return { normal, reordered, userAgent: navigator.userAgent };
  }, RUNS);

  const times = result.normal.map((r) => r.ms).sort((a, b) => a - b);
  const median = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
  console.log(result.userAgent);
  result.normal.forEach((r, i) => {
    console.log(
      `run ${String(i + 1).padStart(2)}: ${r.outcome} in ${r.ms.toFixed(1)} ms, chat ${r.chat ? 'ok' : 'FAILED'}, ` +
        `${r.gatheredCount} candidates${r.mdns ? ' (all mDNS .local)' : ''}, end-of-candidates added: alice ${r.eoc.alice} bob ${r.eoc.bob}` +
        (r.failures.length ? `, API failures: ${r.failures.join('; ')}` : ''),
    );
    if (r.outcome !== 'open' || !r.chat || r.failures.length || !r.eoc.alice || !r.eoc.bob) failed = true;
  });
  const first = result.normal[0];
  console.log('alice api calls:', first.calls.alice.join(', '));
  console.log('bob api calls:  ', first.calls.bob.join(', '));
  console.log('states before close:', JSON.stringify(first.states));
  const r = result.reordered;
  console.log(
    `reordered (candidates before offer): ${r.outcome} in ${r.ms.toFixed(1)} ms, chat ${r.chat ? 'ok' : 'FAILED'}, ` +
      `bob buffered ${r.buffered}, flushed ${JSON.stringify(r.flushed)}` +
      (r.failures.length ? `, API failures: ${r.failures.join('; ')}` : ''),
  );
  if (r.outcome !== 'open' || !r.chat || r.failures.length || r.buffered === 0 || r.flushed[0] !== r.buffered) failed = true;
  console.log(`median time from 'online' status to both channels open over ${times.length} runs: ${median.toFixed(1)} ms ` +
    `(min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)})`);
} finally {
  await browser.close();
}
console.log(failed ? 'FAIL' : 'OK');
process.exit(failed ? 1 : 0);
