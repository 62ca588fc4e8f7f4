// The two-device lab as one peer of the Godot 3 demo (?dialect=godot-demo), in Chromium over
// a real mosquitto, with the other peer a Node program that does what the demo's Control.gd
// does on the wire (./support/godot-demo-peer.ts, werift underneath).
import { test as base, expect } from './support/mosquitto';
import { collectErrors } from './support/errors';
import { joinSolo, killAndSeeWill, peersClosedAfter } from './support/solo';
import { GodotDemoPeer, type GodotDemoPeerOptions } from './support/godot-demo-peer';

// Every Godot peer a test joins is closed after it, passed or failed.
const test = base.extend<{ joinGodot: (opts: GodotDemoPeerOptions) => Promise<GodotDemoPeer> }>({ joinGodot: peersClosedAfter(GodotDemoPeer.join) });

test('the lab calls a Godot demo peer: its channel opens, chat and the $/* latency test work both ways, and its will shows', async ({ page, mosquitto, joinGodot }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  // The demo's root is one level (Control.gd:210-212 wants <root>/<id>/<topic>).
  const root = `crumble${Math.random().toString(36).slice(2, 10)}`;
  const godot = await joinGodot({ mqttUrl: mosquitto.mqttUrl, root, id: 'cat222', other: 'dog111' });
  const lab = await joinSolo(page, `broker=${encodeURIComponent(mosquitto.wsUrl)}&root=${root}&dialect=godot-demo`, 'dog111');
  // The settings (folded once joined) name the format and its topics.
  await lab.getByText('Settings: broker, topic root and wire format').click();
  await expect(lab.getByRole('combobox', { name: 'Wire format' })).toHaveValue('godot-demo');
  await expect(lab.getByRole('list', { name: 'Topics in this format' })).toContainText(`${root}/<to>/ice`);
  await expect(lab.getByRole('list', { name: 'Online peers' })).toContainText('cat222');
  await godot.until(() => godot.status === 'connected', 'dog111 connected');

  // Chat over MQTT before any connection: plain text on the other's chat topic, both ways.
  const box = lab.getByRole('textbox', { name: 'Chat message' });
  await box.fill('woof over mqtt');
  await box.press('Enter');
  await godot.until(() => godot.mqttChat.includes('woof over mqtt'), 'MQTT chat from the lab');
  godot.chatOverMqtt('message #2 from cat222');
  const step = lab.getByRole('button', { name: 'Step' });
  const held = lab.getByRole('list', { name: 'Held messages' }).getByRole('listitem');
  await expect(held.filter({ hasText: 'chat' })).toHaveCount(1);
  await step.click();
  await step.click();
  const log = lab.getByRole('list', { name: 'Chat log' });
  await expect(log).toContainText('cat222 → dog111: message #2 from cat222 (over MQTT)');

  // The lab offers; the Godot side answers on its own, as set_remote_description does.
  await lab.getByRole('button', { name: 'Connect to cat222' }).click();
  await godot.until(() => godot.sent.some((s) => s.leaf === 'answer'), 'the answer');
  const offer = godot.log.find((l) => l.startsWith('got offer'));
  expect(offer).toBeDefined();
  // Step what comes back until the channel is open.
  await expect(held.first()).toBeVisible({ timeout: 15_000 });
  while ((await held.count()) > 0) await step.click();
  await godot.channelOpen();
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });

  // The inspector shows the answer as it crossed the wire, and how the lab read it.
  await lab.getByRole('button', { name: /^answer/ }).first().click();
  const inspector = lab.getByRole('region', { name: /^Message inspector/ });
  await expect(inspector.getByRole('heading', { name: 'On the wire (godot-demo)' })).toBeVisible();
  await expect(inspector).toContainText('How the lab reads it: Raw SDP text on dog111');
  await expect(inspector).toContainText('the lab takes it to be from cat222');

  // Chat over the demo's channel (negotiated id 1), binary as put_packet() sends it.
  await box.fill('woof over the channel');
  await box.press('Enter');
  await godot.until(() => godot.channelChat.some((c) => c.text === 'woof over the channel'), 'channel chat from the lab');
  expect(godot.channelChat.find((c) => c.text === 'woof over the channel')?.binary).toBe(true);
  godot.chatOverChannel('webrtc-message #1001 from cat222');
  await expect(log).toContainText('cat222 → dog111: webrtc-message #1001 from cat222 (over data channel)');

  // The demo's latency button, over MQTT and over the channel: the lab answers "*<length>".
  godot.probe('mqtt', 1024);
  await godot.until(() => godot.latency.some((l) => l.endsWith('  *1024')), 'the MQTT latency answer');
  godot.probe('channel', 10240);
  await godot.until(() => godot.latency.some((l) => l.endsWith('  *10240')), 'the channel latency answer');
  // And the lab's own test, the demo's way, which the Godot side answers.
  const latency = lab.getByRole('region', { name: 'Latency test' });
  await latency.getByRole('checkbox', { name: '100 KB' }).uncheck();
  await latency.getByRole('spinbutton', { name: 'Round trips per size' }).fill('2');
  await latency.getByRole('button', { name: 'Run latency test' }).click();
  await expect(lab.getByText('Latency test done')).toBeAttached({ timeout: 30_000 });
  const results = latency.getByRole('table');
  await expect(results).toContainText('MQTT');
  await expect(results).toContainText('Data channel');
  // None of it was chat.
  await expect(log).not.toContainText('$');

  // The Godot app is killed: the broker publishes its will "stopped", and the lab shows it.
  await killAndSeeWill(lab, godot, 'cat222');
  expect(errors).toEqual([]);
});

