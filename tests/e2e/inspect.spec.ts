import { test, expect } from '@playwright/test';
import { labRegion } from './support/lab';

test.describe('inspecting a real session', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('lab/?autoplay=1');
    await expect(labRegion(page).getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  });

  test('the offer explains a=setup:actpass; the answer shows the negotiated DTLS role', async ({ page }) => {
    const lab = labRegion(page);
    const inspector = lab.getByRole('region', { name: 'Message inspector' });
    await lab.getByRole('button', { name: 'offer', exact: true }).last().click();
    const setup = inspector.getByRole('button', { name: /setup:actpass/ });
    await setup.click();
    await expect(setup).toHaveAttribute('aria-expanded', 'true');
    await expect(inspector).toContainText('An offer must say actpass');
    await expect(inspector).toContainText('RFC 8842 §5.2');
    // Every line of a real Chromium offer is recognised.
    await expect(inspector.getByText('not recognised')).toHaveCount(0);

    await lab.getByRole('button', { name: 'answer', exact: true }).last().click();
    const decided = inspector.getByRole('table', { name: 'What the offer and the answer decided' });
    const dtls = decided.getByRole('row').filter({ hasText: 'DTLS roles' });
    await expect(dtls).toContainText('setup:actpass');
    await expect(dtls).toContainText('setup:active');
    await expect(dtls).toContainText('DTLS client');
  });
});

test('the paste box explains any SDP and names the bad lines', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('lab/#explain-sdp');
  const box = page.getByRole('textbox', { name: 'Paste an SDP' });
  await box.fill('v=0\no=- 1 2 IN IP4 127.0.0.1\ns=-\nt=0 0\nthis is not sdp\na=setup:actpass\n<img src=x onerror=alert(1)>');
  await expect(page.getByText(/line 5/).first()).toBeVisible();
  await expect(page.getByText(/line 7/).first()).toBeVisible();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(errors).toEqual([]);
});

test('on a phone, the lab with every panel open never scrolls the page sideways', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto('lab/?autoplay=1');
  const lab = labRegion(page);
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  for (const panel of ['MQTT packets', 'State timelines']) await lab.getByText(panel, { exact: true }).click();
  await expect(lab.getByRole('table', { name: 'Candidates', exact: true })).toBeVisible();
  await lab.getByRole('button', { name: 'answer', exact: true }).last().click();
  await expect(lab.getByRole('table', { name: 'What the offer and the answer decided' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});
