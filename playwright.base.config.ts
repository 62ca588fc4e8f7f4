// One e2e run against a base-path build (npm run test:e2e:base), so that no link, asset,
// fetch or worker URL assumes the site lives at '/'. The subset covers every kind of URL the
// site builds: navigation and 404, search (pagefind), every page's assets, a live lab, the
// replay examples, the copy-and-paste mode and the tabs broker (SharedWorker).
import { defineConfig } from '@playwright/test';
import config from './playwright.config';

if (!process.env.BASE_PATH || process.env.BASE_PATH === '/') {
  throw new Error('playwright.base.config.ts needs BASE_PATH (e.g. /webrtc-lab/) and a build in dist-base/: run `npm run test:e2e:base`.');
}

export default defineConfig({
  ...config,
  testMatch: ['site.spec.ts', 'replay.spec.ts', 'lab.spec.ts', 'paste.spec.ts', 'solo.spec.ts', 'security.spec.ts'],
  grep: [
    /navigation|unknown address|search|every page/,
    /bundled example|recorded session/,
    /autoplay reaches an open data channel/,
    /two tabs connect by copy and paste/,
    /two tabs of one browser/,
    /no CSP violation/,
  ],
});
