import { test, expect } from '@playwright/test';
import { launchChromium } from '../../scripts/chromium.mjs';
import { labRegion } from './support/lab';

// Browsers hide host IPs behind mDNS names until the page has camera or microphone access.
// This needs its own browser: a fake camera, and permission granted mid-test.
test('host candidates are mDNS names until the reader allows the camera, then raw IPs', async ({ baseURL }) => {
  const browser = await launchChromium(['--use-fake-device-for-media-stream']);
  try {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await page.goto('lab/?autoplay=1');
    const lab = labRegion(page);
    await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
    const candidates = lab.getByRole('table', { name: 'Candidates', exact: true });
    await expect(candidates.getByText('mDNS').first()).toBeVisible();

    await context.grantPermissions(['camera', 'microphone']);
    await lab.getByRole('button', { name: 'Allow camera to reveal IP addresses' }).click();
    await expect(lab.getByText(/Access granted/)).toBeVisible();

    await lab.getByRole('button', { name: 'Reset' }).click();
    await lab.getByRole('button', { name: 'Start' }).click();
    await lab.getByRole('button', { name: 'Play' }).click();
    await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
    const table = lab.getByRole('table', { name: 'Candidates', exact: true });
    await expect(table).toBeVisible();
    await expect(table.getByText('mDNS')).toHaveCount(0);
    await expect(table).toContainText(/\b\d{1,3}(\.\d{1,3}){3}\b|[0-9a-f]{1,4}::[0-9a-f]/i);
  } finally {
    await browser.close();
  }
});
