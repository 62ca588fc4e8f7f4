// The signalling chapter: the page and its lab, then experiments 4 and 5 as a reader runs them.
// Trickle vs vanilla ICE (one offer and one answer with the candidates inside, and the
// "Connected in … ms" figure), and glare: both peers offer, naively and with perfect
// negotiation, with the outcome Chromium really gives.
import { test, expect, type Locator, type Page } from '@playwright/test';
import { deliveredRows, heldList, labRegion, openDetails, stepUntilOpen, tableRows } from './support/lab';
import { collectErrors } from './support/errors';

async function openChapter(page: Page, query = ''): Promise<Locator> {
  await page.goto(`signalling/${query}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Signalling/);
  const lab = labRegion(page);
  await expect(lab).toHaveAccessibleName('Signalling lab');
  await lab.scrollIntoViewIfNeeded();
  // With autoplay the lab starts by itself, so Start is never enabled for long.
  if (!query.includes('autoplay=1')) await expect(lab.getByRole('button', { name: 'Start' })).toBeEnabled({ timeout: 15_000 });
  return lab;
}

async function openSettings(lab: Locator): Promise<void> {
  const details = lab.locator('details', { has: lab.page().locator('summary', { hasText: /^Settings/ }) }).first();
  await openDetails(details);
}

function peerState(lab: Locator, peer: string, label: string): Locator {
  return lab.getByRole('region', { name: `Peer ${peer}` }).locator(`dt:text-is("${label}") + dd`);
}

const connectedIn = (lab: Locator) => lab.getByText(/^Connected in \d+ ms with \d+ signals?$/);

async function timing(lab: Locator): Promise<{ ms: number; signals: number }> {
  const text = (await connectedIn(lab).textContent()) ?? '';
  const m = /Connected in (\d+) ms with (\d+) signal/.exec(text);
  expect(m, text).not.toBeNull();
  return { ms: Number(m![1]), signals: Number(m![2]) };
}

/** Steps, one delivery at a time, until the queue stays empty (nothing held for `quietMs`). */
async function stepUntilQuiet(lab: Locator, quietMs = 1500, maxSteps = 40): Promise<void> {
  const step = lab.getByRole('button', { name: 'Step', exact: true });
  const held = heldList(lab).getByRole('listitem');
  for (let steps = 0; ; steps++) {
    expect(steps, 'the queue did not drain within the step budget').toBeLessThan(maxSteps);
    try {
      await expect(held.first()).toBeVisible({ timeout: quietMs });
    } catch {
      return;
    }
    const before = (await deliveredRows(lab)).length;
    await step.click();
    await expect.poll(async () => (await deliveredRows(lab)).length).toBe(before + 1);
  }
}

const notes = (rows: string[][], peer: string) => rows.filter((r) => r[1] === peer && r[2] === '').map((r) => r[3]!);
/** Who published a message of this kind (its rows to the broker), in table order. */
const senders = (rows: string[][], kind: string) => rows.filter((r) => r[2] === 'broker' && r[3] === kind).map((r) => r[1]);

/**
 * Opens the chapter's lab with ?glare=`glare`, checks that its settings show `choice`, presses
 * Start, runs it with `until`, and checks that both peers offered; returns the lab and its rows.
 */
async function runGlare(page: Page, glare: string, choice: string, until: (lab: Locator) => Promise<unknown>): Promise<{ lab: Locator; rows: string[][] }> {
  const lab = await openChapter(page, `?glare=${glare}`);
  await openSettings(lab);
  await expect(lab.getByRole('radio', { name: choice })).toBeChecked();
  await lab.getByRole('button', { name: 'Start' }).click();
  await until(lab);
  const rows = await tableRows(lab);
  expect(senders(rows, 'offer').sort()).toEqual(['alice', 'bob']);
  return { lab, rows };
}

test('the chapter renders its new sections, and the lab offers both settings', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('signalling/');
  for (const name of [
    'Vanilla ICE: one message each way',
    'Who makes the offer? Glare and perfect negotiation',
    '4. Trickle or vanilla: which connects sooner here, and by how much?',
    '5. Both peers offer: what will each see?',
  ]) {
    await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
  }
  // Each experiment is folded under its question: open the fourth to reach its links.
  await page.getByRole('heading', { name: '4. Trickle or vanilla: which connects sooner here, and by how much?' }).click();
  await expect(page.getByRole('link', { name: 'vanilla ICE', exact: true })).toHaveAttribute('href', /signalling\/\?ice-mode=vanilla&autoplay=1$/);
  const lab = await openChapter(page);
  await openSettings(lab);
  await expect(lab.getByRole('group', { name: 'ICE candidates' }).getByRole('radio', { name: 'Trickle' })).toBeChecked();
  await expect(lab.getByRole('radio', { name: 'Vanilla (wait for all)' })).not.toBeChecked();
  await expect(lab.getByRole('group', { name: 'Who offers' }).getByRole('radio', { name: 'Only alice' })).toBeChecked();
  expect(errors).toEqual([]);
});

test('experiment 4 by hand: vanilla sends one offer and one answer, trickle sends candidates', async ({ page }) => {
  const errors = collectErrors(page);
  const lab = await openChapter(page);
  await openSettings(lab);
  await lab.getByRole('radio', { name: 'Vanilla (wait for all)' }).check();
  await lab.getByRole('button', { name: 'Start' }).click();
  await stepUntilOpen(lab);

  const vanilla = await tableRows(lab);
  const delivered = (await deliveredRows(lab)).map((r) => r[3]);
  expect(delivered.filter((m) => m === 'offer')).toHaveLength(1);
  expect(delivered.filter((m) => m === 'answer')).toHaveLength(1);
  expect(vanilla.filter((r) => /^(candidate|end-of-candidates)/.test(r[3]!))).toEqual([]);
  // The wait is on the diagram, with what the single offer carries.
  expect(notes(vanilla, 'alice')).toContainEqual(expect.stringMatching(/^vanilla ICE: gathering complete after \d+ ms; the offer carries [1-9]\d* candidates?$/));
  expect(notes(vanilla, 'bob')).toContainEqual(expect.stringMatching(/^vanilla ICE: gathering complete after \d+ ms; the answer carries [1-9]\d* candidates?$/));
  // The offer itself: every candidate is an a=candidate line inside the SDP.
  await lab.getByRole('button', { name: 'offer', exact: true }).last().click();
  await expect(lab.getByRole('region', { name: 'Message inspector' })).toContainText('a=candidate:');
  await expect(lab.getByText('Data channel open')).toBeVisible();
  await expect(connectedIn(lab)).toBeVisible();
  expect((await timing(lab)).signals).toBe(2);

  await lab.getByRole('button', { name: 'Reset' }).click();
  await openSettings(lab);
  await lab.getByRole('radio', { name: 'Trickle' }).check();
  await lab.getByRole('button', { name: 'Start' }).click();
  await stepUntilOpen(lab);
  const trickle = await deliveredRows(lab);
  expect(trickle.filter((r) => r[3] === 'offer')).toHaveLength(1);
  expect(trickle.some((r) => r[2] === 'bob' && r[3]!.startsWith('candidate'))).toBe(true);
  expect(notes(await tableRows(lab), 'alice').filter((n) => n.startsWith('vanilla'))).toEqual([]);
  await expect(connectedIn(lab)).toBeVisible();
  expect((await timing(lab)).signals).toBeGreaterThan(2);
  expect(errors).toEqual([]);
});

test('experiment 4 from its links: autoplay connects both ways and shows the figures', async ({ page }) => {
  const seen: Record<string, { ms: number; signals: number }> = {};
  for (const mode of ['trickle', 'vanilla'] as const) {
    const lab = await openChapter(page, `?ice-mode=${mode}&autoplay=1`);
    await expect(connectedIn(lab)).toBeVisible({ timeout: 30_000 });
    await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 10_000 });
    seen[mode] = await timing(lab);
    await openSettings(lab);
    await expect(lab.getByRole('radio', { name: mode === 'vanilla' ? 'Vanilla (wait for all)' : 'Trickle' })).toBeChecked();
  }
  expect(seen.vanilla!.signals).toBe(2);
  expect(seen.trickle!.signals).toBeGreaterThan(2);
  test.info().annotations.push({ type: 'timing', description: JSON.stringify(seen) });
});

test('experiment 5, naive: both offers are taken, both answers fail in stable, the channel never opens', async ({ page }) => {
  const errors = collectErrors(page);
  // Both peers offered, and each offer was delivered.
  const { lab, rows } = await runGlare(page, 'naive', 'Both at once, naive', stepUntilQuiet);
  expect(rows.filter((r) => r[1] === 'broker' && r[3] === 'offer' && !r[3].endsWith('(held)'))).toHaveLength(2);
  // Both answered, and each answer reached a peer in 'stable'.
  for (const peer of ['alice', 'bob']) {
    expect(notes(rows, peer)).toEqual([expect.stringMatching(/^setRemoteDescription failed: InvalidStateError: .*Called in wrong state: stable$/)]);
    await expect(peerState(lab, peer, 'Signaling')).toHaveText('stable');
  }
  // Give ICE time: it never gets anywhere, and the data channel never opens.
  await page.waitForTimeout(3000);
  for (const peer of ['alice', 'bob']) await expect(peerState(lab, peer, 'Connection')).not.toHaveText('connected');
  await expect(lab.getByText('Data channel open')).toHaveCount(0);
  await expect(connectedIn(lab)).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('experiment 5, perfect negotiation: alice ignores bob’s offer, bob rolls back and answers, the channel opens', async ({ page }) => {
  const errors = collectErrors(page);
  const { lab, rows } = await runGlare(page, 'polite', 'Both at once, perfect negotiation (bob is polite)', stepUntilOpen);
  // One answer on the wire: bob's.
  expect(senders(rows, 'answer')).toEqual(['bob']);
  expect(notes(rows, 'alice')).toEqual(['ignored the offer: glare: alice is the impolite peer and keeps its own offer']);
  expect(notes(rows, 'bob')).toEqual([]);
  await expect(lab.getByText('Data channel open')).toBeVisible();
  await expect(connectedIn(lab)).toBeVisible();

  // Bob's signalling state shows his rollback in the state timeline.
  await lab.locator('summary', { hasText: 'State timelines' }).click();
  const bob = lab.getByRole('table', { name: 'State timeline of bob' });
  await expect
    .poll(() =>
      bob
        .locator('tbody tr')
        .filter({ hasText: 'signalingState' })
        .evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[2]?.textContent?.trim()).join(' → ')),
    )
    .toContain('have-local-offer → stable → have-remote-offer → stable');
  expect(errors).toEqual([]);
});
