// Markdown for measurements 3b, 4, 7–13 (bench.mjs reports 1–3, 5 and 6).
import { kb, mdTable, ms } from './lib.mjs';
import { CONNECT_RATIO_GOAL } from './connect.mjs';
import { FIRST_LOAD_JS_GOAL } from './weight.mjs';
import { LIGHTHOUSE_GOAL } from './lighthouse.mjs';
import { SCALE_GOALS } from './scale.mjs';
import { PHONE_CPU_SLOWDOWN, PHONE_GOALS, PHONE_NETWORK } from './phone.mjs';
import { HEIGHT_GOALS } from './heights.mjs';

const pf = (ok) => (ok ? 'PASS' : 'FAIL');
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const tail = (r) => `p50 ${ms(r.p50)}, **p95 ${ms(r.p95)}**, max ${ms(r.max)}, n=${r.n}`;

/** Measurement 10: the latency test's own table, one row per broker, path and size. */
function latencyTable(rows) {
  return [
    '10. Latency test (two-device lab, 10 round trips per size): median, middle half, min–max',
    '',
    mdTable(['Broker', 'Path', 'Size', 'Median', 'Middle half', 'Min–max'], rows.map((r) => [r.broker, r.path, r.size, r.median, r.middle, r.spread])),
  ].join('\n');
}

