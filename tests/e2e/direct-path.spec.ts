import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { labRegion } from './support/lab';

// The direct path chapter as a reader meets it: each experiment is opened by its question and
// run in Chromium, and the answers it gives under "Show me" are what Chromium really does.

/** Opens an experiment by its question and returns its fold. */
async function openExperiment(page: Page, question: string): Promise<Locator> {
  const fold = page.locator('details.experiment', { has: page.getByRole('heading', { name: question }) });
  await expect(fold).not.toHaveAttribute('open');
  await fold.getByRole('heading', { name: question }).click();
  await expect(fold).toHaveAttribute('open');
  return fold;
}

/** The definition the row `term` of a channel's list gives. */
function fact(item: Locator, term: string | RegExp): Locator {
  return item.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');
}

/** What experiment 1's form is set to before a channel is opened; a field left out is left as it is. */
interface ChannelForm {
  ordered?: boolean;
  reliability?: 'reliable' | 'maxRetransmits';
  maxRetransmits?: string;
  negotiated?: boolean;
  id?: string;
}

/** Fills in experiment 1's form, presses Open from `from`, waits for the `n`th channel, and returns it. */
async function openChannel(box: Locator, from: 'alice' | 'bob', n: number, form: ChannelForm = {}): Promise<Locator> {
  if (form.ordered !== undefined) await box.getByRole('checkbox', { name: 'ordered' }).setChecked(form.ordered);
  if (form.reliability) await box.getByRole('radio', { name: form.reliability }).check();
  if (form.maxRetransmits !== undefined) await box.getByRole('spinbutton', { name: 'maxRetransmits' }).fill(form.maxRetransmits);
  if (form.negotiated !== undefined) await box.getByRole('checkbox', { name: 'negotiated' }).setChecked(form.negotiated);
  if (form.id !== undefined) await box.getByRole('spinbutton', { name: 'id' }).fill(form.id);
  await box.getByRole('button', { name: `Open from ${from}` }).click();
  const items = box.getByRole('list', { name: 'Channels opened' }).getByRole('listitem');
  await expect(items).toHaveCount(n, { timeout: 10_000 });
  return items.nth(n - 1);
}

