import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/**
 * Chromium flags for headless runs on CI-like machines (see shared TOOLCHAIN.md).
 * Tests that need fake media or raw host IPs add their own flags on top, e.g.
 * `--use-fake-ui-for-media-stream --use-fake-device-for-media-stream`.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export interface ChromiumFound {
  path: string;
  source: 'CHROMIUM_PATH' | 'system' | 'playwright';
}

const HOW_TO_INSTALL =
  'Install a Chromium, then run the tests again:\n' +
  '  - Debian/Ubuntu:  apt-get install chromium   (found at /usr/bin/chromium)\n' +
  '  - elsewhere:      npx playwright install chromium\n' +
  '  - or point CHROMIUM_PATH at any Chromium/Chrome binary.';

/** Finds a Chromium to launch, or returns undefined. Throws if CHROMIUM_PATH points nowhere. */
export function findChromium(): ChromiumFound | undefined {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) {
      throw new Error(`CHROMIUM_PATH is set to "${override}", but no such file exists.\n${HOW_TO_INSTALL}`);
    }
    return { path: override, source: 'CHROMIUM_PATH' };
  }
  if (existsSync(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, source: 'system' };
  let own: string | undefined;
  try {
    own = chromium.executablePath();
  } catch {
    own = undefined;
  }
  if (own && existsSync(own)) return { path: own, source: 'playwright' };
  return undefined;
}

/** The Chromium binary to launch. Fails early, with what to install, when there is none. */
export function chromiumExecutable(): string {
  const found = findChromium();
  if (!found) {
    throw new Error(`No Chromium found for the e2e tests (checked CHROMIUM_PATH, ${SYSTEM_CHROMIUM}, Playwright's own download).\n${HOW_TO_INSTALL}`);
  }
  return found.path;
}
