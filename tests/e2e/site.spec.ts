// The site around the chapters: navigation in course order, prev/next, the table of contents,
// search (pagefind), the theme toggle, a phone-width layout and a clean console on every page.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { chapters, hydrateAll, sitePages } from './support/pages';

const CHAPTERS = chapters();
const PAGES = sitePages();

/** The pathname a relative route has on this server (the base path included). */
function pathOf(route: string): string {
  return new URL(route, test.info().project.use.baseURL).pathname;
}

/** Pathnames of the links matched by `selector`, in document order. */
async function linkPaths(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
}

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  return errors;
}

test('the site has chapters, a home page and a lab', () => {
  expect(CHAPTERS.length, 'no published chapters in content/').toBeGreaterThan(0);
  expect(PAGES).toEqual(expect.arrayContaining(['', 'lab/', '404.html', ...CHAPTERS.map((c) => c.path)]));
});

// The build the tests are served from: dist-base/ under a base path (npm run build:base).
const based = (process.env.BASE_PATH ?? '/').replace(/\//g, '') !== '';
const dist = new URL(`../../${based ? 'dist-base' : 'dist'}/`, import.meta.url);

test('the build holds the reader pages and nothing else (no /dev/ page)', () => {
  const built = readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .map((f) => f.split('\\').join('/'))
    .filter((f) => f.endsWith('.html'))
    .map((f) => f.replace(/(^|\/)index\.html$/, '$1'));
  expect(built.filter((f) => /(^|\/)dev\//.test(f)), 'developer pages in the build').toEqual([]);
  expect(built.sort()).toEqual(PAGES);
});

test('every file a script loads or preloads is in the build', () => {
  // A lazily loaded lab preloads its chunk's CSS by name; Astro emits only the CSS pages link,
  // so a name it did not emit fails that import at run time (a 404 on "Unable to preload CSS").
  const assets = new URL('_astro/', dist);
  const named = new Set<string>();
  for (const file of readdirSync(assets).filter((f) => f.endsWith('.js'))) {
    for (const [, name] of readFileSync(new URL(file, assets), 'utf8').matchAll(/"_astro\/([^"/]+\.(?:js|css))"/g)) named.add(name!);
  }
  expect(named.size).toBeGreaterThan(0);
  expect([...named].filter((name) => !existsSync(new URL(name, assets)))).toEqual([]);
});

test.describe('navigation', () => {
  test('header and home list the chapters in course order, then the lab', async ({ page }) => {
    await page.goto('');
    const expected = CHAPTERS.map((c) => pathOf(c.path));
    expect(await linkPaths(page, 'nav[aria-label="Main"] a')).toEqual([...expected, pathOf('lab/')]);
    expect(await linkPaths(page, '.chapter-path a')).toEqual(expected);
    await expect(page.getByRole('link', { name: 'Open the full lab' })).toHaveAttribute('href', pathOf('lab/'));
    const outcomes = page.getByRole('heading', { name: 'By the end you will be able to' });
    await expect(outcomes).toBeVisible();
  });

  for (const [i, c] of CHAPTERS.entries()) {
    test(`/${c.path}: title, current page, prev/next`, async ({ page }) => {
      await page.goto(c.path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.locator('.eyebrow')).toHaveText(`Chapter ${c.order}`);
      await expect(page.locator(`nav[aria-label="Main"] a[aria-current="page"]`)).toHaveAttribute('href', pathOf(c.path));

      const pager = page.getByRole('navigation', { name: 'Previous and next chapter' });
      const prev = CHAPTERS[i - 1];
      const next = CHAPTERS[i + 1];
      if (!prev && !next) {
        await expect(pager).toHaveCount(0);
        return;
      }
      const prevLink = pager.locator('a[rel="prev"]');
      const nextLink = pager.locator('a[rel="next"]');
      if (prev) await expect(prevLink).toHaveAttribute('href', pathOf(prev.path));
      else await expect(prevLink).toHaveCount(0);
      if (next) {
        await expect(nextLink).toHaveAttribute('href', pathOf(next.path));
        await nextLink.click();
        await expect(page).toHaveURL(new RegExp(`${pathOf(next.path)}$`));
        await expect(page.locator('.eyebrow')).toHaveText(`Chapter ${next.order}`);
      } else {
        await expect(nextLink).toHaveCount(0);
      }
    });

    test(`/${c.path}: every table of contents link reaches its heading`, async ({ page }) => {
      await page.goto(c.path);
      const toc = page.getByRole('navigation', { name: 'On this page' });
      // Folded at first, so the chapter starts at once; it opens from the keyboard.
      await expect(toc.locator('details')).not.toHaveAttribute('open');
      await toc.locator('summary').focus();
      await page.keyboard.press('Enter');
      await expect(toc.locator('details')).toHaveAttribute('open');
      const links = toc.getByRole('link');
      const n = await links.count();
      expect(n, 'a chapter with sections has a table of contents').toBeGreaterThan(0);
      for (let k = 0; k < n; k++) {
        const hash = (await links.nth(k).getAttribute('href'))!;
        expect(hash).toMatch(/^#./);
        const target = page.locator(`[id="${decodeURIComponent(hash.slice(1))}"]`);
        await expect(target, `${hash} has no target`).toHaveCount(1);
        await expect(target).toHaveText((await links.nth(k).textContent())!.trim());
      }
      // Following a link lands on the heading.
      const last = links.nth(n - 1);
      const hash = (await last.getAttribute('href'))!;
      await last.click();
      await expect(page).toHaveURL(new RegExp(`${hash}$`));
      await expect(page.locator(`[id="${decodeURIComponent(hash.slice(1))}"]`)).toBeInViewport();
    });
  }
});

test('an unknown address shows the 404 page with a way back', async ({ page }) => {
  const response = await page.goto('no-such-chapter/');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await expect(page.getByRole('main').getByRole('link', { name: 'Home' })).toHaveAttribute('href', pathOf(''));
});

test.describe('search', () => {
  test('finds each chapter by a word from it, as a list of links', async ({ page }) => {
    const errors = collectErrors(page);
    await page.goto('');
    // No search JS or index before the reader asks.
    const fetched: string[] = [];
    page.on('request', (r) => fetched.push(r.url()));
    const box = page.getByRole('searchbox', { name: 'Search the chapters' });
    await expect(box).toBeVisible();
    expect(fetched.filter((u) => u.includes('/pagefind/'))).toEqual([]);

    const results = page.getByRole('list', { name: 'Search results' });
    for (const c of CHAPTERS) {
      await box.fill(c.slug);
      await expect(page.getByRole('status').filter({ hasText: /match/ })).toContainText(c.slug);
      await expect(results.locator(`a[href="${pathOf(c.path)}"]`)).toBeVisible();
    }
    expect(fetched.some((u) => new URL(u).pathname.startsWith(pathOf('pagefind/')))).toBe(true);
    expect(errors).toEqual([]);
  });

  test('a word found in a section links to that section', async ({ page }) => {
    const first = CHAPTERS.find((c) => c.slug === 'signalling') ?? CHAPTERS[0]!;
    await page.goto('');
    const box = page.getByRole('searchbox', { name: 'Search the chapters' });
    await box.fill(first.slug === 'signalling' ? 'retained' : first.slug);
    const results = page.getByRole('list', { name: 'Search results' });
    const hit = results.locator(`a[href^="${pathOf(first.path)}"]`).first();
    await expect(hit).toBeVisible();
    await hit.click();
    await expect(page).toHaveURL(new RegExp(`${pathOf(first.path)}(#.*)?$`));
  });

  test('keyboard: "/" focuses, ↓ reaches the results, Escape closes, Enter opens the first', async ({ page }) => {
    const c = CHAPTERS[0]!;
    await page.goto('lab/');
    await page.locator('h1').click();
    await page.keyboard.press('/');
    const box = page.getByRole('searchbox', { name: 'Search the chapters' });
    await expect(box).toBeFocused();
    await page.keyboard.type(c.slug);
    const results = page.getByRole('list', { name: 'Search results' });
    const firstLink = results.getByRole('link').first();
    await expect(firstLink).toBeVisible();
    await page.keyboard.press('ArrowDown');
    await expect(firstLink).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await expect(box).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(results).toBeHidden();
    await expect(box).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`${pathOf(c.path)}(#.*)?$`));
  });

  test('at 360 px the results fit the screen', async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto('');
    await page.getByRole('searchbox', { name: 'Search the chapters' }).fill(CHAPTERS[0]!.slug);
    const results = page.getByRole('list', { name: 'Search results' });
    await expect(results.getByRole('link').first()).toBeVisible();
    const box = await page.locator('.search-panel').boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });
});

test.describe('theme', () => {
  const toggle = (page: Page) => page.getByRole('button', { name: /^Theme: / });
  const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  test('follows the system until the reader chooses', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect(toggle(page)).toHaveAccessibleName('Theme: System');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  });

  test('the toggle switches, persists across a reload, and is applied before the first paint', async ({ page }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    // Records the theme at the moment <body> is created, i.e. before anything can be painted.
    await page.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.body) {
          (window as unknown as { themeAtBody: string | undefined }).themeAtBody = document.documentElement.dataset.theme;
          obs.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto('');
    const lightBg = await background(page);

    await toggle(page).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect(toggle(page)).toHaveAccessibleName('Theme: Dark');
    expect(await background(page)).not.toBe(lightBg);

    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(await page.evaluate(() => (window as unknown as { themeAtBody?: string }).themeAtBody)).toBe('dark');
    await expect(toggle(page)).toHaveAccessibleName('Theme: Dark');

    // …on every page, not just this one.
    await page.goto('lab/');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

    await toggle(page).click();
    await expect(toggle(page)).toHaveAccessibleName('Theme: Light');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await toggle(page).click();
    await expect(toggle(page)).toHaveAccessibleName('Theme: System');
    expect(await page.evaluate(() => localStorage.getItem('theme'))).toBeNull();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  });

  test('code blocks follow the toggle', async ({ page }) => {
    const withCode = CHAPTERS[0]!;
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(withCode.path);
    const token = page.locator('pre.astro-code span[style*="--shiki-dark"]').first();
    test.skip((await token.count()) === 0, 'no highlighted code in this chapter');
    const light = await token.evaluate((e) => getComputedStyle(e).color);
    await toggle(page).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(await token.evaluate((e) => getComputedStyle(e).color)).not.toBe(light);
  });
});

