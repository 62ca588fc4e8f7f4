// The STUN chapter end to end: the lab against a real coturn on 127.0.0.1 (srflx candidates),
// the NAT model, and the captured Binding response shown byte by byte.
import { readFileSync } from 'node:fs';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { useCoturn } from './support/coturn';
import { deliveredRows, heldList, labRegion, openDetails } from './support/lab';

/** Brings a client:visible island into view and waits until it has hydrated. */
async function hydrated(page: Page, inside: Locator): Promise<void> {
  await inside.scrollIntoViewIfNeeded();
  await expect(page.locator('astro-island', { has: inside })).not.toHaveAttribute('ssr', { timeout: 15_000 });
}

test.describe('STUN chapter', () => {
  const coturn = useCoturn();

  test('with a STUN server in ?ice=, each peer gathers a srflx candidate and the data channel opens', async ({ page }) => {
    const ice = encodeURIComponent(JSON.stringify([{ urls: `stun:127.0.0.1:${coturn().port}` }]));
    await page.goto(`stun/?ice=${ice}`);
    const lab = labRegion(page);
    await expect(lab).toHaveAccessibleName(/STUN lab$/);
    await lab.scrollIntoViewIfNeeded();
    await expect(lab.getByRole('button', { name: 'Start' })).toBeEnabled({ timeout: 15_000 });
    await lab.getByRole('button', { name: 'Start' }).click();

    // The candidates table lives in the "ICE candidates and pairs" panel; open it if closed.
    const panel = lab.locator('details', { has: page.locator('summary', { hasText: 'ICE candidates and pairs' }) });
    await openDetails(panel);
    const candidates = lab.getByRole('table', { name: 'Candidates', exact: true });

    // Chromium stops gathering once a pair works. So deliver one message at a time until both
    // peers have finished gathering (nothing can connect before their candidates are
    // delivered), and only then let the rest play.
    const complete = candidates.getByText('Gathering complete');
    for (let steps = 0; (await complete.count()) < 2; steps++) {
      expect(steps, 'both peers should finish gathering within 20 steps').toBeLessThan(20);
      await expect.poll(async () => (await complete.count()) >= 2 || (await heldList(lab).getByRole('listitem').count()) > 0, { timeout: 15_000 }).toBe(true);
      if ((await complete.count()) >= 2) break;
      const before = (await deliveredRows(lab)).length;
      await lab.getByRole('button', { name: 'Step', exact: true }).click();
      await expect.poll(async () => (await deliveredRows(lab)).length).toBe(before + 1);
      // Give gathering (a STUN round trip on loopback) time to run between steps.
      await page.waitForTimeout(300);
    }

    // A srflx candidate for each peer, from coturn on loopback.
    const srflxRows = candidates.locator('tbody tr').filter({ has: page.getByRole('cell', { name: 'srflx', exact: true }) });
    await expect(srflxRows.filter({ hasText: 'alice' })).not.toHaveCount(0);
    await expect(srflxRows.filter({ hasText: 'bob' })).not.toHaveCount(0);
    await expect(srflxRows.first()).toContainText('127.0.0.1');

    await lab.getByRole('button', { name: 'Play' }).click();
    await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
    // Connecting did not take the srflx candidates away.
    await expect(srflxRows).not.toHaveCount(0);
  });

  test('NAT model: symmetric on both sides fails until one side has TURN', async ({ page }) => {
    await page.goto('stun/');
    const model = page.getByRole('region', { name: 'NAT model' });
    await hydrated(page, model);
    await expect(model.getByText('This is a model, not a measurement')).toBeVisible();

    // Port-restricted on both sides (the start): alice's srflx is never a local side (RFC 8445
    // §6.1.2.4); her check from the host to bob's srflx validates the pair srflx ↔ srflx.
    const table = model.getByRole('table', { name: /^Alice's check list in the model/ });
    await expect(table.locator('tbody tr')).toHaveCount(2);
    const punched = table.locator('tbody tr').nth(1);
    await expect(punched.getByRole('rowheader')).toContainText(/host\s+192\.168\.1\.20:50000\s*srflx\s+203\.0\.113\.9:45000/);
    await expect(punched.getByRole('cell').first()).toContainText(/works.*ICE's pick.*valid pair: srflx ↔ srflx/);

    await model.getByLabel("Alice's NAT").selectOption('symmetric');
    await model.getByLabel("Bob's NAT").selectOption('symmetric');
    await expect(table).toContainText('Only TURN helps');
    await expect(table.getByRole('cell', { name: 'works', exact: true })).toHaveCount(0);
    await expect(table.getByRole('cell', { name: 'fails', exact: true })).toHaveCount(2);
    await expect(model.getByRole('status')).toContainText('No connection.');

    // The reasons are one keyboard press away.
    const checks = table.locator('summary', { hasText: 'The checks' }).last();
    await checks.focus();
    await page.keyboard.press('Enter');
    await expect(table.getByText(/a new port for a new destination/).first()).toBeVisible();

    // A TURN server for alice (by keyboard): bob reaches her relay from a new port.
    await model.getByLabel('Alice has a TURN server').focus();
    await page.keyboard.press('Space');
    await expect(model.getByLabel('Alice has a TURN server')).toBeChecked();
    await expect(table).toContainText('Only TURN helps: no direct pair works');
    await expect(table.getByRole('cell', { name: /^works/ }).first()).toBeVisible();
    await expect(model.getByRole('status')).toContainText('Relayed.');
    await expect(table.locator('tbody tr', { hasText: "ICE's pick" })).toContainText('relay');
  });

  test('NAT model: "Which case are you in?" sets both NATs and says what wins', async ({ page }) => {
    await page.goto('stun/');
    const model = page.getByRole('region', { name: 'NAT model' });
    await hydrated(page, model);
    const cases = model.getByLabel('Which case are you in?');
    const status = model.getByRole('status');

    await cases.selectOption({ label: 'Both on the same LAN' });
    await expect(model.getByLabel('Alice and Bob share a local network (one LAN or one VPN)')).toBeChecked();
    await expect(status).toContainText('Direct.');
    await expect(status).toContainText(/alice host 192\.168\.1\.20:50000 ↔ bob host 192\.168\.1\.31:60000/);
    await expect(model.getByText('host ↔ host: the private addresses reach each other')).toBeVisible();

    await cases.selectOption({ label: 'Both behind symmetric NAT or carrier-grade NAT' });
    await expect(model.getByLabel("Alice's NAT")).toHaveValue('symmetric');
    await expect(model.getByLabel("Bob's NAT")).toHaveValue('symmetric');
    await expect(status).toContainText('No connection.');
    await expect(model.getByText(/^A TURN server for at least one peer/)).toBeVisible();

    // Setting a NAT by hand leaves the case: its words go.
    await model.getByLabel("Bob's NAT").selectOption('full-cone');
    await expect(cases).toHaveValue('');
    await expect(model.getByText(/^A TURN server for at least one peer/)).toHaveCount(0);
    await expect(status).toContainText('Direct.');
  });

  test('the captured Binding response: XOR-MAPPED-ADDRESS decodes to the request\'s source, FINGERPRINT matches', async ({ page }) => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/stun/coturn.json', import.meta.url), 'utf8')) as {
      messages: { id: string; from: { address: string; port: number } }[];
    };
    const request = fixture.messages.find((m) => m.id === 'binding-ipv4-request')!;
    await page.goto('stun/');
    const figure = page.getByRole('figure', { name: /^Binding success response: coturn → Node/ });
    await hydrated(page, figure);
    await expect(figure.getByRole('list', { name: 'Checks' })).toContainText(`Mapped address: ${request.from.address}:${request.from.port}`);
    await expect(figure.getByRole('list', { name: 'Checks' })).toContainText('FINGERPRINT matches');
    const xPort = figure.getByRole('button', { name: /^bytes 26–27 .*X-Port/ });
    await xPort.press('Enter');
    await expect(xPort).toHaveAttribute('aria-pressed', 'true');
    await expect(xPort.locator('xpath=ancestor::li[1]')).toContainText(`= ${request.from.port}`);

    // The other parts are folded under their titles: the header opens by keyboard, and a
    // click on a byte in the dump opens the part it belongs to.
    const header = figure.locator('details', { has: page.getByRole('heading', { name: /^Header/ }) });
    await expect(header).not.toHaveAttribute('open');
    await expect(figure.getByRole('button', { name: /^bytes 4–7 .*Magic cookie/ })).toBeHidden();
    await header.locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect(figure.getByRole('button', { name: /^bytes 4–7 .*Magic cookie/ })).toBeVisible();
    const software = figure.locator('details', { has: page.getByRole('heading', { name: /^SOFTWARE/ }) });
    await expect(software).not.toHaveAttribute('open');
    const last = figure.locator('.dump .seg').last();
    await last.click();
    await expect(figure.locator('details').last()).toHaveAttribute('open');
  });
});
