// 13. Chapter heights: how long each chapter's own text is (its <article>, px), at 1280 px and
// at 390 px, as a first-time reader meets it: folded parts closed, every lab hydrated (scrolled
// through) but not started. Issue 15's goal: ≤ about 9,000 px at 1280, ≤ 2.5× that on a phone.
import { collectErrors, errLine } from './page.mjs';

export const CHAPTERS = ['mqtt/', 'signalling/', 'sdp/', 'ice/', 'stun/', 'turn/', 'lobby/', 'direct-path/', 'security/'];
export const HEIGHT_GOALS = { desktopPx: 9000, phoneFactor: 2.5 };
export const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

async function heightOf(browser, base, path, viewport) {
  const context = await browser.newContext({ viewport, colorScheme: 'light' });
  const page = await context.newPage();
  const errors = collectErrors(page);
  try {
    await page.goto(`${base}${path}`, { waitUntil: 'load' });
    // Scroll through so that every client:visible island hydrates, then wait for quiet.
    await page.evaluate(async () => {
      for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
        scrollTo(0, y);
        await new Promise((r) => setTimeout(r, 60));
      }
      scrollTo(0, 0);
    });
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    const measured = await page.evaluate(() => ({
      article: Math.round(document.querySelector('main article')?.getBoundingClientRect().height ?? NaN),
      page: document.documentElement.scrollHeight,
      openDetails: document.querySelectorAll('main article details[open]').length,
      sideways: document.documentElement.scrollWidth > innerWidth,
    }));
    return { ...measured, errors };
  } catch (err) {
    return { article: NaN, page: NaN, openDetails: 0, sideways: false, errors: [...errors, errLine(err)] };
  } finally {
    await context.close();
  }
}

export async function measureHeights(browser, base) {
  const rows = [];
  for (const path of CHAPTERS) {
    const desktop = await heightOf(browser, base, path, VIEWPORTS.desktop);
    const phone = await heightOf(browser, base, path, VIEWPORTS.phone);
    const pass = desktop.article <= HEIGHT_GOALS.desktopPx && phone.article <= HEIGHT_GOALS.desktopPx * HEIGHT_GOALS.phoneFactor;
    rows.push({ path, desktop, phone, ratio: phone.article / desktop.article, pass });
  }
  return { rows, pass: rows.every((r) => r.pass), goals: HEIGHT_GOALS };
}
