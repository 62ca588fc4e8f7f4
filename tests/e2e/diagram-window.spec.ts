import { test, expect } from '@playwright/test';
import { DIAGRAM_WINDOW } from '../../src/lib/diagram/window';
import { LAB_RATE_LIMIT } from '../../src/lib/signalling/rate-limit';
import { diagramTable, heldList, labRegion, tableRows } from './support/lab';

// A long session: the drawing shows only the latest DIAGRAM_WINDOW rows (mermaid slows down
// with every row), the table keeps every one of them.
test('a long session draws its latest rows and keeps every row in the table', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('mqtt/');
  const lab = labRegion(page);
  await lab.scrollIntoViewIfNeeded();
  await lab.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(heldList(lab).getByRole('listitem')).toHaveCount(2);
  const form = lab.getByRole('region', { name: 'Publish a message over MQTT' });
  const text = form.getByRole('textbox', { name: 'Message text' });
  const publish = form.getByRole('button', { name: 'Publish' });
  const from = form.getByLabel('From');
  // Each chat is two rows (sender → broker, broker → the other). Alice and bob take turns, each
  // well under the lab's per-topic rate limit, so that none is rejected.
  const chats = Math.ceil(DIAGRAM_WINDOW / 2) + 10;
  for (let k = 1; k <= chats; k++) {
    await from.selectOption(k % 2 ? 'offerer' : 'answerer');
    await text.fill(`chat ${k}`);
    await publish.click();
    await page.waitForTimeout(1000 / LAB_RATE_LIMIT.ratePerS);
  }
  const total = 4 + 2 * chats;
  const table = diagramTable(lab);
  await expect(table.locator('tbody tr')).toHaveCount(total, { timeout: 30_000 });
  const rows = await tableRows(lab);
  expect(rows.map((r) => Number(r[0]))).toEqual(Array.from({ length: total }, (_, k) => k + 1));
  expect(rows.some((r) => r[3]!.startsWith('rejected'))).toBe(false);

  const figure = lab.getByRole('figure', { name: 'Sequence diagram' });
  const hidden = total - DIAGRAM_WINDOW;
  await expect(figure.getByText(`The drawing shows the latest ${DIAGRAM_WINDOW} rows; rows 1–${hidden} are in the table below.`)).toBeVisible({ timeout: 15_000 });
  // Every row here is an arrow: the drawing has the window's worth, the newest among them.
  const arrows = figure.locator('svg [data-et="message"]');
  await expect(arrows).toHaveCount(DIAGRAM_WINDOW);
  await expect(figure.locator(`svg [data-et="message"][data-row="${total}"]`)).toHaveCount(1);
  await expect(figure.locator(`svg [data-et="message"][data-row="${hidden}"]`)).toHaveCount(0);
  // A table row outside the drawing still opens in the inspector.
  await table.getByRole('button', { name: 'chat: chat 1', exact: true }).first().click();
  await expect(lab.getByRole('region', { name: 'Message inspector' })).toContainText('chat 1');
});
