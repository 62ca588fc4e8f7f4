// 4. Time to connected with autoplay=1, on four transports, runs alternating so that the
// machine's load hits them alike: direct (no broker: signals handed over in memory, still
// through the queue: the limit), the in-page aedes broker, a real mosquitto on 127.0.0.1
// (ws://), and the in-page broker with policy=relay through a coturn on 127.0.0.1.
// Times come from the exported trace of each run.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, median } from './lib.mjs';
import { importTs } from '../import-ts.mjs';
import { collectErrors, dataChannelOpen, errLine, labRegion } from './page.mjs';

export const CONNECT_RATIO_GOAL = 1.3;

/** mosquitto and coturn starters of the e2e tests, bundled for Node (they are TypeScript). */
export function loadServers() {
  return importTs(
    'bench-servers',
    "export { startMosquitto } from './tests/e2e/support/mosquitto.ts';\nexport { startCoturn } from './tests/e2e/support/coturn.ts';\n",
  );
}

/** The four transports: name → query string for /lab/. */
function transports(mosquitto, coturn) {
  const ice = JSON.stringify([{ urls: coturn.turnUrl, username: coturn.user, credential: coturn.password }]);
  return {
    direct: 'broker=direct',
    'in-page': 'broker=in-page',
    mosquitto: `broker=${encodeURIComponent(mosquitto.wsUrl)}`,
    'turn relay': `broker=in-page&policy=relay&ice=${encodeURIComponent(ice)}`,
  };
}

/** Times of one run, from its trace: ms after the session event, and after createOffer(). */
export function traceTimes(trace) {
  const events = trace.events ?? [];
  const session = events.find((e) => e.type === 'session');
  const peers = session?.peers ?? [];
  const firstAt = (pred) => peers.map((p) => events.find((e) => e.peer === p && pred(e))?.at);
  const both = (ats) => (ats.length === 2 && ats.every((v) => typeof v === 'number') ? Math.max(...ats) : NaN);
  const connected = both(firstAt((e) => e.type === 'state' && e.machine === 'connection' && e.value === 'connected'));
  const open = both(firstAt((e) => e.type === 'channel' && e.state === 'open'));
  const brokers = both(firstAt((e) => e.type === 'broker' && e.state === 'connected'));
  const offer = events.find((e) => e.type === 'api' && e.call === 'createOffer' && e.ok)?.at ?? NaN;
  const s = session?.at ?? NaN;
  // With policy=relay every gathered candidate must be a relay one (webrtc-pc, RTCIceTransportPolicy "relay").
  const gathered = events.filter((e) => e.type === 'candidate-gathered' && e.candidate).map((e) => e.candidate);
  const relayOnly = gathered.length > 0 && gathered.every((c) => / typ relay/.test(c));
  return {
    traceBroker: session?.broker,
    sessionToConnected: connected - s,
    sessionToOpen: open - s,
    sessionToBrokers: brokers - s,
    offerToConnected: connected - offer,
    brokersToConnected: connected - brokers,
    signals: events.filter((e) => e.type === 'published').length,
    relayOnly,
  };
}

async function run(browser, base, query, keep) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = collectErrors(page);
  try {
    const t0 = Date.now();
    await page.goto(`${base}lab/?${query}&autoplay=1`, { waitUntil: 'load' });
    const lab = labRegion(page);
    await dataChannelOpen(lab).waitFor({ state: 'visible', timeout: 30_000 });
    const wallMs = Date.now() - t0;
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), lab.getByRole('button', { name: 'Export trace', exact: true }).click()]);
    const text = readFileSync(await download.path(), 'utf8');
    if (keep) {
      mkdirSync(join(ROOT, '.bench', 'traces'), { recursive: true });
      writeFileSync(join(ROOT, '.bench', 'traces', `${keep}.json`), text);
    }
    return { ...traceTimes(JSON.parse(text)), wallMs, errors };
  } finally {
    await context.close();
  }
}

const METRICS = ['sessionToConnected', 'offerToConnected', 'sessionToOpen', 'sessionToBrokers', 'brokersToConnected', 'wallMs'];

export async function measureConnect(browser, base, { runs = 7, warmup = 1, keepTraces = false, check } = {}) {
  const lib = await loadServers();
  const mosquitto = await lib.startMosquitto();
  const coturn = await lib.startCoturn();
  const failures = [];
  try {
    const list = transports(mosquitto, coturn);
    const samples = Object.fromEntries(Object.keys(list).map((k) => [k, []]));
    for (let i = 0; i < warmup + runs; i++) {
      for (const [name, query] of Object.entries(list)) {
        check?.();
        const label = `${name.replace(' ', '-')}-${i < warmup ? `warmup${i + 1}` : i - warmup + 1}`;
        try {
          const r = await run(browser, base, query, keepTraces && label);
          if (i >= warmup) samples[name].push(r);
        } catch (err) {
          failures.push(`${name} run ${i + 1}: ${errLine(err)}`);
        }
      }
    }
    const summary = {};
    for (const [name, rs] of Object.entries(samples)) {
      summary[name] = { n: rs.length, relayOnly: rs.filter((r) => r.relayOnly).length, traceBroker: rs[0]?.traceBroker };
      for (const m of METRICS) {
        const v = rs.map((r) => r[m]).filter(Number.isFinite);
        summary[name][m] = median(v);
        summary[name][`${m}Range`] = [Math.min(...v), Math.max(...v)];
      }
    }
    const ratio = Object.fromEntries(
      Object.keys(list).map((name) => [name, Object.fromEntries(METRICS.map((m) => [m, summary[name][m] / summary.direct[m]]))]),
    );
    return {
      runs,
      warmup,
      summary,
      ratio,
      pass: ratio['in-page'].sessionToConnected <= CONNECT_RATIO_GOAL,
      samples,
      failures,
    };
  } finally {
    await coturn.stop().catch(() => {});
    await mosquitto.stop().catch(() => {});
  }
}
