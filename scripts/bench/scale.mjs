// 9. Scale: a session with SIGNALS messages. The MQTT chapter's lab (/mqtt/, in-page broker,
// held mode) is started, then its "Publish a message over MQTT" form is submitted SIGNALS
// times, one every PACE_MS, alice → bob and bob → alice in turn: a chat flood just under the
// lab's per-topic rate limit (LAB_RATE_LIMIT in src/lib/signalling/rate-limit.ts, 10/s per
// topic: a faster flood is rejected in bulk, by design). Each chat is one published row and one
// held delivery row in the table. Then:
//  - the diagram's re-render with all those rows: one more chat is published and timed from
//    the render starting ("drawing…" shown) to the new SVG in place; and from the publish;
//  - Step → paint with that many rows (the frames of step-frames.mjs), over STEPS steps;
//  - the JS heap after a forced garbage collection, before and after the flood.
import { quantile } from './lib.mjs';
import { collectErrors, errLine, heldItems, labRegion, settleInPage, waitFor, waitHydrated } from './page.mjs';
import { frameStep } from './step-frames.mjs';

export const SCALE_GOALS = { stepP95Ms: 50, renderMs: 200 };
const PACE_MS = 60;

/** Runs in the page: submits the publish form `count` times, one every `paceMs`. */
function flood([form, count, paceMs]) {
  const input = form.querySelector('input[type="text"]');
  const from = form.querySelector('select');
  return (async () => {
    const t0 = performance.now();
    for (let i = 1; i <= count; i++) {
      from.value = i % 2 ? 'offerer' : 'answerer';
      from.dispatchEvent(new Event('change', { bubbles: true }));
      input.value = `flood ${i}`;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      form.requestSubmit();
      await new Promise((r) => setTimeout(r, paceMs));
    }
    return performance.now() - t0;
  })();
}

/**
 * Runs in the page: publishes one more chat and times the diagram: publish → render started
 * (the "drawing…" mark) → new SVG in the box (more arrows or a new <svg>) → painted.
 */
function timedRender([fig, form]) {
  const box = fig.querySelector('[aria-label="Sequence diagram drawing"]');
  const caption = fig.querySelector('figcaption');
  const svgBefore = box.querySelector('svg');
  return new Promise((resolve) => {
    const t0 = performance.now();
    let started = null;
    const mo = new MutationObserver(() => {
      if (started === null && /drawing/.test(caption.textContent ?? '')) started = performance.now();
      const svg = box.querySelector('svg');
      if (svg && svg !== svgBefore) {
        const tSvg = performance.now();
        mo.disconnect();
        clearTimeout(timer);
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => {
            const t1 = performance.now();
            resolve({
              publishToPainted: t1 - t0,
              renderMs: started === null ? null : tSvg - started,
              renderToPainted: started === null ? null : t1 - started,
              arrows: box.querySelectorAll('[data-et="message"]').length,
            });
          };
          ch.port2.postMessage(0);
        });
      }
    });
    mo.observe(fig, { subtree: true, childList: true, characterData: true });
    const timer = setTimeout(() => {
      mo.disconnect();
      resolve({ timeout: true });
    }, 30_000);
    const input = form.querySelector('input[type="text"]');
    input.value = 'one more';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    form.requestSubmit();
  });
}

async function heap(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize, totalSize } = await cdp.send('Runtime.getHeapUsage');
  return { usedSize, totalSize };
}

const stats = (values) => {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  return { n: s.length, p50: quantile(s, 0.5), p95: quantile(s, 0.95), max: s.at(-1) ?? NaN };
};

