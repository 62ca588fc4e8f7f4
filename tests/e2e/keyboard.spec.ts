// The whole lab by keyboard alone: no clicks from Start to chat. And axe in every state a
// reader passes through (idle, stepping, connected, inspector open).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { deliveredRows, heldList, labRegion } from './support/lab';

/** Presses Tab until the focused element matches, as a keyboard user would. */
async function tabTo(page: Page, name: RegExp, max = 80): Promise<void> {
  for (let k = 0; k < max; k++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? `${el.tagName} ${el.getAttribute('aria-label') ?? el.textContent ?? ''}`.trim() : '';
    });
    if (name.test(focused)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

async function axe(page: Page, state: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).include('main').analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe in state "${state}"`).toEqual([]);
}

test('a full session with the keyboard only: start, step to an open channel, inspect, chat', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto('lab/');
  const lab = labRegion(page);
  await expect(lab.getByRole('button', { name: 'Start' })).toBeEnabled();
  await axe(page, 'idle');

  await tabTo(page, /^BUTTON Start$/);
  await page.keyboard.press('Enter');
  await expect(heldList(lab).getByRole('listitem').first()).toBeVisible({ timeout: 15_000 });
  // Focus stays in the lab, so → steps at once without reaching for the mouse.
  expect(await page.evaluate(() => !!document.activeElement?.closest('section[aria-label$="lab"]'))).toBe(true);

  const live = lab.locator('[aria-live="polite"][aria-atomic="true"]');
  let steps = 0;
  while (!(await lab.getByText('Data channel open').isVisible())) {
    expect(steps, 'the data channel did not open within 80 key presses').toBeLessThan(80);
    await expect.poll(async () => (await lab.getByText('Data channel open').isVisible()) || (await heldList(lab).getByRole('listitem').count()) > 0, { timeout: 15_000 }).toBe(true);
    if (await lab.getByText('Data channel open').isVisible()) break;
    const before = (await deliveredRows(lab)).length;
    await page.keyboard.press(steps % 2 === 0 ? 'ArrowRight' : 'Space');
    steps++;
    await expect.poll(async () => (await deliveredRows(lab)).length).toBe(before + 1);
    // Each step is announced to screen readers.
    await expect(live).toContainText(`Step ${before + 1}: broker to `);
    if (steps === 3) await axe(page, 'stepping');
  }
  await axe(page, 'connected');

  // Open a message in the inspector from the diagram's table, by keyboard.
  await tabTo(page, /^BUTTON .*offer/);
  await page.keyboard.press('Enter');
  const inspector = lab.getByRole('region', { name: 'Message inspector' });
  await expect(inspector).toContainText('offer');
  await axe(page, 'inspector open');

  await tabTo(page, /^INPUT Chat message$/);
  await page.keyboard.type('typed, never clicked');
  await page.keyboard.press('Enter');
  await expect(lab.getByRole('list', { name: 'Chat log' })).toContainText('typed, never clicked');
  expect(errors).toEqual([]);
});
