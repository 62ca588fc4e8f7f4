#!/usr/bin/env node
// Soak test (not part of CI): runs lab session after lab session in one page, with the
// in-page broker, for a while (default 30 minutes). After each session it presses Reset,
// forces a garbage collection and records the JS heap. It fails when the heap keeps
// growing: a least-squares slope over the second half of the run above the limit, or the
// last sessions using far more than the first settled ones.
//
//   npm run build && npm run soak -- [--minutes 30] [--dist path] [--max-slope-kb 64]
import { resolve } from 'node:path';
import { ensureBuilt, serveDir, slope, startPreview } from './bench/lib.mjs';
import { launchChromium } from './chromium.mjs';

function arg(name, fallback) {
  const k = process.argv.indexOf(`--${name}`);
  return k === -1 ? fallback : process.argv[k + 1];
}

const MINUTES = Number(arg('minutes', '30'));
const MAX_SLOPE_KB = Number(arg('max-slope-kb', '64'));
const MAX_GROWTH_MB = Number(arg('max-growth-mb', '20'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

async function main() {
  const dist = arg('dist', null);
  if (dist) serveDir(resolve(dist));
  else ensureBuilt();
  const preview = await startPreview();
  const browser = await launchChromium();
  const samples = [];
  try {
    const page = await browser.newPage({ baseURL: preview.url });
    const errors = [];
    page.on('pageerror', (err) => errors.push(err.message));
    const cdp = await page.context().newCDPSession(page);
    await page.goto('lab/');
    const lab = page.getByRole('region', { name: /lab$/ }).first();
    const until = Date.now() + MINUTES * 60_000;
    while (Date.now() < until) {
      const started = Date.now();
      await lab.getByRole('button', { name: 'Start' }).click();
      await lab.getByRole('button', { name: 'Play' }).click();
      await lab.getByText('Data channel open').waitFor({ timeout: 30_000 });
      await lab.getByRole('button', { name: 'Reset' }).click();
      await lab.getByRole('button', { name: 'Start' }).waitFor({ state: 'visible' });
      await page.waitForTimeout(200);
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      samples.push(usedSize);
      const n = samples.length;
      if (n === 1 || n % 10 === 0) {
        console.log(`session ${n}: heap ${(usedSize / 1e6).toFixed(2)} MB, ${Date.now() - started} ms`);
      }
    }
    if (errors.length) throw new Error(`page errors during the soak:\n${errors.slice(0, 5).join('\n')}`);
  } finally {
    await browser.close();
    await preview.stop();
  }

  if (samples.length < 10) throw new Error(`only ${samples.length} sessions ran; run longer`);
  const half = samples.slice(Math.floor(samples.length / 2));
  const perSession = slope(half);
  const early = median(samples.slice(2, 7));
  const late = median(samples.slice(-5));
  console.log(
    `\n${samples.length} sessions in ${MINUTES} min. Heap after GC: first ${(samples[0] / 1e6).toFixed(2)} MB, ` +
      `early median ${(early / 1e6).toFixed(2)} MB, last median ${(late / 1e6).toFixed(2)} MB; ` +
      `trend over the second half ${(perSession / 1024).toFixed(1)} KB per session.`,
  );
  const failures = [];
  if (perSession / 1024 > MAX_SLOPE_KB) failures.push(`heap grows ${(perSession / 1024).toFixed(1)} KB per session (limit ${MAX_SLOPE_KB})`);
  if ((late - early) / 1e6 > MAX_GROWTH_MB) failures.push(`heap grew ${((late - early) / 1e6).toFixed(1)} MB (limit ${MAX_GROWTH_MB})`);
  if (failures.length) {
    console.error(`soak: FAIL: ${failures.join('; ')}`);
    process.exit(1);
  }
  console.log('soak: ok, memory is bounded');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
