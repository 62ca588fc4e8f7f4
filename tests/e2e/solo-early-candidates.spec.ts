// A stranger's peer that trickles every candidate BEFORE its offer (werift, in Node) connects
// to the two-device lab in Chromium over a real mosquitto: the lab holds the candidates until
// the offer, then adds them after setRemoteDescription (RFC 8838 §18 order). Its candidates
// leave sdpMid out (RTCIceCandidateInit allows it), so the lab must take the index alone.
import type { Locator } from '@playwright/test';
import { test, expect } from './support/mosquitto';
import { collectErrors } from './support/errors';
import { WeriftPeer } from './support/werift-peer';

function heldItems(lab: Locator): Locator {
  return lab.getByRole('list', { name: 'Held messages' }).getByRole('listitem');
}

test('werift sends its candidates before its offer; the lab holds them and the data channel opens', async ({ page, mosquitto }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const root = `webrtc-lab/early-${Math.random().toString(36).slice(2, 10)}`;
  const werift = await WeriftPeer.join({ mqttUrl: mosquitto.mqttUrl, root, id: 'werift1' });
  try {
    await page.goto(`lab/?mode=solo&broker=${encodeURIComponent(mosquitto.wsUrl)}&root=${encodeURIComponent(root)}`);
    const lab = page.getByRole('region', { name: 'Two-device lab' });
    await lab.getByRole('textbox', { name: 'Your id' }).fill('chrome1');
    await lab.getByRole('button', { name: 'Join' }).click();
    await expect(lab.getByText('You are chrome1')).toBeVisible({ timeout: 15_000 });
    await expect(lab.getByRole('list', { name: 'Online peers' })).toContainText('werift1');

    await werift.waitOnline('chrome1');
    await werift.call('chrome1');
    const kinds = werift.sent.map((s) => s.kind);
    expect(kinds.at(-1)).toBe('offer');
    expect(kinds.slice(0, -1)).toEqual([...kinds.slice(0, -2).map(() => 'candidate'), 'end-of-candidates']);
    const early = kinds.length - 1;
    expect(early).toBeGreaterThanOrEqual(2);
    // Its candidates name the m-section by index alone (no sdpMid), which the lab accepts.
    for (const c of werift.sent.filter((x) => x.kind === 'candidate')) expect(JSON.parse(c.payload)).not.toHaveProperty('sdpMid');

    // The queue: werift's retained status, its candidates, then its offer. Step through the candidates.
    const held = heldItems(lab);
    await expect(held).toHaveCount(1 + early + 1);
    const step = lab.getByRole('button', { name: 'Step' });
    for (let k = 0; k < 1 + early; k++) {
      await step.click();
      await expect(held).toHaveCount(early + 1 - k);
    }
    await expect(held).toHaveCount(1);
    await expect(held.first()).toContainText('offer');
    await expect(lab.getByText(`${early} candidates came before the description they belong to and waited; 0 added once it was set.`)).toBeVisible();

    // The offer: the lab answers, then adds what it held.
    await step.click();
    await expect(lab.getByText(`${early} candidates came before the description they belong to and waited; ${early} added once it was set.`)).toBeVisible({
      timeout: 15_000,
    });
    await werift.channelOpen();
    await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });

    // Chat both ways over the data channel.
    werift.send('hello from werift');
    await expect(lab.getByRole('list', { name: 'Chat log' })).toContainText('werift1 → chrome1: hello from werift (over data channel)');
    const box = lab.getByRole('textbox', { name: 'Chat message' });
    await box.fill('hello from chromium');
    await box.press('Enter');
    await werift.waitForMessage('hello from chromium');
    expect(errors).toEqual([]);
  } finally {
    await werift.close();
  }
});
