// Robustness against the outside world: a second MQTT client flooding the lab's root with
// hostile payloads, and a TURN server that goes away in the middle of a relay-only session.
import mqtt from 'mqtt';
import { test, expect } from './support/mosquitto';
import { startCoturn } from './support/coturn';
import { autoplayed, deliveredRows, heldList, labOnBrokerHeld, stepUntilOpen, tableRows } from './support/lab';
import { collectErrors } from './support/errors';

/** Everything a hostile publisher might try, cycled through by the flood. */
const HOSTILE: readonly string[] = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=1</script>',
  JSON.stringify({ v: 1, kind: 'status', from: 'alice->>bob: pwned', session: 'x', mid: 'm', ts: 1, status: 'online' }),
  JSON.stringify({ v: 1, kind: 'status', from: '<b>mallory</b>', session: 'x', mid: 'm', ts: 1, status: 'online' }),
  'sequenceDiagram\nalice->>bob: pwned\nNote over alice: <img src=x onerror="window.__pwned=1">',
  'control \u0000\u0007\u001b[31m\u202e\u2028 characters',
  '['.repeat(1500) + ']'.repeat(1500),
  `{"v":1,"kind":"status","from":"mallory","x":${'{"a":'.repeat(500)}1${'}'.repeat(500)}}`,
];

test.describe('a second client floods the root', () => {
  test('1,000 hostile messages in a second: rate-limited and said so, Step stays responsive, nothing renders, the session completes', async ({ page, mosquitto }) => {
    test.setTimeout(120_000);
    const errors = collectErrors(page);
    const { lab, root } = await labOnBrokerHeld(page, mosquitto.wsUrl, 'flood');

    const evil = await mqtt.connectAsync(mosquitto.mqttUrl, { clientId: `evil-${Date.now()}` });
    const started = Date.now();
    // Both peers subscribe to <root>/+/status, so each receives the whole flood. The payloads
    // stay small (oversized ones are in lab.spec.ts): mosquitto 2.0.11's WebSocket listener
    // stops delivering to a busy client when a backlog of 16 KB messages piles up.
    const flood = (async () => {
      for (let i = 0; i < 1000; i++) {
        evil.publish(`${root}/mallory/status`, HOSTILE[i % HOSTILE.length]!, { qos: 0 });
        if (i % 10 === 9) await new Promise((r) => setTimeout(r, 8));
      }
      await evil.endAsync();
      return Date.now() - started;
    })();

    // Mid-flood, Step still answers: the next delivery shows in the table within 2 s.
    await page.waitForTimeout(300);
    const before = (await deliveredRows(lab)).length;
    const stepAt = Date.now();
    await lab.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(async () => (await deliveredRows(lab)).length, { timeout: 2000 }).toBe(before + 1);
    const stepMs = Date.now() - stepAt;
    const floodMs = await flood;
    expect(floodMs, 'the flood took about a second').toBeLessThan(5000);
    expect(stepMs).toBeLessThan(2000);

    // The lab says so: one rate-limit summary per peer, not a thousand rows.
    const limitRows = async () => (await tableRows(lab)).filter((r) => /^rejected: rate limit: \d+ messages on this topic dropped/.test(r[3]!));
    await expect.poll(async () => (await limitRows()).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const rejectedRows = (await tableRows(lab)).filter((r) => r[3]!.startsWith('rejected'));
    expect(rejectedRows.length, 'the flood is summed, not drawn message by message').toBeLessThan(300);
    // The status line (aria-hidden: a visual summary) counts every message, dropped or decoded: 2 × 1,000.
    const statusLine = lab.locator('.status-line');
    await expect.poll(async () => Number(/(\d+) rejected/.exec((await statusLine.textContent()) ?? '')?.[1] ?? 0)).toBe(2000);
    await expect(lab.getByText(/rate limit: \d+ messages/).first()).toBeVisible();

    // Nothing executed or rendered as markup, in the table, the diagram or the held list.
    await expect(heldList(lab)).not.toContainText('mallory');
    expect(await page.locator('img[src="x"], b:has-text("mallory")').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect(lab.locator('svg .lab-rejected').first()).toBeAttached({ timeout: 10_000 });
    expect(await lab.locator('figure svg').first().textContent()).not.toContain('pwned');

    // The legitimate session carries on to an open data channel.
    await stepUntilOpen(lab);
    await expect(lab.getByText('Data channel open')).toBeVisible();
    expect(errors).toEqual([]);
  });
});

test.describe('TURN server goes away', () => {
  test('during a relay-only session: ICE goes disconnected, then failed, and the lab explains why', async ({ page }) => {
    test.setTimeout(120_000);
    const coturn = await startCoturn();
    try {
      const ice = JSON.stringify([{ urls: coturn.turnUrl, username: coturn.user, credential: coturn.password }]);
      const lab = await autoplayed(page, `lab/?policy=relay&autoplay=1&ice=${encodeURIComponent(ice)}`);
      const alice = lab.getByRole('region', { name: 'Peer alice' });
      await expect(alice).toContainText('connected');

      await coturn.stop();
      // Consent checks go unanswered (RFC 7675): disconnected within seconds, failed after ~30 s.
      await expect(alice).toContainText('disconnected', { timeout: 20_000 });
      const panel = lab.getByText('ICE candidates and pairs');
      if (!(await lab.getByRole('table', { name: 'Candidates', exact: true }).isVisible())) await panel.click();
      await expect(lab.getByText(/its TURN relay went away/).first()).toBeVisible({ timeout: 60_000 });
      await expect(lab.getByText(/The TURN server has probably stopped or restarted/).first()).toBeVisible();
    } finally {
      await coturn.stop();
    }
  });
});
