import { expect, type Locator, type Page } from '@playwright/test';

/** Opens the two-device lab at `lab/?mode=solo&<search>` and joins as `id`; returns the lab. */
export async function joinSolo(page: Page, search: string, id: string): Promise<Locator> {
  await page.goto(`lab/?mode=solo&${search}`);
  const lab = page.getByRole('region', { name: 'Two-device lab' });
  await expect(lab.getByRole('button', { name: 'Join' })).toBeEnabled({ timeout: 15_000 });
  await lab.getByRole('textbox', { name: 'Your id' }).fill(id);
  await lab.getByRole('button', { name: 'Join' }).click();
  await expect(lab.getByText(`You are ${id}`)).toBeVisible();
  return lab;
}
