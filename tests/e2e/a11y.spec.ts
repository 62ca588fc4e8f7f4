// axe-core on every reader-facing page, in the light and the dark theme, with every island
// hydrated; on every lab (the playground and each chapter's) with a live session that reached
// "Data channel open"; and with the header search showing results. Zero violations of WCAG
// 2.0/2.1 A and AA, apart from the KNOWN_VIOLATIONS to-do list below.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Page } from '@playwright/test';
import { labRegion } from './support/lab';
import { chapters, hydrateAll, sitePages } from './support/pages';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const SCHEMES = ['light', 'dark'] as const;
type Scheme = (typeof SCHEMES)[number];

/**
 * Violations that are known, owned by someone else, and being fixed. An entry covers one rule
 * on the elements whose axe selector matches `target`, on `page` (a relative route such as
 * 'lab/?autoplay=1'; '*' for every page) in `scheme` ('*' for both). Matches are reported (test
 * annotation + a warning line) instead of failing; anything else fails.
 * EMPTY THIS TABLE: it is a to-do list, not an allow-list.
 */
const KNOWN_VIOLATIONS: { page: string; scheme: Scheme | '*'; rule: string; target: RegExp; owner: string; fix: string }[] = [];

const PAGES = sitePages();

/**
 * Best-practice rules held to as well. landmark-unique: two regions of one name (the lab's and
 * the lobby lab's "Message inspector" on /lab/) leave a screen-reader user unable to tell
 * them apart in the landmarks list.
 */
const RULES = ['landmark-unique'];

async function expectNoViolations(page: Page, route: string, scheme: Scheme): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const extra = await new AxeBuilder({ page }).withRules(RULES).analyze();
  const found = [...results.violations, ...extra.violations].flatMap((v) =>
    v.nodes.map((n) => ({
      rule: v.id,
      impact: v.impact,
      target: n.target.join(' '),
      help: v.help,
      summary: n.failureSummary?.split('\n').slice(0, 3).join(' '),
    })),
  );
  const known = (f: (typeof found)[number]) =>
    KNOWN_VIOLATIONS.some(
      (k) => (k.page === '*' || k.page === route) && (k.scheme === '*' || k.scheme === scheme) && k.rule === f.rule && k.target.test(f.target),
    );
  const tolerated = new Map<string, number>();
  for (const f of found.filter(known)) tolerated.set(f.rule, (tolerated.get(f.rule) ?? 0) + 1);
  for (const [rule, n] of tolerated) {
    const description = `/${route} (${scheme}): ${rule} on ${n} element(s)`;
    test.info().annotations.push({ type: 'KNOWN_VIOLATIONS', description });
    console.warn(`KNOWN_VIOLATIONS (to fix, not to keep): ${description}`);
  }
  expect(found.filter((f) => !known(f)), `axe violations on /${route} (${scheme})`).toEqual([]);
}

for (const route of PAGES) {
  for (const scheme of SCHEMES) {
    test(`axe: /${route} in ${scheme}`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(route);
      await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
      await hydrateAll(page);
      await expectNoViolations(page, route, scheme);
    });
  }
}

/** Every page with a lab: the playground and each chapter that shows one. */
const LAB_PAGES = ['lab/', ...chapters().filter((c) => c.hasLab).map((c) => c.path)];

for (const scheme of SCHEMES) {
  for (const route of LAB_PAGES) {
    test(`axe: /${route}?autoplay=1 with the data channel open, in ${scheme}`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${route}?autoplay=1`);
      const lab = labRegion(page);
      await lab.scrollIntoViewIfNeeded();
      if ((await lab.getAttribute('data-preset')) === 'mqtt') {
        // The MQTT chapter's lab has no WebRTC: scan it with both statuses delivered and a
        // QoS 2 message's handshake on show instead.
        await expect(lab.getByRole('figure', { name: 'Sequence diagram' }).getByRole('row', { name: /^\d+ broker alice status: bob/ })).toBeVisible({ timeout: 30_000 });
        const form = lab.getByRole('region', { name: 'Publish a message over MQTT' });
        await form.getByRole('button', { name: 'Publish' }).click();
        await expect(form.getByRole('list', { name: 'QoS handshake, hop 2' }).getByRole('listitem')).toHaveCount(4);
      } else {
        await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
      }
      // Let the last deliveries and the diagram render settle.
      await page.waitForTimeout(1000);
      await hydrateAll(page);
      await expectNoViolations(page, `${route}?autoplay=1`, scheme);
    });
  }

  for (const width of [1280, 390]) {
    test(`axe: /lab/ at ${width} px with a message open in the inspector, in ${scheme}`, async ({ page }) => {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto('lab/?autoplay=1');
      const lab = labRegion(page);
      await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
      // A published arrow: the inspector shows the SDP, and the PUBLISH bytes once opened.
      await lab.getByRole('figure', { name: 'Sequence diagram' }).getByRole('row', { name: /alice broker offer$/ }).getByRole('button').click();
      const inspector = lab.getByRole('region', { name: 'Message inspector' });
      await expect(inspector).toBeInViewport();
      await inspector.getByText(/^MQTT packet \(/).click();
      await expect(inspector).toContainText('PUBLISH');
      await page.waitForTimeout(500);
      await hydrateAll(page);
      await expectNoViolations(page, `lab/?autoplay=1 (${width} px, inspector open)`, scheme);
    });
  }

  test(`axe: header search with results open, in ${scheme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('');
    const box = page.getByRole('searchbox', { name: 'Search the chapters' });
    await box.fill('signalling');
    await expect(page.getByRole('list', { name: 'Search results' }).getByRole('link').first()).toBeVisible();
    await expectNoViolations(page, 'search', scheme);
  });
}
