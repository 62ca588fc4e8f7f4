// Issue 13 (D): the inspector where the eye is. Wide, it sits beside the diagram; narrow, the
// page brings it into view; Close hands the focus back; the selected arrow stays marked; a
// published arrow shows the PUBLISH its sender wrote; on a phone Step stays in reach.
import { test, expect, type Locator, type Page } from '@playwright/test';
import { autoplayed, heldList, labRegion } from './support/lab';

const WIDTHS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

const figure = (lab: Locator) => lab.getByRole('figure', { name: 'Sequence diagram' });
const inspectorOf = (lab: Locator) => lab.getByRole('region', { name: 'Message inspector' });
/** The table's button for the delivered offer (broker → bob). */
const offerButton = (lab: Locator) => figure(lab).getByRole('row', { name: /broker bob offer$/ }).getByRole('button');

/** On a phone the Step bar sticks to the top: what is scrolled into view lands below it, not under it. */
async function expectClearOfStepBar(lab: Locator, inspector: Locator): Promise<void> {
  const bar = lab.getByRole('toolbar').first();
  if ((await bar.evaluate((el) => getComputedStyle(el).position)) !== 'sticky') return;
  await expect
    .poll(async () => {
      const b = (await bar.boundingBox())!;
      const h = (await inspector.getByRole('heading').first().boundingBox())!;
      return h.y - (b.y + b.height);
    })
    .toBeGreaterThanOrEqual(0);
}

/** Clicks `target` (scrolled to first) and checks that the inspector shows `what`, in view and clear of the Step bar. */
async function inspectInView(lab: Locator, target: Locator, what: string): Promise<Locator> {
  await target.scrollIntoViewIfNeeded();
  await target.click();
  const inspector = inspectorOf(lab);
  await expect(inspector).toContainText(what);
  await expect(inspector).toBeInViewport();
  await expectClearOfStepBar(lab, inspector);
  return inspector;
}

/** Opens /lab/ in a window of `viewport` and presses Start; returns the lab. */
async function startedAt(page: Page, viewport: { width: number; height: number }): Promise<Locator> {
  await page.setViewportSize(viewport);
  await page.goto('lab/');
  const lab = labRegion(page);
  await lab.getByRole('button', { name: 'Start' }).click();
  return lab;
}

for (const size of WIDTHS) {
  test.describe(`at ${size.width} px`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });

    test('a message opened from the table is in view, and Close gives the focus back', async ({ page }) => {
      const lab = await autoplayed(page);
      const button = offerButton(lab);
      const inspector = await inspectInView(lab, button, 'offer');
      if (size.width >= 1100) {
        // Beside the diagram, not under it.
        const fig = (await figure(lab).boundingBox())!;
        const box = (await inspector.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(fig.x + fig.width - 1);
        expect(box.y).toBeLessThan(fig.y + fig.height);
      }
      // The row stays marked as selected.
      await expect(button).toHaveAttribute('aria-pressed', 'true');
      await inspector.getByRole('button', { name: 'Close' }).click();
      await expect(button).toBeFocused();
      await expect(inspector).toContainText('Click an arrow');
    });

    test('an arrow clicked in the drawing opens the inspector in view, and its arrow stays marked', async ({ page }) => {
      const lab = await autoplayed(page);
      const drawing = lab.getByRole('region', { name: 'Sequence diagram drawing' });
      const arrowText = drawing.locator('text.messageText', { hasText: /^(\d+\. )?answer$/ }).first();
      const inspector = await inspectInView(lab, arrowText, 'answer');
      await expect(arrowText).toHaveClass(/lab-selected/);
      // New rows (bob's last will, once his plug is pulled) redraw the diagram; the mark stays.
      // (Arrows, not table rows: the table also lists notes, which are not arrows.)
      const rows = figure(lab).getByRole('table').getByRole('row');
      const before = await rows.count();
      const arrowsBefore = await drawing.locator('text.messageText').count();
      await lab.getByRole('button', { name: 'Pull the plug' }).click();
      await expect.poll(() => rows.count()).toBeGreaterThan(before);
      await expect.poll(() => drawing.locator('text.messageText').count()).toBeGreaterThan(arrowsBefore);
      await expect(drawing.locator('text.messageText.lab-selected')).toHaveCount(1);
      await expect(drawing.locator('text.messageText.lab-selected')).toHaveText(/^(\d+\. )?answer$/);
      await inspector.getByRole('button', { name: 'Close' }).click();
      await expect(drawing).toBeFocused();
    });
  });
}

