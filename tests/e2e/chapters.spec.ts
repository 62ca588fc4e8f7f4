// One test per chapter for SDP, STUN and TURN: the page renders, its own lab (with the
// chapter's preset) starts, and one of the chapter's experiments runs end to end on that
// page, checking the answer the chapter gives under "Show me".
// (lab.spec, inspect.spec, stun.spec and turn.spec test the same machinery on /lab/ or with
// other questions; these follow the reader through the chapter.)
import { test, expect, type Locator, type Page } from '@playwright/test';
import { useCoturn } from './support/coturn';
import { deliveredRows, heldList, labRegion, openDetails, tableRows } from './support/lab';

/** The chapter's heading and its lab, hydrated and ready to start. */
async function openChapter(page: Page, route: string, h1: RegExp, labName: string): Promise<Locator> {
  await page.goto(route);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(h1);
  const lab = labRegion(page);
  await expect(lab).toHaveAccessibleName(labName);
  await lab.scrollIntoViewIfNeeded();
  await expect(lab.getByRole('button', { name: 'Start' })).toBeEnabled({ timeout: 15_000 });
  return lab;
}

/**
 * Presses Step, one delivery at a time, until `done` holds for the diagram's rows
 * ([#, From, To, Message]). `pause` gives the browser time between steps (e.g. for a STUN
 * round trip), as a reader stepping by hand would.
 */
async function stepUntil(lab: Locator, done: (rows: string[][]) => boolean, what: string, pause = 0): Promise<void> {
  const step = lab.getByRole('button', { name: 'Step', exact: true });
  for (let steps = 0; !done(await tableRows(lab)); steps++) {
    expect(steps, `${what} within 30 steps`).toBeLessThan(30);
    await expect
      .poll(async () => done(await tableRows(lab)) || (await heldList(lab).getByRole('listitem').count()) > 0, { timeout: 15_000 })
      .toBe(true);
    if (done(await tableRows(lab))) break;
    const before = (await deliveredRows(lab)).length;
    await step.click();
    await expect.poll(async () => (await deliveredRows(lab)).length).toBe(before + 1);
    if (pause) await lab.page().waitForTimeout(pause);
  }
}

const delivered = (to: string, message: RegExp) => (rows: string[][]) =>
  rows.some(([, from, rto, msg]) => from === 'broker' && rto === to && message.test(msg ?? '') && !msg!.endsWith('(held)'));

/** The "ICE candidates and pairs" panel; the stun and turn presets open it. */
function icePanel(lab: Locator): Locator {
  return lab.locator('details', { has: lab.page().locator('summary', { hasText: 'ICE candidates and pairs' }) });
}

/** The SDP the inspector shows, as plain text with \n line ends. */
async function inspectedSdp(inspector: Locator): Promise<string> {
  const plain = inspector.locator('details', { has: inspector.page().locator('summary', { hasText: 'The SDP as plain text' }) });
  await openDetails(plain);
  return (await plain.locator('.code').innerText()).replace(/\r\n/g, '\n').trimEnd();
}

test('SDP chapter: experiments 1–3, who sends the ClientHello, the unchanged offer, port 9', async ({ page }) => {
  const lab = await openChapter(page, 'sdp/', /^SDP/, 'SDP lab');
  const inspector = lab.getByRole('region', { name: 'Message inspector' });
  const decided = inspector.getByRole('table', { name: 'What the offer and the answer decided' });
  await lab.getByRole('button', { name: 'Start' }).click();

  // 1. Step until the offer has reached bob, and look only at the offer.
  await stepUntil(lab, delivered('bob', /^offer$/), 'the offer reaches bob');
  await lab.getByRole('button', { name: 'offer', exact: true }).last().click();
  const offer = await inspectedSdp(inspector);
  // "The offer alone can't tell you": actpass leaves the choice to the answerer.
  expect(offer).toMatch(/^a=setup:actpass$/m);
  await expect(decided).toHaveCount(0);

  // 3. Port 9 and 0.0.0.0: placeholders, and the real addresses follow as candidate messages.
  expect(offer).toMatch(/^m=application 9 UDP\/DTLS\/SCTP webrtc-datachannel$/m);
  expect(offer).toMatch(/^c=IN IP4 0\.0\.0\.0$/m);
  expect(offer).not.toMatch(/^a=candidate:/m);
  const rows = await tableRows(lab);
  const offerAt = rows.findIndex(([, from, , msg]) => from === 'alice' && msg === 'offer');
  expect(rows.slice(offerAt + 1).some(([, from, , msg]) => from === 'alice' && /^candidate /.test(msg ?? ''))).toBe(true);

  // 1, continued. Bob's answer says active: bob is the DTLS client.
  await stepUntil(lab, delivered('alice', /^answer$/), 'the answer reaches alice');
  await lab.getByRole('button', { name: 'answer', exact: true }).last().click();
  expect(await inspectedSdp(inspector)).toMatch(/^a=setup:active$/m);
  const dtls = decided.getByRole('row').filter({ hasText: 'DTLS roles' });
  await expect(dtls).toContainText('setup:actpass');
  await expect(dtls).toContainText('setup:active');
  await expect(dtls).toContainText('The answerer is the DTLS client: it sends the ClientHello. The offerer is the DTLS server.');

  // 2. The answer changed nothing in the offer: byte for byte what alice published.
  await lab.getByRole('button', { name: 'offer', exact: true }).first().click();
  await expect(decided).toHaveCount(0);
  expect(await inspectedSdp(inspector)).toBe(offer);

  // And the session still runs to the end.
  await lab.getByRole('button', { name: 'Play' }).click();
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
});

