// Finding and launching Chromium, shared by the e2e tests, the benchmark and the browser
// checks. A system Chromium comes before Playwright's download, which some machines cannot reach
// (docs/TOOLCHAIN.md).
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/**
 * Flags for headless runs on CI-like machines. Tests that need fake media or raw host IPs
 * add their own on top, e.g. `--use-fake-ui-for-media-stream --use-fake-device-for-media-stream`.
 * @type {readonly string[]}
 */
export const CHROMIUM_ARGS = [
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

const HOW_TO_INSTALL =
  'Install a Chromium, then run again:\n' +
  '  - Debian/Ubuntu:  apt-get install chromium   (found at /usr/bin/chromium)\n' +
  '  - elsewhere:      npx playwright install chromium\n' +
  '  - or point CHROMIUM_PATH at any Chromium/Chrome binary.';

/**
 * Finds a Chromium to launch, or returns undefined. Throws if CHROMIUM_PATH points nowhere.
 * @returns {{ path: string, source: 'CHROMIUM_PATH' | 'system' | 'playwright' } | undefined}
 */
export function findChromium() {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) {
      throw new Error(`CHROMIUM_PATH is set to "${override}", but no such file exists.\n${HOW_TO_INSTALL}`);
    }
    return { path: override, source: 'CHROMIUM_PATH' };
  }
  if (existsSync(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, source: 'system' };
  let own;
  try {
    own = chromium.executablePath();
  } catch {
    own = undefined;
  }
  if (own && existsSync(own)) return { path: own, source: 'playwright' };
  return undefined;
}

/**
 * The Chromium binary to launch. Fails early, with what to install, when there is none.
 * @returns {string}
 */
export function chromiumExecutable() {
  const found = findChromium();
  if (!found) {
    throw new Error(`No Chromium found (checked CHROMIUM_PATH, ${SYSTEM_CHROMIUM}, Playwright's own download).\n${HOW_TO_INSTALL}`);
  }
  return found.path;
}

/** Launches headless Chromium with the shared flags plus any extra ones. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: chromiumExecutable(), args: [...CHROMIUM_ARGS, ...extraArgs] });
}
