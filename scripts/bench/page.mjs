// Page helpers shared by the bench's measurements: finding the lab as a reader would,
// waiting for hydration or a condition, collecting console errors.

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
