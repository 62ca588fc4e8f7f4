// The two-device lab as one peer of the Godot 4 networking workbench (?dialect=godot-workbench),
// in Chromium over a real mosquitto, with the other peer a Node program doing what the
// workbench's MQTTsignalling.gd does on the wire (./support/godot-workbench-peer.ts, werift).
import type { Locator } from '@playwright/test';
import { test as base, expect } from './support/mosquitto';
import { collectErrors } from './support/errors';
import { joinSolo, killAndSeeWill, peersClosedAfter } from './support/solo';
import { GodotWorkbenchPeer, type GodotWorkbenchPeerOptions } from './support/godot-workbench-peer';

// Every Godot peer a test joins is closed after it, passed or failed.
const test = base.extend<{ joinGodot: (opts: GodotWorkbenchPeerOptions) => Promise<GodotWorkbenchPeer> }>({ joinGodot: peersClosedAfter(GodotWorkbenchPeer.join) });

const room = () => `cabbage${Math.random().toString(36).slice(2, 10)}`;
const held = (lab: Locator) => lab.getByRole('list', { name: 'Held messages' }).getByRole('listitem');

test('the lab serves a workbench client: its handshake is held and stepped, the server offers, all three channels open, messages go both ways, its will shows', async ({ page, mosquitto, joinGodot }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  const r = room();
  // First in the room, the lab opens a server, as the workbench's "As necessary" does.
  const lab = await joinSolo(page, `broker=${encodeURIComponent(mosquitto.wsUrl)}&root=${r}&dialect=godot-workbench`, 'x12345678');
  const godot = await joinGodot({ mqttUrl: mosquitto.mqttUrl, room: r, id: 'x87654321', playername: 'Bob', role: 'client' });
  await godot.until(() => (godot.statuses.get('x12345678') ?? '').includes('"subject":"serveropen"'), "the lab's serveropen status");
  expect(godot.statuses.get('x12345678')).toBe('{"nconnections":0,"playername":"x12345678","subject":"serveropen"}');
  // Its request waits in the queue like any signal; Step hands it to the lab, which accepts.
  await expect(held(lab).filter({ hasText: 'handshake: request_connection' })).toHaveCount(1, { timeout: 15_000 });
  const step = lab.getByRole('button', { name: 'Step' });
  while ((await held(lab).filter({ hasText: 'request_connection' }).count()) > 0) await step.click();
  await godot.until(() => godot.log.includes('got connection_accepted from x12345678'), 'connection_accepted');
  await expect(held(lab).filter({ hasText: 'handshake: request_offer' })).toHaveCount(1, { timeout: 15_000 });
  await expect(lab.getByText(/gets "request_connection" from x87654321/).first()).toBeVisible();
  // Play the rest: the lab offers, the client answers.
  await lab.getByRole('button', { name: 'Play' }).click();
  await godot.allChannelsOpen();
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  expect(godot.channels.map((c) => [c.label, c.id])).toEqual([['reliable', 1], ['ordered', 2], ['unreliable', 3]]);
  expect(godot.log).toContain('got offer from x12345678');

  // Messages: raw text on <room>/<from>/message/<to>, both ways (the channels carry Godot's own packets).
  const box = lab.getByRole('textbox', { name: 'Chat message' });
  await box.fill('hello client');
  await box.press('Enter');
  await godot.until(() => godot.messages.some((m) => m.from === 'x12345678' && m.text === 'hello client'), 'the message from the lab');
  godot.message('x12345678', 'hello server');
  await expect(lab.getByRole('list', { name: 'Chat log' })).toContainText('x87654321 → x12345678: hello server (over MQTT)', { timeout: 15_000 });

  // Killed: its will {"comment":"by_will","subject":"closed"} shows it offline.
  await killAndSeeWill(lab, godot, 'x87654321');
  expect(errors).toEqual([]);
});

test('the lab joins a workbench server as its client: Connect asks for the connection, the server offers, the channels open', async ({ page, mosquitto, joinGodot }) => {
  test.setTimeout(90_000);
  const errors = collectErrors(page);
  const r = room();
  const godot = await joinGodot({ mqttUrl: mosquitto.mqttUrl, room: r, id: 'x100', playername: 'Alice', role: 'server' });
  await godot.until(() => (godot.statuses.get('x100') ?? '').includes('serveropen'), 'its own serveropen');
  const lab = await joinSolo(page, `broker=${encodeURIComponent(mosquitto.wsUrl)}&root=${r}&dialect=godot-workbench`, 'x200');
  await expect(lab.getByRole('list', { name: 'Online peers' })).toContainText('x100');
  await lab.getByRole('button', { name: 'Play' }).click();
  await lab.getByRole('button', { name: 'Connect to x100' }).click();
  await godot.allChannelsOpen();
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  // The lab took a client's part: it never said it serves, and named its server once accepted.
  await godot.until(() => godot.statuses.get('x200') === '{"playername":"x200","selectedserver":"x100","subject":"connectto"}', 'the connectto status');
  expect(godot.sent.map((p) => JSON.parse(p.payload).subject).slice(0, 2)).toEqual(['connection_accepted', 'offer']);
  expect(errors).toEqual([]);
});
