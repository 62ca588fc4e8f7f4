// 3b. Step → paint, split by what the step brings, over full sessions on /lab/ (in-page broker).
//
// A Step delivers one held message: its row in the table turns from "(held)" to delivered and
// its arrow turns solid; it never adds a row by itself. Some deliveries make the receiving peer
// answer (an offer → an answer and candidates): new messages, new rows. So:
//  - "adds no new message": no new row appears in the table within WATCH_MS of the Step;
//    timed from Step to the frame that shows the delivery painted.
//  - "adds a new message": a new row appears within WATCH_MS; timed from Step to the frame
//    that shows the first new row painted (table row; the SVG redraws later, debounced).
// Step is pressed at the start of a frame (in requestAnimationFrame, where the browser also
// runs input handlers before drawing), so the time is the app's own work plus the frames it
// takes, not the wait for the next vsync. "Painted" = a task posted from the frame's rAF ran,
// i.e. that frame's rendering (style, layout, paint) has finished. A change made during a
// frame's rAF callbacks (the lab copies late trace events there) is painted in that frame: the
// harness keeps a rAF loop of its own, registered before the lab's, to know when it is in one.
// Before each Step the lab is left to settle (the diagram caught up, no DOM change for
// 150 ms), as a reader looks first.
import { quantile } from './lib.mjs';
import { dataChannelOpen, eachSession, errLine, heldItems, labRegion, settleInPage, waitFor, waitHydrated } from './page.mjs';

export const WATCH_MS = 400;
export const FRAME_MS = 1000 / 60;

/**
 * Runs in the page: one Step, timed as described above. The observer looks only at the table
 * rows a mutation touched (reading every cell of a 1,010-row table on each mutation cost
 * ~15 ms inside the measured frame, the harness timing itself); the full scans happen before
 * the Step and after the watch.
 */
export function frameStep([fig, step, watchMs]) {
  const tbody = fig.querySelector('table tbody');
  const cells = (tr) => Array.from(tr.cells, (td) => (td.textContent ?? '').trim());
  const isDelivered = (r) => r[1] === 'broker' && !/\((held|dropped)\)$/.test(r[3]) && !r[3].startsWith('rejected');
  const deliveredNs = () => Array.from(tbody.rows, cells).filter(isDelivered).map((r) => r[0]);
  const before = new Set(deliveredNs());
  const rowsBefore = tbody.rows.length;
  const afterPaint = (cb) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => cb(performance.now());
    ch.port2.postMessage(0);
  };
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      const t0 = performance.now();
      const r = { deliveredDom: null, deliveredPaint: null, newDom: null, newPaint: null, newRows: 0, extra: 0 };
      // True from this harness's rAF callback (it runs first: registered before the lab's) until
      // the frame's resize observations, which come after every rAF callback and layout: a change
      // seen meanwhile is painted in this frame. A hidden probe changes size each frame for that.
      let inRendering = true;
      let loop = 0;
      const probe = document.createElement('div');
      probe.style.cssText = 'position:fixed;top:0;left:0;height:1px;width:1px;visibility:hidden;contain:strict;pointer-events:none';
      document.body.append(probe);
      const ro = new ResizeObserver(() => (inRendering = false));
      ro.observe(probe);
      const frame = () => {
        inRendering = true;
        probe.style.width = probe.style.width === '1px' ? '2px' : '1px';
        loop = requestAnimationFrame(frame);
      };
      /** Rows delivered by this Step, by number. */
      const fresh = new Set();
      const shown = (ns) =>
        ns.length > 0 &&
        // An arrow already drawn must show the delivery too (class patched, no re-render).
        ns.every((n) => {
          const a = fig.querySelector(`svg [data-et="message"][data-row="${CSS.escape(n)}"]`);
          return !a || a.classList.contains('lab-delivered');
        });
      const paintFrom = (key) => {
        // Seen before or during this frame's rendering: this frame shows it. Otherwise the next one.
        if (inRendering) afterPaint((t) => (r[key] ??= t - t0));
        else requestAnimationFrame(() => afterPaint((t) => (r[key] ??= t - t0)));
      };
      const note = (trs) => {
        for (const tr of trs) {
          const row = cells(tr);
          if (isDelivered(row) && !before.has(row[0])) fresh.add(row[0]);
        }
      };
      const check = (records) => {
        const now = performance.now() - t0;
        if (records) {
          const touched = new Set();
          for (const rec of records) {
            const el = rec.target.nodeType === 1 ? rec.target : rec.target.parentElement;
            const tr = el?.closest('tr');
            if (tr && tr.parentElement === tbody) touched.add(tr);
            for (const node of rec.addedNodes) if (node.nodeName === 'TR' && node.parentElement === tbody) touched.add(node);
          }
          note(touched);
        } else note(tbody.rows);
        if (r.deliveredDom === null && shown([...fresh])) {
          r.extra = fresh.size - 1;
          r.deliveredDom = now;
          paintFrom('deliveredPaint');
        }
        const n = tbody.rows.length;
        if (r.newDom === null && n > rowsBefore) {
          r.newDom = now;
          paintFrom('newPaint');
        }
        r.newRows = Math.max(r.newRows, n - rowsBefore);
      };
      const mo = new MutationObserver(check);
      mo.observe(fig, { subtree: true, childList: true, attributes: true, characterData: true });
      probe.style.width = '2px';
      step.click();
      loop = requestAnimationFrame(frame);
      setTimeout(() => {
        cancelAnimationFrame(loop);
        ro.disconnect();
        probe.remove();
        mo.disconnect();
        check();
        // Give a change seen at the very end its frame.
        requestAnimationFrame(() => afterPaint(() => resolve({ ...r, timeout: r.deliveredDom === null })));
      }, watchMs);
    });
  });
}

