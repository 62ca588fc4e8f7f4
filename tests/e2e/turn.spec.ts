import { test, expect } from '@playwright/test';
import { startCoturn, useCoturn } from './support/coturn';
import { labRegion } from './support/lab';

// TURN against a real coturn on 127.0.0.1, with policy=relay so only relay candidates count.
const coturn = useCoturn();

function relayLab(password: string): string {
  const ice = JSON.stringify([{ urls: coturn().turnUrl, username: coturn().user, credential: password }]);
  return `lab/?policy=relay&ice=${encodeURIComponent(ice)}`;
}

test('policy=relay: relay candidates only, and the data channel opens over a relay pair', async ({ page }) => {
  await page.goto(`${relayLab(coturn().password)}&autoplay=1`);
  const lab = labRegion(page);
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  const candidates = lab.getByRole('table', { name: 'Candidates', exact: true });
  await expect(candidates.getByRole('cell', { name: /^relay$/ }).first()).toBeVisible();
  await expect(candidates.getByRole('cell', { name: /^host$/ })).toHaveCount(0);
  // The pair ICE selected is relay to relay.
  const pairs = lab.getByRole('table', { name: 'Candidate pairs', exact: true }).first();
  const selected = pairs.getByRole('row').filter({ hasText: 'selected' });
  await expect(selected).toBeVisible({ timeout: 15_000 });
  await expect(selected).toContainText('relay');
  await expect(selected).not.toContainText('host');
});

test('a wrong TURN password gives the real 401, explained', async ({ page }) => {
  await page.goto(relayLab('wrong-password'));
  const lab = labRegion(page);
  await lab.getByRole('button', { name: 'Start' }).click();
  await lab.getByRole('button', { name: 'Play' }).click();
  await expect(lab.getByText(/\b401\b/).first()).toBeVisible({ timeout: 20_000 });
  await expect(lab.getByText(/password|credential/i).first()).toBeVisible();
  await expect(lab.getByText('Data channel open')).toBeHidden();
});

test('a TURN server that refuses to relay to the peer (403 Forbidden IP) is explained', async ({ page }) => {
  test.setTimeout(90_000);
  const strict = await startCoturn({ allowLoopbackPeers: false });
  try {
    const ice = JSON.stringify([{ urls: strict.turnUrl, username: strict.user, credential: strict.password }]);
    await page.goto(`lab/?policy=relay&autoplay=1&ice=${encodeURIComponent(ice)}`);
    const lab = labRegion(page);
    const candidates = lab.getByRole('table', { name: 'Candidates', exact: true });
    await expect(candidates.getByRole('cell', { name: /^relay$/ }).first()).toBeVisible({ timeout: 20_000 });
    // Chromium gives up on the checks after some seconds; the lab then says why.
    await expect(lab.getByText(/403 Forbidden IP/).first()).toBeVisible({ timeout: 60_000 });
    await expect(lab.getByText('Data channel open')).toBeHidden();
  } finally {
    await strict.stop();
  }
});
