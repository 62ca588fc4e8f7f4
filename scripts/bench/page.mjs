// Page helpers shared by the bench's measurements: finding the lab as a reader would,
// waiting for hydration or a condition, collecting console errors, running fresh sessions,
// recording the scripts and style sheets a page fetches.
import { jsSizeFor } from './lib.mjs';

/** The lab as a reader finds it: a region whose name ends in "lab". */
export const labRegion = (page) => page.getByRole('region', { name: /lab$/i }).first();
export const heldItems = (lab) => lab.getByRole('list', { name: 'Held messages' }).getByRole('listitem');
export const dataChannelOpen = (lab) => lab.getByText('Data channel open');

/** Resolves once the astro-island around `locator` has hydrated (its `ssr` attribute is gone). */
export function waitHydrated(locator, what) {
  return locator.evaluate(
    (el, name) =>
      new Promise((resolve, reject) => {
        const island = el.closest('astro-island');
        const t = setTimeout(() => reject(new Error(`${name} did not hydrate within 20 s`)), 20_000);
        const check = () => {
          if (!island || !island.hasAttribute('ssr')) {
            clearTimeout(t);
            resolve(undefined);
          } else requestAnimationFrame(check);
        };
        check();
      }),
    what,
  );
}

export async function waitFor(fn, { timeout = 15_000, interval = 25, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

export function collectErrors(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text().slice(0, 300));
  });
  page.on('pageerror', (err) => errors.push(err.message.slice(0, 300)));
  return errors;
}

/**
 * Runs `body(page, s)` on `sessions` fresh 1280×900 pages, one after another, each in its own
 * context that is closed after; calls `check` (which may throw to stop) before each. Returns
 * every console error and page error the pages logged.
 */
export async function eachSession(browser, sessions, check, body) {
  const errors = [];
  for (let s = 0; s < sessions; s++) {
    check?.();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const pageErrors = collectErrors(page);
    try {
      await body(page, s);
    } finally {
      await context.close();
      errors.push(...pageErrors);
    }
  }
  return errors;
}

/** A request's asset kind: 'js' for a script, 'css' for a style sheet, else null. */
export const assetKind = (req) => {
  const path = new URL(req.url()).pathname;
  if (req.resourceType() === 'script' || /\.m?js$/.test(path)) return 'js';
  if (req.resourceType() === 'stylesheet' || /\.css$/.test(path)) return 'css';
  return null;
};

/**
 * Records a page's responses of the asset kinds in `kinds`, each with its sizes (jsSizeFor),
 * url, kind and the phase current when it arrived.
 */
export function recordAssets(page, kinds = ['js', 'css']) {
  const kindOf = (req) => {
    const kind = assetKind(req);
    return kind && kinds.includes(kind) ? kind : null;
  };
  const state = { phase: 'initial', entries: [], pending: [], inflight: 0, lastActivity: Date.now() };
  page.on('request', (req) => {
    if (!kindOf(req)) return;
    state.inflight++;
    state.lastActivity = Date.now();
  });
  const settle = (req) => {
    if (!kindOf(req)) return;
    state.inflight = Math.max(0, state.inflight - 1);
    state.lastActivity = Date.now();
  };
  page.on('requestfinished', settle);
  page.on('requestfailed', settle);
  page.on('response', (res) => {
    const kind = kindOf(res.request());
    if (!kind || !res.ok()) return;
    const phase = state.phase;
    state.pending.push(jsSizeFor(res.url(), res).then((s) => state.entries.push({ ...s, url: res.url(), kind, phase })));
  });
  return {
    setPhase(p) {
      state.phase = p;
    },
    /** The entries recorded so far (of one phase, or of a list of them), with their sizes. */
    async entries(phase) {
      await Promise.all(state.pending);
      if (phase === undefined) return [...state.entries];
      return state.entries.filter((e) => (Array.isArray(phase) ? phase.includes(e.phase) : e.phase === phase));
    },
    /** Resolves once no recorded request has been in flight for `quietMs`. */
    async quiet(quietMs = 1000, timeout = 20_000) {
      await waitFor(() => state.inflight === 0 && Date.now() - state.lastActivity >= quietMs, { timeout, what: 'network quiet' });
    },
  };
}

/** First line of an error, for notes. */
export const errLine = (err) => (err instanceof Error ? err.message.split('\n')[0] : String(err));

/**
 * Runs in the page: waits until the diagram's SVG has caught up with its table (as many arrows
 * as arrow rows) and the lab has had no DOM change for `idleMs`, as a reader who looks before
 * pressing Step would. Gives up after `maxMs` and says so.
 */
export function settleInPage([section, fig, idleMs, maxMs]) {
  return new Promise((resolve) => {
    const start = performance.now();
    let last = performance.now();
    const observer = new MutationObserver(() => {
      last = performance.now();
    });
    observer.observe(section, { subtree: true, childList: true, attributes: true, characterData: true });
    const caughtUp = () => {
      // A long session's drawing starts at a later row, and says which (SequenceDiagram's note).
      const firstDrawn = Number(fig.querySelector('[data-first-drawn]')?.getAttribute('data-first-drawn') ?? 0);
      const arrowRows = Array.from(fig.querySelectorAll('table tbody tr'))
        .map((tr) => Array.from(tr.querySelectorAll('td'), (td) => (td.textContent ?? '').trim()))
        .filter((td) => (td[2] ?? '') !== '' && Number(td[0]) >= firstDrawn).length;
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
