// The lobby chapter and its lab: Godot's WebSocket lobby protocol, a mesh of three peers in one
// page, every frame from the server held until Step, bad input closed with a reason, and the
// same lab against a real `npm run lobby-server` on 127.0.0.1.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Locator } from '@playwright/test';
import { startLobbyServer } from './support/lobby-server';
import { openLobbyLab as openLab, pairRows, tableRows } from './support/lab';
import { collectErrors } from './support/errors';

const LANES = ['server', 'p1', 'p2', 'p3'];

/** Table rows from the server that have been delivered. */
async function deliveredFromServer(lab: Locator): Promise<string[][]> {
  return (await tableRows(lab)).filter((r) => r[1] === 'server' && !r[3]!.endsWith('(held)'));
}

async function playToOpen(lab: Locator): Promise<void> {
  await lab.getByRole('combobox', { name: 'Pace' }).selectOption({ label: 'As fast as possible' });
  await lab.getByRole('button', { name: 'Play' }).click();
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
}

test('/lobby/ renders the chapter, the message table from protocol.ts and the lab', async ({ page }) => {
  await page.goto('lobby/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('lobby server');
  const names = page.locator('table').first().locator('tbody tr td:nth-child(2)');
  await expect(names).toHaveText(['JOIN', 'ID', 'PEER_CONNECT', 'PEER_DISCONNECT', 'OFFER', 'ANSWER', 'CANDIDATE', 'SEAL']);
  const lab = await openLab(page);
  for (const name of ['Start', 'Step', 'Play', 'Pause', 'Reset', 'Seal lobby', 'Not JSON', 'Unknown type', 'Relay to another lobby', 'Join the sealed lobby']) {
    await expect(lab.getByRole('button', { name, exact: true })).toBeVisible();
  }
});

test('in-page: Step delivers one frame at a time until all three pairs are open', async ({ page }) => {
  const errors = collectErrors(page);
  const lab = await openLab(page);
  const held = lab.getByRole('list', { name: 'Held messages' }).getByRole('listitem');
  await lab.getByRole('button', { name: 'Start' }).click();
  // Nothing reaches a client before Step: p1's ID and JOIN echo wait in the queue.
  await expect(held).toHaveCount(2);
  await expect(held.first()).toHaveText('server → p1: ID 1 (mesh)');
  expect(await deliveredFromServer(lab)).toEqual([]);

  const step = lab.getByRole('button', { name: 'Step', exact: true });
  const open = lab.getByText('Data channel open');
  let steps = 0;
  while (!(await open.isVisible())) {
    expect(steps, 'the mesh did not open within the step budget').toBeLessThan(150);
    await expect.poll(async () => (await open.isVisible()) || (await held.count()) > 0, { timeout: 15_000 }).toBe(true);
    if (await open.isVisible()) break;
    const before = (await deliveredFromServer(lab)).length;
    // Every other step from the keyboard: → steps from anywhere in the lab (here, the Play button).
    if (steps % 2 === 1) {
      await lab.getByRole('button', { name: 'Play' }).focus();
      await page.keyboard.press('ArrowRight');
    } else {
      await step.click();
    }
    steps++;
    await expect.poll(async () => (await deliveredFromServer(lab)).length).toBe(before + 1);
  }

  await expect(pairRows(lab)).toHaveCount(3);
  for (const [k, pair] of ['p1 ↔ p2', 'p1 ↔ p3', 'p2 ↔ p3'].entries()) {
    await expect(pairRows(lab).nth(k).getByRole('rowheader')).toHaveText(pair);
    await expect(pairRows(lab).nth(k).locator('td').last()).toHaveText('open');
  }

  // The diagram: a server lane and three peer lanes; the table has one row per arrow or note.
  const figure = lab.getByRole('figure', { name: 'Sequence diagram' });
  const rows = await tableRows(lab);
  for (const r of rows) {
    expect(LANES).toContain(r[1]);
    if (r[2]) expect(LANES).toContain(r[2]);
  }
  expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(LANES));
  await expect
    .poll(async () => figure.locator('svg text.actor').evaluateAll((els) => [...new Set(els.map((e) => e.textContent?.trim()))].sort()))
    .toEqual([...LANES].sort());
  const arrows = rows.filter((r) => r[2] !== '').length;
  await expect(figure.locator('svg [data-et="message"]')).toHaveCount(arrows, { timeout: 10_000 });
  await expect(figure.locator('svg [data-et="message"].lab-delivered')).toHaveCount((await deliveredFromServer(lab)).length);
  // Each relayed offer went to the server addressed to 1 (p1) or a peer, and came out "from" its sender.
  const sentOffers = rows.filter((r) => r[2] === 'server' && r[3]!.startsWith('OFFER to'));
  const gotOffers = rows.filter((r) => r[1] === 'server' && r[3]!.startsWith('OFFER from'));
  expect(sentOffers).toHaveLength(3);
  expect(gotOffers).toHaveLength(3);
  expect(sentOffers.some((r) => r[3] === 'OFFER to 1 (p1)')).toBe(true);
  expect(rows.some((r) => r[1] === 'p1' && r[3]!.startsWith('OFFER'))).toBe(false);

  // Inspect a delivered offer: the raw frame and the rewritten id explained.
  await figure.getByRole('button', { name: gotOffers[0]![3]! }).first().click();
  const inspector = lab.getByRole('region', { name: 'Message inspector' });
  await expect(inspector.locator('pre')).toContainText('"type":4');
  await expect(inspector.getByRole('row', { name: /^id / })).toContainText('rewritten by the server');
  await expect(inspector.getByRole('row', { name: /^type / })).toContainText('OFFER: relayed between peers');
  expect(errors).toEqual([]);
});