test('a Godot demo peer calls the lab: raw SDP in, the lab answers on the demo\'s topics, and the channel opens', async ({ page, mosquitto, joinGodot }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const root = `crumble${Math.random().toString(36).slice(2, 10)}`;
  const lab = await joinSolo(page, `broker=${encodeURIComponent(mosquitto.wsUrl)}&root=${root}&dialect=godot-demo`, 'dog111');
  const godot = await joinGodot({ mqttUrl: mosquitto.mqttUrl, root, id: 'cat222', other: 'dog111' });
  await expect(lab.getByRole('list', { name: 'Online peers' })).toContainText('cat222');
  await godot.webrtcConnect();
  const held = lab.getByRole('list', { name: 'Held messages' }).getByRole('listitem');
  await expect(held.filter({ hasText: 'offer' })).toHaveCount(1, { timeout: 15_000 });
  await lab.getByRole('button', { name: 'Play' }).click();
  await godot.channelOpen();
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  const answer = godot.log.find((l) => l.startsWith('got answer'));
  expect(answer).toBeDefined();
  expect(godot.log.some((l) => l.startsWith('got ice'))).toBe(true);
  expect(errors).toEqual([]);
});

test('the wire format setting: each app\'s default root and id, its topics, and what it refuses, with the reason', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('lab/?mode=solo');
  const lab = page.getByRole('region', { name: 'Two-device lab' });
  const format = lab.getByRole('combobox', { name: 'Wire format' });
  const root = lab.getByRole('textbox', { name: 'Topic root' });
  const topics = lab.getByRole('list', { name: 'Topics in this format' });
  await expect(format).toHaveValue('lab');
  await expect(topics).toContainText('webrtc-lab/solo/<to>/signal');

  await format.selectOption('godot-demo');
  await expect(root).toHaveValue('crumble77');
  await expect(topics).toContainText('crumble77/<to>/ice');
  await expect(topics).toContainText('[mid, index, sdp]');
  await expect(lab.getByText(/Invite link for the other tab or device: .*dialect=godot-demo/)).toBeVisible();
  // The demo splits topics into three levels: a root with "/" is refused, and says why.
  await root.fill('games/crumble');
  await expect(lab.getByRole('alert')).toContainText('its root has no /');
  await expect(lab.getByRole('button', { name: 'Join' })).toBeDisabled();
  await root.fill('crumble77');
  await expect(lab.getByRole('button', { name: 'Join' })).toBeEnabled();

  // The workbench makes a number of an id: the lab gives itself one of the app's shape.
  await format.selectOption('godot-workbench');
  await expect(root).toHaveValue('cabbage');
  await expect(lab.getByRole('textbox', { name: 'Your id' })).toHaveValue(/^x\d+$/);
  await expect(topics).toContainText('cabbage/<from>/packet/<to>');
  expect(errors).toEqual([]);
});