test('a published arrow shows the PUBLISH packet as its sender wrote it', async ({ page }) => {
  const lab = await autoplayed(page);
  // alice → broker: the offer as published.
  await figure(lab).getByRole('row', { name: /alice broker offer$/ }).getByRole('button').click();
  const inspector = inspectorOf(lab);
  await expect(inspector).toContainText('alice → broker (published)');
  const packet = inspector.getByText(/^MQTT packet \(\d+ bytes, as sent by alice\)$/);
  await expect(packet).toBeVisible();
  await packet.click();
  // The byte view names the packet's fields: a PUBLISH with its topic.
  await expect(inspector).toContainText('PUBLISH');
  await expect(inspector).toContainText('Topic');
});

test('on a phone, Step and Play stay on screen while the reader scrolls through the diagram', async ({ page }) => {
  const lab = await startedAt(page, { width: 390, height: 844 });
  const step = lab.getByRole('button', { name: 'Step', exact: true });
  await expect(step).toBeEnabled();
  for (let k = 0; k < 6; k++) {
    await step.click();
    await page.waitForTimeout(150);
  }
  const fig = figure(lab);
  await expect(fig.getByRole('table').getByRole('row')).not.toHaveCount(1);
  // Scroll down through the diagram to its table's end.
  const box = (await fig.boundingBox())!;
  for (let y = box.y; y < box.y + box.height; y += 300) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    await expect(step).toBeInViewport();
    await expect(lab.getByRole('button', { name: 'Play' })).toBeInViewport();
  }
  // The bar covers nothing for good: stepping from it still works, and the page never scrolls sideways.
  const before = await fig.getByRole('table').getByRole('row').count();
  await step.click();
  await expect.poll(() => fig.getByRole('table').getByRole('row').count()).toBeGreaterThanOrEqual(before);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test('wide, Step leaves the diagram where it was: the held list keeps its height and the words above keep their room', async ({ page }) => {
  const lab = await startedAt(page, { width: 1280, height: 900 });
  const step = lab.getByRole('button', { name: 'Step', exact: true });
  const list = heldList(lab);
  const queue = lab.getByRole('region', { name: /^Held messages/ });
  const told = lab.getByRole('group', { name: 'What just happened' });
  // Where the diagram and the held list are, relative to the lab (the page may scroll).
  const place = async () => {
    const [l, f, h] = await Promise.all([lab.boundingBox(), figure(lab).boundingBox(), queue.boundingBox()]);
    return { top: f!.y - l!.y, held: h!.height };
  };
  await expect(list.getByRole('listitem').first()).toBeVisible({ timeout: 15_000 });
  const tops: number[] = [];
  const heights = new Set<number>();
  for (let n = 1; n <= 10; n++) {
    await expect.poll(async () => (await list.getByRole('listitem').count()) > 0, { timeout: 15_000 }).toBe(true);
    await step.click();
    await expect(told).toContainText(`Step ${n}:`);
    const p = await place();
    tops.push(p.top);
    heights.add(Math.round(p.held));
  }
  // Before, the list grew and shrank with the queue and the diagram moved by up to 400 px. Now only
  // a fifth line of narration (one line, ~20 px) can move it.
  expect(Math.max(...tops) - Math.min(...tops), `diagram tops: ${tops.join(', ')}`).toBeLessThanOrEqual(24);
  expect([...heights], 'the held messages keep one height').toHaveLength(1);
});
