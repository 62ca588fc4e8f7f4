// A stranger on a real mosquitto forges signals in the name of the lab's peers (issue 14):
// it reads the session id from the retained status, as anyone subscribed to <root>/# can,
// and publishes an "offer from alice to bob" and a will "bob offline" with mqtt.js. The lab
// holds both apart as foreign, never steps them, and the real session still opens. The
// two-device lab does the same with a second offer from a third publisher: suspicious.
import AxeBuilder from '@axe-core/playwright';
import mqtt from 'mqtt';
import type { Browser, Locator } from '@playwright/test';
import { test, expect } from './support/mosquitto';
import { collectErrors } from './support/errors';
import { diagramTable, exportTrace, heldList, labOnBrokerHeld, replayToEnd, stepUntilOpen, tableRows } from './support/lab';
import { joinSolo } from './support/solo';

/** A data-channel offer Chromium accepts: its ICE credentials and fingerprint are the forger's. */
const FORGED_SDP =
  'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n' +
  'c=IN IP4 0.0.0.0\r\na=ice-ufrag:evil\r\na=ice-pwd:evilevilevilevilevilevil\r\na=ice-options:trickle\r\n' +
  `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}\r\na=setup:actpass\r\na=mid:0\r\na=sctp-port:5000\r\n`;

/** A client of the test's own on the broker, and the session id it reads from `peer`'s retained status. */
async function forger(mqttUrl: string, root: string, peer: string) {
  const client = await mqtt.connectAsync(mqttUrl, { clientId: `forger-${Date.now()}` });
  const status = new Promise<Record<string, unknown>>((resolve) => {
    client.on('message', (topic, payload) => {
      if (topic === `${root}/${peer}/status` && payload.length > 0) resolve(JSON.parse(payload.toString()) as Record<string, unknown>);
    });
  });
  await client.subscribeAsync({ [`${root}/+/status`]: { qos: 1 } });
  const { session } = await status;
  return { client, session: String(session) };
}

function apartList(lab: Locator): Locator {
  return lab.getByRole('list', { name: 'Held apart' });
}

