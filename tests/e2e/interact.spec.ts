// client:interact (src/components/site/interact-directive.ts): /lab/ and /replay/ load no lab
// code until the reader reaches for the lab, and nothing done before it has hydrated is lost.
// The island's code is slowed down here, so every action certainly lands before hydration.
import { readFile } from 'node:fs/promises';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { heldList, labRegion, openDetails } from './support/lab';
import { collectErrors } from './support/errors';

const island = (page: Page) => page.locator('astro-island[client="interact"]');

/** Holds back the island's component chunk for `ms`, as a slow network would. */
async function slowIsland(page: Page, component: 'LabModes' | 'ReplayIsland', ms = 600): Promise<void> {
  await page.route(new RegExp(`/_astro/${component}\\.[^/]+\\.js$`), async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  });
}

/** Opens `path` with the lab's code held back, so what the test does next lands before hydration; returns the lab. */
async function slowLab(page: Page, path: string): Promise<Locator> {
  await slowIsland(page, 'LabModes');
  await page.goto(path);
  return labRegion(page);
}

test('/lab/ fetches no script until the reader reaches for the lab; a Start pressed before hydration starts the session', async ({ page }) => {
  const errors = collectErrors(page);
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
  });
  const lab = await slowLab(page, 'lab/');
  await page.waitForLoadState('networkidle');
  expect(scripts, 'scripts fetched before any interaction').toEqual([]);
  await expect(island(page)).toHaveAttribute('ssr', '');

  const start = lab.getByRole('button', { name: 'Start', exact: true });
  await start.click();
  expect(await island(page).evaluate((el) => el.hasAttribute('ssr')), 'Start was pressed before hydration').toBe(true);
  // The held press shows while the lab loads.
  await expect(start).toHaveAttribute('aria-busy', 'true');
  await expect(island(page)).not.toHaveAttribute('ssr');
  await expect(start).not.toHaveAttribute('aria-busy');
  await expect(heldList(lab).getByRole('listitem').first()).toBeVisible({ timeout: 15_000 });
  expect(scripts.some((s) => s.includes('/LabModes.'))).toBe(true);
  expect(errors).toEqual([]);
});

test('/lab/: a checkbox and a choice changed before hydration keep their values', async ({ page }) => {
  const errors = collectErrors(page);
  const lab = await slowLab(page, 'lab/');
  await openDetails(lab.locator('details.settings'));
  const naive = lab.getByRole('checkbox', { name: 'Naive peers (no candidate buffering)' });
  await naive.check();
  const pace = lab.getByRole('combobox', { name: 'Pace' });
  await pace.selectOption({ label: 'As fast as possible' });
  expect(await island(page).evaluate((el) => el.hasAttribute('ssr')), 'changed before hydration').toBe(true);

  await expect(island(page)).not.toHaveAttribute('ssr');
  await expect(naive).toBeChecked();
  await expect(pace.locator('option:checked')).toHaveText('As fast as possible');
  // The lab's state took them too: uncheck now reaches a hydrated, bound checkbox.
  await naive.uncheck();
  await expect(naive).not.toBeChecked();
  expect(errors).toEqual([]);
});

test('/replay/: a trace dropped before hydration is loaded', async ({ page }) => {
  const errors = collectErrors(page);
  await slowIsland(page, 'ReplayIsland');
  await page.goto('replay/');
  const box = page.getByRole('region', { name: 'Trace replay' });
  const text = await readFile('public/traces/trickle.json', 'utf8');
  await box.evaluate((el, json) => {
    const data = new DataTransfer();
    data.items.add(new File([json], 'dropped.json', { type: 'application/json' }));
    for (const type of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
  }, text);
  expect(await island(page).evaluate((el) => el.hasAttribute('ssr')), 'dropped before hydration').toBe(true);
  await expect(box.getByText(/^Replaying dropped\.json:/)).toBeVisible({ timeout: 15_000 });
  expect(errors).toEqual([]);
});

test('an address with lab settings hydrates at once; a Start pressed before that still starts the session', async ({ page }) => {
  const errors = collectErrors(page);
  const lab = await slowLab(page, 'lab/?broker=in-page');
  await lab.getByRole('button', { name: 'Start', exact: true }).click();
  expect(await island(page).evaluate((el) => el.hasAttribute('ssr')), 'Start was pressed before hydration').toBe(true);
  await expect(heldList(lab).getByRole('listitem').first()).toBeVisible({ timeout: 15_000 });
  expect(errors).toEqual([]);
});

test('an address with lab settings hydrates at once, with no interaction', async ({ page }) => {
  await page.goto('lab/?mode=paste');
  await expect(island(page)).not.toHaveAttribute('ssr', { timeout: 15_000 });
  await page.goto('replay/?trace=trickle#step=2');
  await expect(page.getByRole('slider', { name: 'Step' })).toHaveValue('2', { timeout: 15_000 });
});