export function reportMore(results) {
  const { stepFrames: sf, connect: c, weight: w, lighthouse: lh, scale: sc, latency, phone, slowCpu, heights } = results;
  const rows = [];
  const out = [];
  const notes = [];
  if (sf) {
    rows.push(['3b. Step → frame painted, step adds no new message', tail(sf.noNewMessage), 'p95 ≤ 16.7 ms', pf(sf.pass.noNewMessage)]);
    rows.push(['3c. Step → frame painted, step adds a new message (first new row)', `${tail(sf.newMessage)}; its delivery painted p95 ${ms(sf.newMessageDelivery.p95)}`, 'p95 ≤ 50 ms', pf(sf.pass.newMessage)]);
    notes.push(...sf.notes, ...sf.errors.map((e) => `console (step frames): ${e}`));
  }
  if (c) {
    const s = c.summary;
    const cell = (m) => Object.keys(s).map((k) => `${k} ${ms(s[k][m])}${k === 'direct' ? '' : ` (${c.ratio[k][m].toFixed(2)}×)`}`).join(' / ');
    rows.push(['4. Session start → both peers connected, autoplay (median)', cell('sessionToConnected'), `in-page ≤ ${CONNECT_RATIO_GOAL}× direct`, pf(c.pass)]);
    rows.push(['4b. createOffer() → both peers connected (median)', cell('offerToConnected'), '—', '—']);
    rows.push(['4c. Session start → both data channels open (median)', cell('sessionToOpen'), '—', '—']);
    out.push(
      `Time to connected: ${c.runs} runs per transport (+${c.warmup} warm-up), transports alternating, fresh page each; session start → both peers connected to the broker: ${Object.keys(s)
        .map((k) => `${k} ${ms(s[k].sessionToBrokers)}`)
        .join(', ')}; TURN runs with relay candidates only: ${s['turn relay']?.relayOnly ?? 0}/${s['turn relay']?.n ?? 0}.`,
    );
    notes.push(...c.failures, ...Object.values(c.samples).flat().flatMap((r) => r.errors.map((e) => `console (connect): ${e}`)));
  }
  if (w) {
    const maxFirst = Math.max(...w.pages.map((p) => p.first.jsGz));
    const over = w.pages.filter((p) => !p.pass).map((p) => `/${p.path} ${kb(p.first.jsGz)}`);
    rows.push([
      '7. First-load JS of every page (home, chapters, /lab/, /replay/), largest (before a lab is used)',
      `**${kb(maxFirst)}** gz${over.length ? `; over the goal: ${over.join(', ')}` : ''}`,
      `≤ ${kb(FIRST_LOAD_JS_GOAL)}`,
      pf(w.pass),
    ]);
    out.push('');
    out.push('Page weight (gzip -9; first load = 1280×800, no scroll, no click; lab = scrolled to, Start pressed, until the network is quiet):');
    out.push('');
    out.push(
      mdTable(
        ['Page', 'First-load JS', 'First-load CSS', 'Lab on Start: JS', 'Lab on Start: CSS', 'Total'],
        w.pages.map((p) => [
          `/${p.path}${p.labHydratedAtLoad ? ' (lab in view: hydrates on load)' : ''}`,
          kb(p.first.jsGz),
          kb(p.first.cssGz),
          p.labStart ? kb(p.labStart.jsGz) : '—',
          p.labStart ? kb(p.labStart.cssGz) : '—',
          kb(p.totalGz),
        ]),
      ),
    );
    const k = w.site.byKind;
    out.push(
      `\nWhole site: ${w.site.files} files, ${kb(w.site.gz)} gz (${mb(w.site.raw)} raw): ${Object.entries(k)
        .sort((a, b) => b[1].gz - a[1].gz)
        .slice(0, 6)
        .map(([n, e]) => `${n} ${kb(e.gz)}`)
        .join(', ')}.`,
    );
    notes.push(...w.notes, ...w.pages.flatMap((p) => p.errors.map((e) => `console (/${p.path}): ${e}`)));
  }
  if (lh) {
    rows.push([`8. Lighthouse performance, every page (mobile preset, ${lh.version ?? '?'})`, `lowest **${lh.min}** (${lh.pages.map((p) => `/${p.path} ${p.score}`).join(', ')})`, `≥ ${LIGHTHOUSE_GOAL}`, pf(lh.pass)]);
    for (const p of lh.pages.filter((x) => x.score < LIGHTHOUSE_GOAL)) {
      notes.push(`lighthouse /${p.path} ${p.score}: ${Object.entries(p.metrics).map(([k, v]) => `${k} ${v.display}`).join(', ')}; opportunities: ${p.opportunities.map((o) => `${o.title} ${o.display}`).join('; ') || 'none'}`);
    }
    notes.push(...lh.notes);
  }
  if (sc) {
    if (sc.error) notes.push(`scale: ${sc.error}`);
    else {
      rows.push([`9a. Scale, ${sc.signals} chats (${sc.rowsAtEnd} table rows): Step → frame painted`, tail(sc.step), `p95 ≤ ${SCALE_GOALS.stepP95Ms} ms`, pf(sc.pass.step)]);
      rows.push([
        '9b. … diagram re-render (render start → new SVG in place)',
        `**max ${ms(sc.render.renderMs.max)}**, p50 ${ms(sc.render.renderMs.p50)}, n=${sc.render.renderMs.n}; publish → painted p50 ${ms(sc.render.publishToPainted.p50)}; ${sc.svgArrows} arrows drawn`,
        `≤ ${SCALE_GOALS.renderMs} ms`,
        pf(sc.pass.render),
      ]);
      rows.push(['9c. … JS heap (after GC)', `${mb(sc.heap.before.usedSize)} before the flood, ${mb(sc.heap.afterFlood.usedSize)} after, ${mb(sc.heap.end.usedSize)} at the end`, '—', '—']);
      out.push(`Scale: ${sc.signals} chats published in ${ms(sc.floodMs)}, all in the table; the diagram caught up ${ms(sc.settleAfterFloodMs)} after the flood.`);
    }
    notes.push(...(sc.notes ?? []), ...(sc.errors ?? []).map((e) => `console (scale): ${e}`));
  }
  if (phone) {
    const net = `${PHONE_NETWORK.latency} ms RTT, ${((PHONE_NETWORK.downloadThroughput * 8) / 1024 / 1024).toFixed(1)} Mbit/s down, CPU ${PHONE_CPU_SLOWDOWN}× slower`;
    rows.push([`11. Phone (390 px, ${net}): Start → diagram drawn, /signalling/ (median of ${phone.runs}, cold)`, `**${ms(phone.diagram)}**; Start → first row ${ms(phone.firstRow)}`, `≤ ${ms(PHONE_GOALS.startToDiagramMs)}`, pf(phone.pass)]);
    notes.push(...phone.notes, ...phone.errors.map((e) => `console (phone): ${e}`));
  }
  if (slowCpu) {
    const { rate, stepFrames: f, scale: s } = slowCpu;
    if (f) rows.push([`12. CPU ${rate}× slower: 3b step adds no message / 3c adds one`, `${tail(f.noNewMessage)} / ${tail(f.newMessage)}`, '—', '—']);
    if (s) rows.push([`12. CPU ${rate}× slower: 9a ${s.signals} chats, Step → frame`, s.error ? `error: ${s.error}` : tail(s.step), '—', '—']);
    notes.push(...(f?.notes ?? []).map((n) => `cpu ${rate}×: ${n}`), ...(s?.notes ?? []).map((n) => `cpu ${rate}×: ${n}`));
  }
  if (heights) {
    const px = (n) => `${Number.isFinite(n) ? n.toLocaleString('en-US') : '?'} px`;
    const tallest = (k) => Math.max(...heights.rows.map((r) => r[k].article));
    const phoneGoal = HEIGHT_GOALS.desktopPx * HEIGHT_GOALS.phoneFactor;
    rows.push(['13. Chapter text height (article; folded parts closed, labs idle), tallest', `**${px(tallest('desktop'))}** at 1280 px, **${px(tallest('phone'))}** at 390 px`, `≤ ${px(HEIGHT_GOALS.desktopPx)} / ≤ ${px(phoneGoal)}`, pf(heights.pass)]);
    out.push('', 'Chapter heights (the article element; whole page in brackets):', '');
    out.push(mdTable(['Chapter', '1280 px', '390 px', '390 / 1280'], heights.rows.map((r) => [`/${r.path}`, `${px(r.desktop.article)} (${px(r.desktop.page)})`, `${px(r.phone.article)} (${px(r.phone.page)})${r.phone.sideways ? ', scrolls sideways' : ''}`, `${r.ratio.toFixed(2)}×`])));
    notes.push(...heights.rows.flatMap((r) => [...r.desktop.errors, ...r.phone.errors].map((e) => `console (/${r.path}): ${e}`)));
  }
  const text = [...(rows.length ? [mdTable(['Measurement', 'Result', 'Goal', ''], rows)] : []), ...out];
  if (latency?.length) text.push('', latencyTable(latency));
  if (notes.length) text.push('', 'Notes (3b–12):', ...[...new Set(notes)].slice(0, 20).map((n) => `- ${n}`));
  return text.length ? `\n${text.join('\n')}` : '';
}
