#!/usr/bin/env node
// Hostile soak (not part of CI): one lab session on a real mosquitto (127.0.0.1, started here)
// while a second client floods the session's topics with mixed junk for a while (default 30
// minutes): oversized payloads, malformed ones (bad UTF-8, not JSON, nested, wrong shapes,
// control characters), valid-looking forged statuses from many peers on many topics, and
// forged offers to both peers. Every minute it forces a garbage collection and records the
// page's JS heap, how long the page takes to answer a trivial evaluate, and what the lab has
// counted. It fails when the heap after GC grows past the limit, a probe takes over 2 s, or
// the page throws.
//
//   npm run build && npm run soak:hostile -- [--minutes 30] [--rate 200] [--big-mb 10]
//     [--big-every-s 10] [--topics 500] [--kinds forged-status,nested,…] [--max-growth-mb 64]
//     [--dist path]
// --kinds picks the junk (default all: forged-status, forged-offer, bad-utf8, not-json,
// nested, wrong-shape, controls); --big-mb 0 sends no oversized ones.
import mqtt from 'mqtt';
import { median, slope } from './bench/lib.mjs';
import { loadServers } from './bench/connect.mjs';
import { option, runMain, withSiteInChromium } from './lib/site-script.mjs';
import { failOnPageErrors, soakPage } from './lib/soak.mjs';

const MINUTES = Number(option('minutes', '30'));
/** Junk messages per second, besides the oversized ones. */
const RATE = Number(option('rate', '200'));
const BIG_MB = Number(option('big-mb', '10'));
const BIG_EVERY_S = Number(option('big-every-s', '10'));
/** Distinct forged peers (each its own status topic). */
const TOPICS = Number(option('topics', '500'));
const MAX_GROWTH_MB = Number(option('max-growth-mb', '64'));
const KINDS = option('kinds', null)?.split(',');
const MAX_PROBE_MS = 2000;

const mb = (n) => (n / 1e6).toFixed(1);

/** The junk, by kind: each a function of a counter and the session's root, giving [topic, payload, retain]. */
function junkKinds(root) {
  const status = (from, k) => JSON.stringify({ v: 1, kind: 'status', from, session: `s${k}`, mid: `m${k}`, ts: Date.now(), status: 'online' });
  return {
    'forged-status': (k) => [`${root}/peer${k % TOPICS}/status`, status(`peer${k % TOPICS}`, k), k % 10 === 0],
    'forged-offer': (k) => {
      const to = k % 2 ? 'alice' : 'bob';
      const sdp = `v=0\r\no=- ${k} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n`;
      return [`${root}/${to}/signal`, JSON.stringify({ v: 1, kind: 'offer', from: `mallory${k % 50}`, to, session: `s${k}`, mid: `m${k}`, ts: Date.now(), sdp }), false];
    },
    'bad-utf8': (k) => [`${root}/mallory/status`, Buffer.from([0xff, 0xfe, 0xc3, 0x28, k & 0xff]), false],
    'not-json': (k) => [`${root}/bob/signal`, `<img src=x onerror="window.__pwned=${k}">`, false],
    nested: (k) => [`${root}/alice/signal`, '['.repeat(2000 + (k % 100)) + ']'.repeat(2000), false],
    'wrong-shape': (k) => [`${root}/mallory${k % 7}/status`, JSON.stringify({ v: 1, kind: 'status', from: '<b>x</b>', status: 42, junk: 'x'.repeat(k % 4000) }), false],
    controls: (k) => [`${root}/mallory/status`, `\u0000\u0007\u001b[31m\u202e\u2028 ${k}`, false],
  };
}

