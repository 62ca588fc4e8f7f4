#!/usr/bin/env node
/**
 * Real-browser check of the ICE components (not run by vitest): bundles
 * scripts/ice/harness (the four components fed with tests/fixtures/ice data) with Vite and
 * the Svelte plugin, serves it on 127.0.0.1, and in headless Chromium at 360 px, light and
 * dark, checks accessible names, keyboard selection, the mDNS button and page overflow.
 * Screenshots go to $ICE_SHOTS (default: a temp dir, printed).
 *
 *   node scripts/ice/components-check.mjs
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { launchChromium } from '../chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'ice-harness-'));
const shots = process.env.ICE_SHOTS ?? outDir;
await build({
  root: resolve(here, 'harness'),
  base: './',
  logLevel: 'warn',
  plugins: [svelte({ configFile: false })],
  build: { outDir, emptyOutDir: true, target: 'es2022' },
});

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = createServer((req, res) => {
  const path = join(outDir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/\/$/, '/index.html'));
  if (!path.startsWith(outDir) || !existsSync(path)) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;
if (process.env.ICE_SERVE_ONLY) { console.log(url); await new Promise(() => {}); }

const problems = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) problems.push(what);
};

const browser = await launchChromium();
try {
  for (const colorScheme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width: 360, height: 800 }, colorScheme });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`HTTP ${r.status()} ${r.url()}`));
    await page.goto(url);
    console.log(`\n## ${colorScheme}, 360 px`);
    const cands = page.getByRole('table', { name: 'Candidates', exact: true });
    const pairs = page.getByRole('table', { name: 'Candidate pairs', exact: true });
    check((await cands.count()) === 1, 'a table named "Candidates"');
    check((await pairs.count()) === 1, 'a table named "Candidate pairs"');
    check((await cands.getByText('Gathering complete').count()) === 2, 'one "gathering complete" row per peer');
    check((await cands.getByText('mDNS').count()) > 0, 'mDNS addresses are marked');
    check((await pairs.getByText('selected', { exact: true }).count()) === 1, 'one pair labelled "selected" in text');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    check(overflow <= 360, `the page does not scroll sideways (scrollWidth ${overflow}); tables scroll inside`);

    // Keyboard: Tab to the first candidate button, Enter selects it everywhere.
    let focused = '';
    for (let n = 0; n < 40 && !focused.startsWith('Select '); n++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '');
    }
    check(focused.startsWith('Select alice'), `Tab reaches a candidate button (${focused})`);
    await page.keyboard.press('Enter');
    const key = await page.evaluate(() => globalThis.harness.selectedKey);
    check(key !== null, `Enter selects it (key ${key})`);
    check((await cands.locator('tr.selected').count()) === 1, 'its row is highlighted in the candidates table');
    const pressed = await pairs.locator('button[aria-pressed="true"]').count();
    check(pressed > 0, `its pairs are highlighted in the pairs table (${pressed} buttons pressed)`);
    check((await pairs.locator('tr.highlighted').count()) === pressed, 'one highlighted pair row per pressed button');

    // A priority expands to its decoded parts with the keyboard.
    const summary = cands.locator('td.num details summary').first();
    await summary.focus();
    await page.keyboard.press('Enter');
    check(/type preference \d+/.test(await cands.locator('td.num details[open]').first().innerText()), 'a priority expands to type/local preference and component');

    // The mDNS button, by keyboard.
    const button = page.getByRole('button', { name: 'Allow camera to reveal IP addresses' });
    await button.focus();
    await page.keyboard.press('Space');
    await page.getByRole('status').getByText(/Access granted/).waitFor({ timeout: 2000 });
    check((await page.evaluate(() => globalThis.harness.mediaCalls)) === 1, 'the mDNS button calls onRequestMedia once and reports the result');

    // Errors: one card per code + server + text, each occurrence selectable.
    const errorList = page.getByRole('region', { name: 'ICE candidate errors' }).first();
    check((await errorList.getByRole('listitem').count()) === 3, 'the 8 captured errors show as 3 groups (code, server, text)');
    check((await errorList.getByText(/Often not fatal/).count()) === 2, '701 is explained as often not fatal');
    await errorList.getByRole('button').first().focus();
    await page.keyboard.press('Enter');
    check((await errorList.locator('li.selected').count()) === 1, 'an occurrence can be picked by keyboard');
    check((await page.getByText('No icecandidateerror events so far.').count()) === 1, 'an empty error list says so');

    check(errors.length === 0, `no page errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
    const file = join(shots, `ice-components-${colorScheme}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(problems.length ? `\n${problems.length} problem(s)` : '\nall checks passed');
process.exit(problems.length ? 1 : 0);
