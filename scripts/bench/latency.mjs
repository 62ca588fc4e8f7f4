// The two-device lab's latency test as a benchmark: round trips of 1 KB, 10 KB and 100 KB
// over MQTT and over the data channel, in one run, with the in-page broker (tabs of one
// browser sharing a SharedWorker broker) and with a real mosquitto on 127.0.0.1.
// It drives the page as a reader would (Your id, Join, Connect to, Run latency test) and
// reads the results table the lab shows.

/** @typedef {{ broker: string, path: string, size: string, median: string, middle: string, spread: string, trips: string }} LatencyRow */

async function openSolo(page, base, search) {
  await page.goto(`${base}lab/?mode=solo&${search}`);
  const lab = page.getByRole('region', { name: 'Two-device lab' });
  const joinButton = lab.getByRole('button', { name: 'Join' });
  await joinButton.waitFor();
  // Enabled once the island has hydrated.
  for (const until = Date.now() + 15_000; !(await joinButton.isEnabled()); ) {
    if (Date.now() > until) throw new Error('the two-device lab did not hydrate');
    await page.waitForTimeout(100);
  }
  return lab;
}

async function join(lab, id) {
  await lab.getByRole('textbox', { name: 'Your id' }).fill(id);
  await lab.getByRole('button', { name: 'Join' }).click();
  await lab.getByText(`You are ${id}`).waitFor({ timeout: 15_000 });
}

async function playAll(lab) {
  await lab.getByRole('combobox', { name: 'Pace' }).selectOption({ label: 'As fast as possible' });
  await lab.getByRole('button', { name: 'Play' }).click();
}

/**
 * One latency run between two pages on one broker setting.
 * @returns {Promise<LatencyRow[]>}
 */
async function runPair(pageA, pageB, base, search, broker, rounds) {
  const dog = await openSolo(pageA, base, search);
  const cat = await openSolo(pageB, base, search);
  await join(dog, 'dog111');
  await join(cat, 'cat222');
  await dog.getByRole('list', { name: 'Online peers' }).getByRole('button', { name: 'Connect to cat222' }).click({ timeout: 15_000 });
  await playAll(dog);
  await playAll(cat);
  await dog.getByText('Data channel open').first().waitFor({ timeout: 30_000 });
  await cat.getByText('Data channel open').first().waitFor({ timeout: 30_000 });
  const latency = dog.getByRole('region', { name: 'Latency test' });
  await latency.getByRole('spinbutton', { name: 'Round trips per size' }).fill(String(rounds));
  await latency.getByRole('button', { name: 'Run latency test' }).click();
  const rows = latency.getByRole('table').locator('tbody tr');
  await rows.nth(5).waitFor({ timeout: 120_000 });
  const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent?.trim() ?? '')));
  return cells.map(([path, size, median, middle, spread, trips]) => ({ broker, path, size, median, middle, spread, trips }));
}

/**
 * @param {import('@playwright/test').Browser} browser
 * @param {string} base  site URL ending in '/'
 * @param {{ mosquittoWsUrl: string, rounds?: number }} opts
 * @returns {Promise<LatencyRow[]>}
 */
export async function measureLatency(browser, base, { mosquittoWsUrl, rounds = 10 }) {
  const root = () => `webrtc-lab/bench-${Math.random().toString(36).slice(2, 10)}`;
  const out = [];
  // In-page: two tabs of one browser share the SharedWorker broker.
  const tabs = await browser.newContext();
  try {
    out.push(...(await runPair(await tabs.newPage(), await tabs.newPage(), base, `broker=tabs&root=${root()}`, 'in-page (tabs)', rounds)));
  } finally {
    await tabs.close();
  }
  // mosquitto: two separate browser contexts, as two devices would be.
  const a = await browser.newContext();
  const b = await browser.newContext();
  try {
    const search = `broker=${encodeURIComponent(mosquittoWsUrl)}&root=${root()}`;
    out.push(...(await runPair(await a.newPage(), await b.newPage(), base, search, 'mosquitto', rounds)));
  } finally {
    await a.close();
    await b.close();
  }
  return out;
}
