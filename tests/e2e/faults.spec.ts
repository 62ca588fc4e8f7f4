import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { diagramTable, heldList, labRegion, openDetails } from './support/lab';
import { collectErrors } from './support/errors';

/** One of a peer's four state machines, as the peer panel shows it. */
function peerState(lab: Locator, peer: string, label: 'Signaling' | 'Connection' | 'ICE connection'): Locator {
  return lab.getByRole('region', { name: `Peer ${peer}` }).locator(`dt:text-is("${label}") + dd`);
}

/** A held message by what it is and where it goes: "offer" + "alice → bob". */
function held(lab: Locator, kind: RegExp, route: string): Locator {
  return heldList(lab)
    .locator(':scope > li')
    .filter({ has: lab.page().locator('.kind', { hasText: kind }) })
    .filter({ hasText: route });
}

/** Kinds and routes of the held list, head first: ["status alice → bob", …]. */
async function heldOrder(lab: Locator): Promise<string[]> {
  return heldList(lab)
    .locator(':scope > li')
    .evaluateAll((items) => items.map((li) => `${li.querySelector('.kind')?.textContent?.trim()} ${li.querySelector('.route')?.textContent?.trim()}`));
}

/**
 * Presses Step until a held message matches `want` ("offer alice → bob"), never delivering
 * that message nor one matching `keep` at the head: with one of those first it waits for
 * more to arrive. Each decision is made on one snapshot of the list, so a message that
 * arrives meanwhile is never stepped by mistake.
 */
async function stepUntilHeld(lab: Locator, want: RegExp, keep: RegExp[] = []): Promise<void> {
  const step = lab.getByRole('button', { name: 'Step', exact: true });
  for (let k = 0; k < 100; k++) {
    const order = await heldOrder(lab);
    if (order.some((o) => want.test(o))) return;
    const head = order[0];
    if (head && !keep.some((re) => re.test(head))) await step.click();
    else await lab.page().waitForTimeout(100);
  }
  throw new Error(`${want} was never held`);
}

async function start(page: Page, query = ''): Promise<Locator> {
  await page.goto(`lab/${query}`);
  const lab = labRegion(page);
  await lab.getByRole('combobox', { name: 'Pace' }).selectOption({ label: 'As fast as possible' });
  await lab.getByRole('button', { name: 'Start' }).click();
  await expect(heldList(lab).locator(':scope > li').first()).toBeVisible();
  return lab;
}

test('Drop the answer: the offerer stays in have-local-offer and no data channel opens', async ({ page }) => {
  const errors = collectErrors(page);
  const lab = await start(page);
  const answer = held(lab, /^answer/, 'bob → alice');
  await stepUntilHeld(lab, /^answer.* bob → alice$/);
  await answer.getByRole('button', { name: 'Drop', exact: true }).click();
  await expect(answer).toHaveCount(0);
  await lab.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(heldList(lab).locator(':scope > li')).toHaveCount(0, { timeout: 15_000 });
  // bob answered and is stable; alice never got the answer.
  await expect(peerState(lab, 'bob', 'Signaling')).toHaveText('stable');
  await page.waitForTimeout(1500);
  await expect(peerState(lab, 'alice', 'Signaling')).toHaveText('have-local-offer');
  await expect(lab.getByText('Data channel open')).toHaveCount(0);
  const rows = await diagramTable(lab).locator('tbody tr').allInnerTexts();
  expect(rows.some((r) => /bob\s+alice\s+answer \(dropped\)/.test(r) || /broker\s+alice\s+answer \(dropped\)/.test(r))).toBe(true);
  const outcome = lab.getByRole('region', { name: 'What followed' });
  await expect(outcome).toContainText('alice now: signalling have-local-offer');
  expect(errors).toEqual([]);
});

