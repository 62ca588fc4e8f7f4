// 11. Phone: Start → first row and Start → diagram drawn on /signalling/, at 390×844 with
// Lighthouse's mobile throttling applied through CDP (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s
// up, CPU slowed 4×). Each run is a fresh context (empty cache): the page loads, the lab is
// scrolled into view and hydrates, the reader waits a moment (as one reads the lab's intro),
// then presses Start. Times are taken in the page from Start's click.
import { median } from './lib.mjs';
import { collectErrors, errLine, labRegion, waitHydrated } from './page.mjs';

export const PHONE_GOALS = { startToDiagramMs: 2500 };
/** Lighthouse's mobile preset ("slow 4G"), as CDP takes it: latency in ms, throughput in bytes/s. */
export const PHONE_NETWORK = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
export const PHONE_CPU_SLOWDOWN = 4;
/** How long the reader looks at the lab before pressing Start. */
const READ_MS = 1500;

/** Runs in the page: clicks Start, resolves with ms to the first table row and to the first SVG. */
function timeStart([section, start]) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let firstRow = null;
    const check = () => {
      const box = section.querySelector('[aria-label="Sequence diagram drawing"]');
      if (firstRow === null && box?.closest('figure')?.querySelector('table tbody tr')) firstRow = performance.now() - t0;
      if (box?.querySelector('svg')) {
        mo.disconnect();
        clearTimeout(timer);
        resolve({ firstRow: firstRow ?? performance.now() - t0, diagram: performance.now() - t0 });
      }
    };
    const mo = new MutationObserver(check);
    mo.observe(section, { subtree: true, childList: true });
    const timer = setTimeout(() => {
      mo.disconnect();
      resolve({ firstRow, diagram: null, timeout: true });
    }, 60_000);
    start.click();
  });
}

export async function measurePhone(browser, base, { runs = 3, check } = {}) {
  const samples = [];
  const notes = [];
  const errors = [];
  for (let k = 0; k < runs; k++) {
    check?.();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const errs = collectErrors(page);
    try {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', PHONE_NETWORK);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: PHONE_CPU_SLOWDOWN });
      await page.goto(`${base}signalling/`, { waitUntil: 'load', timeout: 120_000 });
      const lab = labRegion(page);
      await lab.scrollIntoViewIfNeeded();
      await waitHydrated(lab, 'the lab island');
      await page.waitForTimeout(READ_MS);
      const start = await lab.getByRole('button', { name: 'Start', exact: true }).elementHandle();
      const section = await lab.elementHandle();
      const r = await page.evaluate(timeStart, [section, start]);
      if (r.timeout) notes.push(`phone run ${k + 1}: no diagram within 60 s`);
      samples.push(r);
    } catch (err) {
      notes.push(`phone run ${k + 1}: ${errLine(err)}`);
    } finally {
      errors.push(...errs);
      await context.close();
    }
  }
  const ok = samples.filter((s) => Number.isFinite(s.diagram));
  const result = {
    runs,
    samples,
    firstRow: median(ok.map((s) => s.firstRow)),
    diagram: median(ok.map((s) => s.diagram)),
    notes,
    errors,
  };
  result.pass = ok.length > 0 && result.diagram <= PHONE_GOALS.startToDiagramMs;
  return result;
}
