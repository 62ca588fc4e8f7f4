// The MQTT chapter's lab: MQTT only (no RTCPeerConnection), the late joiner's RETAIN flag,
// a QoS 2 message and its four-packet handshake on each hop, and the silent plug pull that
// counts down the keep-alive before the will arrives. Against the in-page aedes and a real
// mosquitto.
import type { Page } from '@playwright/test';
import { test, expect } from './support/mosquitto';
import { deliveredRows, heldList, labRegion, tableRows } from './support/lab';
import { collectErrors } from './support/errors';

/** Counts every RTCPeerConnection the page constructs. */
async function countPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { RTCPeerConnection: typeof RTCPeerConnection; __pcCount: number };
    w.__pcCount = 0;
    const Original = w.RTCPeerConnection;
    if (!Original) return;
    w.RTCPeerConnection = new Proxy(Original, {
      construct(target, args) {
        w.__pcCount += 1;
        return Reflect.construct(target, args);
      },
    });
  });
}

const pcCount = (page: Page) => page.evaluate(() => (window as unknown as { __pcCount: number }).__pcCount);

async function chapterLab(page: Page, query = '') {
  const errors = collectErrors(page);
  await countPeerConnections(page);
  await page.goto(`mqtt/${query}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const lab = labRegion(page);
  await lab.scrollIntoViewIfNeeded();
  await expect(lab).toHaveAttribute('data-preset', 'mqtt');
  // No peer-connection panels in an MQTT-only lab.
  await expect(lab.getByText('ICE candidates and pairs')).toHaveCount(0);
  await expect(lab.getByRole('region', { name: 'Chat', exact: true })).toHaveCount(0);
  return { lab, errors };
}

async function lateJoinerAndQos2(page: Page, lab: ReturnType<typeof labRegion>): Promise<void> {
  await lab.getByRole('button', { name: 'Start' }).click();
  await expect(heldList(lab).getByRole('listitem')).toHaveCount(2);

  // The late joiner: bob subscribed after alice published her retained status. (A real
  // broker may deliver bob's live status to alice first, so look it up by name.)
  await heldList(lab).getByRole('button', { name: /status: alice online \(retained\)/ }).click();
  const inspector = lab.getByRole('region', { name: 'Message inspector' });
  await expect(inspector).toContainText('alice → broker → bob');
  await expect(inspector.getByText('retained', { exact: true })).toBeVisible();
  await expect(inspector.getByText('RETAIN = 1').first()).toBeVisible();
  await expect(inspector.getByRole('button', { name: 'Copy as mosquitto_pub' })).toBeVisible();

  const step = lab.getByRole('button', { name: 'Step', exact: true });
  await step.click();
  await step.click();
  await expect.poll(async () => (await deliveredRows(lab)).length).toBe(2);
  const rows = await deliveredRows(lab);
  expect(rows.map((r) => `${r[2]}: ${r[3]}`).sort()).toEqual(['alice: status: bob online', 'bob: status: alice online (retained)']);

  // A QoS 2 message from alice to bob, with a hostile-looking text.
  const form = lab.getByRole('region', { name: 'Publish a message over MQTT' });
  await form.getByLabel('QoS').selectOption({ label: '2 (exactly once)' });
  await form.getByRole('textbox', { name: 'Message text' }).fill('hi <b>bob</b> ->> x');
  await form.getByRole('button', { name: 'Publish' }).click();
  for (const hop of [1, 2]) {
    const ladder = form.getByRole('list', { name: `QoS handshake, hop ${hop}` });
    await expect(ladder.getByRole('listitem')).toHaveCount(4);
    await expect(ladder).not.toContainText('(waiting)');
    expect((await ladder.getByRole('listitem').locator('strong').allTextContents())).toEqual(['PUBLISH', 'PUBREC', 'PUBREL', 'PUBCOMP']);
  }
  await expect(form.getByRole('region', { name: 'Hop 1: alice to broker' })).toContainText('QoS 2');
  await expect(form.getByRole('region', { name: 'Hop 2: broker to bob' })).toContainText('QoS 2');
  await expect(form).toContainText('8 packets so far');

  // …and it waits in the queue like every message, then shows on the diagram as text.
  await expect(heldList(lab)).toContainText('chat: hi <b>bob</b> ->> x');
  await step.click();
  await expect.poll(async () => (await deliveredRows(lab)).map((r) => r[3])).toContain('chat: hi <b>bob</b> ->> x');
  expect(await page.locator('b:text("bob")').count()).toBe(0);
  expect(await pcCount(page)).toBe(0);
}

/** Pull the plug on bob: a countdown first, no will yet; then the will arrives as a held message. */
async function silentPlug(lab: ReturnType<typeof labRegion>): Promise<void> {
  await lab.getByRole('button', { name: 'Pull the plug' }).click();
  const timer = lab.getByRole('timer', { name: 'Keep-alive countdown for bob' });
  await expect(timer).toContainText(/The broker gives up on bob in \d+\.\d s: 1\.5 × keep-alive 5 s/);
  await expect(heldList(lab)).not.toContainText('will: bob offline');
  const first = Number((await timer.textContent())!.match(/in (\d+\.\d) s/)![1]);
  await expect
    .poll(async () => Number(((await timer.textContent()) ?? '').match(/in (\d+\.\d) s/)?.[1] ?? -1), { timeout: 5000 })
    .toBeLessThan(first);
  await expect(heldList(lab)).toContainText('will: bob offline', { timeout: 15_000 });
  await expect(lab.getByText(/The broker gave up on bob \d+\.\d s after its last packet/)).toBeVisible();
  const will = (await tableRows(lab)).find((r) => r[3]!.startsWith('will: bob offline'));
  expect(will?.[2]).toBe('alice');
}

test.describe('MQTT chapter lab', () => {
  test('in-page broker: no WebRTC, retained late joiner, QoS 2 handshake, keep-alive countdown then the will', async ({ page }) => {
    const { lab, errors } = await chapterLab(page);
    // Without WebRTC nobody offers or answers: no roles, and the topics carry chats.
    await expect(lab.getByRole('textbox', { name: 'First peer id' })).toHaveValue('alice');
    await expect(lab.getByRole('textbox', { name: 'Offerer id' })).toHaveCount(0);
    await expect(lab.getByRole('heading', { name: 'alice', exact: true })).toBeVisible();
    await expect(lab.getByText('(offerer)')).toHaveCount(0);
    await expect(lab.getByText(/signal \(here, the chats you publish for that peer\)/)).toBeVisible();
    await lateJoinerAndQos2(page, lab);
    await silentPlug(lab);
    expect(await pcCount(page)).toBe(0);
    expect(errors).toEqual([]);
  });

  test('real mosquitto: the same, and the session offers Copy mosquitto_sub', async ({ page, mosquitto }) => {
    const root = `webrtc-lab/ch1${Date.now().toString(36)}`;
    const { lab, errors } = await chapterLab(page, `?broker=${encodeURIComponent(mosquitto.wsUrl)}&root=${encodeURIComponent(root)}`);
    await expect(lab.getByText(`mosquitto_sub -h 127.0.0.1 -p 1883 -t '${root}/#' -v`)).toBeVisible();
    await expect(lab.getByRole('button', { name: 'Copy mosquitto_sub' })).toBeVisible();
    await lateJoinerAndQos2(page, lab);
    await silentPlug(lab);
    expect(await pcCount(page)).toBe(0);
    expect(errors).toEqual([]);
  });
});