export async function measureScale(browser, base, { signals = 500, steps = 40, renders = 3, check, cpu = 1 } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  const notes = [];
  const cdp = await context.newCDPSession(page);
  try {
    await page.goto(`${base}mqtt/`, { waitUntil: 'load' });
    const lab = labRegion(page);
    await lab.scrollIntoViewIfNeeded();
    await waitHydrated(lab, 'the lab island');
    await lab.getByRole('button', { name: 'Start', exact: true }).click();
    const formRegion = lab.getByRole('region', { name: 'Publish a message over MQTT' });
    const publish = formRegion.getByRole('button', { name: 'Publish' });
    await waitFor(() => publish.isEnabled(), { timeout: 20_000, what: 'the Publish button' });
    // Both peers connected to the broker: the first held messages are their status.
    await waitFor(async () => (await heldItems(lab).count()) >= 2, { timeout: 20_000, what: 'the status messages' });
    const fig = await lab.getByRole('figure', { name: 'Sequence diagram' }).elementHandle();
    const section = await lab.elementHandle();
    const form = await formRegion.locator('form').elementHandle();
    // Found now: finding a button by role among 1,010 rows took over 30 s with the CPU slowed 4×.
    const stepBtn = await lab.getByRole('button', { name: 'Step', exact: true }).elementHandle();
    const heapBefore = await heap(cdp);
    const rowsOf = () => fig.evaluate((f) => f.querySelectorAll('table tbody tr').length);
    const rows0 = await rowsOf();
    const floodMs = await page.evaluate(flood, [form, signals, PACE_MS]);
    check?.();
    // Every chat is in the table as its published row and its held delivery.
    await waitFor(async () => (await rowsOf()) >= rows0 + 2 * signals, { timeout: 120_000, interval: 250, what: `${2 * signals} new rows` });
    const rowsAfterFlood = await rowsOf();
    const rejected = await fig.evaluate((f) => Array.from(f.querySelectorAll('table tbody tr td:last-child'), (td) => td.textContent ?? '').filter((t) => t.trim().startsWith('rejected')).length);
    if (rejected) notes.push(`scale: ${rejected} rejected row(s) during the flood (rate limit?)`);
    const held = await heldItems(lab).count();
    const settle = await page.evaluate(settleInPage, [section, fig, 300, 60_000]);
    if (!settle.settled) notes.push('scale: the diagram had not caught up 60 s after the flood');
    const heapAfter = await heap(cdp);
    // A slowed CPU (12) slows what is measured, not the set-up: the flood above runs at full
    // speed (at 4× the page took over 30 s to hand over the diagram, a harness timeout).
    if (cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
    const renderRuns = [];
    for (let i = 0; i < renders; i++) {
      check?.();
      renderRuns.push(await page.evaluate(timedRender, [fig, form]));
      await page.evaluate(settleInPage, [section, fig, 300, 30_000]);
    }
    const stepRuns = [];
    for (let i = 0; i < steps; i++) {
      check?.();
      await page.evaluate(settleInPage, [section, fig, 150, 10_000]);
      stepRuns.push(await page.evaluate(frameStep, [fig, stepBtn, 200]));
    }
    const rowsAtEnd = await rowsOf();
    const svgArrows = await fig.evaluate((f) => f.querySelectorAll('svg [data-et="message"]').length);
    const heapEnd = await heap(cdp);
    await Promise.all([fig.dispose(), section.dispose(), form.dispose(), stepBtn.dispose()]);
    const okSteps = stepRuns.filter((r) => !r.timeout);
    const result = {
      signals,
      floodMs,
      rowsAfterFlood,
      rowsAtEnd,
      svgArrows,
      heldAfterFlood: held,
      settleAfterFloodMs: settle.waitedMs,
      render: {
        runs: renderRuns,
        renderMs: stats(renderRuns.map((r) => r.renderMs)),
        publishToPainted: stats(renderRuns.map((r) => r.publishToPainted)),
      },
      step: { ...stats(okSteps.map((r) => r.deliveredPaint)), timeouts: stepRuns.length - okSteps.length },
      heap: { before: heapBefore, afterFlood: heapAfter, end: heapEnd },
      notes,
      errors,
    };
    result.pass = {
      step: result.step.n > 0 && result.step.p95 <= SCALE_GOALS.stepP95Ms,
      render: result.render.renderMs.n > 0 && result.render.renderMs.max <= SCALE_GOALS.renderMs,
    };
    return result;
  } catch (err) {
    return { signals, error: errLine(err), notes, errors, pass: { step: false, render: false } };
  } finally {
    await context.close();
  }
}