test.describe('with coturn on 127.0.0.1', () => {
  const coturn = useCoturn();

  test('STUN chapter: experiment 3, a srflx candidate has a hidden related address', async ({ page }) => {
    const ice = encodeURIComponent(JSON.stringify([{ urls: coturn().stunUrl }]));
    const lab = await openChapter(page, `stun/?ice=${ice}`, /^STUN/, 'STUN lab');
    await expect(icePanel(lab)).toHaveJSProperty('open', true);
    await lab.getByRole('button', { name: 'Start' }).click();

    // Step slowly, as the chapter says, until alice has published a srflx candidate.
    const srflxMessage = (rows: string[][]) => rows.some(([, from, , msg]) => from === 'alice' && /^candidate srflx/.test(msg ?? ''));
    await stepUntil(lab, srflxMessage, 'alice publishes a srflx candidate', 300);

    // In the Candidates table: the related address is 0.0.0.0:0, marked hidden.
    const candidates = lab.getByRole('table', { name: 'Candidates', exact: true });
    const srflx = candidates.locator('tbody tr').filter({ has: page.getByRole('cell', { name: 'srflx', exact: true }) }).filter({ hasText: 'alice' }).first();
    await expect(srflx).toContainText('127.0.0.1');
    await expect(srflx).toContainText('0.0.0.0:0 (hidden)');

    // In the inspector: "… typ srflx raddr 0.0.0.0 rport 0".
    await lab.getByRole('button', { name: /^candidate srflx/ }).first().click();
    const inspector = lab.getByRole('region', { name: 'Message inspector' });
    await expect(inspector).toContainText(/ typ srflx raddr 0\.0\.0\.0 rport 0\b/);

    await lab.getByRole('button', { name: 'Play' }).click();
    await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  });

  test('TURN chapter: experiments 1 and 2, one relay candidate each and a relay-to-relay pair', async ({ page }) => {
    const ice = encodeURIComponent(JSON.stringify([{ urls: coturn().turnUrl, username: coturn().user, credential: coturn().password }]));
    const lab = await openChapter(page, `turn/?policy=relay&ice=${ice}`, /^TURN/, 'TURN lab');
    await expect(icePanel(lab)).toHaveJSProperty('open', true);
    await lab.getByRole('button', { name: 'Start' }).click();
    await lab.getByRole('button', { name: 'Play' }).click();
    await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });

    // 1. One candidate per peer, of type relay, at coturn's relay address and port range.
    const candidates = lab.getByRole('table', { name: 'Candidates', exact: true });
    const cands = candidates.locator('tbody tr:not(.complete)');
    await expect(candidates.getByText('Gathering complete')).toHaveCount(2);
    await expect(cands).toHaveCount(2);
    for (const peer of ['alice', 'bob']) {
      const row = cands.filter({ hasText: peer });
      await expect(row).toHaveCount(1);
      const cells = await row.locator('th, td').allInnerTexts();
      const [, type, proto, address, port, priority, related] = cells.map((c) => c.trim());
      expect({ type, proto, address, related }).toEqual({ type: 'relay', proto: 'udp', address: '127.0.0.1', related: '0.0.0.0:0 (hidden)' });
      expect(Number(port)).toBeGreaterThanOrEqual(49160);
      expect(Number(port)).toBeLessThanOrEqual(49200);
      expect(priority).toBe('50339839');
    }

    // 2. Alice's selected pair: her relay "via TURN/udp" to bob's relay, pair priority
    // 2^32 × 50339839 + 2 × 50339839.
    const alicePairs = lab.getByRole('region', { name: 'Candidate pairs of alice' });
    const selected = alicePairs.getByRole('row').filter({ hasText: 'selected' });
    await expect(selected).toHaveCount(1, { timeout: 15_000 });
    await expect(selected).toContainText('via TURN/udp');
    await expect(selected).not.toContainText('host');
    await expect(selected).toContainText(String(2n ** 32n * 50339839n + 2n * 50339839n));
  });
});

test('each experiment is folded under its question, and a link to it opens it', async ({ page }) => {
  await page.goto('ice/');
  const question = page.getByRole('heading', { name: '5. Which pair gets selected, and why?' });
  await expect(question).toBeVisible();
  const answer = page.getByText('Show me').nth(4);
  await expect(answer).toBeHidden();
  await question.click();
  await expect(answer).toBeVisible();
  // The security chapter links to the SDP chapter's experiment 4: the page opens there, unfolded.
  await page.goto('security/');
  await page.getByRole('link', { name: /the SDP chapter.s experiment 4/ }).click();
  await expect(page).toHaveURL(/sdp\/#4-change-one-digit-of-the-fingerprint$/);
  await expect(page.getByRole('heading', { name: '4. Change one digit of the fingerprint' })).toBeInViewport();
  await expect(page.getByText('Show me').last()).toBeVisible();
});
