// Sharing a session: #step=N links into the live lab, "Copy link to this message", and the
// export options (redaction; the diagram as text, mermaid and SVG).
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { deliveredRows, diagramTable, heldList, labRegion } from './support/lab';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

const clipboard = (page: import('@playwright/test').Page) => page.evaluate(() => navigator.clipboard.readText());

test('a #step=5 link opens the live lab with exactly 5 messages delivered, the rest held', async ({ page }) => {
  await page.goto('lab/#step=5');
  const lab = labRegion(page);
  await expect.poll(async () => (await deliveredRows(lab)).length, { timeout: 20_000 }).toBe(5);
  await expect(lab.getByRole('button', { name: 'Pause' })).toBeDisabled();
  // Nothing more is delivered on its own.
  await page.waitForTimeout(1000);
  expect((await deliveredRows(lab)).length).toBe(5);
  await expect(heldList(lab).getByRole('listitem').first()).toBeVisible();
  await expect(lab.locator('[aria-live="polite"][aria-atomic="true"]')).toContainText('Opened at step 5');

  // Copy a link to the 3rd delivered message: it names the step that delivers it.
  const third = diagramTable(lab).locator('tbody tr').filter({ hasText: /^\s*\d+\s*broker/ }).filter({ hasNotText: '(held)' }).nth(2);
  await third.getByRole('button').click();
  await lab.getByRole('region', { name: 'Message inspector' }).getByRole('button', { name: 'Copy link to this message' }).click();
  expect(new URL(await clipboard(page)).hash).toBe('#step=3');
});

test('export: redaction removes ICE credentials from the file; the diagram as a text ladder', async ({ page }) => {
  await page.goto('lab/?autoplay=1');
  const lab = labRegion(page);
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  await lab.getByText('Export and share').click();
  await lab.getByRole('checkbox', { name: 'Redact ICE credentials' }).check();
  await lab.getByRole('checkbox', { name: 'Redact IP addresses' }).check();
  const [download] = await Promise.all([page.waitForEvent('download'), lab.getByRole('button', { name: 'Download trace (JSON)' }).click()]);
  const text = await readFile((await download.path())!, 'utf8');
  expect(text).toMatch(/a=ice-ufrag:rdx1/);
  const ufrags = [...text.matchAll(/a=ice-ufrag:([A-Za-z0-9+/]+)/g)].map((m) => m[1]);
  expect(ufrags.length).toBeGreaterThan(0);
  expect(ufrags.every((u) => /^rdx\d+$/.test(u!))).toBe(true);
  expect(text).not.toMatch(/a=ice-pwd:(?!redactedpassword)/);

  await lab.getByRole('button', { name: 'Copy as text ladder' }).click();
  const ladder = await clipboard(page);
  expect(ladder.split('\n')[0]).toMatch(/#\s+alice\s+broker\s+bob/);
  expect(ladder).toContain('offer');

  const [svg] = await Promise.all([page.waitForEvent('download'), lab.getByRole('button', { name: 'Download SVG' }).click()]);
  expect(await readFile((await svg.path())!, 'utf8')).toMatch(/^<\?xml[\s\S]*<svg/);
  const [mmd] = await Promise.all([page.waitForEvent('download'), lab.getByRole('button', { name: 'Download mermaid' }).click()]);
  expect(await readFile((await mmd.path())!, 'utf8')).toMatch(/^sequenceDiagram/);
});
