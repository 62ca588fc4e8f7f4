// Drives /dev/broker-smoke/ in Chromium and reports what it saw (dev tool, not shipped).
//
//   npm run build && npm run preview            # serves on http://127.0.0.1:4321/
//   node scripts/checks/broker-smoke.mjs [base-url] [broker]
//
// Exits non-zero on a failed check or any console error. Runs twice: once as served, once with
// crypto.randomUUID removed (as on a plain-http page) to exercise the crypto shim fallback.
import { launchChromium } from '../chromium.mjs';
import { gzipSync } from 'node:zlib';

const base = (process.argv[2] ?? 'http://127.0.0.1:4321/').replace(/\/?$/, '/');
const broker = process.argv[3];

const browser = await launchChromium();

let failed = false;
try {
  for (const variant of ['as served', 'without crypto.randomUUID']) {
    const page = await browser.newPage();
    if (variant !== 'as served') {
      await page.addInitScript(() => {
        Object.defineProperty(Crypto.prototype, 'randomUUID', { value: undefined, configurable: true });
      });
    }
    const problems = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
    });
    /** @type {{url: string, bytes: number, gz: number, phase: string, code: string}[]} */
    const scripts = [];
    /** @type {Promise<void>[]} */
    const pending = [];
    page.on('response', (res) => {
      const url = res.url();
      if (!/\.m?js(\?|$)/.test(url)) return;
      pending.push(
        res.body().then(
          (body) => {
            const rel = new URL(url).pathname;
            scripts.push({ url: rel, bytes: body.length, gz: gzipSync(body, { level: 9 }).length, phase: '', code: body.toString() });
          },
          () => {},
        ),
      );
    });
    const url = `${base}dev/broker-smoke/${broker ? `?broker=${encodeURIComponent(broker)}` : ''}`;
    const started = Date.now();
    const html = await (await page.goto(url, { waitUntil: 'domcontentloaded' }))?.text() ?? '';
    await page.waitForFunction(() => document.body.dataset.status !== 'running', null, { timeout: 20_000 });
    await Promise.all(pending);
    // "initial" = what the HTML references plus their static imports; the rest came from import().
    const initial = new Set([...html.matchAll(/<script[^>]*\ssrc="([^"]+)"|<link[^>]*modulepreload[^>]*href="([^"]+)"/g)].map((m) => new URL(m[1] ?? m[2], url).pathname));
    for (let grew = true; grew; ) {
      grew = false;
      for (const s of scripts) {
        if (!initial.has(s.url)) continue;
        for (const m of s.code.matchAll(/(?:^|[;}\n])\s*import\s*(?:[\w${},\s*]+from\s*)?["']([^"']+)["']/g)) {
          const dep = new URL(m[1], new URL(s.url, url)).pathname;
          if (!initial.has(dep)) {
            initial.add(dep);
            grew = true;
          }
        }
      }
    }
    for (const s of scripts) s.phase = initial.has(s.url) ? 'initial' : 'dynamic import';
    const status = await page.evaluate(() => document.body.dataset.status);
    const checks = await page.$$eval('#results li', (lis) =>
      lis.map((li) => `${li.getAttribute('data-ok') === 'true' ? 'ok  ' : 'FAIL'} ${li.textContent}`),
    );
    console.log(`\n== ${url} (${variant}): ${status} in ${Date.now() - started} ms`);
    for (const c of checks) console.log(`  ${c}`);
    for (const s of scripts) console.log(`  js [${s.phase}] ${s.url}: ${s.bytes} B, ${s.gz} B gz`);
    const initialGz = scripts.filter((s) => s.phase === 'initial').reduce((n, s) => n + s.gz, 0);
    const lazyGz = scripts.filter((s) => s.phase !== 'initial').reduce((n, s) => n + s.gz, 0);
    console.log(`  total gz: initial ${initialGz} B, via dynamic import ${lazyGz} B`);
    for (const p of problems) console.log(`  ${p}`);
    if (status !== 'passed' || problems.length > 0) failed = true;
    await page.close();
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