test('the chapter renders with its lab at + peer to peer, its folds closed', async ({ page }) => {
  await page.goto('direct-path/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('The direct path');
  for (const fold of await page.locator('main article details').all()) await expect(fold).not.toHaveAttribute('open');
  const lab = labRegion(page);
  await lab.scrollIntoViewIfNeeded();
  await expect(lab).toHaveAttribute('data-preset', 'direct');
  await expect(lab.getByRole('button', { name: 'Start' })).toBeEnabled({ timeout: 20_000 });
  await lab.getByRole('button', { name: 'Start' }).click();
  await lab.getByRole('button', { name: 'Play' }).click();
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  // The rows the chapter points at.
  const table = lab.getByRole('figure', { name: 'Sequence diagram' });
  await expect(table.getByRole('row', { name: /alice bob DTLS connected/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /bob alice DTLS connected/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /data channel is open/ }).first()).toBeVisible();
});

test('experiment 1: ids by DTLS role, options learnt by DCEP, and a negotiated channel nobody announces', async ({ page }) => {
  await page.goto('direct-path/');
  const fold = await openExperiment(page, '1. Which stream ids will the channels get?');
  const box = fold.getByRole('region', { name: /Channel options/ });
  await box.getByRole('button', { name: 'Connect alice and bob' }).click();
  await expect(box.getByRole('status')).toHaveText(/DTLS role: alice server \(odd ids\), bob client \(even ids\)/, { timeout: 20_000 });
  const items = box.getByRole('list', { name: 'Channels opened' }).getByRole('listitem');
  const chat = items.nth(0);
  await expect(fact(chat, 'Stream id')).toHaveText(/^alice 1, bob 1: follows the rule/);
  await expect(fact(chat, 'ondatachannel at bob')).toHaveText(/^fired/);

  // Bob, the DTLS client: the lowest free even id. Then alice's next odd one.
  const fromBob = await openChannel(box, 'bob', 2);
  await expect(fact(fromBob, 'Stream id')).toHaveText(/^bob 0, alice 0: follows the rule/);
  await expect(fact(fromBob, 'ondatachannel at alice')).toHaveText(/^fired/);
  await expect(fact(await openChannel(box, 'alice', 3), 'Stream id')).toHaveText(/^alice 3, bob 3: follows the rule/);

  // Unordered, maxRetransmits 0: bob's end reports both, and the OPEN's channel type is 0x81.
  const unordered = await openChannel(box, 'alice', 4, { ordered: false, reliability: 'maxRetransmits', maxRetransmits: '0' });
  await expect(fact(unordered, 'bob sees')).toHaveText('ordered false, maxRetransmits 0, maxPacketLifeTime null, negotiated false');
  await expect(fact(unordered, 'DATA_CHANNEL_OPEN')).toHaveText(/^03 81 /);

  // Negotiated, id 2, from alice (the server): opens on both, no ondatachannel, even id allowed.
  const negotiated = await openChannel(box, 'alice', 5, { ordered: true, reliability: 'reliable', negotiated: true, id: '2' });
  await expect(fact(negotiated, 'Stream id')).toHaveText('alice 2, bob 2: chosen by the application');
  await expect(fact(negotiated, 'ondatachannel at bob')).toHaveText('did not fire');
  await expect(negotiated.locator('dt', { hasText: 'DATA_CHANNEL_OPEN' })).toHaveCount(0);

  // Id 1 is chat's: Chromium refuses it.
  await expect(await openChannel(box, 'bob', 6, { id: '1' })).toContainText('createDataChannel() threw OperationError');
});

test('experiment 2: the certificate each side presented is the other side’s a=fingerprint', async ({ page }) => {
  await page.goto('direct-path/');
  const fold = await openExperiment(page, '2. Does the certificate match the fingerprint?');
  const box = fold.getByRole('region', { name: /Fingerprints and certificates/ });
  await box.getByRole('button', { name: 'Connect and compare' }).click();
  await expect(box.getByRole('status')).toHaveText(/Connected/, { timeout: 20_000 });
  const lists = box.locator('dl');
  await expect(lists).toHaveCount(2);
  const seen: string[] = [];
  for (const dl of await lists.all()) {
    const expected = await fact(dl, /^a=fingerprint in/).innerText();
    const presented = await fact(dl, /presented/).innerText();
    expect(expected).toMatch(/^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(presented).toBe(expected);
    await expect(fact(dl, 'Same?')).toHaveText(/^yes/);
    await expect(fact(dl, /own certificate/)).toHaveText('yes');
    seen.push(expected);
  }
  // Two certificates, one per side; a new connection makes new ones.
  expect(seen[0]).not.toBe(seen[1]);
  await box.getByRole('button', { name: 'Connect again' }).click();
  await expect(fact(lists.first(), /^a=fingerprint in/)).not.toHaveText(seen[0]!, { timeout: 20_000 });
});

test('no sideways scroll at 390 px with both experiments run, and axe finds nothing', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('direct-path/');
  const one = await openExperiment(page, '1. Which stream ids will the channels get?');
  await one.getByRole('button', { name: 'Connect alice and bob' }).click();
  await expect(one.getByRole('list', { name: 'Channels opened' }).getByRole('listitem')).toHaveCount(1, { timeout: 20_000 });
  await openChannel(one, 'bob', 2);
  const two = await openExperiment(page, '2. Does the certificate match the fingerprint?');
  await two.getByRole('button', { name: 'Connect and compare' }).click();
  await expect(two.getByRole('status')).toHaveText(/Connected/, { timeout: 20_000 });
  for (const fold of await page.locator('details.deeper').all()) await fold.locator(':scope > summary').click();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), scheme).toEqual([]);
  }
});
