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

/** Opens a <details> unless it is open already. */
export async function openDetails(details: Locator): Promise<void> {
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').first().click();
}