test('naive peers: a candidate moved above the offer shows the real addIceCandidate error', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('lab/');
  const lab = labRegion(page);
  await openDetails(lab.locator('details.settings'));
  await lab.getByRole('checkbox', { name: 'Naive peers (no candidate buffering)' }).check();
  await lab.getByRole('combobox', { name: 'Pace' }).selectOption({ label: 'As fast as possible' });
  await lab.getByRole('button', { name: 'Start' }).click();

  const offer = held(lab, /^offer/, 'alice → bob');
  const candidate = held(lab, /^candidate/, 'alice → bob').first();
  await stepUntilHeld(lab, /^candidate.* alice → bob$/, [/^offer.* alice → bob$/]);
  // Move the first candidate up until it is the head, above the offer.
  for (let k = 0; k < 10 && !/^candidate .*alice → bob$/.test((await heldOrder(lab))[0] ?? ''); k++) {
    await candidate.getByRole('button', { name: 'Move up', exact: true }).click();
  }
  const order = await heldOrder(lab);
  expect(order[0]).toMatch(/^candidate .*\(moved\) alice → bob$/);
  expect(order.findIndex((o) => o.startsWith('offer'))).toBeGreaterThan(0);
  await expect(offer).toHaveCount(1);

  await lab.getByRole('button', { name: 'Step', exact: true }).click();
  const outcome = lab.getByRole('region', { name: 'What followed' });
  await expect(outcome).toContainText(
    /bob: addIceCandidate failed: InvalidStateError: Failed to execute 'addIceCandidate' on 'RTCPeerConnection': The remote description was null/,
  );
  await expect(outcome.getByText(/candidate .*buffered/)).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('Delay, Duplicate, Move up, Move down and Edit on held messages', async ({ page }) => {
  const errors = collectErrors(page);
  const lab = await start(page);
  const offer = held(lab, /^offer/, 'alice → bob');
  // Wait for alice's whole gathering (up to end-of-candidates), so nothing new lands behind the offer.
  await stepUntilHeld(lab, /^end-of-candidates alice → bob$/, [/^offer.* alice → bob$/]);
  await expect(offer).toHaveCount(1);

  // Delay: the offer goes behind everything held now.
  await offer.getByRole('button', { name: 'Delay', exact: true }).click();
  await expect.poll(async () => (await heldOrder(lab)).at(-1)).toMatch(/^offer \(delayed\) alice → bob$/);
  await expect(offer.getByRole('button', { name: 'Delay', exact: true })).toBeDisabled();
  await expect(offer.getByRole('button', { name: 'Move down', exact: true })).toBeDisabled();

  // Move up, then down again.
  const before = await heldOrder(lab);
  await offer.getByRole('button', { name: 'Move up', exact: true }).click();
  await expect.poll(async () => (await heldOrder(lab)).at(-2)).toMatch(/^offer .*\(moved\)/);
  await offer.getByRole('button', { name: 'Move down', exact: true }).click();
  await expect.poll(async () => (await heldOrder(lab)).length).toBe(before.length);
  expect((await heldOrder(lab)).at(-1)).toMatch(/^offer/);

  // Only the first held message cannot move up; after a Step, the next one is first.
  const items = heldList(lab).locator(':scope > li');
  const second = await items.nth(1).locator('.kind').textContent();
  await expect(items.first().getByRole('button', { name: 'Move up', exact: true })).toBeDisabled();
  await expect(items.nth(1).getByRole('button', { name: 'Move up', exact: true })).toBeEnabled();
  await lab.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(items.first().locator('.kind')).toHaveText(second ?? '');
  await expect(items.first().getByRole('button', { name: 'Move up', exact: true })).toBeDisabled();
  await expect(items.nth(1).getByRole('button', { name: 'Move up', exact: true })).toBeEnabled();

  // Duplicate: a second offer right after it, marked on the diagram's table.
  await offer.getByRole('button', { name: 'Duplicate', exact: true }).click();
  await expect(offer).toHaveCount(2);
  await expect(diagramTable(lab).getByRole('button', { name: 'offer (duplicate) (held)' })).toBeVisible();
  await offer.nth(1).getByRole('button', { name: 'Drop', exact: true }).click();
  await expect(offer).toHaveCount(1);

  // Edit: an invalid SDP line is refused with the reason; nothing changes.
  await offer.getByRole('button', { name: 'Edit', exact: true }).click();
  const editor = offer.getByRole('textbox', { name: /SDP of this offer/ });
  await expect(editor).toBeFocused();
  const sdp = await editor.inputValue();
  expect(sdp).toMatch(/^v=0\n/);
  await editor.fill(sdp.replace(/^s=-$/m, 'this is not sdp'));
  await expect(offer.getByRole('list', { name: 'Changed lines' })).toContainText('this is not sdp');
  await offer.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(offer.getByRole('alert')).toHaveText(/^Edit refused: SDP line \d+ "this is not sdp" is not <type>=<value>/);

  // A well-formed but wrong fingerprint passes: the peers find out for themselves.
  const tampered = sdp.replace(/^(a=fingerprint:\S+ )([0-9A-F])/m, (_m, head: string, d: string) => head + (d === '0' ? '1' : '0'));
  expect(tampered).not.toBe(sdp);
  await editor.fill(tampered);
  await offer.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(offer.getByRole('textbox')).toHaveCount(0);
  await expect(offer.getByRole('button', { name: 'Edit', exact: true })).toBeFocused();
  await expect(offer.locator('.kind')).toHaveText(/offer .*\(edited\)/);

  // The inspector shows what will be delivered, and the original.
  await offer.locator('button.item').click();
  const inspector = lab.getByRole('region', { name: 'Message inspector' });
  await expect(inspector.getByRole('table', { name: 'Your edit' })).toContainText('a=fingerprint');
  await expect(inspector).toContainText(/Tampered\s*by you: delayed, moved, edited/);

  await lab.getByRole('button', { name: 'Play', exact: true }).click();
  await expect(peerState(lab, 'bob', 'Connection')).toHaveText('failed', { timeout: 30_000 });
  await expect(peerState(lab, 'alice', 'Connection')).toHaveText('failed', { timeout: 30_000 });
  await expect(lab.getByText('Data channel open')).toHaveCount(0);
  await expect(diagramTable(lab).getByRole('button', { name: /^offer \(delayed\) \(moved\) \(edited\)$/ })).toBeVisible();
  expect(errors).toEqual([]);
});

test('guided scenario: Duplicate the offer shows the real refusal of the second answer', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('lab/');
  const lab = labRegion(page);
  await lab.getByRole('combobox', { name: 'Pace' }).selectOption({ label: 'As fast as possible' });
  const scenarios = lab.getByRole('group', { name: 'Scenarios' });
  await scenarios.getByRole('button', { name: 'Duplicate the offer' }).click();
  const outcome = lab.getByRole('region', { name: 'What followed' });
  await expect(outcome).toContainText(/alice: setRemoteDescription failed: InvalidStateError: .*Called in wrong state: stable/, { timeout: 30_000 });
  await expect(diagramTable(lab).getByRole('button', { name: 'offer (duplicate)' })).toBeVisible();

  // Another scenario resets the lab and runs from the start.
  await scenarios.getByRole('button', { name: 'Drop the answer' }).click();
  await expect(diagramTable(lab).getByRole('button', { name: 'answer (dropped)' })).toBeVisible({ timeout: 30_000 });
  await expect(outcome).toContainText('alice now: signalling have-local-offer');
  await expect(outcome).not.toContainText('setRemoteDescription failed');
  expect(errors).toEqual([]);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`axe: held-message tools, a refused edit and the outcome, in ${scheme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const lab = await start(page);
    const offer = held(lab, /^offer/, 'alice → bob');
    await stepUntilHeld(lab, /^offer alice → bob$/);
    // A drop makes "What followed" appear; a refused edit shows its alert.
    await heldList(lab).locator(':scope > li').filter({ hasNot: page.locator('.kind', { hasText: /^offer/ }) }).first()
      .getByRole('button', { name: 'Drop', exact: true }).click().catch(() => undefined);
    await offer.getByRole('button', { name: 'Duplicate', exact: true }).click();
    await offer.first().getByRole('button', { name: 'Edit', exact: true }).click();
    await offer.first().getByRole('textbox').fill('v=0\nnot sdp');
    await offer.first().getByRole('button', { name: 'Apply', exact: true }).click();
    await expect(offer.first().getByRole('alert')).toBeVisible();
    await lab.getByRole('button', { name: 'Drop', exact: true }).last().click();
    await expect(lab.getByRole('region', { name: 'What followed' })).toBeVisible();
    const results = await new AxeBuilder({ page }).include('section.lab').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
}
