// The sequence diagram is readable at every width (issue 13, part C): arrow labels at least
// 13 px as rendered, lane names that stay in view while the drawing scrolls, a legend of every
// arrow style, every lane on a phone with no sideways scroll, the recorded sessions in chapters
// laid out like the live lab, and lobby lifelines as long as the arrows.
import { test, expect, type Locator, type Page } from '@playwright/test';
import { autoplayed } from './support/lab';
import { collectErrors } from './support/errors';

const WIDTHS = [1280, 390];
const LANES = ['alice', 'broker', 'bob'];

function figureOf(scope: Locator): Locator {
  return scope.getByRole('figure', { name: 'Sequence diagram' });
}

function drawingOf(scope: Locator): Locator {
  return figureOf(scope).getByRole('region', {
    name: 'Sequence diagram drawing',
  });
}

/** Each arrow label's font size as rendered: computed font size × the SVG's scale on screen. */
async function renderedLabelSizes(scope: Locator): Promise<number[]> {
  return drawingOf(scope).evaluate((box) => {
    const svg = box.querySelector('svg')!;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return Array.from(svg.querySelectorAll('.messageText'), (t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  });
}

/** Lane names on screen, each with whether it lies wholly inside the drawing's box. */
async function lanesInBox(scope: Locator): Promise<{ name: string; inside: boolean }[]> {
  const box = (await drawingOf(scope).boundingBox())!;
  const items = figureOf(scope).getByRole('list', { name: 'Lanes' }).getByRole('listitem');
  const out = [];
  for (const item of await items.all()) {
    const b = (await item.boundingBox())!;
    const inside = b.x >= box.x - 0.5 && b.x + b.width <= box.x + box.width + 0.5 && b.y >= box.y - 0.5 && b.y + b.height <= box.y + box.height + 0.5;
    out.push({ name: (await item.textContent())!.trim(), inside });
  }
  return out;
}

/** Waits until the drawing has one `selector` per row of the table (a render is debounced). */
async function caughtUp(scope: Locator, selector: string): Promise<void> {
  // Every row but a note is an arrow; a note is over a lane, so its To cell is empty. (Not
  // "rows with a button": peer-to-peer rows are arrows with nothing to inspect, no button.)
  const rows = figureOf(scope).getByRole('table').locator('tbody tr');
  const drawn = drawingOf(scope).locator(selector);
  await expect
    .poll(
      async () => {
        const n = await rows.evaluateAll((trs) => trs.filter((tr) => (tr.querySelectorAll('td')[2]?.textContent ?? '').trim() !== '').length);
        return n > 10 && (await drawn.count()) === n;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
}

async function labAt(page: Page, width: number): Promise<Locator> {
  await page.setViewportSize({ width, height: 900 });
  const lab = await autoplayed(page);
  await drawingOf(lab).scrollIntoViewIfNeeded();
  await caughtUp(lab, 'svg [data-et="message"]');
  return lab;
}

for (const width of WIDTHS) {
  test(`at ${width} px the labels are at least 13 px, every lane fits and the lane names stay while the drawing scrolls`, async ({ page }) => {
    const errors = collectErrors(page);
    const lab = await labAt(page, width);
    const sizes = await renderedLabelSizes(lab);
    expect(sizes.length).toBeGreaterThan(10);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(13 - 0.01);

    // No sideways scroll in the drawing: every lane is in the box.
    const drawing = drawingOf(lab);
    const { scrollWidth, clientWidth } = await drawing.evaluate((b) => ({
      scrollWidth: b.scrollWidth,
      clientWidth: b.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);

    // Scrolled to the end, the lane names are still there, over their lanes.
    await drawing.evaluate((b) => b.scrollTo({ top: b.scrollHeight }));
    await expect.poll(() => drawing.evaluate((b) => b.scrollTop)).toBeGreaterThan(100);
    expect(await lanesInBox(lab)).toEqual(LANES.map((name) => ({ name, inside: true })));
    expect(errors).toEqual([]);
  });
}

test('the legend names every arrow style', async ({ page }) => {
  const lab = await labAt(page, 1280);
  const legend = figureOf(lab).getByRole('list', { name: 'Diagram legend' });
  await expect(legend.getByRole('listitem')).toHaveText([
    'Solid: sent or delivered',
    'Dotted grey: held until Step',
    'Thick blue: the newest delivery',
    'Dotted red, ending in ×: dropped',
    'Red, ending in ×: rejected',
    'Dashed amber, ending in ×: held apart, foreign or suspicious',
    'Thick amber: carries the selected candidate',
    'Bold underlined label: open in the inspector',
    'Box over a lane: a note',
  ]);
});

for (const width of WIDTHS) {
  test(`a recorded session in the ICE chapter shows all three lanes at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('ice/');
    const summary = page.getByText(/^Recorded session:/).first();
    await summary.scrollIntoViewIfNeeded();
    await summary.click();
    const replay = page.getByRole('region', { name: /^Recorded session:/ }).first();
    await replay.scrollIntoViewIfNeeded();
    await expect(replay.getByText(/^Step 0 of \d+/)).toBeVisible({
      timeout: 15_000,
    });
    const forward = replay.getByRole('button', { name: 'Step forward' });
    for (let k = 0; k < 4; k++) await forward.click();
    await expect(figureOf(replay).getByRole('list', { name: 'Lanes' }).getByRole('listitem')).toHaveCount(3, { timeout: 15_000 });
    expect(await lanesInBox(replay)).toEqual(LANES.map((name) => ({ name, inside: true })));
    expect(Math.min(...(await renderedLabelSizes(replay)))).toBeGreaterThanOrEqual(13 - 0.01);
    // The table beside it is not cut off either: its columns fit its box.
    const wrap = figureOf(replay).getByRole('table').locator('..');
    expect(await wrap.evaluate((w) => w.scrollWidth <= w.clientWidth)).toBe(true);
  });
}

test('the lobby lifelines reach the last arrow', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('lobby/');
  const lab = page.getByRole('region', { name: 'Lobby lab' });
  await lab.scrollIntoViewIfNeeded();
  await lab.getByRole('button', { name: 'Start' }).click();
  await lab.getByRole('combobox', { name: 'Pace' }).selectOption({ label: 'As fast as possible' });
  await lab.getByRole('button', { name: 'Play' }).click();
  await expect(lab.getByText('Data channel open')).toBeVisible({
    timeout: 30_000,
  });
  const drawing = drawingOf(lab);
  await caughtUp(lab, 'svg [data-et="message"]');
  const { lifelines, lastArrow } = await drawing.evaluate((box) => {
    const svg = box.querySelector('svg')!;
    const ys = Array.from(svg.querySelectorAll('[data-et="message"]'), (l) => Math.max(Number(l.getAttribute('y1')), Number(l.getAttribute('y2'))));
    return {
      lifelines: Array.from(svg.querySelectorAll('line[data-et="life-line"]'), (l) => Number(l.getAttribute('y2'))),
      lastArrow: Math.max(...ys),
    };
  });
  expect(lastArrow).toBeGreaterThan(2000);
  expect(lifelines).toHaveLength(4);
  for (const y of lifelines) expect(y).toBeGreaterThanOrEqual(lastArrow);
});
