import { test, expect } from './support/mosquitto';
import { labRegion, stepUntilOpen } from './support/lab';

// The ICE views (src/components/ice) in a real lab session.
test.describe('ICE: candidates and pairs', () => {
  test('candidates decoded, gathering complete per peer, the selected pair once connected', async ({ page }) => {
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

  test('one candidate, highlighted everywhere: message, SDP line, table row, pairs', async ({ page }) => {
    await page.goto('lab/?autoplay=1');
    const lab = labRegion(page);
    await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });

    // Open a candidate message: its fields are decoded, and it becomes the selected candidate.
    const figure = lab.getByRole('figure', { name: 'Sequence diagram' });
    await figure.getByRole('row').filter({ hasText: /^\d+brokerbobcandidate/ }).first().getByRole('button').click();
    const inspector = lab.getByRole('region', { name: 'Message inspector' });
    const fields = inspector.getByRole('table', { name: 'Candidate fields' });
    await expect(fields).toContainText('Foundation');
    await expect(fields).toContainText('Priority');

    // The same candidate is highlighted in the diagram's table (its publish and its delivery)…
    await expect(figure.locator('tbody tr.highlight')).toHaveCount(2);
    await expect(figure.locator('svg line.lab-highlight')).toHaveCount(2, { timeout: 10_000 });
    // …in the candidates table…
    const candidates = lab.getByRole('table', { name: 'Candidates', exact: true });
    await expect(candidates.locator('[aria-pressed="true"]')).toHaveCount(1);
    // …and its pairs.
    await expect(lab.getByRole('table', { name: 'Candidate pairs', exact: true }).first().locator('tr.highlighted').first()).toBeVisible({ timeout: 15_000 });
  });
});
