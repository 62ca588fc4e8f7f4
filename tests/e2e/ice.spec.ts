import { test, expect } from './support/mosquitto';
import { labRegion, stepUntilOpen } from './support/lab';

// The ICE views (src/components/ice) in a real lab session. They are wired into the lab by
// the integrator; until then this spec is marked fixme. Remove the fixme line once the lab
// shows the "Candidates" and "Candidate pairs" tables.
test.describe('ICE: candidates and pairs', () => {
  test('candidates decoded, gathering complete per peer, the selected pair once connected', async ({ page }) => {
    test.fixme(true, 'ICE components are not in the lab yet');
    await page.goto('lab/');
    const lab = labRegion(page);
    await lab.getByRole('button', { name: 'Start' }).click();
    await stepUntilOpen(lab);

    const candidates = lab.getByRole('table', { name: 'Candidates', exact: true });
    await expect(candidates).toBeVisible();
    // One "gathering complete" row per peer; headless Chromium without media permission
    // hides host addresses behind mDNS names.
    await expect(candidates.getByText('Gathering complete')).toHaveCount(2);
    await expect(candidates.getByRole('cell', { name: /^host$/ }).first()).toBeVisible();
    await expect(candidates.getByText('mDNS').first()).toBeVisible();

    // Selecting a candidate highlights it (and, in the pairs table, its pairs).
    const first = candidates.getByRole('button', { name: /^Select alice / }).first();
    await first.click();
    await expect(first).toHaveAttribute('aria-pressed', 'true');

    // getStats() polling fills the check list; the pair ICE uses is labelled in text.
    const pairs = lab.getByRole('table', { name: 'Candidate pairs', exact: true }).first();
    await expect(pairs.getByText('selected', { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(pairs.getByText('succeeded').first()).toBeVisible();
  });
});
