#!/usr/bin/env node
// Records the example traces in public/traces/ from real sessions: each scenario opens a
// lab in Chromium against the built site, runs it, presses Export trace, redacts IP
// addresses and ICE credentials, and writes the file. Scenarios are scripted step by step
// with a fixed topic root, so a re-recording has the same shape (addresses, ports and
// timings are the browser's own and do change).
//
//   npm run build && node scripts/record-traces.mjs [--only id,id] [--dist path/to/build]
//
// The list of examples the site shows is src/lib/trace/examples.ts; a unit test checks that
// every file there exists and imports cleanly.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { importTs } from './import-ts.mjs';
import { option, runMain, withSiteInChromium } from './lib/site-script.mjs';
const OUT = new URL('../public/traces/', import.meta.url);
const EXPORTED_AT = new Date('2026-01-01T00:00:00.000Z');

const ROOT_PARAM = 'root=webrtc-lab/example';

/** @param {import('@playwright/test').Page} page */
const labOf = (page) => page.getByRole('region', { name: /lab$/ }).first();

/**
 * Opens a page and scrolls its lab into view: chapter labs hydrate only when visible.
 * @param {import('@playwright/test').Page} page
 * @param {string} url
 */
async function openLab(page, url) {
  await page.goto(url);
  await labOf(page).scrollIntoViewIfNeeded();
}

/** @param {import('@playwright/test').Page} page */
async function untilOpen(page) {
  await labOf(page).getByText('Data channel open').first().waitFor({ timeout: 30_000 });
}

/**
 * One scenario per example in src/lib/trace/examples.ts (same ids). `env` holds a coturn on
 * 127.0.0.1 for the STUN and TURN examples, and what the Godot example needs: a mosquitto
 * started for it and the tests' Node peer of the Godot 3 demo.
 * @type {Record<string, (page: import('@playwright/test').Page, env: any) => Promise<void>>}
 */
const SCENARIOS = {
  async trickle(page) {
    await openLab(page, `lab/?autoplay=1&${ROOT_PARAM}`);
    await untilOpen(page);
    await page.getByRole('textbox', { name: 'Chat message' }).fill('hello over the data channel');
    await page.getByRole('textbox', { name: 'Chat message' }).press('Enter');
    await page.getByRole('list', { name: 'Chat log' }).waitFor();
  },
  async vanilla(page) {
    await openLab(page, `signalling/?autoplay=1&ice-mode=vanilla&${ROOT_PARAM}`);
    await untilOpen(page);
  },
  async 'glare-polite'(page) {
    await openLab(page, `signalling/?autoplay=1&glare=polite&${ROOT_PARAM}`);
    await untilOpen(page);
  },
  async 'pull-the-plug'(page) {
    await openLab(page, `lab/?autoplay=1&${ROOT_PARAM}`);
    await untilOpen(page);
    const lab = labOf(page);
    await lab.getByRole('button', { name: 'Pull the plug' }).click();
    await lab.getByRole('table').getByText(/^will: bob offline/).first().waitFor({ timeout: 20_000 });
  },
  async 'mqtt-will'(page) {
    await openLab(page, `mqtt/?autoplay=1&${ROOT_PARAM}`);
    const lab = labOf(page);
    await lab.getByRole('table').getByText(/status: bob online/).first().waitFor({ timeout: 20_000 });
    const form = lab.getByRole('region', { name: 'Publish a message over MQTT' });
    await form.getByRole('button', { name: 'Publish' }).click();
    await lab.getByRole('table').getByText(/^chat: /).first().waitFor({ timeout: 10_000 });
    await lab.getByRole('button', { name: 'Pull the plug' }).click();
    await lab.getByRole('table').getByText(/^will: bob offline/).first().waitFor({ timeout: 20_000 });
  },
  async 'drop-alice-hosts'(page) {
    await openLab(page, `ice/?${ROOT_PARAM}`);
    const lab = labOf(page);
    await lab.scrollIntoViewIfNeeded();
    const discard = lab.getByRole('checkbox', { name: "Discard alice's host candidates" });
    await discard.waitFor();
    await page.waitForFunction(() => !document.querySelector('section[aria-label$="lab"] input[type=checkbox]:disabled'));
    await discard.check();
    await lab.getByRole('button', { name: 'Start' }).click();
    await lab.getByRole('button', { name: 'Play' }).click();
    await untilOpen(page);
  },
  async srflx(page, { coturn }) {
    const ice = encodeURIComponent(JSON.stringify([{ urls: coturn.stunUrl }]));
    await openLab(page, `stun/?autoplay=1&ice=${ice}&${ROOT_PARAM}`);
    await untilOpen(page);
  },
  async relay(page, { coturn }) {
    const ice = encodeURIComponent(JSON.stringify([{ urls: coturn.turnUrl, username: coturn.user, credential: coturn.password }]));
    await openLab(page, `turn/?autoplay=1&policy=relay&ice=${ice}&${ROOT_PARAM}`);
    await untilOpen(page);
  },
  // The watch mode over a real mosquitto: a peer of the Godot 3 demo (Node, werift) and the
  // two-device lab in the demo's dialect, in another page, connect; this page draws both.
  async 'godot-demo'(page, { lib }) {
    const mosquitto = await lib.startMosquitto();
    const root = 'crumble77';
    const broker = encodeURIComponent(mosquitto.wsUrl);
    /** @type {any} */
    let godot = null;
    try {
      await page.goto(`lab/?mode=watch&broker=${broker}&root=${root}`);
      const watch = page.getByRole('region', { name: 'Watch a root' });
      await watch.getByRole('button', { name: 'Start watching' }).click();
      await watch.getByRole('status').filter({ hasText: 'Watching' }).waitFor({ timeout: 15_000 });
      godot = await lib.GodotDemoPeer.join({ mqttUrl: mosquitto.mqttUrl, root, id: 'cat222', other: 'dog111' });
      const browser = await page.context().newPage();
      await browser.goto(`lab/?mode=solo&broker=${broker}&root=${root}&dialect=godot-demo&id=dog111&autoplay=1`);
      const lab = browser.getByRole('region', { name: 'Two-device lab' });
      await lab.getByRole('button', { name: 'Join' }).click();
      await lab.getByRole('button', { name: 'Connect to cat222' }).click();
      await lab.getByText('Data channel open').waitFor({ timeout: 30_000 });
      await godot.channelOpen();
      godot.chatOverMqtt('message #2 from cat222');
      await watch.getByRole('table').getByText(/^chat: /).first().waitFor({ timeout: 10_000 });
      await browser.close();
    } finally {
      await godot?.close();
      await mosquitto.stop();
    }
  },
};

