// Copy-and-paste signalling (`/lab/?mode=paste`): no server at all. Two tabs of one browser,
// each one peer; the test carries the offer and the answer across as a reader would, by
// reading the text shown in one tab and pasting it into the other.
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { collectErrors } from './support/errors';

/** axe (WCAG 2.0/2.1 A and AA, as in a11y.spec.ts) on the whole page: zero violations. */
async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(results.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`))).toEqual([]);
}

async function openPasteLab(page: Page, route = 'lab/?mode=paste'): Promise<Locator> {
  await page.goto(route);
  const lab = page.getByRole('region', { name: 'Copy-and-paste lab' });
  await expect(lab.getByRole('button', { name: 'Create an offer' })).toBeVisible({ timeout: 15_000 });
  return lab;
}

/** Tab's own description, as the reader would copy it, once gathering is complete. */
async function ownText(lab: Locator, name: 'Your offer' | 'Your answer'): Promise<string> {
  const box = lab.getByRole('textbox', { name });
  await expect(box).toBeVisible({ timeout: 30_000 });
  return box.inputValue();
}

test('two tabs connect by copy and paste, and chat both ways', async ({ context }) => {
  const pageA = await context.newPage();
  const pageB = await context.newPage();
  const errors = [...[pageA, pageB].map(collectErrors)];
  const a = await openPasteLab(pageA);
  const b = await openPasteLab(pageB);

  await a.getByRole('button', { name: 'Create an offer' }).click();
  const offer = await ownText(a, 'Your offer');
  // Vanilla ICE: the offer is shown only once gathering is complete, with every candidate inside.
  expect(JSON.parse(offer)).toMatchObject({ type: 'offer', sdp: expect.stringContaining('a=candidate:') });
  await expect(a.getByRole('status').filter({ hasText: 'Gathering complete' })).toBeVisible();
  await expect(a.getByRole('img', { name: /^QR code of your offer \(\d+ bytes, QR version \d+\)$/ })).toBeVisible();
  await expect(a.getByRole('button', { name: 'Copy offer' })).toBeVisible();

  await b.getByRole('button', { name: 'I have an offer to paste' }).click();
  await b.getByRole('textbox', { name: 'Paste the offer' }).fill(offer);
  await b.getByRole('button', { name: 'Use this offer' }).click();
  const answer = await ownText(b, 'Your answer');
  expect(JSON.parse(answer)).toMatchObject({ type: 'answer', sdp: expect.stringContaining('a=candidate:') });
  await expect(b.getByRole('img', { name: /^QR code of your answer/ })).toBeVisible();
  // The inspector explains what was pasted: its candidates, and every line on demand.
  await expect(b.getByRole('heading', { name: 'The offer you pasted' })).toBeVisible();
  await expect(b.getByRole('table', { name: 'Candidates of alice' }).locator('tbody tr')).not.toHaveCount(0);
  await b.getByText('Line by line (offer of alice)').click();
  await expect(b.getByRole('button', { name: /a=fingerprint/ }).first()).toBeVisible();

  await a.getByRole('textbox', { name: 'Paste the answer' }).fill(answer);
  await a.getByRole('button', { name: 'Use this answer' }).click();
  for (const lab of [a, b]) await expect(lab.getByText('Data channel open', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(a.getByRole('region', { name: 'Peer alice' })).toContainText('connected');
  await expect(b.getByRole('region', { name: 'Peer bob' })).toContainText('connected');

  await a.getByRole('textbox', { name: 'Chat message' }).fill('hello from tab A');
  await a.getByRole('textbox', { name: 'Chat message' }).press('Enter');
  await expect(b.getByRole('list', { name: 'Chat log' })).toContainText('alice → bob: hello from tab A');
  await b.getByRole('textbox', { name: 'Chat message' }).fill('hi back from tab B');
  await b.getByRole('textbox', { name: 'Chat message' }).press('Enter');
  await expect(a.getByRole('list', { name: 'Chat log' })).toContainText('bob → alice: hi back from tab B');
  await expect(a.getByRole('list', { name: 'Chat log' }).getByRole('listitem')).toHaveCount(2);

  // Connected, with every explanation open, in both colour schemes.
  await b.getByText('Everything this tab did').click();
  await b.getByText('Line by line (answer of bob)').click();
  for (const scheme of ['light', 'dark'] as const) {
    await pageB.emulateMedia({ colorScheme: scheme });
    await expect(pageB.locator('html')).toHaveAttribute('data-theme', scheme);
    await expectNoAxeViolations(pageB);
  }
  expect(errors.flat()).toEqual([]);
});

test('pasted text is checked first: garbage and an offer where the answer belongs are refused, saying why', async ({ page }) => {
  const errors = collectErrors(page);
  const lab = await openPasteLab(page);
  await lab.getByRole('button', { name: 'Create an offer' }).click();
  const offer = await ownText(lab, 'Your offer');
  const box = lab.getByRole('textbox', { name: 'Paste the answer' });
  const use = lab.getByRole('button', { name: 'Use this answer' });

  await box.fill('hello, this is not SDP');
  await use.click();
  await expect(lab.getByRole('alert')).toHaveText('That is not a usable answer: SDP starts with the line "v=0"; this text does not (RFC 8866 §5.1).');

  await box.fill(offer);
  await use.click();
  await expect(lab.getByRole('alert')).toContainText('this is an offer, but an answer is expected here');
  // Refused before the browser saw it: still waiting for an answer.
  await expect(lab.getByRole('region', { name: 'Peer alice' })).toContainText('have-local-offer');
  await expect(lab.getByText('Everything this tab did')).toBeVisible();

  // The answerer's box checks too.
  await lab.getByRole('button', { name: 'Start over' }).click();
  await lab.getByRole('button', { name: 'I have an offer to paste' }).click();
  await lab.getByRole('textbox', { name: 'Paste the offer' }).fill(offer.slice(0, 60));
  await lab.getByRole('button', { name: 'Use this offer' }).click();
  await expect(lab.getByRole('alert')).toContainText('That is not a usable offer: it starts like JSON but is not valid JSON');
  expect(errors).toEqual([]);
});

test('a paste session exports its trace, with its steps, and the replay opens it', async ({ page }) => {
  const errors = collectErrors(page);
  const lab = await openPasteLab(page);
  await lab.getByRole('button', { name: 'Create an offer' }).click();
  const offer = await ownText(lab, 'Your offer');
  await lab.getByRole('textbox', { name: 'Paste the answer' }).fill('hello');
  await lab.getByRole('button', { name: 'Use this answer' }).click();
  await expect(lab.getByRole('alert')).toContainText('That is not a usable answer');

  const [download] = await Promise.all([page.waitForEvent('download'), lab.getByRole('button', { name: 'Export trace' }).click()]);
  const file = (await download.path())!;
  const exported = JSON.parse(await readFile(file, 'utf8')) as { events: { type: string; what?: string; sdp?: string; reason?: string }[] };
  const steps = exported.events.filter((e) => e.type === 'paste');
  expect(steps.map((e) => e.what)).toEqual(['role', 'own', 'settled', 'refused']);
  expect(steps[1]!.sdp).toBe(JSON.parse(offer).sdp);
  expect(steps[3]!.reason).toContain('That is not a usable answer');

  await page.goto('replay/');
  const replay = page.getByRole('region', { name: 'Trace replay' });
  await expect(replay.getByLabel('Import trace')).toBeEnabled();
  await replay.getByLabel('Import trace').setInputFiles(file);
  await expect(replay.getByRole('region', { name: 'Peer alice' })).toContainText('have-local-offer');
  await expect(replay.getByRole('alert')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('the signalling chapter\'s experiment 8: two tabs of /signalling/ connect with no server, one message each way', async ({ context }) => {
  const [pageA, pageB] = [await context.newPage(), await context.newPage()];
  const errors = [pageA, pageB].map(collectErrors);
  const open = async (page: Page) => {
    await page.goto('signalling/');
    // It loads when its experiment is opened (each experiment is folded under its question).
    await page.getByRole('heading', { name: '8. Two tabs, no server at all' }).click();
    const lab = page.getByRole('region', { name: 'Copy-and-paste lab' });
    await expect(lab.getByRole('button', { name: 'Create an offer' })).toBeVisible({ timeout: 15_000 });
    return lab;
  };
  const [a, b] = [await open(pageA), await open(pageB)];
  await a.getByRole('button', { name: 'Create an offer' }).click();
  const offer = await ownText(a, 'Your offer');
  // The experiment's answer: every candidate rides inside the one offer.
  expect(JSON.parse(offer).sdp).toMatch(/a=candidate:/);
  await b.getByRole('button', { name: 'I have an offer to paste' }).click();
  await b.getByRole('textbox', { name: 'Paste the offer' }).fill(offer);
  await b.getByRole('button', { name: 'Use this offer' }).click();
  const answer = await ownText(b, 'Your answer');
  expect(JSON.parse(answer).sdp).toMatch(/a=candidate:/);
  await a.getByRole('textbox', { name: 'Paste the answer' }).fill(answer);
  await a.getByRole('button', { name: 'Use this answer' }).click();
  for (const lab of [a, b]) await expect(lab.getByText('Data channel open', { exact: true })).toBeVisible({ timeout: 30_000 });
  // The chapter's own lab is untouched beside it.
  await expect(pageA.getByRole('region', { name: 'Signalling lab' }).getByRole('button', { name: 'Start', exact: true })).toBeVisible();
  expect(errors.flat()).toEqual([]);
});
