// The Content-Security-Policy every page carries, and that the lab runs inside it.
import { expect, test } from '@playwright/test';
import { labRegion } from './support/lab';
import { sitePages } from './support/pages';

function policyOf(content: string): Map<string, string[]> {
  return new Map(
    content
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

test('every page has a CSP: no inline script but hashed ones, connections only to itself and WebSockets', async ({ request }) => {
  for (const route of sitePages()) {
    const html = await (await request.get(route)).text();
    const meta = /<meta http-equiv="content-security-policy" content="([^"]+)"/.exec(html);
    expect(meta, `/${route} has a CSP meta`).not.toBeNull();
    // A <meta> policy governs only what follows it (CSP 3 §3.3): it comes before any script, style or link.
    const firstGoverned = html.search(/<(script|style|link)\b/);
    expect(meta!.index, `/${route}: the CSP meta comes before the first script, style or link`).toBeLessThan(firstGoverned);
    const policy = policyOf(meta![1]!);
    const script = policy.get('script-src') ?? [];
    expect(script, `/${route} script-src`).not.toContain("'unsafe-inline'");
    expect(script).not.toContain("'unsafe-eval'");
    expect(script.filter((s) => s.startsWith("'sha256-")).length, `/${route}: inline scripts are hashed`).toBeGreaterThan(0);
    expect(policy.get('connect-src')).toEqual(["'self'", 'ws:', 'wss:']);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    // Every inline <script> on the page is covered by a hash.
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).filter((s) => s.trim() !== '');
    for (const body of inline) {
      const digest = `'sha256-${Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString('base64')}'`;
      expect(script, `/${route}: an inline script has no hash`).toContain(digest);
    }
  }
});

test('a whole lab session, the search and the replay cause no CSP violation', async ({ page }) => {
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportViolation: (v: string) => void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.goto('lab/?autoplay=1');
  await expect(labRegion(page).getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('searchbox', { name: 'Search the chapters' }).fill('candidate');
  await expect(page.getByRole('list', { name: 'Search results' }).getByRole('link').first()).toBeVisible();
  await page.goto('replay/?trace=trickle#step=4');
  await expect(page.getByRole('slider', { name: 'Step' })).toHaveValue('4');
  expect(violations).toEqual([]);
});