test.describe('forged signals on the two-peer lab', () => {
  test('a forged offer and a forged will are held apart as foreign; the real session still opens', async ({ page, mosquitto }) => {
    test.setTimeout(120_000);
    const errors = collectErrors(page);
    const { lab, root } = await labOnBrokerHeld(page, mosquitto.wsUrl, 'forged');

    const evil = await forger(mosquitto.mqttUrl, root, 'alice');
    // Published before alice offers, so it would be the first offer bob is handed.
    const offer = { v: 1, kind: 'offer', from: 'alice', to: 'bob', session: evil.session, mid: `alice-1-evil`, ts: Date.now(), sdp: FORGED_SDP };
    await evil.client.publishAsync(`${root}/bob/signal`, JSON.stringify(offer), { qos: 1 });
    const will = { v: 1, kind: 'status', from: 'bob', session: evil.session, mid: 'bob-1-evil', ts: Date.now(), status: 'offline', reason: 'will' };
    await evil.client.publishAsync(`${root}/bob/status`, JSON.stringify(will), { qos: 1 });
    await evil.client.endAsync();

    // Both reach the lab: two more rows from the broker.
    const fromBroker = async () => (await tableRows(lab)).filter((r) => r[1] === 'broker').length;
    await expect.poll(fromBroker).toBe(4);
    // A screen reader hears it at once: no Step will ever announce it.
    await expect(lab.getByText(/^Held apart, never delivered: foreign: will: bob offline — /)).toBeAttached();

    // Step to the end: the real offer and answer, and an open channel. (Before issue 14 the
    // forged offer waited first in bob's queue: bob answered it, alice's real answer failed.)
    await stepUntilOpen(lab);
    await expect(lab.getByText('Data channel open')).toBeVisible();
    await expect(lab.getByRole('region', { name: 'Peer bob' })).toContainText('connected');

    // Both are listed apart, with why, and never joined the queue.
    const apart = apartList(lab);
    await expect(apart.getByRole('listitem')).toHaveCount(2);
    await expect(apart.getByRole('button', { name: /^foreign: offer alice → bob: this lab's alice never published it/ })).toBeVisible();
    await expect(apart.getByRole('button', { name: /^foreign: will: bob offline bob → alice: not the will bob's client left/ })).toBeVisible();
    await expect(heldList(lab)).not.toContainText('offer');
    await expect(heldList(lab)).not.toContainText('will');

    // The diagram's table draws each as a row of its own, found by its words.
    const table = lab.getByRole('figure', { name: 'Sequence diagram' }).getByRole('table');
    await expect(table.getByRole('button', { name: /^foreign: offer — .*\(held apart\)$/ })).toBeVisible();
    await expect(table.getByRole('button', { name: /^foreign: will: bob offline — .*\(held apart\)$/ })).toBeVisible();
    await expect(lab.locator('svg .lab-foreign').first()).toBeAttached({ timeout: 10_000 });

    // The inspector opens the forgery and says why it was held apart.
    await apart.getByRole('button', { name: /^foreign: offer/ }).click();
    const inspector = lab.getByRole('region', { name: 'Message inspector' });
    await expect(inspector).toContainText('held apart: never delivered');
    await expect(inspector).toContainText("this lab's alice never published it");
    await expect(inspector).toContainText('a=ice-ufrag:evil');

    // The new rows, list and badge read in both themes (WCAG 2.1 AA, as tests/e2e/a11y.spec.ts).
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
      const { violations } = await new AxeBuilder({ page }).include('.queue').include('.inspector').include('figure.seq').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(violations.map((v) => `${scheme}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }

    // The export replays it the same way: at the last step, both forgeries are held apart.
    const file = await exportTrace(page, lab);
    await page.emulateMedia({ colorScheme: 'light' });
    const replay = await replayToEnd(page, file);
    await expect(replay.getByText('Data channel open')).toBeVisible();
    await expect(apartList(replay).getByRole('listitem')).toHaveCount(2);
    await expect(diagramTable(replay).getByRole('button', { name: /^foreign: offer — .*\(held apart\)$/ })).toBeVisible();
    await apartList(replay).getByRole('button', { name: /^foreign: will/ }).click();
    await expect(replay.getByRole('region', { name: 'Message inspector' })).toContainText("not the will bob's client left");
    expect(errors).toEqual([]);
  });
});

async function device(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  return { context, page, errors: collectErrors(page) };
}

test.describe('forged signals on the two-device lab', () => {
  test("a third publisher's second offer in the caller's name is suspicious; the real connection opens", async ({ browser, mosquitto }) => {
    test.setTimeout(120_000);
    const root = `webrtc-lab/forged-solo-${Math.random().toString(36).slice(2, 10)}`;
    const search = `broker=${encodeURIComponent(mosquitto.wsUrl)}&root=${encodeURIComponent(root)}`;
    const a = await device(browser);
    const b = await device(browser);
    const dog = await joinSolo(a.page, search, 'dog111');
    const cat = await joinSolo(b.page, search, 'cat222');
    await expect(dog.getByRole('list', { name: 'Online peers' })).toContainText('cat222');

    // dog calls cat: the real offer waits in cat's queue.
    await dog.getByRole('list', { name: 'Online peers' }).getByRole('button', { name: 'Connect to cat222' }).click();
    await expect(cat.getByRole('list', { name: 'Held messages' })).toContainText('offer');

    // The forger reads dog's session from its retained status and offers in dog's name.
    const evil = await forger(mosquitto.mqttUrl, root, 'dog111');
    const offer = { v: 1, kind: 'offer', from: 'dog111', to: 'cat222', session: evil.session, mid: `dog111-${evil.session}-99`, ts: Date.now(), sdp: FORGED_SDP };
    await evil.client.publishAsync(`${root}/cat222/signal`, JSON.stringify(offer), { qos: 1 });
    await evil.client.endAsync();

    // It reaches cat: a second offer row in cat's diagram.
    const table = cat.getByRole('figure', { name: 'Sequence diagram' }).getByRole('table');
    await expect(table.getByRole('button', { name: /^(suspicious: )?offer\b/ })).toHaveCount(2);

    for (const lab of [dog, cat]) {
      await lab.getByRole('combobox', { name: 'Pace' }).selectOption({ label: 'As fast as possible' });
      await lab.getByRole('button', { name: 'Play' }).click();
    }
    for (const lab of [dog, cat]) await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });

    // cat answered one offer, dog's: the forged one is held apart, with why, never applied.
    const apart = apartList(cat);
    await expect(apart.getByRole('button', { name: /^suspicious: offer dog111 → cat222: a second offer from dog111/ })).toBeVisible();
    await expect(table.getByRole('button', { name: /^suspicious: offer — a second offer from dog111.*\(held apart\)$/ })).toBeVisible();
    await expect(cat.getByText(/1 held apart/)).toBeAttached();
    await expect(apart.getByRole('listitem')).toHaveCount(1);
    // Nothing genuine was held apart on either side: cat's answer and candidates matched dog's binding.
    await expect(apartList(dog)).toHaveCount(0);
    await apart.getByRole('button', { name: /^suspicious: offer/ }).click();
    await expect(cat.getByRole('region', { name: 'Message inspector' })).toContainText('held apart: never delivered');

    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.context.close();
    await b.context.close();
  });
});
