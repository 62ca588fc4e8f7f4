// The site's pages as the e2e sweeps see them, read from src/pages and content/ rather than
// dist/, so that a build running elsewhere cannot pull the list from under the tests.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { expect, type Page } from '@playwright/test';

const ROOT = new URL('../../../', import.meta.url).pathname;

export interface ChapterFile {
  order: number;
  slug: string;
  /** Relative route for page.goto(): 'signalling/'. */
  path: string;
  /** It shows a lab of its own (Lab.astro or LobbyLab.astro), not only experiments' islands. */
  hasLab: boolean;
}

const LAB_IMPORT = /^import \w+ from '\.\.\/src\/components\/(Lab|LobbyLab)\.astro';$/m;

/** Published chapters in course order, from content/NN-slug.mdx (drafts left out). */
export function chapters(): ChapterFile[] {
  const dir = join(ROOT, 'content');
  return readdirSync(dir)
    .map((file) => /^(\d+)-([a-z0-9-]+)\.mdx$/.exec(file))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ m, text: readFileSync(join(dir, m[0]), 'utf8') }))
    .filter(({ text }) => {
      const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? '';
      return !/^draft:\s*true\s*$/m.test(front);
    })
    .map(({ m, text }) => ({ order: Number(m[1]), slug: m[2]!, path: `${m[2]}/`, hasLab: LAB_IMPORT.test(text) }))
    .sort((a, b) => a.order - b.order);
}

/** Every reader-facing page as a relative route ('', 'lab/', '404.html', 'signalling/' …). */
export function sitePages(): string[] {
  const pagesDir = join(ROOT, 'src', 'pages');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const rel = relative(pagesDir, full).split(sep).join('/');
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      const m = /^(.*)\.(astro|md|mdx|html)$/.exec(rel);
      if (!m) continue; // endpoints (.ts) are not pages
      const route = m[1]!;
      if (route === '[...slug]') out.push(...chapters().map((c) => c.path));
      else if (route.includes('[')) throw new Error(`src/pages/${rel}: a new dynamic route; teach sitePages() in ${import.meta.url} its paths`);
      else if (route === '404') out.push('404.html');
      else if (route === 'index') out.push('');
      else out.push(`${route.replace(/(^|\/)index$/, '')}/`.replace(/^\/$/, ''));
    }
  };
  walk(pagesDir);
  return out.sort();
}

/**
 * Opens every <details> holding an island, then brings each island into view in turn (they
 * hydrate client:visible, or client:interact once a pointer moves over them) and waits for it
 * to hydrate before moving on; <astro-island> is display: contents, so scroll to what it renders.
 */
export async function hydrateAll(page: Page): Promise<void> {
  // Islands inside a closed <details> (a chapter's recorded sessions) hydrate when opened.
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) if (d.querySelector('astro-island')) d.open = true;
  });
  const islands = page.locator('astro-island');
  const count = await islands.count();
  for (let i = 0; i < count; i++) {
    await islands.nth(i).evaluate((island) => {
      const shown = island.firstElementChild ?? island;
      shown.scrollIntoView({ block: 'center', behavior: 'instant' });
      // client:interact islands wait for the reader to reach for them: a pointer moving over.
      if (island.getAttribute('client') === 'interact') shown.dispatchEvent(new PointerEvent('pointerover', { bubbles: true }));
    });
    await expect(islands.nth(i), `island ${i + 1} of ${count} did not hydrate`).not.toHaveAttribute('ssr', { timeout: 15_000 });
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}
