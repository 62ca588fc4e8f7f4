import mqtt from 'mqtt';
import { test, expect } from './support/mosquitto';
import { autoplayed, deliveredRows, diagramTable, exportTrace, heldList, labOnBroker, labRegion, stepUntilOpen, tableRows } from './support/lab';
import { collectErrors } from './support/errors';

test.describe('in-page broker', () => {
  test('start, step to an open data channel, chat, pull the plug', async ({ page }) => {
    const errors = collectErrors(page);
    await page.goto('lab/');
    const lab = labRegion(page);
    await expect(lab).toBeVisible();
    await lab.getByRole('button', { name: 'Start' }).click();
    await expect(heldList(lab).getByRole('listitem').first()).toBeVisible();

    // Each step is announced to screen readers.
    await lab.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(lab.locator('[aria-live="polite"]')).toHaveText(/^Step 1: broker to (alice|bob): status: (alice|bob) online/);

    // bob joined second, so alice's status reaches him as a retained message.
    const steps = await stepUntilOpen(lab);
    expect(steps).toBeGreaterThan(3);
    const rows = await deliveredRows(lab);
    const messages = rows.map((r) => r[3]);
    expect(messages).toContainEqual(expect.stringMatching(/^status: alice online \(retained\)/));
    // …exactly once: not also live.
    expect(rows.filter((r) => r[2] === 'bob' && r[3]!.startsWith('status: alice online'))).toHaveLength(1);
    expect(messages).toContain('offer');
    expect(messages).toContain('answer');
    expect(messages.some((m) => m!.startsWith('candidate'))).toBe(true);
    expect(rows.find((r) => r[3] === 'offer')?.[2]).toBe('bob');
    expect(rows.find((r) => r[3] === 'answer')?.[2]).toBe('alice');

    // Each peer's states are shown as text.
    const alice = lab.getByRole('region', { name: 'Peer alice' });
    await expect(alice.getByText('connected').first()).toBeVisible();

    // Chat goes over the data channel.
    const chat = lab.getByRole('textbox', { name: 'Chat message' });
    await chat.fill('hello bob');
    await chat.press('Enter');
    await expect(lab.getByRole('list', { name: 'Chat log' })).toContainText('hello bob');

    // Keyboard: → steps when focus is in the lab (drain anything left first).
    await lab.getByRole('button', { name: 'Pull the plug' }).click();
    await expect(heldList(lab)).toContainText('will: bob offline');
    while ((await heldList(lab).getByRole('listitem').count()) > 0) {
      const before = (await deliveredRows(lab)).length;
      await lab.getByRole('button', { name: 'Reset' }).focus();
      await page.keyboard.press('ArrowRight');
      await expect.poll(async () => (await deliveredRows(lab)).length).toBe(before + 1);
    }
    const last = await deliveredRows(lab);
    expect(last.map((r) => r[3])).toContain('will: bob offline');
    // The chat still works: the data channel does not need the broker.
    await chat.fill('still here?');
    await chat.press('Enter');
    await expect(lab.getByRole('list', { name: 'Chat log' })).toContainText('still here?');

    // Clicking a row opens the inspector with the SDP.
    // The offer appears twice: published (alice → broker) and delivered (broker → bob).
    await lab.getByRole('button', { name: 'offer', exact: true }).last().click();
    const inspector = lab.getByRole('region', { name: 'Message inspector' });
    await expect(inspector).toContainText('a=fingerprint');
    // …and the PUBLISH that carried it, byte by byte (folded under the SDP).
    await inspector.getByText(/^MQTT packet \(/).click();
    await expect(inspector.getByText('RETAIN = 0').first()).toBeVisible();

    // The retained status bob got as a late joiner: its RETAIN bit is set on delivery.
    await lab.getByRole('button', { name: 'status: alice online (retained)' }).last().click();
    await expect(inspector).toContainText('alice → broker → bob');
    await expect(inspector.getByText('RETAIN = 1').first()).toBeVisible();
    // …and the command that publishes it again from a terminal.
    await expect(inspector.getByRole('textbox', { name: 'mosquitto_pub command' })).toHaveValue(/^mosquitto_pub -h localhost -p 1883 -t 'webrtc-lab\/[a-z0-9]+\/alice\/status' -q 1 -r -m '\{"v":1,"kind":"status"/);
    await expect(inspector.getByRole('button', { name: 'Copy as mosquitto_pub' })).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('autoplay reaches an open data channel on its own', async ({ page }) => {
    const errors = collectErrors(page);
    await autoplayed(page);
    expect(errors).toEqual([]);
  });

  // A plain-http page (not localhost) has no crypto.randomUUID, which aedes uses for ids:
  // the build must swap in the shim's getRandomValues fallback (src/lib/broker/shims/crypto.ts).
  test('without crypto.randomUUID the in-page broker still speaks MQTT 3.1.1 to an open channel', async ({ page }) => {
    const errors = collectErrors(page);
    await page.addInitScript(() => {
      Object.defineProperty(Crypto.prototype, 'randomUUID', { value: undefined, configurable: true });
    });
    await page.goto('lab/?autoplay=1');
    expect(await page.evaluate(() => typeof crypto.randomUUID)).toBe('undefined');
    const lab = labRegion(page);
    await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
    await lab.getByText('MQTT packets', { exact: true }).click();
    const packets = lab.getByRole('list', { name: 'MQTT packets (alice)' });
    for (const type of ['CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK']) {
      await expect(packets.getByRole('button', { name: new RegExp(`broker ${type} `) }).first()).toBeVisible();
    }
    await packets.getByRole('button', { name: /broker CONNECT / }).first().click();
    const connect = lab.getByRole('region', { name: /^Packet 1 of \d+: CONNECT$/ }).first();
    await expect(connect).toContainText('Protocol level');
    await expect(connect).toContainText('MQTT Version 3.1.1');
    expect(errors).toEqual([]);
  });

  test('export the trace, then reset and start a clean second session', async ({ page }) => {
    const errors = collectErrors(page);
    const lab = await autoplayed(page);

    const trace = JSON.parse(await (await import('node:fs/promises')).readFile(await exportTrace(page, lab), 'utf8'));
    expect(trace).toMatchObject({ schema: 'webrtc-lab-trace', version: 1 });
    const types = new Set(trace.events.map((e: { type: string }) => e.type));
    for (const t of ['session', 'broker', 'published', 'held', 'delivered', 'state', 'candidate-gathered', 'channel']) expect(types).toContain(t);

    await lab.getByRole('button', { name: 'Reset' }).click();
    await expect(diagramTable(lab).locator('tbody tr')).toHaveCount(0);
    await expect(lab.getByText('Data channel open')).toBeHidden();
    await expect(lab.getByRole('region', { name: 'Peer alice' })).toContainText('idle');

    // The in-page broker was reset too: no retained status from the first session.
    await lab.getByRole('button', { name: 'Start' }).click();
    await expect(heldList(lab).getByRole('listitem')).toHaveCount(2);
    await expect(heldList(lab)).toContainText('status: alice online (retained)');
    await lab.getByRole('button', { name: 'Play' }).click();
    await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
    expect(errors).toEqual([]);
  });

  test('the signalling chapter embeds a working lab', async ({ page }) => {
    const errors = collectErrors(page);
    await page.goto('signalling/?autoplay=1');
    const lab = labRegion(page);
    await lab.scrollIntoViewIfNeeded();
    await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
    expect(errors).toEqual([]);
  });

  test('an unreachable broker gives a clear error and a retry', async ({ page }) => {
    await page.goto('lab/?broker=ws://127.0.0.1:9/');
    const lab = labRegion(page);
    await lab.getByRole('button', { name: 'Start' }).click();
    const alert = lab.getByRole('alert');
    await expect(alert).toContainText('Could not', { timeout: 10_000 });
    await expect(lab.getByRole('button', { name: 'Retry' })).toBeVisible();
  });
});

test.describe('real mosquitto', () => {
  test('signals go through mosquitto, readable by any subscriber', async ({ page, mosquitto }) => {
    const errors = collectErrors(page);
    const root = `webrtc-lab/e2e${Date.now().toString(36)}`;
    const spy = await mqtt.connectAsync(mosquitto.mqttUrl, { clientId: `spy-${Date.now()}` });
    const seen: { topic: string; payload: string; retain: boolean }[] = [];
    spy.on('message', (topic, payload, packet) => seen.push({ topic, payload: payload.toString(), retain: packet.retain }));
    await spy.subscribeAsync({ [`${root}/#`]: { qos: 1 } });

    await page.goto(`lab/?broker=${encodeURIComponent(mosquitto.wsUrl)}&root=${encodeURIComponent(root)}`);
    const lab = labRegion(page);
    await expect(lab.getByText(`mosquitto_sub -h 127.0.0.1 -p 1883 -t '${root}/#' -v`)).toBeVisible();
    await lab.getByRole('button', { name: 'Start' }).click();
    await stepUntilOpen(lab);

    const kinds = seen.map((m) => JSON.parse(m.payload).kind);
    expect(kinds).toContain('offer');
    expect(kinds).toContain('answer');
    expect(kinds).toContain('candidate');
    const offer = seen.find((m) => m.topic === `${root}/bob/signal` && m.payload.includes('"offer"'));
    expect(JSON.parse(offer!.payload).sdp).toMatch(/^v=0\r\n/);

    // A late subscriber gets both statuses, retained.
    const late = await mqtt.connectAsync(mosquitto.mqttUrl, { clientId: `late-${Date.now()}` });
    const retained: { topic: string; retain: boolean; status: string }[] = [];
    late.on('message', (topic, payload, packet) => retained.push({ topic, retain: packet.retain, status: JSON.parse(payload.toString()).status }));
    await late.subscribeAsync({ [`${root}/+/status`]: { qos: 1 } });
    await expect.poll(() => retained.length).toBe(2);
    expect(retained.every((m) => m.retain && m.status === 'online')).toBe(true);

    const chat = lab.getByRole('textbox', { name: 'Chat message' });
    await chat.fill('over the data channel');
    await chat.press('Enter');
    await expect(lab.getByRole('list', { name: 'Chat log' })).toContainText('over the data channel');
    // The chat never touches the broker.
    expect(seen.some((m) => m.payload.includes('over the data channel'))).toBe(false);

    // Pull the plug: mosquitto publishes bob's will, retained, and alice gets it via the queue.
    await lab.getByRole('button', { name: 'Pull the plug' }).click();
    await expect(heldList(lab)).toContainText('will: bob offline', { timeout: 15_000 });
    await expect.poll(() => retained.some((m) => m.topic === `${root}/bob/status` && m.status === 'offline')).toBe(true);
    await late.endAsync();
    await spy.endAsync();
    expect(errors).toEqual([]);
  });

  test('garbage and hostile payloads are rejected with a reason, never rendered as markup', async ({ page, mosquitto }) => {
    const errors = collectErrors(page);
    const { lab, root } = await labOnBroker(page, mosquitto.wsUrl, 'bad');
    await expect(heldList(lab).getByRole('listitem').first()).toBeVisible();

    const evil = await mqtt.connectAsync(mosquitto.mqttUrl, { clientId: `evil-${Date.now()}` });
    const xss = '<img src=x onerror="window.__pwned=1">';
    await evil.publishAsync(`${root}/bob/signal`, 'this is not json', { qos: 1 });
    await evil.publishAsync(`${root}/bob/signal`, JSON.stringify({ v: 1, kind: 'offer', from: xss, to: 'bob', session: 'x', mid: 'm', ts: 1, sdp: xss }), { qos: 1 });
    await evil.publishAsync(`${root}/bob/signal`, JSON.stringify({ v: 1, kind: 'offer', from: 'alice->>bob: pwned', to: 'bob', session: 'x', mid: 'm', ts: 1, sdp: 'v=0' }), { qos: 1 });
    await evil.publishAsync(`${root}/bob/signal`, 'x'.repeat(70_000), { qos: 1 });
    await evil.endAsync();

    await expect.poll(async () => (await tableRows(lab)).filter((r) => r[3]!.startsWith('rejected')).length).toBe(4);
    const reasons = (await tableRows(lab)).filter((r) => r[3]!.startsWith('rejected')).map((r) => r[3]);
    expect(reasons.join('\n')).toMatch(/not JSON/);
    expect(reasons.join('\n')).toMatch(/over the 65536-byte limit/);
    // Nothing reached a peer: no held message mentions the hostile ids.
    await expect(heldList(lab)).not.toContainText('pwned');
    // Wait for the diagram to draw the rejected arrows, then check nothing was injected.
    await expect(lab.locator('svg .lab-rejected').first()).toBeAttached({ timeout: 10_000 });
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const svgText = await lab.locator('figure svg').first().textContent();
    expect(svgText).not.toContain('pwned');
    expect(errors).toEqual([]);
  });
});

test.describe('broker goes away mid-session', () => {
  test('the lab says so, reconnects, republishes status, and keeps the queue and the trace', async ({ page }) => {
    const { startMosquitto } = await import('./support/mosquitto');
    const broker = await startMosquitto();
    try {
      const errors = collectErrors(page);
      const { lab } = await labOnBroker(page, broker.wsUrl, 'drop');
      await expect(heldList(lab).getByRole('listitem')).toHaveCount(2);
      // Step until alice has offered and finished gathering, so nothing more is in flight.
      const step = lab.getByRole('button', { name: 'Step', exact: true });
      while (!(await heldList(lab).getByText('end-of-candidates').count())) {
        await step.click();
        await page.waitForTimeout(300);
      }
      const heldBefore = await heldList(lab).getByRole('listitem').count();
      const rowsBefore = await tableRows(lab);

      await broker.restart();
      await expect(lab.getByRole('status').filter({ hasText: 'lost its broker connection' })).toBeVisible({ timeout: 10_000 });
      await expect(lab.getByRole('status').filter({ hasText: 'lost its broker connection' })).toBeHidden({ timeout: 20_000 });
      // Still held from before the drop, plus each peer's republished "online".
      await expect(heldList(lab).getByRole('listitem')).toHaveCount(heldBefore + 2, { timeout: 10_000 });
      const rowsAfter = await tableRows(lab);
      expect(rowsAfter.slice(0, rowsBefore.length)).toEqual(rowsBefore);
      await expect(lab.getByRole('region', { name: 'Peer alice' })).toContainText('connected');
      // The session carries on to an open data channel.
      await stepUntilOpen(lab);
      expect(errors.filter((e) => !/WebSocket connection to .* failed/.test(e))).toEqual([]);
    } finally {
      await broker.stop();
    }
  });
});

test('state timelines link each transition to the message that caused it', async ({ page }) => {
  const lab = await autoplayed(page);
  await lab.getByText('State timelines').click();
  const bobTimeline = lab.getByRole('table', { name: 'State timeline of bob' });
  const row = bobTimeline.getByRole('row').filter({ hasText: 'have-remote-offer' });
  await expect(row).toContainText('signalingState');
  await row.getByRole('button', { name: 'offer from alice' }).click();
  const inspector = lab.getByRole('region', { name: 'Message inspector' });
  await expect(inspector).toContainText('alice → broker → bob');
  await expect(inspector).toContainText('a=setup:actpass');
  await expect(lab.getByRole('table', { name: 'State timeline of alice' }).getByRole('row').filter({ hasText: 'data channel readyState' }).last()).toContainText('open');
});

for (const width of [1280, 390]) {
  test(`at ${width} px every radio and checkbox in the settings keeps its size, however long its words`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('lab/');
    const boxes = labRegion(page).locator('input[type="radio"], input[type="checkbox"]');
    await expect(labRegion(page).getByRole('radio', { name: /perfect negotiation/ })).toBeVisible();
    const sizes = await boxes.evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).map((e) => [e.getAttribute('value') ?? e.getAttribute('name'), Math.round(e.getBoundingClientRect().width)] as const));
    expect(sizes.length).toBeGreaterThan(3);
    // A wrapped label squeezed them to a 4 px dot.
    for (const [name, w] of sizes) expect(w, `${name} is ${w} px wide`).toBeGreaterThanOrEqual(12);
  });
}