async function main() {
  const servers = await loadServers();
  const mosquitto = await servers.startMosquitto();
  const samples = [];
  let evil;
  let timer;
  const sent = { messages: 0, bytes: 0, big: 0 };
  try {
    await withSiteInChromium(async ({ browser, url }) => {
      const { page, errors, heapAfterGc } = await soakPage(browser, url, { consoleErrors: true });
      const root = `webrtc-lab/soak${Date.now().toString(36)}`;
      await page.goto(`lab/?broker=${encodeURIComponent(mosquitto.wsUrl)}&root=${encodeURIComponent(root)}`);
      const lab = page.getByRole('region', { name: /lab$/ }).first();
      await lab.getByRole('button', { name: 'Start' }).click();
      await lab.getByRole('button', { name: 'Play' }).click();

      const sample = async (minute) => {
        const at = Date.now();
        await page.evaluate(() => 1 + 1);
        const probeMs = Date.now() - at;
        const usedSize = await heapAfterGc(2);
        const status = ((await lab.locator('.status-line').textContent()) ?? '').replace(/\s+/g, ' ').trim();
        const open = await lab.getByText('Data channel open').isVisible();
        samples.push({ minute, heap: usedSize, probeMs });
        console.log(
          `min ${String(minute).padStart(2)}: heap after GC ${mb(usedSize)} MB, probe ${probeMs} ms, ` +
            `sent ${sent.messages} messages (${sent.big} oversized, ${mb(sent.bytes)} MB)${open ? ', data channel open' : ''}; lab: ${status}`,
        );
      };
      await sample(0);

      evil = await mqtt.connectAsync(mosquitto.mqttUrl, { clientId: `hostile-${Date.now()}` });
      const kinds = Object.entries(junkKinds(root)).filter(([name]) => !KINDS || KINDS.includes(name));
      if (kinds.length === 0) throw new Error(`--kinds: none of ${KINDS} is one of ${Object.keys(junkKinds(root)).join(', ')}`);
      const big = Buffer.alloc(Math.round(BIG_MB * 1e6), '{"v":1,"kind":"status","from":"x"');
      let k = 0;
      let lastBig = Date.now();
      // Every 50 ms, a twentieth of a second's junk; an oversized one every BIG_EVERY_S.
      timer = setInterval(() => {
        for (let n = 0; n < RATE / 20; n++, k++) {
          const [, make] = kinds[k % kinds.length];
          const [topic, payload, retain] = make(k);
          evil.publish(topic, payload, { qos: 0, retain });
          sent.messages++;
          sent.bytes += payload.length;
        }
        if (BIG_MB > 0 && Date.now() - lastBig >= BIG_EVERY_S * 1000) {
          lastBig = Date.now();
          evil.publish(sent.big % 2 ? `${root}/alice/signal` : `${root}/mallory/status`, big, { qos: 0 });
          sent.big++;
          sent.messages++;
          sent.bytes += big.length;
        }
      }, 50);

      const started = Date.now();
      for (let minute = 1; minute <= MINUTES; minute++) {
        await new Promise((r) => setTimeout(r, Math.max(0, started + minute * 60_000 - Date.now())));
        await sample(minute);
      }
      clearInterval(timer);
      timer = undefined;
      await evil.endAsync();
      evil = undefined;
      failOnPageErrors(errors);
    });
  } finally {
    if (timer) clearInterval(timer);
    await evil?.endAsync().catch(() => {});
    await mosquitto.stop();
  }

  const heaps = samples.map((s) => s.heap);
  const settled = heaps.slice(1);
  const half = settled.slice(Math.floor(settled.length / 2));
  const perMinute = slope(half);
  const early = median(settled.slice(0, 3));
  const late = median(settled.slice(-3));
  const slowest = Math.max(...samples.map((s) => s.probeMs));
  console.log(
    `\n${MINUTES} min of ${RATE} junk messages/s (${KINDS?.join(', ') ?? 'every kind'}) and ${BIG_MB} MB every ${BIG_EVERY_S} s (${sent.messages} messages, ${mb(sent.bytes)} MB). ` +
      `Heap after GC: before the flood ${mb(heaps[0])} MB, early median ${mb(early)} MB, last median ${mb(late)} MB, ` +
      `largest ${mb(Math.max(...heaps))} MB; trend over the second half ${(perMinute / 1e3).toFixed(0)} KB per minute; slowest probe ${slowest} ms.`,
  );
  const failures = [];
  if ((late - early) / 1e6 > MAX_GROWTH_MB) failures.push(`heap grew ${mb(late - early)} MB (limit ${MAX_GROWTH_MB})`);
  if (slowest > MAX_PROBE_MS) failures.push(`a probe took ${slowest} ms (limit ${MAX_PROBE_MS})`);
  if (failures.length) {
    console.error(`soak-hostile: FAIL: ${failures.join('; ')}`);
    process.exit(1);
  }
  console.log('soak-hostile: ok, memory is bounded and the page answers');
}

runMain(main);
