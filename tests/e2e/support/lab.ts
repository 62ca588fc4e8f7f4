import { expect, type Locator, type Page } from '@playwright/test';

/** Finds the lab as a reader would: a region whose name ends in "lab". */
export function labRegion(page: Page): Locator {
  return page.getByRole('region', { name: /lab$/i }).first();
}

export function diagramTable(lab: Locator): Locator {
  return lab.getByRole('figure', { name: 'Sequence diagram' }).getByRole('table');
}

/** Rows of the diagram's table as [#, From, To, Message] text. */
export async function tableRows(lab: Locator): Promise<string[][]> {
  return diagramTable(lab)
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => (td.textContent ?? '').trim())));
}

/** Deliveries so far: table rows from the broker that are no longer held (nor dropped, nor held apart). */
export async function deliveredRows(lab: Locator): Promise<string[][]> {
  const rows = await tableRows(lab);
  return rows.filter((r) => r[1] === 'broker' && !/\((held|dropped|held apart)\)$/.test(r[3]!) && !r[3]!.startsWith('rejected'));
}

/** Delivered arrows drawn in the SVG. */
export function deliveredArrows(lab: Locator): Locator {
  return lab.getByRole('figure', { name: 'Sequence diagram' }).locator('svg [data-et="message"].lab-delivered');
}

export function heldList(lab: Locator): Locator {
  return lab.getByRole('list', { name: 'Held messages' });
}

/**
 * Presses Step until the data channel opens, asserting that each press adds exactly one
 * delivery to the table, and that the diagram catches up with the table.
 */
export async function stepUntilOpen(lab: Locator, maxSteps = 80): Promise<number> {
  const open = lab.getByText('Data channel open');
  const step = lab.getByRole('button', { name: 'Step', exact: true });
  let steps = 0;
  while (!(await open.isVisible())) {
    expect(steps, 'data channel did not open within the step budget').toBeLessThan(maxSteps);
    // Messages may still be on their way from the broker: wait until something is held.
    await expect
      .poll(async () => (await open.isVisible()) || (await heldList(lab).getByRole('listitem').count()) > 0, { timeout: 15_000 })
      .toBe(true);
    if (await open.isVisible()) break;
    const before = (await deliveredRows(lab)).length;
    await step.click();
    steps++;
    await expect.poll(async () => (await deliveredRows(lab)).length).toBe(before + 1);
    await expect(deliveredArrows(lab)).toHaveCount(before + 1, { timeout: 10_000 });
  }
  return steps;
}

/** Opens `page` at `path` (a lab that autoplays) and waits until its data channel is open; returns the lab. */
export async function autoplayed(page: Page, path = 'lab/?autoplay=1'): Promise<Locator> {
  await page.goto(path);
  const lab = labRegion(page);
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  return lab;
}

/** Presses the lab's Export trace and returns the downloaded file's path. */
export async function exportTrace(page: Page, lab: Locator): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), lab.getByRole('button', { name: 'Export trace' }).click()]);
  return (await download.path())!;
}

/**
 * Opens /lab/ on the broker at `brokerUrl`, under a root of its own (`webrtc-lab/<prefix><time>`),
 * and presses Start. Returns the lab and its root.
 */
export async function labOnBroker(page: Page, brokerUrl: string, prefix: string): Promise<{ lab: Locator; root: string }> {
  const root = `webrtc-lab/${prefix}${Date.now().toString(36)}`;
  await page.goto(`lab/?broker=${encodeURIComponent(brokerUrl)}&root=${encodeURIComponent(root)}`);
  const lab = labRegion(page);
  await lab.getByRole('button', { name: 'Start' }).click();
  return { lab, root };
}

/** labOnBroker, then waits until both peers' statuses are held: nothing else is in flight until the reader steps. */
export async function labOnBrokerHeld(page: Page, brokerUrl: string, prefix: string): Promise<{ lab: Locator; root: string }> {
  const opened = await labOnBroker(page, brokerUrl, prefix);
  await expect(heldList(opened.lab).getByRole('listitem')).toHaveCount(2);
  return opened;
}

/** Opens replay/ and imports the trace file at `file`; returns the replay, at its first step. */
export async function importTrace(page: Page, file: string): Promise<Locator> {
  await page.goto('replay/');
  const replay = page.getByRole('region', { name: 'Trace replay' });
  // Enabled at once: client:interact holds the change until the island has hydrated.
  await expect(replay.getByLabel('Import trace')).toBeEnabled();
  await replay.getByLabel('Import trace').setInputFiles(file);
  return replay;
}

/** Imports the trace file at `file` into replay/ and moves to its last step with the keyboard; returns the replay. */
export async function replayToEnd(page: Page, file: string): Promise<Locator> {
  const replay = await importTrace(page, file);
  await replay.getByRole('slider', { name: 'Step' }).focus();
  await page.keyboard.press('End');
  return replay;
}

/**
 * Opens the lobby lab at `lobby/<search>`, brought into view (it hydrates when visible), and
 * waits for Start unless it autoplays (then Start is never enabled for long); returns the lab.
 */
export async function openLobbyLab(page: Page, search = ''): Promise<Locator> {
  await page.goto(`lobby/${search}`);
  const lab = page.getByRole('region', { name: 'Lobby lab' });
  await lab.scrollIntoViewIfNeeded();
  if (!search.includes('autoplay=1')) await expect(lab.getByRole('button', { name: 'Start' })).toBeEnabled({ timeout: 15_000 });
  return lab;
}

/** The rows of a lobby lab's (or its replay's) table of peer connections, one per pair. */
export function pairRows(region: Locator): Locator {
  return region.getByRole('region', { name: 'Peer connections' }).getByRole('table').locator('tbody tr');
}

/** Opens a <details> unless it is open already. */
export async function openDetails(details: Locator): Promise<void> {
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').first().click();
}