test.describe('every page', () => {
  for (const route of PAGES) {
    test(`/${route}: no console errors, no sideways scroll at 360 px`, async ({ page }) => {
      const errors = collectErrors(page);
      await page.setViewportSize({ width: 360, height: 740 });
      const response = await page.goto(route);
      expect(response?.status(), `/${route} was not built`).toBe(200);
      await page.waitForLoadState('networkidle');
      await hydrateAll(page);
      const overflow = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        wide: Array.from(document.querySelectorAll('body *'))
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .filter((e) => !e.closest('pre, .table-wrap, table, [style*="overflow"]'))
          .slice(0, 5)
          .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`),
      }));
      expect(overflow.scrollWidth, `wider than 360 px: ${overflow.wide.join(', ')}`).toBeLessThanOrEqual(360);
      expect(errors).toEqual([]);
    });
  }
});

// Astro's compressHTML drops a source line break between a word and an inline tag, so
// "such as\n<code>192.0.2.1</code>" was shown as "such as192.0.2.1".
test('words never run into the code that follows them', async ({ page }) => {
  await page.goto('replay/');
  const replay = await page.locator('main').innerText();
  expect(replay).toContain('such as 192.0.2.1');
  expect(replay).toContain('a=ice-ufrag, a=ice-pwd');
  expect(replay).toMatch(/a last will · A whole session/);
  await page.goto('lab/');
  const lab = await page.locator('main').innerText();
  expect(lab).toContain('allows only wss://');
  expect(lab).toContain('publishes under <root>/<peerId>/');
  expect(lab).toContain('and policy= apply too');
  expect(lab).toContain('a real npm run lobby-server');
});

test('SDP and text boxes wrap their long lines instead of cutting them', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  for (const route of ['sdp/', 'ice/', 'turn/']) {
    await page.goto(route);
    const boxes = page.locator('pre:is([data-language="sdp"], [data-language="text"])');
    expect(await boxes.count(), route).toBeGreaterThan(0);
    const cut = await boxes.evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent?.slice(0, 40)));
    expect(cut, route).toEqual([]);
  }
});
