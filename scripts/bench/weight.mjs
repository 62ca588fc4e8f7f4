// 7. Page weight: for every chapter, /lab/ and /replay/, the JS and CSS (gzip -9) a reader's
// browser fetches on first load (1280×800, no scrolling, no clicks), then what its lab loads
// when scrolled to and started; and the whole built site.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzSize } from './lib.mjs';
import { collectErrors, errLine, labRegion, recordAssets, waitHydrated } from './page.mjs';

export const PAGES = ['', 'mqtt/', 'signalling/', 'sdp/', 'ice/', 'stun/', 'turn/', 'lobby/', 'direct-path/', 'security/', 'lab/', 'replay/'];
// The goal holds on every page: chapters' labs hydrate when scrolled to, /lab/'s and
// /replay/'s when the reader reaches for them (client:interact).
export const FIRST_LOAD_JS_GOAL = 30 * 1024;

const gz = (list, kind, phase) => list.filter((e) => e.kind === kind && e.phase === phase).reduce((a, e) => a + e.gz, 0);

async function weighPage(browser, base, path) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  const rec = recordAssets(page);
  try {
    await page.goto(`${base}${path}`, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    await rec.quiet(750);
    const inline = await page.evaluate(() => ({
      js: Array.from(document.querySelectorAll('script:not([src])'))
        .filter((s) => ['', 'module', 'text/javascript'].includes((s.getAttribute('type') ?? '').toLowerCase()))
        .map((s) => s.textContent ?? ''),
      css: Array.from(document.querySelectorAll('style'), (s) => s.textContent ?? ''),
      islands: document.querySelectorAll('astro-island').length,
      hydrated: document.querySelectorAll('astro-island:not([ssr])').length,
    }));
    const lab = labRegion(page);
    const hasLab = (await lab.count()) > 0;
    const labHydratedAtLoad = hasLab ? await lab.evaluate((el) => !el.closest('astro-island')?.hasAttribute('ssr')) : null;
    // What the lab loads: scrolled into view, then Start (the click waits until Start is enabled:
    // hydrated, or held by client:interact until it is), until the network is quiet.
    let labStart = null;
    if (hasLab) {
      rec.setPhase('lab');
      await lab.scrollIntoViewIfNeeded();
      const start = lab.getByRole('button', { name: 'Start', exact: true });
      if ((await start.count()) > 0) await start.first().click();
      else {
        await lab.hover();
        await waitHydrated(lab, 'the lab island');
      }
      await rec.quiet(1500, 30_000);
      labStart = { pressedStart: (await start.count()) > 0 };
    }
    // Blob/data scripts (mqtt.js's timer worker) repeat code already inside a chunk.
    const all = (await rec.entries()).filter((e) => e.source !== 'blob' && e.source !== 'data');
    const inlineJs = inline.js.reduce((a, t) => a + gzSize(t), 0);
    const inlineCss = inline.css.reduce((a, t) => a + gzSize(t), 0);
    const first = { jsGz: gz(all, 'js', 'initial') + inlineJs, cssGz: gz(all, 'css', 'initial') + inlineCss, inlineJsGz: inlineJs, inlineCssGz: inlineCss };
    if (labStart) Object.assign(labStart, { jsGz: gz(all, 'js', 'lab'), cssGz: gz(all, 'css', 'lab'), files: all.filter((e) => e.phase === 'lab').length });
    const total = first.jsGz + first.cssGz + (labStart ? labStart.jsGz + labStart.cssGz : 0);
    return {
      path,
      first,
      labStart,
      labHydratedAtLoad,
      islands: inline.islands,
      islandsHydratedAtLoad: inline.hydrated,
      totalGz: total,
      pass: first.jsGz <= FIRST_LOAD_JS_GOAL,
      files: all.map(({ file, kind, gz: g, phase }) => ({ file, kind, gz: g, phase })),
      errors,
    };
  } finally {
    await context.close();
  }
}

/** Every file of the build, gzip -9 each, by kind (pagefind's index counted apart). */
export function siteSize(dir) {
  const byKind = {};
  let files = 0;
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const rel = p.slice(dir.length + 1);
        const kind = rel.startsWith('pagefind/') ? 'search index' : (/\.(\w+)$/.exec(name)?.[1] ?? 'other');
        const e = (byKind[kind] ??= { files: 0, raw: 0, gz: 0 });
        const buf = readFileSync(p);
        e.files++;
        e.raw += buf.length;
        e.gz += gzSize(buf);
        files++;
      }
    }
  };
  walk(dir);
  const sum = (k) => Object.values(byKind).reduce((a, e) => a + e[k], 0);
  return { files, raw: sum('raw'), gz: sum('gz'), byKind };
}

export async function measureWeight(browser, base, servedDir) {
  const pages = [];
  const notes = [];
  for (const path of PAGES) {
    try {
      pages.push(await weighPage(browser, base, path));
    } catch (err) {
      notes.push(`page weight /${path}: ${errLine(err)}`);
    }
  }
  return { pages, site: siteSize(servedDir), pass: pages.length === PAGES.length && pages.every((p) => p.pass), notes };
}
