#!/usr/bin/env node
// Performance bench for the lab: `npm run bench [-- --runs N] [-- --build] [-- --steps-sessions N]`.
//
//  1. First-load JS of /signalling/ before the lab island (client:visible) hydrates, gzip -9.
//  2. JS loaded once the lab is scrolled into view and started (until the first held message
//     and the network goes quiet).
//  3. Step → paint on /lab/ (in-page broker): Step's click() until the table shows one more
//     delivery (and its SVG arrow, when drawn, is lab-delivered), plus two animation frames.
//  4. Time to an open data channel with autoplay=1, broker=in-page vs broker=direct (no broker,
//     in-memory hand-over through the same queue), from the exported trace.
//
// Builds dist/ if missing, serves it with `astro preview` on a free 127.0.0.1 port, prints
// the machine and a markdown table, writes .bench/last.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import {
  ROOT,
  chromiumLaunchConfig,
  ensureBuilt,
  gzSize,
  jsSizeFor,
  kb,
  machineInfo,
  mdTable,
  median,
  ms,
  quantile,
  startPreview,
} from './bench/lib.mjs';

const GOALS = { firstLoadGzBytes: 30 * 1024, stepP95Ms: 50, ratio: 1.5 };

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    warmup: { type: 'string', default: '1' },
    'steps-sessions': { type: 'string', default: '5' },
    'keep-traces': { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(`usage: npm run bench -- [--runs N] [--warmup N] [--steps-sessions N] [--build] [--only 1,2,3,4]
  --runs N            autoplay runs per broker for measurement 4 (default 7)
  --warmup N          uncounted autoplay runs per broker before those (default 1)
  --steps-sessions N  stepped sessions for measurement 3 (default 5)
  --keep-traces       save each autoplay run's exported trace under .bench/traces/
  --build             run npm run build even if dist/ exists
  --only LIST         run only these measurements`);
  process.exit(0);
}
const RUNS = Math.max(1, Number.parseInt(opts.runs, 10) || 7);
const WARMUP = Math.max(0, Number.parseInt(opts.warmup, 10) || 0);
const STEP_SESSIONS = Math.max(1, Number.parseInt(opts['steps-sessions'], 10) || 5);
const ONLY = new Set((opts.only ?? '1,2,3,4').split(',').map((s) => s.trim()));

const log = (...a) => console.error('bench:', ...a);

/** Set by SIGINT/SIGTERM: every loop stops at its next check. */
let interrupted = null;
function checkInterrupted() {
  if (interrupted) throw new Error(`interrupted (${interrupted})`);
}

/** The lab as a reader finds it: a region whose name ends in "lab". */
const labRegion = (page) => page.getByRole('region', { name: /lab$/i }).first();
const heldItems = (lab) => lab.getByRole('list', { name: 'Held messages' }).getByRole('listitem');
const dataChannelOpen = (lab) => lab.getByText('Data channel open');

