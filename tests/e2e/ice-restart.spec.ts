/**
 * Issue 15: the ICE restart (the button New ICE credentials) in the two-peer lab, in Chromium with the real in-page broker. Once the
 * peers are connected, the offerer restarts ICE; its new offer (new ufrag and pwd), the answer
 * and the new candidates go through the queue like any signal; the diagram's table shows the
 * restart and the new ufrag; the connection stays up and the chat still works.
 */
import { expect, test, type Locator } from '@playwright/test';
import { deliveredRows, exportTrace, heldList, labRegion, replayToEnd, stepUntilOpen, tableRows } from './support/lab';
import { collectErrors } from './support/errors';

/** Presses Step until nothing has been held for a while; returns the narration of each step. */
async function drain(lab: Locator): Promise<string[]> {
  const told = lab.getByRole('group', { name: 'What just happened' });
  const step = lab.getByRole('button', { name: 'Step', exact: true });
  const heard: string[] = [];
  for (let n = 0; n < 60; n++) {
    const pending = await expect
      .poll(async () => heldList(lab).getByRole('listitem').count(), { timeout: 2_000 })
      .toBeGreaterThan(0)
      .then(() => true, () => false);
    if (!pending) break;
    const count = (await deliveredRows(lab)).length;
    await step.click();
    await expect.poll(async () => (await deliveredRows(lab)).length).toBe(count + 1);
    heard.push((await told.textContent()) ?? '');
  }
  return heard;
}

test('New ICE credentials (an ICE restart): a new offer with a new ufrag goes through the queue, and the chat still works after', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await page.goto('lab/');
  const lab = labRegion(page);
  // The ICE restart's button: its name leaves "Start" to the Start button.
  const restart = lab.getByRole('button', { name: 'New ICE credentials' });
  // Offered once the peers have connected, not before.
  await expect(restart).toHaveCount(0);
  await lab.getByRole('button', { name: 'Start' }).click();
  await stepUntilOpen(lab);
  await drain(lab);
  const alice = lab.getByRole('region', { name: 'Peer alice' });
  await expect(alice.getByText('connected').first()).toBeVisible();

  await expect(restart).toBeEnabled({ timeout: 10_000 });
  await restart.click();
  // The restart's offer is a row over alice naming the new ufrag and the old one (at this lab's
  // detail, with the call that made it: "createOffer(): ICE restart: …").
  const restartRow = async () => (await tableRows(lab)).find((r) => /ICE restart: new ufrag /.test(r[3] ?? ''));
  await expect.poll(async () => (await restartRow()) !== undefined, { timeout: 10_000 }).toBe(true);
  const [, from, , label] = (await restartRow())!;
  expect(from).toBe('alice');
  const [, ufrag, was] = /^createOffer\(\): ICE restart: new ufrag (\S+) \(was (\S+)\)$/.exec(label!)!;
  expect(ufrag).not.toBe(was);
  // The API calls behind it, at this lab's detail.
  const labels = (await tableRows(lab)).map((r) => r[3]);
  expect(labels).toContain(`restartIce(): replaces ufrag ${was}`);
  // The new offer waits for Step, and the button waits for its answer.
  await expect(heldList(lab).getByRole('listitem').first()).toContainText('offer');
  await expect(restart).toBeDisabled();

  const told = lab.getByRole('group', { name: 'What just happened' });
  const step = lab.getByRole('button', { name: 'Step', exact: true });
  const before = (await deliveredRows(lab)).length;
  await step.click();
  await expect.poll(async () => (await deliveredRows(lab)).length).toBe(before + 1);
  await expect(told).toContainText(`ICE restart: alice's new offer brings new ufrag ${ufrag} (was ${was})`);

  // Step through the answer and the new candidates.
  const heard = await drain(lab);
  expect(heard.join('\n')).toMatch(/ICE restart: bob's answer brings new ufrag \S+ \(was \S+\)/);
  expect(heard.join('\n')).toMatch(/candidate of the restarted ICE \(ufrag \S+, was \S+\)/);
  // The new offer's SDP carries the new ufrag: the inspector shows it.
  const offers = lab.getByRole('figure', { name: 'Sequence diagram' }).getByRole('table').getByRole('button', { name: /^offer/ });
  await offers.last().click();
  await expect(lab.getByRole('region', { name: 'Message inspector' })).toContainText(`a=ice-ufrag:${ufrag}`);

  // Still connected, the channel stayed open, and chat goes peer to peer.
  await expect(alice.getByText('connected').first()).toBeVisible();
  await expect(lab.getByText('Data channel open')).toBeVisible();
  const chat = lab.getByRole('textbox', { name: 'Chat message' });
  await chat.fill('after the restart');
  await chat.press('Enter');
  await expect(lab.getByRole('list', { name: 'Chat log' })).toContainText('after the restart');
  await expect(restart).toBeEnabled();

  // The replay draws the same restart from the exported trace (at its own detail: the
  // signalling level says it without the call).
  const replay = await replayToEnd(page, await exportTrace(page, lab));
  await expect
    .poll(async () => (await tableRows(replay)).some((r) => r[1] === 'alice' && (r[3] ?? '').endsWith(`ICE restart: new ufrag ${ufrag} (was ${was})`)))
    .toBe(true);
  expect(errors).toEqual([]);
});

test('the ICE chapter’s experiment 7, as a reader runs it: Play, New ICE credentials, Step; the chat goes on', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  await page.goto('ice/');
  // The experiment is folded under its question; its answer is closed inside it.
  const question = page.getByRole('heading', { name: '7. Restart ICE: will the chat notice?' });
  await question.click();
  await expect(page.getByText('Now press New ICE credentials')).toBeVisible();
  await expect(page.getByText('The chat never notices.')).toBeHidden();

  const lab = labRegion(page);
  await lab.scrollIntoViewIfNeeded();
  await expect(lab.getByRole('button', { name: 'Start', exact: true })).toBeEnabled({ timeout: 20_000 });
  await lab.getByRole('button', { name: 'Start', exact: true }).click();
  await lab.getByRole('button', { name: 'Play' }).click();
  // Play stops by itself once the peers are connected and nothing is held.
  await expect(lab.getByRole('button', { name: 'Pause' })).toBeDisabled({ timeout: 30_000 });
  await expect(lab.getByText('Data channel open')).toBeVisible();
  const restart = lab.getByRole('button', { name: 'New ICE credentials' });
  await expect(restart).toBeEnabled();
  await restart.click();
  await expect(heldList(lab).getByRole('listitem').first()).toContainText('offer', { timeout: 10_000 });
  const told = await drain(lab);
  expect(told[0]).toMatch(/ICE restart: alice's new offer brings new ufrag \S+ \(was \S+\)/);
  const labels = (await tableRows(lab)).map((r) => r[3]);
  expect(labels.some((l) => /^createOffer\(\): ICE restart: new ufrag \S+ \(was \S+\)$/.test(l ?? ''))).toBe(true);
  const chat = lab.getByRole('textbox', { name: 'Chat message' });
  await chat.fill('no one noticed');
  await chat.press('Enter');
  await expect(lab.getByRole('list', { name: 'Chat log' })).toContainText('no one noticed');
  expect(errors).toEqual([]);
});
