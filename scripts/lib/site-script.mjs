// What the scripts that drive Chromium against the built site share (record-latency,
// record-traces, soak, soak-hostile): their command-line options, the build they serve, and
// a main() whose failure exits 1.
import { resolve } from 'node:path';
import { ensureBuilt, serveDir, startPreview } from '../bench/lib.mjs';
import { launchChromium } from '../chromium.mjs';

/** The word after `--<name>` on the command line, or `fallback` when it is not given. */
export function option(name, fallback) {
  const k = process.argv.indexOf(`--${name}`);
  return k === -1 ? fallback : process.argv[k + 1];
}

/**
 * Serves the build named by --dist (else dist/, built first if it is missing) with astro
 * preview, launches headless Chromium, and returns what `use({ browser, url })` returns.
 * The browser and the preview are stopped after, even when `use` throws.
 */
export async function withSiteInChromium(use) {
  const dist = option('dist', null);
  if (dist) serveDir(resolve(dist));
  else ensureBuilt();
  const preview = await startPreview();
  try {
    const browser = await launchChromium();
    try {
      return await use({ browser, url: preview.url });
    } finally {
      await browser.close();
    }
  } finally {
    await preview.stop();
  }
}

/** Runs a script's main(): an error is printed and the process exits 1. */
export function runMain(main) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
