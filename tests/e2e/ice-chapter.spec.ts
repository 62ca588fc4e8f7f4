import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { diagramTable, heldList, labRegion, tableRows } from './support/lab';

// The ICE chapter and its lab: discarding candidates by type, and dropping one held message.
// Outcomes asserted here are what Chromium really does (no STUN/TURN, mDNS host candidates).

function peerState(lab: Locator, peer: string, label: string): Locator {
  return lab.getByRole('region', { name: `Peer ${peer}` }).locator(`dt:text-is("${label}") + dd`);
}

function discardBox(lab: Locator, peer: string, type: string): Locator {
  return lab.getByRole('group', { name: `Discard ${peer}'s candidates` }).getByRole('checkbox', { name: `Discard ${peer}'s ${type} candidates` });
}

/** The selected pair row of a peer's check list. */
function selectedPair(lab: Locator, peer: string): Locator {
  return lab.getByRole('region', { name: `Candidate pairs of ${peer}` }).getByRole('row').filter({ hasText: 'selected' });
}

/** The chapter's lab hydrates when it scrolls into view (client:visible); Start is enabled then. */
async function openIceLab(page: Page): Promise<Locator> {
  await page.goto('ice/');
  const lab = labRegion(page);
  await lab.scrollIntoViewIfNeeded();
  await expect(lab.getByRole('button', { name: 'Start' })).toBeEnabled({ timeout: 20_000 });
  return lab;
}

async function playFast(lab: Locator): Promise<void> {
  await lab.getByRole('combobox', { name: 'Pace' }).selectOption({ label: 'As fast as possible' });
  await lab.getByRole('button', { name: 'Play' }).click();
}

test('the ICE chapter renders, and its lab starts with the discard switches', async ({ page }) => {
  const lab = await openIceLab(page);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('ICE');
  await expect(lab).toHaveAttribute('data-preset', 'ice');
  for (const peer of ['alice', 'bob']) {
    for (const type of ['host', 'srflx', 'relay']) await expect(discardBox(lab, peer, type)).not.toBeChecked();
  }
  await lab.getByRole('button', { name: 'Start' }).click();
  await expect(heldList(lab).getByRole('listitem').first()).toBeVisible({ timeout: 20_000 });
  await expect(heldList(lab).getByRole('listitem').first().getByRole('button', { name: 'Drop', exact: true })).toBeVisible();
});

test("discard alice's host candidates: they still connect, bob learns alice as prflx", async ({ page }) => {
  const lab = await openIceLab(page);
  await discardBox(lab, 'alice', 'host').check();
  await lab.getByRole('button', { name: 'Start' }).click();
  await playFast(lab);
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });

  // Every candidate alice sent was crossed out on its way to bob; none reached him.
  const rows = await tableRows(lab);
  const toBob = rows.filter((r) => r[1] === 'broker' && r[2] === 'bob' && r[3]!.startsWith('candidate host'));
  expect(toBob.length).toBeGreaterThan(0);
  for (const r of toBob) expect(r[3]).toMatch(/ \(dropped\)$/);
  // bob's candidates did reach alice.
  expect(rows.some((r) => r[1] === 'broker' && r[2] === 'alice' && r[3] === 'candidate host udp')).toBe(true);

  // Alice checked bob's host candidates; bob learnt alice's address from those checks.
  await expect(selectedPair(lab, 'bob')).toContainText('remote · prflx', { timeout: 15_000 });
  await expect(selectedPair(lab, 'alice')).toContainText('remote · host', { timeout: 15_000 });
});

test('discard both sides’ host candidates: no pairs, and ICE never leaves "new"', async ({ page }) => {
  const lab = await openIceLab(page);
  await discardBox(lab, 'alice', 'host').check();
  await discardBox(lab, 'bob', 'host').check();
  await lab.getByRole('button', { name: 'Start' }).click();
  await playFast(lab);
  // Signalling completes: both gather, both send end-of-candidates, every message leaves the queue.
  for (const peer of ['alice', 'bob']) {
    await expect(peerState(lab, peer, 'Signaling')).toHaveText('stable', { timeout: 20_000 });
    await expect(peerState(lab, peer, 'ICE gathering')).toHaveText('complete', { timeout: 20_000 });
  }
  await expect
    .poll(async () => (await tableRows(lab)).filter((r) => r[1] === 'broker' && r[3] === 'end-of-candidates').length, { timeout: 20_000 })
    .toBe(2);
  await expect(heldList(lab).getByRole('listitem')).toHaveCount(0);
  // With no remote candidate there is nothing to check: not failed, just never started.
  await page.waitForTimeout(3000);
  for (const peer of ['alice', 'bob']) {
    await expect(peerState(lab, peer, 'ICE connection')).toHaveText('new');
    await expect(peerState(lab, peer, 'Connection')).toHaveText('new');
  }
  await expect(lab.getByText('Data channel open')).toBeHidden();
});

test('Drop removes exactly that held message; the diagram marks it dropped; the inspector still opens it', async ({ page }) => {
  const lab = await openIceLab(page);
  await lab.getByRole('button', { name: 'Start' }).click();
  const items = heldList(lab).getByRole('listitem');
  await expect(items).toHaveCount(2, { timeout: 20_000 }); // both statuses
  const before = await items.allInnerTexts();
  const target = items.filter({ hasText: 'status: alice online' });
  await expect(target).toHaveCount(1);

  // By keyboard: focus the message's Drop button and press Enter.
  await target.getByRole('button', { name: 'Drop', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(items).toHaveCount(1);
  expect(await items.allInnerTexts()).toEqual(before.filter((t) => !t.includes('status: alice online')));
  // Focus stays in the list, on the next message's Drop.
  await expect(items.first().getByRole('button', { name: 'Drop', exact: true })).toBeFocused();

  // The diagram's table says "dropped" in the Message cell of exactly that arrow.
  const table = diagramTable(lab);
  const droppedRow = table.getByRole('row').filter({ hasText: '(dropped)' });
  await expect(droppedRow).toHaveCount(1);
  await expect(droppedRow).toContainText('status: alice online (retained) (dropped)');
  await expect(droppedRow.getByRole('cell').nth(2)).toHaveText('bob');
  // …and the drawing crosses it out.
  await expect(lab.getByRole('figure', { name: 'Sequence diagram' }).locator('svg .lab-dropped').first()).toBeAttached({ timeout: 10_000 });

  // The inspector still opens it, and says what happened.
  await droppedRow.getByRole('button').click();
  const inspector = lab.getByRole('region', { name: 'Message inspector' });
  await expect(inspector).toContainText('dropped by you');

  // Step delivers the other status, never the dropped one.
  await lab.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(table.getByRole('row').filter({ hasText: '(dropped)' })).toHaveCount(1);
  await expect(table.getByRole('row').filter({ hasText: /^\d+brokeralicestatus: bob online$/ })).toHaveCount(1);

  // The dropped row, the Drop buttons and the discard switches pass axe in both themes.
  await expect(heldList(lab).getByRole('listitem').first()).toBeVisible({ timeout: 20_000 });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page })
      .include('[data-preset="ice"] .queue')
      .include('[data-preset="ice"] figure')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(results.violations.map((v) => `${colorScheme}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
});
