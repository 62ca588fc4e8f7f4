#!/usr/bin/env node
// Soak test (not part of CI): runs lab session after lab session in one page, with the
// in-page broker, for a while (default 30 minutes). After each session it presses Reset,
// forces a garbage collection and records the JS heap. It fails when the heap keeps
// growing: a least-squares slope over the second half of the run above the limit, or the
// last sessions using far more than the first settled ones.
//
//   npm run build && npm run soak -- [--minutes 30] [--dist path] [--max-slope-kb 64]
import { median, slope } from './bench/lib.mjs';
import { option, runMain, withSiteInChromium } from './lib/site-script.mjs';
import { failOnPageErrors, soakPage } from './lib/soak.mjs';

const MINUTES = Number(option('minutes', '30'));
const MAX_SLOPE_KB = Number(option('max-slope-kb', '64'));
const MAX_GROWTH_MB = Number(option('max-growth-mb', '20'));

async function main() {
  const samples = [];
  await withSiteInChromium(async ({ browser, url }) => {
    const { page, errors, heapAfterGc } = await soakPage(browser, url);
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
      const usedSize = await heapAfterGc();
      samples.push(usedSize);
      const n = samples.length;
      if (n === 1 || n % 10 === 0) {
        console.log(`session ${n}: heap ${(usedSize / 1e6).toFixed(2)} MB, ${Date.now() - started} ms`);
      }
    }
    failOnPageErrors(errors);
  });

  if (samples.length < 10) throw new Error(`only ${samples.length} sessions ran; run longer`);
  const half = samples.slice(Math.floor(samples.length / 2));
  const perSession = slope(half);
  // Five each (odd): the median is a sample, not a mean of two.
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

runMain(main);
