// A lobby session exported and replayed: stepped to its end, the replay shows what the live
// lobby lab showed (the diagram's rows, the clients, the pair table), from the trace alone.
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Locator } from '@playwright/test';
import { exportTrace, importTrace, openLobbyLab, pairRows, tableRows } from './support/lab';
import { collectErrors } from './support/errors';

/** Each pair row's cells, and each client panel's text: what the lab shows besides the diagram. */
async function lobbyState(region: Locator): Promise<{ pairs: string[][]; clients: string[] }> {
  const pairs = await pairRows(region).evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('th, td'), (c) => (c.textContent ?? '').trim())));
  const clients = await Promise.all(['p1', 'p2', 'p3'].map((p) => region.getByRole('region', { name: `Client ${p}` }).innerText()));
  return { pairs, clients };
}

test('export a stepped lobby session, replay it to the end: the same rows, clients and pairs', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  const lab = await openLobbyLab(page);
  await expect(lab.getByRole('button', { name: 'Export trace' })).toBeDisabled({ timeout: 15_000 });
  await lab.getByRole('button', { name: 'Start' }).click();

  // Step every frame until the mesh is complete and nothing more is held or on its way.
  const held = lab.getByRole('list', { name: 'Held messages' }).getByRole('listitem');
  const step = lab.getByRole('button', { name: 'Step', exact: true });
  const open = lab.getByText('Data channel open');
  const delivered = async (region: Locator) => (await tableRows(region)).filter((r) => r[1] === 'server' && !r[3]!.endsWith('(held)')).length;
  const told = lab.getByRole('group', { name: 'What just happened' });
  const narrations: string[] = [];
  let steps = 0;
  for (;;) {
    await expect.poll(async () => (await open.isVisible()) || (await held.count()) > 0, { timeout: 15_000 }).toBe(true);
    if ((await held.count()) === 0) {
      // Open, and nothing held: done once nothing new arrives for a moment.
      await page.waitForTimeout(500);
      if ((await held.count()) === 0) break;
      continue;
    }
    expect(steps, 'the mesh did not open within the step budget').toBeLessThan(200);
    const before = await delivered(lab);
    await step.click();
    steps++;
    await expect.poll(() => delivered(lab)).toBe(before + 1);
    // Each Step is told: which frame went to whom, and what that client did with it.
    await expect(told).toContainText(`Step ${steps}: `);
    narrations.push((await told.innerText()).trim());
  }
  const story = narrations.join('\n');
  expect(story).toMatch(/server to p1: ID 1 \(mesh\)\. The server gives p1 its id, 1/);
  expect(story).toMatch(/having the higher id, makes the offer/);
  expect(story).toMatch(/sends ANSWER back through the server/);
  expect(new Set(narrations).size).toBe(narrations.length);
  await expect(pairRows(lab).locator('td:last-child')).toHaveText(['open', 'open', 'open']);
  const liveRows = await tableRows(lab);
  const live = await lobbyState(lab);
  expect(liveRows.length).toBeGreaterThan(20);

  const file = await exportTrace(page, lab);
  const exported = JSON.parse(await readFile(file, 'utf8')) as { kind: string; events: { type: string }[] };
  expect(exported.kind).toBe('lobby');
  const deliveries = exported.events.filter((e) => e.type === 'delivered').length;
  expect(deliveries).toBe(steps);

  const replay = await importTrace(page, file);
  await expect(replay.getByText(`Step 0 of ${deliveries}`, { exact: true })).toBeVisible();
  // Step 0: p1's ID and JOIN echo are held, nothing delivered yet, no pair started.
  await expect(replay.getByRole('list', { name: 'Held messages' }).getByRole('listitem').first()).toHaveText('server → p1: ID 1 (mesh)');
  await expect(pairRows(replay).locator('td:last-child')).toHaveText(['not started', 'not started', 'not started']);

  // To the end with the keyboard, one step at a time for the first few.
  const slider = replay.getByRole('slider', { name: 'Step' });
  await replay.getByRole('button', { name: 'Step forward' }).click();
  await expect(slider).toHaveValue('1');
  // The replay tells each step as the live lab did.
  const replayTold = replay.getByRole('group', { name: 'What just happened' });
  await expect(replayTold).toHaveText(narrations[0]!);
  await slider.focus();
  await page.keyboard.press('End');
  await expect(replay.getByText(`Step ${deliveries} of ${deliveries}`, { exact: true })).toBeVisible();
  await expect(replayTold).toHaveText(narrations.at(-1)!);

  // The same diagram rows, the same lanes drawn, the same clients and pairs as the live lab.
  await expect.poll(() => tableRows(replay)).toEqual(liveRows);
  const figure = replay.getByRole('figure', { name: 'Sequence diagram' });
  await expect
    .poll(async () => figure.locator('svg text.actor').evaluateAll((els) => [...new Set(els.map((e) => e.textContent?.trim()))].sort()))
    .toEqual(['p1', 'p2', 'p3', 'server']);
  expect(await lobbyState(replay)).toEqual(live);
  await expect(replay.getByText('Data channel open')).toBeVisible();

  // The inspector on a relayed offer, as in the live lab.
  const offer = liveRows.find((r) => r[1] === 'server' && r[3]!.startsWith('OFFER from'))!;
  await figure.getByRole('button', { name: offer[3]! }).first().click();
  const inspector = replay.getByRole('region', { name: 'Message inspector' });
  await expect(inspector.locator('pre')).toContainText('"type":4');
  await expect(inspector.getByRole('row', { name: /^id / })).toContainText('rewritten by the server');

  // Back to step 2: only p1's two frames delivered; "Open the live lab" leads to the lobby.
  await slider.fill('2');
  await expect.poll(() => delivered(replay)).toBe(2);
  await expect(replay.getByText('Data channel open')).toBeHidden();
  await expect(replay.getByRole('region', { name: 'Client p1' })).toContainText(/Lobby\s*[A-Za-z0-9]{16}/);
  await expect(replay.getByRole('region', { name: 'Client p2' })).toContainText(/Id\s*—/);
  await expect(replay.getByRole('link', { name: 'Open the live lab' })).toHaveAttribute('href', /lobby\/?$/);

  const axe = await new AxeBuilder({ page }).include('section[aria-label="Trace replay"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(errors).toEqual([]);
});
