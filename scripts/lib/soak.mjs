// What the two soaks (soak.mjs, soak-hostile.mjs) measure a page with.

/**
 * A new page of `browser` on `url`, the errors it throws (and, with `consoleErrors`, those it
 * logs), and heapAfterGc(): its JS heap in bytes after `passes` forced garbage collections.
 */
export async function soakPage(browser, url, { consoleErrors = false } = {}) {
  const page = await browser.newPage({ baseURL: url });
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  if (consoleErrors) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
  }
  const cdp = await page.context().newCDPSession(page);
  const heapAfterGc = async (passes = 1) => {
    for (let n = 0; n < passes; n++) await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize;
  };
  return { page, errors, heapAfterGc };
}

/** Throws with the first few of `errors` when the page threw any during the soak. */
export function failOnPageErrors(errors) {
  if (errors.length) throw new Error(`page errors during the soak:\n${errors.slice(0, 5).join('\n')}`);
}