async function waitFor(fn, { timeout = 15_000, interval = 25, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Records every JS response of a page, tagged with the phase current when it arrived. */
function recordScripts(page) {
  const state = { phase: 'initial', entries: [], pending: [], inflight: 0, lastActivity: Date.now() };
  const isScript = (req) => req.resourceType() === 'script' || /\.m?js(\?|$)/.test(new URL(req.url()).pathname);
  page.on('request', (req) => {
    if (!isScript(req)) return;
    state.inflight++;
    state.lastActivity = Date.now();
  });
  const settle = (req) => {
    if (!isScript(req)) return;
    state.inflight = Math.max(0, state.inflight - 1);
    state.lastActivity = Date.now();
  };
  page.on('requestfinished', settle);
  page.on('requestfailed', settle);
  page.on('response', (res) => {
    const req = res.request();
    if (!isScript(req) || !res.ok()) return;
    const phase = state.phase;
    state.pending.push(jsSizeFor(res.url(), res).then((s) => state.entries.push({ ...s, url: res.url(), phase })));
  });
  return {
    state,
    setPhase(p) {
      state.phase = p;
    },
    async entries(phase) {
      await Promise.all(state.pending);
      return state.entries.filter((e) => (Array.isArray(phase) ? phase.includes(e.phase) : e.phase === phase));
    },
    /** Resolves once no script request has been in flight for `quietMs`. */
    async quiet(quietMs = 1000, timeout = 20_000) {
      await waitFor(() => state.inflight === 0 && Date.now() - state.lastActivity >= quietMs, { timeout, what: 'network quiet' });
    },
  };
}

/** Scripts made in the page from a Blob or data: URL repeat code already counted in a chunk. */
const isInPageCopy = (e) => e.source === 'blob' || e.source === 'data';
const sum = (list) => list.filter((e) => !isInPageCopy(e)).reduce((a, e) => a + e.gz, 0);

// ---------------------------------------------------------------------------------------------
// 1 + 2: /signalling/ first load, then the lab's own JS when it is scrolled to and started.
async function measureChapterJs(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  const rec = recordScripts(page);
  try {
    await page.goto(`${base}signalling/`, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    await rec.quiet(750);
    const lab = labRegion(page);
    const before = await lab.evaluate((el) => {
      const island = el.closest('astro-island');
      const box = el.getBoundingClientRect();
      return {
        islandFound: !!island,
        hydrated: island ? !island.hasAttribute('ssr') : null,
        labTop: Math.round(box.top),
        viewportHeight: innerHeight,
        inViewport: box.top < innerHeight && box.bottom > 0,
      };
    });
    const inline = await page.evaluate(() =>
      Array.from(document.querySelectorAll('script:not([src])'))
        .filter((s) => ['', 'module', 'text/javascript', 'application/javascript'].includes((s.getAttribute('type') ?? '').toLowerCase()))
        .map((s) => s.textContent ?? ''),
    );
    const inlineSizes = inline.map((text) => ({ raw: Buffer.byteLength(text), gz: gzSize(text) }));
    const initial = await rec.entries('initial');
    const firstLoad = {
      files: initial.map(({ file, raw, gz }) => ({ file, raw, gz })),
      inline: inlineSizes,
      filesGz: sum(initial),
      inlineGz: inlineSizes.reduce((a, s) => a + s.gz, 0),
      ...before,
    };
    firstLoad.totalGz = firstLoad.filesGz + firstLoad.inlineGz;
    firstLoad.pass = firstLoad.totalGz <= GOALS.firstLoadGzBytes && !before.hydrated;

    // 2. Scroll the lab into view: the island hydrates. Then Start.
    rec.setPhase('hydrate');
    await lab.scrollIntoViewIfNeeded();
    await lab.evaluate(
      (el) =>
        new Promise((resolve, reject) => {
          const island = el.closest('astro-island');
          const t = setTimeout(() => reject(new Error('the lab island did not hydrate within 20 s')), 20_000);
          const check = () => {
            if (!island || !island.hasAttribute('ssr')) {
              clearTimeout(t);
              resolve(undefined);
            } else requestAnimationFrame(check);
          };
          check();
        }),
    );
    rec.setPhase('start');
    await lab.getByRole('button', { name: 'Start', exact: true }).click();
    await heldItems(lab).first().waitFor({ state: 'visible', timeout: 20_000 });
    const atFirstHeld = (await rec.entries(['hydrate', 'start'])).filter((e) => !isInPageCopy(e)).length;
    await rec.quiet(1500, 30_000);
    const loaded = await rec.entries(['hydrate', 'start']);
    const all = loaded.filter((e) => !isInPageCopy(e));
    const byGz = [...all].sort((a, b) => b.gz - a.gz);
    const labStart = {
      totalGz: sum(all),
      files: all.length,
      filesByFirstHeld: atFirstHeld,
      hydrateGz: sum(all.filter((e) => e.phase === 'hydrate')),
      startGz: sum(all.filter((e) => e.phase === 'start')),
      top5: byGz.slice(0, 5).map(({ file, raw, gz, phase }) => ({ file, raw, gz, phase })),
      all: byGz.map(({ file, raw, gz, phase }) => ({ file, raw, gz, phase })),
      inPageCopies: loaded.filter(isInPageCopy).map(({ file, raw, gz, phase }) => ({ file, raw, gz, phase })),
    };
    return { firstLoad, labStart, errors };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 3: Step → paint.

/** Runs in the page: presses Step (click()) and times until the delivery is painted. */
function timedStep([fig, step]) {
  const deliveredRowNumbers = () =>
    Array.from(fig.querySelectorAll('table tbody tr'))
      .map((tr) => Array.from(tr.querySelectorAll('td'), (td) => (td.textContent ?? '').trim()))
      .filter((r) => r[1] === 'broker' && !r[3].endsWith('(held)') && !r[3].startsWith('rejected'))
      .map((r) => r[0]);
  const before = new Set(deliveredRowNumbers());
  const raf = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
  return new Promise((resolve) => {
    let observer;
    let timer;
    let tTable = null;
    const check = () => {
      const now = deliveredRowNumbers();
      if (now.length <= before.size) return null;
      tTable ??= performance.now();
      const fresh = now.filter((n) => !before.has(n));
      const arrows = fresh.map((n) => fig.querySelector(`svg [data-et="message"][data-row="${CSS.escape(n)}"]`));
      // An arrow not drawn yet (SVG not re-rendered) counts as the table alone.
      if (arrows.some((a) => a && !a.classList.contains('lab-delivered'))) return null;
      return { rows: fresh, arrowDrawn: arrows.every(Boolean), extra: now.length - before.size - 1 };
    };
    const finish = async (result) => {
      observer?.disconnect();
      clearTimeout(timer);
      await raf();
      await raf();
      const t1 = performance.now();
      // Not part of the metric: how long until the delivered arrow is drawn in the SVG when
      // it was not there yet (the diagram re-renders after new messages, debounced).
      const arrowMs = result.timeout ? null : result.arrowDrawn ? t1 - t0 : await arrowCatchUp(result.rows);
      resolve({ ...result, ms: t1 - t0, tableMs: tTable === null ? null : tTable - t0, arrowMs });
    };
    const arrowsDone = (rows) =>
      rows.every((n) => fig.querySelector(`svg [data-et="message"][data-row="${CSS.escape(n)}"]`)?.classList.contains('lab-delivered'));
    const arrowCatchUp = (rows) =>
      new Promise((done) => {
        if (arrowsDone(rows)) return done(performance.now() - t0);
        const mo = new MutationObserver(() => {
          if (!arrowsDone(rows)) return;
          mo.disconnect();
          clearTimeout(to);
          done(performance.now() - t0);
        });
        mo.observe(fig, { subtree: true, childList: true, attributes: true });
        const to = setTimeout(() => {
          mo.disconnect();
          done(null);
        }, 5000);
      });
    const t0 = performance.now();
    step.click();
    const r = check();
    if (r) {
      void finish(r);
      return;
    }
    observer = new MutationObserver(() => {
      const r2 = check();
      if (r2) {
        observer.disconnect();
        void finish(r2);
      }
    });
    observer.observe(fig, { subtree: true, childList: true, attributes: true, characterData: true });
    timer = setTimeout(() => {
      observer.disconnect();
      void finish({ timeout: true });
    }, 10_000);
  });
}

/**
 * Runs in the page between steps (not timed): waits until the SVG has caught up with the table
 * (as many arrows as arrow rows) and the lab has had no DOM change for `idleMs`, as a reader
 * who looks before pressing Step would. Gives up after `maxMs` and says so.
 */
function settle([section, fig, idleMs, maxMs]) {
  return new Promise((resolve) => {
    const start = performance.now();
    let last = performance.now();
    const observer = new MutationObserver(() => {
      last = performance.now();
    });
    observer.observe(section, { subtree: true, childList: true, attributes: true, characterData: true });
    const caughtUp = () => {
      const arrowRows = Array.from(fig.querySelectorAll('table tbody tr')).filter((tr) => (tr.querySelectorAll('td')[2]?.textContent ?? '').trim() !== '').length;
      return fig.querySelectorAll('svg [data-et="message"]').length === arrowRows;
    };
    const tick = () => {
      const now = performance.now();
      const ok = caughtUp() && now - last >= idleMs;
      if (ok || now - start > maxMs) {
        observer.disconnect();
        resolve({ settled: ok, waitedMs: now - start });
      } else setTimeout(tick, 20);
    };
    tick();
  });
}

/**
 * `settleFirst`: before each Step, also wait until the diagram has caught up and the lab is
 * idle (a reader who looks first). Without it, Step is pressed as soon as something is held,
 * so a debounced diagram re-render may land inside the timed window.
 */
async function measureSteps(browser, base, { settleFirst = false } = {}) {
  const samples = [];
  const notes = [];
  let errors = [];
  for (let s = 0; s < STEP_SESSIONS; s++) {
    checkInterrupted();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    errors = errors.concat(collectErrors(page));
    try {
      await page.goto(`${base}lab/?broker=in-page`, { waitUntil: 'load' });
      const lab = labRegion(page);
      await lab.waitFor({ state: 'visible' });
      await lab.evaluate(
        (el) =>
          new Promise((resolve) => {
            const island = el.closest('astro-island');
            const check = () => (!island || !island.hasAttribute('ssr') ? resolve(undefined) : requestAnimationFrame(check));
            check();
          }),
      );
      await lab.getByRole('button', { name: 'Start', exact: true }).click();
      const open = dataChannelOpen(lab);
      for (let i = 0; i < 100; i++) {
        checkInterrupted();
        // Wait for the next held message (or the open channel); not timed.
        const next = await waitFor(
          async () => ((await open.isVisible()) ? 'open' : (await heldItems(lab).count()) > 0 ? 'held' : null),
          { timeout: 20_000, what: 'a held message or an open data channel' },
        );
        if (next === 'open') break;
        const fig = await lab.getByRole('figure', { name: 'Sequence diagram' }).elementHandle();
        const section = await lab.elementHandle();
        const settled = settleFirst ? await page.evaluate(settle, [section, fig, 150, 3000]) : { settled: false };
        if (await open.isVisible()) break;
        const stepBtn = await lab.getByRole('button', { name: 'Step', exact: true }).elementHandle();
        const r = await page.evaluate(timedStep, [fig, stepBtn]);
        samples.push({ session: s, step: i + 1, ...r, settled: settled.settled });
        if (r.timeout) notes.push(`session ${s + 1} step ${i + 1}: no delivery painted within 10 s`);
        if (r.extra) notes.push(`session ${s + 1} step ${i + 1}: ${r.extra + 1} deliveries appeared for one Step`);
        await Promise.all([fig.dispose(), section.dispose(), stepBtn.dispose()]);
      }
      if (!(await open.isVisible())) notes.push(`session ${s + 1}: data channel did not open`);
    } finally {
      await context.close();
    }
  }
  const times = samples.filter((x) => !x.timeout).map((x) => x.ms).sort((a, b) => a - b);
  const tableTimes = samples.filter((x) => x.tableMs !== null && x.tableMs !== undefined).map((x) => x.tableMs).sort((a, b) => a - b);
  const result = {
    n: times.length,
    timeouts: samples.filter((x) => x.timeout).length,
    p50: quantile(times, 0.5),
    p95: quantile(times, 0.95),
    max: times.at(-1) ?? NaN,
    tableP50: quantile(tableTimes, 0.5),
    tableMax: tableTimes.at(-1) ?? NaN,
    arrowDrawn: samples.filter((x) => x.arrowDrawn).length,
    arrowP50: quantile(samples.map((x) => x.arrowMs).filter(Number.isFinite).sort((a, b) => a - b), 0.5),
    arrowMax: Math.max(...samples.map((x) => x.arrowMs).filter(Number.isFinite)),
    arrowMissing: samples.filter((x) => !x.timeout && !Number.isFinite(x.arrowMs)).length,
    settleFirst,
    unsettled: settleFirst ? samples.filter((x) => !x.settled).length : null,
    samples,
    notes,
    errors,
  };
  result.pass = result.n > 0 && result.timeouts === 0 && result.p95 <= GOALS.stepP95Ms;
  return result;
}

// ---------------------------------------------------------------------------------------------
// 4: autoplay to an open data channel, in-page vs direct.

async function autoplayRun(browser, base, broker, label) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = collectErrors(page);
  try {
    const t0 = Date.now();
    await page.goto(`${base}lab/?broker=${encodeURIComponent(broker)}&autoplay=1`, { waitUntil: 'load' });
    const lab = labRegion(page);
    await dataChannelOpen(lab).waitFor({ state: 'visible', timeout: 30_000 });
    const wallMs = Date.now() - t0;
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 10_000 }),
      lab.getByRole('button', { name: 'Export trace', exact: true }).click(),
    ]);
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    if (opts['keep-traces']) {
      const dir = join(ROOT, '.bench', 'traces');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${label}.json`), text);
    }
    const trace = JSON.parse(text);
    const events = trace.events ?? [];
    const session = events.find((e) => e.type === 'session');
    const offerer = session?.peers?.[0];
    const offer = events.find((e) => e.type === 'published' && e.kind === 'offer' && (offerer === undefined || e.peer === offerer));
    const peers = session?.peers ?? [...new Set(events.filter((e) => e.type === 'channel').map((e) => e.peer))];
    const openAt = peers.map((p) => events.find((e) => e.type === 'channel' && e.state === 'open' && e.peer === p)?.at);
    const bothOpen = openAt.length === 2 && openAt.every((v) => typeof v === 'number') ? Math.max(...openAt) : NaN;
    const deliveries = events.filter((e) => e.type === 'delivered').length;
    const connectedAt = peers.map((p) => events.find((e) => e.type === 'broker' && e.state === 'connected' && e.peer === p)?.at);
    const brokersReady = connectedAt.every((v) => typeof v === 'number') ? Math.max(...connectedAt) : NaN;
    return {
      broker,
      traceBroker: session?.broker,
      sessionToOpen: session ? bothOpen - session.at : NaN,
      offerToOpen: offer ? bothOpen - offer.at : NaN,
      // Signalling only: TOOLCHAIN.md's reference numbers exclude broker connect time.
      connectedToOpen: bothOpen - brokersReady,
      sessionToBrokersReady: session ? brokersReady - session.at : NaN,
      sessionToOffer: session && offer ? offer.at - session.at : NaN,
      wallMs,
      deliveries,
      events: events.length,
      errors,
    };
  } finally {
    await context.close();
  }
}

async function measureAutoplay(browser, base) {
  const brokers = ['in-page', 'direct'];
  const runs = { 'in-page': [], direct: [] };
  const failures = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const broker of brokers) {
      checkInterrupted();
      try {
        const r = await autoplayRun(browser, base, broker, `${broker}-${i < WARMUP ? `warmup${i + 1}` : i - WARMUP + 1}`);
        if (i >= WARMUP) runs[broker].push(r);
      } catch (err) {
        failures.push(`${broker} run ${i + 1}: ${err instanceof Error ? err.message.split('\n')[0] : err}`);
      }
    }
  }
  const summary = {};
  for (const b of brokers) {
    summary[b] = {
      n: runs[b].length,
      sessionToOpen: median(runs[b].map((r) => r.sessionToOpen)),
      offerToOpen: median(runs[b].map((r) => r.offerToOpen)),
      connectedToOpen: median(runs[b].map((r) => r.connectedToOpen)),
      wallMs: median(runs[b].map((r) => r.wallMs)),
      sessionToBrokersReady: median(runs[b].map((r) => r.sessionToBrokersReady)),
      sessionToOffer: median(runs[b].map((r) => r.sessionToOffer)),
      offerToOpenRange: [Math.min(...runs[b].map((r) => r.offerToOpen)), Math.max(...runs[b].map((r) => r.offerToOpen))],
      deliveries: median(runs[b].map((r) => r.deliveries)),
    };
  }
  const ratio = {
    sessionToOpen: summary['in-page'].sessionToOpen / summary.direct.sessionToOpen,
    offerToOpen: summary['in-page'].offerToOpen / summary.direct.offerToOpen,
    connectedToOpen: summary['in-page'].connectedToOpen / summary.direct.connectedToOpen,
  };
  const directLabel = runs.direct.map((r) => r.traceBroker).find(Boolean);
  return {
    runsPerBroker: RUNS,
    warmup: WARMUP,
    summary,
    ratio,
    pass: {
      sessionToOpen: ratio.sessionToOpen <= GOALS.ratio,
      offerToOpen: ratio.offerToOpen <= GOALS.ratio,
      connectedToOpen: ratio.connectedToOpen <= GOALS.ratio,
    },
    directTraceBroker: directLabel,
    runs,
    failures,
  };
}

function collectErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text().slice(0, 300));
  });
  page.on('pageerror', (err) => errors.push(err.message.slice(0, 300)));
  return errors;
}

// ---------------------------------------------------------------------------------------------

function report(machine, results) {
  const pf = (ok) => (ok ? 'PASS' : 'FAIL');
  const rows = [];
  const { chapter, steps, autoplay } = results;
  if (chapter) {
    const f = chapter.firstLoad;
    const detail = `${f.files.length} file(s) ${kb(f.filesGz)} + ${f.inline.length} inline ${kb(f.inlineGz)}`;
    const hyd = f.hydrated ? '; lab HYDRATED before scroll' : '';
    rows.push(['1. First-load JS, /signalling/ before the lab hydrates', `**${kb(f.totalGz)}** gz (${f.totalGz} B; ${detail}${hyd})`, '≤ 30 KB', pf(f.pass)]);
    const l = chapter.labStart;
    rows.push([
      '2. JS loaded when the lab starts',
      `**${kb(l.totalGz)}** gz in ${l.files} files (hydrate ${kb(l.hydrateGz)}, Start ${kb(l.startGz)}; ${l.filesByFirstHeld} files by first held msg)`,
      '—',
      '—',
    ]);
  }
  if (steps) {
    rows.push([
      '3. Step → paint, /lab/ in-page',
      `p50 ${ms(steps.p50)}, **p95 ${ms(steps.p95)}**, max ${ms(steps.max)}, n=${steps.n}${steps.timeouts ? `, ${steps.timeouts} timeout(s)` : ''}`,
      'p95 ≤ 50 ms',
      pf(steps.pass),
    ]);
  }
  if (autoplay) {
    const s = autoplay.summary;
    rows.push(['4a. session → both channels open, incl. loading the broker (median)', `in-page ${ms(s['in-page'].sessionToOpen)} / direct ${ms(s.direct.sessionToOpen)} = **${autoplay.ratio.sessionToOpen.toFixed(2)}×**`, '≤ 1.5×', pf(autoplay.pass.sessionToOpen)]);
    rows.push(['4b. offer → both channels open (median)', `in-page ${ms(s['in-page'].offerToOpen)} / direct ${ms(s.direct.offerToOpen)} = **${autoplay.ratio.offerToOpen.toFixed(2)}×**`, '≤ 1.5×', pf(autoplay.pass.offerToOpen)]);
    rows.push(['4c. both peers connected → both channels open (median)', `in-page ${ms(s['in-page'].connectedToOpen)} / direct ${ms(s.direct.connectedToOpen)} = **${autoplay.ratio.connectedToOpen.toFixed(2)}×**`, '≤ 1.5×', pf(autoplay.pass.connectedToOpen)]);
  }
  const out = [];
  out.push(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.platform}; ${machine.chromium}; Node ${machine.node}`);
  if (autoplay) out.push(`Autoplay runs: ${autoplay.runsPerBroker} per broker (+${autoplay.warmup} warm-up), alternating in-page/direct, fresh page each.`);
  out.push('');
  out.push(mdTable(['Measurement', 'Result', 'Goal', ''], rows));
  if (chapter) {
    out.push('');
    out.push('Top 5 chunks loaded when the lab starts (gzip -9):');
    out.push('');
    out.push(mdTable(['Chunk', 'gz', 'raw', 'when'], chapter.labStart.top5.map((c) => [c.file, kb(c.gz), kb(c.raw), c.phase])));
    const copies = chapter.labStart.inPageCopies;
    if (copies.length) out.push(`\n(${copies.length} script(s) made in the page from a Blob, ${kb(copies.reduce((a, c) => a + c.gz, 0))} gz, not counted: their code ships inside a chunk above.)`);
  }
  if (steps) {
    out.push('');
    out.push(
      `Step detail: Step pressed as soon as a message is held; the table showed the delivery p50 ${ms(steps.tableP50)} (max ${ms(steps.tableMax)}) after click(), the rest is the two frames; its SVG arrow was already drawn (and checked) for ${steps.arrowDrawn}/${steps.n} steps; otherwise the diagram caught up later: step → arrow drawn as delivered p50 ${ms(steps.arrowP50)}, max ${ms(steps.arrowMax)}${steps.arrowMissing ? `, ${steps.arrowMissing} never within 5 s` : ''}.`,
    );
    const st = results.stepsSettled;
    if (st) {
      out.push(
        `Same, waiting first until the diagram has caught up and the lab is idle 150 ms: p50 ${ms(st.p50)}, p95 ${ms(st.p95)}, max ${ms(st.max)}, n=${st.n}${st.unsettled ? ` (${st.unsettled} did not settle within 3 s)` : ''}.`,
      );
    }
  }
  if (autoplay) {
    const s = autoplay.summary;
    const line = (b) =>
      `${b}: session → both peers connected ${ms(s[b].sessionToBrokersReady)}, session → offer ${ms(s[b].sessionToOffer)}, offer → open ${ms(s[b].offerToOpen)} (range ${s[b].offerToOpenRange.map((v) => v.toFixed(0)).join('–')} ms), navigation → "Data channel open" visible ${ms(s[b].wallMs)}`;
    out.push(`Autoplay medians — ${line('in-page')}; ${line('direct')}.`);
  }
  const notes = [
    ...(steps?.notes ?? []),
    ...(autoplay?.failures ?? []),
    ...(chapter?.errors ?? []).map((e) => `console (chapter): ${e}`),
    ...(steps?.errors ?? []).map((e) => `console (steps): ${e}`),
    ...(results.stepsSettled?.notes ?? []),
    ...Object.values(autoplay?.runs ?? {}).flat().flatMap((r) => r.errors.map((e) => `console (autoplay ${r.broker}): ${e}`)),
  ];
  if (notes.length) {
    out.push('');
    out.push('Notes:');
    for (const n of [...new Set(notes)].slice(0, 20)) out.push(`- ${n}`);
  }
  return out.join('\n');
}

async function main() {
  ensureBuilt({ force: opts.build });
  const launch = await chromiumLaunchConfig();
  let preview;
  let browser;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await preview?.stop().catch(() => {});
  };
  const onSignal = (sig) => {
    interrupted = sig;
    log(`${sig}: stopping the browser and the preview server…`);
    void cleanup().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    preview = await startPreview();
    log(`astro preview at ${preview.url} (pid ${preview.pid})`);
    browser = await chromium.launch({
      executablePath: launch.executablePath,
      args: launch.args,
      headless: true,
      // Our own handlers close the browser and the preview server, then exit non-zero.
      handleSIGINT: false,
      handleSIGTERM: false,
    });
    const machine = { ...machineInfo(), chromium: `Chromium ${browser.version()}`, chromiumPath: launch.executablePath };
    const results = {};
    if (ONLY.has('1') || ONLY.has('2')) {
      log('measuring /signalling/ first-load and lab-start JS…');
      results.chapter = await measureChapterJs(browser, preview.url);
    }
    if (ONLY.has('3')) {
      log('measuring Step → paint…');
      results.steps = await measureSteps(browser, preview.url);
      log('measuring Step → paint, settling the diagram before each Step…');
      results.stepsSettled = await measureSteps(browser, preview.url, { settleFirst: true });
    }
    if (ONLY.has('4')) {
      log(`measuring autoplay to open, ${RUNS} run(s) per broker…`);
      results.autoplay = await measureAutoplay(browser, preview.url);
    }
    console.log(report(machine, results));
    const dir = join(ROOT, '.bench');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'last.json'), `${JSON.stringify({ at: new Date().toISOString(), machine, goals: GOALS, options: { runs: RUNS, warmup: WARMUP, stepSessions: STEP_SESSIONS }, ...results }, null, 2)}\n`);
    log('wrote .bench/last.json');
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(interrupted ? 130 : 0),
  (err) => {
    if (interrupted) return; // onSignal exits once cleanup is done
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : err}`);
    process.exit(1);
  },
);