/** The redaction and export code of the site itself, and the tests' coturn, bundled for Node. */
function loadLib() {
  return importTs(
    'record-traces',
    [
      "export { redactTrace } from './src/lib/trace/redact.ts';",
      "export { exportTrace, parseTraceJson } from './src/lib/trace/export.ts';",
      "export { startCoturn } from './tests/e2e/support/coturn.ts';",
      "export { startMosquitto } from './tests/e2e/support/mosquitto.ts';",
      "export { GodotDemoPeer } from './tests/e2e/support/godot-demo-peer.ts';",
    ].join('\n'),
  );
}

async function main() {
  const only = option('only', null)?.split(',') ?? null;
  const ids = Object.keys(SCENARIOS).filter((id) => only === null || only.includes(id));
  const lib = await loadLib();
  await withSiteInChromium(async ({ browser, url }) => {
    const coturn = await lib.startCoturn();
    try {
      await mkdir(OUT, { recursive: true });
      for (const id of ids) {
        const context = await browser.newContext({ baseURL: url, acceptDownloads: true });
        const page = await context.newPage();
        page.on('pageerror', (err) => console.error(`[${id}] page error: ${err.message}`));
        await SCENARIOS[id](page, { coturn, lib });
        const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export trace' }).first().click()]);
        const text = await readFile(await download.path(), 'utf8');
        const parsed = lib.parseTraceJson(text);
        if (!parsed.ok) throw new Error(`${id}: the lab exported a trace it cannot import: ${parsed.reason}`);
        const { events, replaced } = lib.redactTrace(parsed.events, { ips: true, iceCredentials: true });
        await writeFile(new URL(`${id}.json`, OUT), lib.exportTrace(events, EXPORTED_AT));
        console.log(`${id}: ${events.length} events, ${replaced.ips} addresses and ${replaced.credentials} credentials redacted`);
        await context.close();
      }
    } finally {
      await coturn.stop();
    }
  });
}

runMain(main);
