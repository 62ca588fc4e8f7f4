// Folded parts of the chapters. Code samples come from the lab's own source (SourceCode.astro). Each sample
// on the page must equal what its region in the source file says now, and its caption must
// name the file and lines; so a sample that drifted from the code (a stale build, a changed
// extraction) fails here, and a renamed region already fails the build. Samples are folded
// under "How the lab does it", closed until the reader opens one.
import { readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { extractRegion, lineRangeLabel } from '../../src/lib/docs/extract-region';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Which samples each chapter shows, as file#region. */
const SAMPLES: Record<string, string[]> = {
  'mqtt/': ['src/lib/signalling/topics.ts#subscriptions'],
  'signalling/': [
    'src/lib/signalling/topics.ts#topics',
    'src/lib/signalling/codec.ts#decode',
    'src/lib/signalling/codec.ts#context-rules',
    'src/lib/peer/lab-peer.ts#early-candidates',
  ],
  'sdp/': ['src/lib/sdp/lines.ts#setup'],
  'ice/': ['src/lib/ice/priority.ts#candidate-priority', 'src/lib/ice/priority.ts#pair-priority'],
};

for (const [route, expected] of Object.entries(SAMPLES)) {
  test(`/${route}: code samples match the source they name`, async ({ page }) => {
    await page.goto(route);
    const folds = page.locator('details', { has: page.locator('figure.source-code') });
    const count = await folds.count();
    expect(count).toBeGreaterThan(0);
    // Closed by default: the chapter reads on without the code.
    for (let i = 0; i < count; i++) {
      await expect(folds.nth(i)).not.toHaveAttribute('open');
      await expect(folds.nth(i).locator('pre.astro-code')).toBeHidden();
    }
    // Each opens from the keyboard, by its plain name.
    const summaries = page.getByText('How the lab does it', { exact: false });
    await expect(summaries).toHaveCount(count);
    for (let i = 0; i < count; i++) {
      await summaries.nth(i).focus();
      await page.keyboard.press('Enter');
      await expect(folds.nth(i)).toHaveAttribute('open');
      await expect(folds.nth(i).locator('pre.astro-code')).toBeVisible();
    }
    const figures = page.locator('figure.source-code');
    const shown = await figures.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-file')}#${e.getAttribute('data-region')}`));
    expect(shown).toEqual(expect.arrayContaining(expected));

    for (const [i, id] of shown.entries()) {
      const [file, region] = id.split('#') as [string, string];
      const want = extractRegion(readFileSync(`${ROOT}${file}`, 'utf8'), region, file);
      const figure = figures.nth(i);
      // The caption is the figure's accessible name: "src/lib/…/topics.ts, lines 71–77".
      await expect(page.getByRole('figure', { name: `${file}, ${lineRangeLabel(want)}`, exact: true })).toHaveCount(1);
      const code = figure.locator('pre.astro-code');
      expect(await code.evaluate((pre) => pre.textContent), `${id} drifted from ${file}; rebuild, or fix the chapter`).toBe(want.code);
      // Highlighted with both themes, like the Markdown fences.
      await expect(code.locator('span[style*="--shiki-dark"]').first()).toBeAttached();
    }
  });
}

test('a sample follows the theme toggle', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('ice/');
  await page.getByText('How the lab does it').first().click();
  const keyword = page.locator('figure.source-code pre span', { hasText: /^export$/ }).first();
  const light = await keyword.evaluate((e) => getComputedStyle(e).color);
  await page.getByRole('button', { name: /^Theme:/ }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await keyword.evaluate((e) => getComputedStyle(e).color)).not.toBe(light);
});

/** Chapters with parts a first reading can skip (Deeper.astro), and one phrase from inside each. */
const DEEPER: Record<string, string> = {
  'mqtt/': 'allow_anonymous true',
  'signalling/': 'the placeholder address',
  'security/': 'mosquitto_passwd',
  'sdp/': 'useinbandfec=1',
  'ice/': 'tlsVersion',
  'stun/': 'a fake remote peer whose only candidate',
  'turn/': 'so only these flags apply',
  'direct-path/': 'so it is never mistaken for',
};

for (const [route, inside] of Object.entries(DEEPER)) {
  test(`/${route}: "Deeper" parts are folded, say what they hold, and open from the keyboard`, async ({ page }) => {
    await page.goto(route);
    const folds = page.locator('details.deeper');
    const n = await folds.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) {
      await expect(folds.nth(i)).not.toHaveAttribute('open');
      // The fold names its content: "Deeper" and a title of a few words.
      await expect(folds.nth(i).locator(':scope > summary')).toHaveText(/^Deeper\s+\S+(\s+\S+){2,}/);
    }
    const text = page.getByText(inside).first();
    await expect(text).toBeHidden();
    const fold = folds.filter({ has: page.getByText(inside) }).first();
    await fold.locator(':scope > summary').focus();
    await page.keyboard.press('Enter');
    await expect(fold).toHaveAttribute('open');
    await expect(text).toBeVisible();
  });
}
