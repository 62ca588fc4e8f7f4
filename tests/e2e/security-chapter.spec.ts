// The security chapter as a reader runs it: a stranger's message published from the form
// beside the lab is held apart as foreign (or rejected, with another session); the tampered
// fingerprint fails DTLS; and on a mosquitto with passwords and an ACL, the lab logged in as
// alice cannot publish bob's status, and nobody is told. Then the page itself: folds closed
// until opened, no sideways scroll on a phone, axe clean in both themes.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import mqtt from 'mqtt';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { startMosquitto } from './support/mosquitto';
import { findExecutable } from './support/find-executable';
import { collectErrors } from './support/errors';
import { deliveredRows, heldList, labRegion, stepUntilOpen, tableRows } from './support/lab';

async function chapterLab(page: Page, query = ''): Promise<Locator> {
  await page.goto(`security/${query}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Who can you trust\?/);
  const lab = labRegion(page);
  await expect(lab).toHaveAccessibleName('Security lab');
  await lab.scrollIntoViewIfNeeded();
  await expect(lab.getByRole('button', { name: 'Start' })).toBeEnabled({ timeout: 15_000 });
  return lab;
}

/** Steps until `n` messages have been delivered. */
async function stepTo(lab: Locator, n: number): Promise<void> {
  const step = lab.getByRole('button', { name: 'Step', exact: true });
  while ((await deliveredRows(lab)).length < n) {
    await expect.poll(async () => heldList(lab).getByRole('listitem').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const before = (await deliveredRows(lab)).length;
    await step.click();
    await expect.poll(async () => (await deliveredRows(lab)).length).toBe(before + 1);
  }
}

/** Fills the stranger's form and publishes; resolves once it says it published. */
async function publishAsStranger(page: Page, topic: string, payload: string): Promise<void> {
  const form = page.getByRole('region', { name: 'Publish as a stranger' });
  // The form loads when the reader scrolls to it; until then its button is disabled. Fill it
  // once it has loaded: hydration moving the caret between fill()'s select-all and its typing
  // left the payload doubled ("{…}{…}", not JSON) in one run of ten.
  const publish = form.getByRole('button', { name: 'Publish once' });
  await publish.scrollIntoViewIfNeeded();
  await expect(publish).toBeEnabled();
  await form.getByRole('textbox', { name: 'Topic' }).fill(topic);
  await form.getByRole('textbox', { name: 'Payload' }).fill(payload);
  await publish.click();
  await expect(form.getByRole('status')).toContainText(`on ${topic}, and left.`);
}

const apart = (lab: Locator) => lab.getByRole('list', { name: 'Held apart' });

test('experiment 1: a stranger\'s status and an offer in alice\'s name are held apart as foreign; another session is rejected; the real session opens', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const lab = await chapterLab(page);
  await page.getByRole('heading', { name: '1. Forge a message: what does the lab do with it?' }).click();
  await expect(page.getByText('Publish once', { exact: false }).first()).toBeVisible();

  await lab.getByRole('button', { name: 'Start' }).click();
  await stepTo(lab, 2);
  // The root, as the reader reads it off the lab's Topics line.
  const statusTopic = (await lab.getByText(/^Topics:/).locator('code').first().innerText()).trim();
  const root = statusTopic.replace(/\/<peer>\/status$/, '');
  expect(root).toMatch(/^webrtc-lab\/[A-Za-z0-9]+$/);

  // The payload the chapter gives, on <root>/mallory/status.
  const mallory = '{"v":1,"kind":"status","from":"mallory","session":"x","mid":"mallory-1","ts":0,"status":"online"}';
  await expect(page.getByRole('region', { name: 'Publish as a stranger' }).getByRole('textbox', { name: 'Payload' })).toHaveValue(mallory);
  await publishAsStranger(page, `${root}/mallory/status`, mallory);
  await expect(apart(lab).getByRole('button', { name: /mallory is not one of this lab's two peers/ }).first()).toBeVisible();

  // The session, read from alice's status in the inspector, as the chapter says.
  await lab.getByRole('button', { name: /^status/ }).first().click();
  const inspector = lab.getByRole('region', { name: 'Message inspector' });
  const session = /"session":\s*"([A-Za-z0-9_-]+)"/.exec(await inspector.innerText())?.[1];
  expect(session).toBeTruthy();
  const offer = (s: string) => JSON.stringify({ v: 1, kind: 'offer', from: 'alice', to: 'bob', session: s, mid: 'alice-9', ts: 0, sdp: 'v=0' });
  await publishAsStranger(page, `${root}/bob/signal`, offer(session!));
  await expect(apart(lab).getByRole('button', { name: /^foreign: offer alice → bob: this lab's alice never published it/ })).toBeVisible();
  await publishAsStranger(page, `${root}/bob/signal`, offer('other1'));
  await expect(lab.getByText(/addressed to session other1, not/).first()).toBeAttached();

  // None of them was queued: the real offer and answer still open the channel.
  await expect(heldList(lab)).not.toContainText('mallory');
  await stepUntilOpen(lab);
  await expect(lab.getByText('Data channel open')).toBeVisible();
  expect(errors).toEqual([]);
});

test('experiment 2: the tampered fingerprint: the offer is applied, DTLS fails, the channel never opens', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const lab = await chapterLab(page);
  await page.getByRole('heading', { name: '2. Tamper with the fingerprint: what fails, and when?' }).click();
  await lab.getByText('Scenarios: break it on purpose').click();
  await lab.getByRole('group', { name: 'Scenarios' }).getByRole('button', { name: 'Edit the fingerprint' }).click();
  const connection = (peer: string) => lab.getByRole('region', { name: `Peer ${peer}` }).locator('dt:text-is("Connection") + dd');
  await expect(connection('bob')).toHaveText('failed', { timeout: 45_000 });
  await expect(connection('alice')).toHaveText(/failed|connecting/);
  await expect(lab.getByText('Data channel open')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test.describe('experiment 3: a mosquitto with passwords and an ACL', () => {
  const passwd = findExecutable('mosquitto_passwd', 'MOSQUITTO_PASSWD_PATH', ['/usr/bin/mosquitto_passwd']);

  test('the lab logged in as alice cannot publish bob\'s status: the broker drops it, acknowledges it, and tells nobody', async ({ page }) => {
    test.skip(!passwd, 'mosquitto_passwd is not installed');
    test.setTimeout(90_000);
    const dir = mkdtempSync(join(tmpdir(), 'acl-'));
    chmodSync(dir, 0o755); // mosquitto may drop root for its own user before it reads them
    // The files the chapter shows, byte for byte in what matters.
    execFileSync(passwd!, ['-c', '-b', join(dir, 'passwd'), 'alice', 'alicepw']);
    execFileSync(passwd!, ['-b', join(dir, 'passwd'), 'bob', 'bobpw']);
    writeFileSync(
      join(dir, 'acl'),
      ['pattern read webrtc-lab/+/+/status', 'pattern write webrtc-lab/+/+/signal', 'pattern write webrtc-lab/+/%u/status', 'pattern read webrtc-lab/+/%u/signal', ''].join('\n'),
    );
    const broker = await startMosquitto({ extraConfig: `allow_anonymous false\npassword_file ${join(dir, 'passwd')}\nacl_file ${join(dir, 'acl')}` });
    try {
      // A stranger without a password is refused at CONNECT.
      await expect(mqtt.connectAsync(broker.mqttUrl, { reconnectPeriod: 0, connectTimeout: 5000 })).rejects.toThrow(/Not authorized|Connection refused/i);

      const errors = collectErrors(page);
      const url = broker.wsUrl.replace('ws://', 'ws://alice:alicepw@');
      const lab = await chapterLab(page, `?broker=${encodeURIComponent(url)}`);
      await page.getByRole('heading', { name: '3. An ACL’d broker: who is told when it refuses?' }).click();
      await lab.getByRole('button', { name: 'Start' }).click();
      await lab.getByRole('button', { name: 'Play' }).click();
      // Bob publishes his status to the broker ...
      await expect.poll(async () => (await tableRows(lab)).some(([, from, to, m]) => from === 'bob' && to === 'broker' && /^status/.test(m ?? ''))).toBe(true);
      // ... and it never comes out: alice gets no status of bob's, and never offers.
      await page.waitForTimeout(3000);
      const rows = await tableRows(lab);
      expect(rows.filter(([, from, to]) => from === 'broker' && to === 'alice').map((r) => r[3])).not.toContainEqual(expect.stringMatching(/bob/));
      expect(rows.some(([, from, , m]) => from === 'alice' && /^offer/.test(m ?? ''))).toBe(false);
      // Alice's own status, which she may publish, reached bob.
      expect(rows.some(([, from, to, m]) => from === 'broker' && to === 'bob' && /^status/.test(m ?? ''))).toBe(true);
      expect(errors).toEqual([]);

      // From a client as the chapter's terminal shows it: bob's forged status on alice's topic
      // is acknowledged at QoS 1 (MQTT 3.1.1 has no refusal), and no subscriber receives it.
      const watcher = await mqtt.connectAsync(broker.mqttUrl, { username: 'alice', password: 'alicepw' });
      const seen: string[] = [];
      watcher.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
      await watcher.subscribeAsync('webrtc-lab/r/+/status', { qos: 1 });
      const bob = await mqtt.connectAsync(broker.mqttUrl, { username: 'bob', password: 'bobpw' });
      await bob.publishAsync('webrtc-lab/r/alice/status', 'forged', { qos: 1 });
      await bob.publishAsync('webrtc-lab/r/bob/status', 'mine', { qos: 1 });
      await expect.poll(() => seen).toEqual(['webrtc-lab/r/bob/status mine']);
      await Promise.all([bob.endAsync(), watcher.endAsync()]);
    } finally {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the stranger\'s form refuses what MQTT forbids, says why, and keeps what the reader typed', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('security/');
  const form = page.getByRole('region', { name: 'Publish as a stranger' });
  const publish = form.getByRole('button', { name: 'Publish once' });
  await publish.scrollIntoViewIfNeeded();
  await expect(publish).toBeEnabled();
  const topic = form.getByRole('textbox', { name: 'Topic' });
  const payload = form.getByRole('textbox', { name: 'Payload' });
  for (const [typed, why] of [
    ['webrtc-lab/+/bob/signal', /Not published: Topic name "webrtc-lab\/\+\/bob\/signal" must not contain wildcards \(MQTT 3\.1\.1 §3\.3\.2\.1\)/],
    ['webrtc-lab/#', /must not contain wildcards/],
  ] as const) {
    await topic.fill(typed);
    await publish.click();
    await expect(form.getByRole('status')).toContainText(why);
    await expect(topic).toHaveValue(typed);
    await expect(publish).toBeEnabled();
  }
  // Two megabytes of payload: refused with its size, and still there to edit.
  await topic.fill('webrtc-lab/x/bob/signal');
  await payload.evaluate((el: HTMLTextAreaElement) => {
    el.value = 'x'.repeat(2 * 1024 * 1024);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await publish.click();
  await expect(form.getByRole('status')).toContainText('The payload is 2,097,152 bytes; this form sends at most 1,048,576');
  expect(await payload.evaluate((el: HTMLTextAreaElement) => el.value.length)).toBe(2 * 1024 * 1024);
  expect(errors).toEqual([]);
});

test('the chapter: folds closed until opened, no sideways scroll at 390 px, axe clean in both themes', async ({ page }) => {
  const errors = collectErrors(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('security/');
  const folds = page.locator('main article details.deeper, main article details.experiment');
  expect(await folds.count()).toBeGreaterThanOrEqual(4);
  for (const fold of await folds.all()) await expect(fold).not.toHaveAttribute('open');
  const acl = page.locator('details.deeper', { hasText: 'ACL' });
  await expect(acl.getByText('pattern write webrtc-lab/+/%u/status')).toBeHidden();
  await acl.locator(':scope > summary').click();
  await expect(acl.getByText('pattern write webrtc-lab/+/%u/status')).toBeVisible();
  // A link to an experiment opens it, its answer still folded under "Show me".
  const third = page.locator('details.experiment', { has: page.locator('[id="3-an-acld-broker-who-is-told-when-it-refuses"]') });
  await page.goto('security/#3-an-acld-broker-who-is-told-when-it-refuses');
  await expect(third).toHaveAttribute('open');
  await expect(page.getByText('Bob’s status never arrives', { exact: false })).toBeHidden();
  await third.getByText('Show me').click();
  await expect(page.getByText('Bob’s status never arrives', { exact: false })).toBeVisible();

  await page.evaluate(async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
      scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  await expect(page.getByRole('region', { name: 'Publish as a stranger' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
    const { violations } = await new AxeBuilder({ page }).include('main').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(violations.map((v) => `${scheme}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
  expect(errors).toEqual([]);
});