test('in-page: each bad input is closed with a code and reason, and the server keeps serving', async ({ page }) => {
  const errors = collectErrors(page);
  const lab = await openLab(page);
  await lab.getByRole('button', { name: 'Start' }).click();
  await playToOpen(lab);
  const outcomes = lab.getByRole('region', { name: 'What the server did with bad input' }).getByRole('listitem');
  const CASES = [
    ['Not JSON', '4000 “Invalid message format”'],
    ['Unknown type', '4000 “Invalid command”'],
    ['Relay to another lobby', '4000 “Invalid destination”'],
  ] as const;
  for (const [k, [button, close]] of CASES.entries()) {
    await lab.getByRole('button', { name: button }).click();
    await expect(outcomes.nth(k)).toContainText(`${button}: closed the connection with ${close}`, { timeout: 15_000 });
  }
  await expect(lab.getByRole('button', { name: 'Join the sealed lobby' })).toBeDisabled();
  await lab.getByRole('button', { name: 'Seal lobby' }).click();
  await lab.getByRole('button', { name: 'Join the sealed lobby' }).click();
  await expect(outcomes.nth(3)).toContainText('Join the sealed lobby: closed the connection with 4000 “Lobby is sealed”', { timeout: 15_000 });

  // The diagram drew p4's lane, its bad frames and the server's closes.
  const rows = await tableRows(lab);
  expect(rows.filter((r) => r[1] === 'server' && r[2] === 'p4' && r[3]!.startsWith('close 4000'))).toHaveLength(4);
  // Still serving: the mesh lobby with its three peers, and every pair still open.
  const server = lab.getByRole('region', { name: 'Signalling server' });
  await expect(server.getByRole('listitem').filter({ hasText: 'mesh, sealed, peers 1,' })).toHaveCount(1);
  await expect(pairRows(lab).locator('td:last-child')).toHaveText(['open', 'open', 'open']);
  await expect(lab.getByRole('region', { name: 'Client p4' })).toContainText('closed 4000 “Lobby is sealed”');

  // The inspector on a close: code and reason explained. axe finds nothing wrong with any of it.
  await lab.getByRole('figure', { name: 'Sequence diagram' }).getByRole('button', { name: 'close 4000 Lobby is sealed' }).click();
  const inspector = lab.getByRole('region', { name: 'Message inspector' });
  await expect(inspector.getByRole('row', { name: /^code 4000/ })).toContainText('private-use code (RFC 6455 §7.4.2)');
  await expect(inspector.getByRole('row', { name: /^reason / })).toContainText('sealed by its host');
  const axe = await new AxeBuilder({ page }).include('section[aria-label="Lobby lab"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(errors).toEqual([]);
});

test('a real npm run lobby-server: the mesh connects through it, and it closes bad input', async ({ page }) => {
  const server = await startLobbyServer();
  try {
    const errors = collectErrors(page);
    const lab = await openLab(page, `?lobby=${encodeURIComponent(server.url)}`);
    await expect(lab.getByRole('region', { name: 'Signalling server' })).toContainText(server.url);
    await lab.getByRole('button', { name: 'Start' }).click();
    await playToOpen(lab);
    await expect(pairRows(lab).locator('td:last-child')).toHaveText(['open', 'open', 'open']);
    await lab.getByRole('button', { name: 'Not JSON' }).click();
    await expect(lab.getByRole('region', { name: 'What the server did with bad input' })).toContainText(
      'closed the connection with 4000 “Invalid message format”',
      { timeout: 15_000 },
    );
    // The server's own log saw the lobby and the bad frame.
    expect(server.output()).toMatch(/Peer \d+ created lobby [A-Za-z0-9]{16}/);
    expect(server.output()).toContain('Invalid message format');
    expect(errors).toEqual([]);
  } finally {
    await server.stop();
  }
});

test('?autoplay=1 starts the lobby lab and plays every frame until all three pairs are open', async ({ page }) => {
  const errors = collectErrors(page);
  const lab = await openLab(page, '?autoplay=1');
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  await expect(pairRows(lab).locator('td:last-child')).toHaveText(['open', 'open', 'open']);
  await expect(lab.getByRole('button', { name: 'Pause' })).toBeEnabled();
  expect(errors).toEqual([]);
});
