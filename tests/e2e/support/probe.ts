// Is the page answering? Issue 14's measure: a trivial script run in the page, timed; a main
// thread busy with a flood answers late.
import type { Page } from '@playwright/test';

/** The page must answer within this long at every moment of a flood. */
export const PROBE_LIMIT_MS = 2000;

/**
 * Times `page.evaluate(() => 1)` every 100 ms until stop(), which returns the slowest answer
 * (a probe still waiting counts for as long as it has waited, so a frozen page cannot hang us).
 */
export function probe(...pages: Page[]) {
  let running = true;
  let worst = 0;
  const pendingSince = new Map<Page, number>();
  const loops = pages.map(async (page) => {
    while (running) {
      const t = Date.now();
      pendingSince.set(page, t);
      await page.evaluate(() => 1).catch(() => undefined);
      pendingSince.delete(page);
      worst = Math.max(worst, Date.now() - t);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  return {
    worst: () => Math.max(worst, ...[...pendingSince.values()].map((t) => Date.now() - t)),
    async stop(): Promise<number> {
      running = false;
      const now = this.worst();
      if (now < PROBE_LIMIT_MS) await Promise.all(loops);
      return Math.max(now, worst);
    },
  };
}
