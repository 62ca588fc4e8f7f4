import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { autoplayed, deliveredArrows, deliveredRows, diagramTable, exportTrace, tableRows } from './support/lab';
import { collectErrors } from './support/errors';

const replayRegion = (page: Page) => page.getByRole('region', { name: 'Trace replay' });

test('export a finished session, import it, step back to step 3: the diagram has 3 deliveries', async ({ page }) => {
  const errors = collectErrors(page);
  const lab = await autoplayed(page);
  const file = await exportTrace(page, lab);
  const exported = JSON.parse(await readFile(file, 'utf8')) as { events: { type: string }[] };
  const total = exported.events.filter((e) => e.type === 'delivered').length;
  expect(total).toBeGreaterThan(5);

  await page.goto('replay/');
  const replay = replayRegion(page);
  await expect(replay.getByLabel('Import trace')).toBeEnabled(); // at once: client:interact holds the change until hydrated
  await replay.getByLabel('Import trace').setInputFiles(file);
  const slider = replay.getByRole('slider', { name: 'Step' });
  await expect(slider).toHaveValue('0');
  await expect(replay.getByText(`Step 0 of ${total}`, { exact: true })).toBeVisible();

  // To the end with the keyboard, then back to step 3.
  await slider.focus();
  await page.keyboard.press('End');
  await expect(replay.getByText(`Step ${total} of ${total}`, { exact: true })).toBeVisible();
  await expect.poll(async () => (await deliveredRows(replay)).length).toBe(total);
  await expect(replay.getByText('Data channel open')).toBeVisible();

  await slider.fill('4');
  await replay.getByRole('button', { name: 'Step back' }).click();
  await expect(slider).toHaveValue('3');
  await expect.poll(async () => (await deliveredRows(replay)).length).toBe(3);
  await expect(deliveredArrows(replay)).toHaveCount(3, { timeout: 10_000 });
  await expect(replay.getByText('Data channel open')).toBeHidden();
  expect(new URL(page.url()).hash).toBe('#step=3');

  // ← / → from anywhere in the replay (not in a text field).
  await replay.getByRole('button', { name: 'Step forward' }).click();
  await expect(slider).toHaveValue('4');
  await page.keyboard.press('ArrowLeft');
  await expect(slider).toHaveValue('3');

  // The inspector opens a message as of this step.
  await diagramTable(replay).getByRole('button').first().click();
  await expect(replay.getByRole('region', { name: 'Message inspector' })).toContainText('status');

  const axe = await new AxeBuilder({ page }).include('main').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  expect(errors).toEqual([]);
});

test('a #step=5 link opens a bundled example at step 5', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('replay/?trace=trickle#step=5');
  const replay = replayRegion(page);
  await expect(replay.getByRole('slider', { name: 'Step' })).toHaveValue('5');
  await expect.poll(async () => (await deliveredRows(replay)).length).toBe(5);
  await expect(deliveredArrows(replay)).toHaveCount(5, { timeout: 10_000 });
  // Following a changed hash moves too.
  await page.evaluate(() => (location.hash = '#step=2'));
  await expect(replay.getByRole('slider', { name: 'Step' })).toHaveValue('2');
  expect(errors).toEqual([]);
});

test('an imported trace is untrusted: bad files name the first bad field, markup stays text', async ({ page }) => {
  await page.goto('replay/');
  const replay = replayRegion(page);
  const input = replay.getByLabel('Import trace');
  await expect(input).toBeEnabled(); // at once: client:interact holds the change until hydrated
  const good = JSON.parse(await readFile('public/traces/trickle.json', 'utf8'));

  const bad = structuredClone(good);
  const index = bad.events.findIndex((e: { type: string }) => e.type === 'held');
  bad.events[index].qos = 7;
  await input.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  await expect(replay.getByRole('alert')).toContainText(new RegExp(`bad\\.json .*event ${index}: held: .*"qos"`));

  await input.setInputFiles({ name: 'not-json.json', mimeType: 'application/json', buffer: Buffer.from('<script>alert(1)</script>') });
  await expect(replay.getByRole('alert')).toContainText('not JSON');

  // A valid trace whose texts are markup: shown as text, never as elements.
  const hostile = structuredClone(good);
  const marker = '<img src=x onerror="window.__pwned=1">';
  for (const e of hostile.events) {
    if ((e.type === 'held' || e.type === 'published') && e.kind === 'status') e.payload = JSON.stringify({ ...JSON.parse(e.payload), status: marker });
  }
  hostile.events.push({ type: 'chat', from: 'alice', to: 'bob', text: marker, i: hostile.events.length, at: hostile.events.at(-1).at });
  await input.setInputFiles({ name: 'hostile.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(hostile)) });
  await expect(replay.getByRole('alert')).toBeHidden();
  await diagramTable(replay).getByRole('button').first().click();
  await expect(replay.getByRole('region', { name: 'Message inspector' })).toContainText('onerror');
  expect(await replay.locator('img[src="x"]').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('a chapter shows a recorded session without starting peers, and links to the live lab', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('signalling/');
  const summary = page.getByText('Recorded session: Vanilla ICE', { exact: false });
  await summary.click();
  const replay = page.getByRole('region', { name: /^Recorded session: Vanilla ICE/ });
  const slider = replay.getByRole('slider', { name: 'Step' });
  await expect(slider).toHaveValue('0');
  await replay.getByRole('button', { name: 'Step forward' }).click();
  await replay.getByRole('button', { name: 'Step forward' }).click();
  await expect.poll(async () => (await deliveredRows(replay)).length).toBe(2);
  // Vanilla: no candidate messages anywhere in the recording.
  await slider.focus();
  await page.keyboard.press('End');
  await expect(replay.getByText('Data channel open')).toBeVisible();
  const rows = await tableRows(replay);
  expect(rows.some((r) => r[3] === 'offer')).toBe(true);
  expect(rows.filter((r) => r[3]!.startsWith('candidate'))).toEqual([]);
  // The chapter's own address is left alone; the live lab link carries the same setting.
  expect(new URL(page.url()).hash).toBe('');
  await expect(replay.getByRole('link', { name: 'Open this in the live lab' })).toHaveAttribute('href', /signalling\/\?ice-mode=vanilla$/);
  // No lab was started for this: nothing but the recording was fetched.
  expect(errors).toEqual([]);
});