const stats = (values) => {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  return { n: s.length, p50: quantile(s, 0.5), p95: quantile(s, 0.95), max: s.at(-1) ?? NaN };
};

export async function measureStepFrames(browser, base, { sessions = 3, check, cpu = 1, labQuery = '' } = {}) {
  const samples = [];
  const notes = [];
  const errors = await eachSession(browser, sessions, undefined, async (page, s) => {
    try {
      if (cpu > 1) await (await page.context().newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: cpu });
      await page.goto(`${base}lab/?broker=in-page${labQuery ? `&${labQuery}` : ''}`, { waitUntil: 'load' });
      const lab = labRegion(page);
      await waitHydrated(lab, 'the lab island');
      await lab.getByRole('button', { name: 'Start', exact: true }).click();
      const open = dataChannelOpen(lab);
      for (let i = 0; i < 100; i++) {
        check?.();
        const next = await waitFor(async () => ((await open.isVisible()) ? 'open' : (await heldItems(lab).count()) > 0 ? 'held' : null), {
          timeout: 20_000,
          what: 'a held message or an open data channel',
        });
        if (next === 'open') break;
        const fig = await lab.getByRole('figure', { name: 'Sequence diagram' }).elementHandle();
        const section = await lab.elementHandle();
        const settled = await page.evaluate(settleInPage, [section, fig, 150, 3000]);
        const stepBtn = await lab.getByRole('button', { name: 'Step', exact: true }).elementHandle();
        const r = await page.evaluate(frameStep, [fig, stepBtn, WATCH_MS]);
        samples.push({ session: s, step: i + 1, settled: settled.settled, ...r });
        if (r.timeout) notes.push(`step frames: session ${s + 1} step ${i + 1}: no delivery within ${WATCH_MS} ms`);
        await Promise.all([fig.dispose(), section.dispose(), stepBtn.dispose()]);
      }
      if (!(await open.isVisible())) notes.push(`step frames: session ${s + 1}: data channel did not open`);
    } catch (err) {
      notes.push(`step frames: session ${s + 1}: ${errLine(err)}`);
    }
  });
  const ok = samples.filter((x) => !x.timeout);
  const quiet = ok.filter((x) => x.newRows === 0);
  const adding = ok.filter((x) => x.newRows > 0);
  const result = {
    sessions,
    watchMs: WATCH_MS,
    noNewMessage: stats(quiet.map((x) => x.deliveredPaint)),
    newMessage: stats(adding.map((x) => x.newPaint)),
    newMessageDelivery: stats(adding.map((x) => x.deliveredPaint)),
    newMessageDom: stats(adding.map((x) => x.newDom)),
    all: stats(ok.map((x) => (x.newRows > 0 ? x.newPaint : x.deliveredPaint))),
    timeouts: samples.length - ok.length,
    unsettled: samples.filter((x) => !x.settled).length,
    samples,
    notes,
    errors,
  };
  result.pass = {
    noNewMessage: result.noNewMessage.n > 0 && result.noNewMessage.p95 <= FRAME_MS,
    newMessage: result.newMessage.n > 0 && result.newMessage.p95 <= 50,
  };
  return result;
}
