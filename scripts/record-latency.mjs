#!/usr/bin/env node
// Records the latency run the direct-path chapter shows next to the reader's own: a real
// mosquitto on 127.0.0.1 (MQTT over its WebSocket listener) and headless Chromium against
// the built site. The chapter's own experiment runs, as a reader would run it (broker: the
// mosquitto's ws:// URL), and its "Save results (JSON)" file is written, with the machine,
// the Chromium and the mosquitto versions added, to src/data/latency/mosquitto.json.
//
//   npm run build && npm run latency:record [-- --rounds 20] [-- --dist path/to/build]
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import { importTs } from './import-ts.mjs';
import { option, runMain, withSiteInChromium } from './lib/site-script.mjs';

const OUT = new URL('../src/data/latency/mosquitto.json', import.meta.url);

/** "mosquitto 2.0.21": what `mosquitto -h` prints on its first line. */
function mosquittoVersion(bin) {
  const r = spawnSync(bin, ['-h'], { encoding: 'utf8' });
  const m = /mosquitto version (\S+)/.exec(`${r.stdout}${r.stderr}`);
  return m ? `mosquitto ${m[1]}` : 'mosquitto (version unknown)';
}

function machine() {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}`;
}

async function main() {
  const rounds = Number(option('rounds', '20'));
  const lib = await importTs(
    'record-latency',
    [
      "export { startMosquitto } from './tests/e2e/support/mosquitto.ts';",
      "export { findMosquitto } from './tests/e2e/support/mosquitto-config.ts';",
      "export { parseLatencyCapture } from './src/lib/latency/capture.ts';",
    ].join('\n'),
  );
  await withSiteInChromium(async ({ browser, url }) => {
    const mosquitto = await lib.startMosquitto();
    try {
      const context = await browser.newContext({ baseURL: url, acceptDownloads: true });
      const page = await context.newPage();
      page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
      await page.goto('direct-path/');
      await page.getByText('Which path is faster at 100 KB?').click();
      const lab = page.getByRole('region', { name: 'Latency experiment' });
      await lab.getByRole('button', { name: 'Run the latency test' }).and(page.locator(':enabled')).waitFor();
      await lab.getByRole('combobox', { name: 'Broker' }).selectOption('custom');
      await lab.getByRole('textbox', { name: 'Broker URL' }).fill(mosquitto.wsUrl);
      await lab.getByRole('spinbutton', { name: 'Round trips per size' }).fill(String(rounds));
      await lab.getByRole('button', { name: 'Run the latency test' }).click();
      await lab.getByRole('button', { name: 'Save results (JSON)' }).waitFor({ timeout: 120_000 });
      const [download] = await Promise.all([page.waitForEvent('download'), lab.getByRole('button', { name: 'Save results (JSON)' }).click()]);
      const saved = JSON.parse(await readFile(await download.path(), 'utf8'));
      saved.environment = {
        browser: `headless Chromium ${browser.version()}`,
        mosquitto: mosquittoVersion(lib.findMosquitto()),
        machine: machine(),
      };
      const parsed = lib.parseLatencyCapture(saved);
      if (!parsed.ok) throw new Error(`the experiment saved a file it cannot read back: ${parsed.reason}`);
      await writeFile(OUT, `${JSON.stringify(saved, null, 2)}\n`);
      for (const r of parsed.capture.results) console.log(`${r.path.padEnd(13)} ${String(r.size).padStart(6)} B  median ${r.summary?.median.toFixed(2)} ms  (${r.samples.length} round trips${r.errors.length ? `, ${r.errors.length} failed` : ''})`);
      console.log(`written: ${OUT.pathname}`);
      await context.close();
    } finally {
      await mosquitto.stop();
    }
  });
}

runMain(main);
