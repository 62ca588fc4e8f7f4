// A two-device session exported and replayed: the replay shows what the live lab showed,
// the diagram's lanes and each MQTT packet included.
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './support/mosquitto';
import { collectErrors } from './support/errors';
import { exportTrace, replayToEnd } from './support/lab';
import { joinSolo } from './support/solo';

async function openSolo(page: Page, search: string, id: string): Promise<Locator> {
  const lab = await joinSolo(page, search, id);
  await lab.getByRole('combobox', { name: 'Pace' }).selectOption({ label: 'As fast as possible' });
  await lab.getByRole('button', { name: 'Play' }).click();
  return lab;
}

test('export a two-device session, replay it: its peer lane and its MQTT packets are there', async ({ browser, mosquitto }) => {
  test.setTimeout(120_000);
  const root = `webrtc-lab/solo-${Math.random().toString(36).slice(2, 10)}`;
  const search = `broker=${encodeURIComponent(mosquitto.wsUrl)}&root=${encodeURIComponent(root)}`;
  const a = await browser.newContext();
  const b = await browser.newContext();
  const pageA = await a.newPage();
  const errors = collectErrors(pageA);
  const dog = await openSolo(pageA, search, 'dog111');
  const cat = await openSolo(await b.newPage(), search, 'cat222');
  await dog.getByRole('list', { name: 'Online peers' }).getByRole('button', { name: 'Connect to cat222' }).click();
  await expect(dog.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  await expect(cat.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });

  const file = await exportTrace(pageA, dog);
  const exported = JSON.parse(await readFile(file, 'utf8')) as { events: { type: string; peer?: string; name?: string }[] };
  const packets = exported.events.filter((e) => e.type === 'packet');
  expect(packets.length).toBeGreaterThan(5);
  expect(packets.every((p) => p.peer === 'dog111')).toBe(true);

  const replay = await replayToEnd(pageA, file);
  // The other lane is the peer dog talked to, not dog twice.
  await expect(replay.getByRole('table').first()).toContainText('cat222');
  await replay.getByText('MQTT packets', { exact: true }).click();
  const list = replay.getByRole('list', { name: 'MQTT packets (dog111)' });
  await expect(list.getByRole('button').first()).toContainText('CONNECT');
  await list.getByRole('button').first().click();
  // Opened byte by byte, as in the live lab.
  await expect(replay.getByRole('region', { name: 'MQTT packets of dog111' })).toContainText('Protocol name');

  expect(errors).toEqual([]);
  await a.close();
  await b.close();
});
