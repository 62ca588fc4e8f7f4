// The e2e tests launch Chromium the same way as the benchmark and the browser checks.
export { CHROMIUM_ARGS, SYSTEM_CHROMIUM, chromiumExecutable, findChromium } from '../../../scripts/chromium.mjs';
