import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './tests/e2e/support/browser';
import { freePort } from './tests/e2e/support/free-port';

// E2E tests run against the production build (`npm test` builds first), served by
// `astro preview` on 127.0.0.1.
//
// Port: $E2E_PORT if set; in CI a free port; locally a fixed one so a preview you
// already started there (`npm run preview -- --port 4391`) is reused.
// The value is stored in process.env so that worker processes, which load this
// file again, see the same port.
const CI = !!process.env.CI;
// The site may be built under a base path (BASE_PATH, see astro.config.mjs).
// baseURL ends in '/', so tests should navigate with RELATIVE paths: page.goto('./'),
// page.goto('lab/?broker=in-page'), page.goto('mqtt/') — a leading '/' would drop the base.
const basePath = `/${(process.env.BASE_PATH ?? '/').replace(/^\/+|\/+$/g, '')}/`.replace(/\/+/g, '/');
// A base-path build lives in dist-base/ (npm run build:base), served on a port of its own
// locally, so neither run reuses the other's preview.
const based = basePath !== '/';
process.env.E2E_PORT ??= String(CI ? await freePort() : based ? 4392 : 4391);
const port = Number(process.env.E2E_PORT);
const baseURL = `http://127.0.0.1:${port}${basePath}`;

export default defineConfig({
  testDir: 'tests/e2e',
  // support/ holds helpers, not specs.
  testIgnore: ['**/support/**'],
  fullyParallel: false,
  forbidOnly: CI,
  // WebRTC tests are heavy and machines have 2 cores.
  workers: 1,
  retries: CI ? 1 : 0,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    trace: 'on-first-retry',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: chromiumExecutable(),
          args: [...CHROMIUM_ARGS],
        },
      },
    },
  ],
  webServer: {
    command: `npm run preview -- --port ${port}${based ? ' --outDir dist-base' : ''}`,
    // Ready once the port accepts connections; a missing page then shows up as a
    // failing test (404) instead of a silent wait for the URL.
    port,
    reuseExistingServer: !CI,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
