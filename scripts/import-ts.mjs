// Loads the project's TypeScript (src/lib, tests/e2e/support) into a Node script: esbuild
// bundles the entry, packages stay external, and the bundle is written inside node_modules so
// their bare imports resolve. One file per process, removed once imported, so scripts running
// side by side (the tests start several lobby servers) never read each other's half-written file.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * @param {string} name   a label for the bundle file, e.g. 'lobby-server'
 * @param {string} entry  TypeScript re-exports, paths relative to the project root
 */
export async function importTs(name, entry) {
  const dir = join(ROOT, 'node_modules', '.cache', 'webrtc-lab');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}-${process.pid}-${Date.now()}.mjs`);
  await esbuild.build({
    stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    outfile: out,
    logLevel: 'silent',
  });
  try {
    return await import(out);
  } finally {
    rmSync(out, { force: true });
  }
}
