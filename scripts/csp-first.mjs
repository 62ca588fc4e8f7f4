// Astro writes its CSP <meta> with the rest of the head it manages, just before </head>, so in
// every page it came after our inline theme script and the tags before it. A policy in a
// <meta> governs only what follows it (CSP 3 §3.3), so after the build this moves it to the
// top of <head>, right after <meta charset> (which must come within the first 1024 bytes,
// HTML §4.2.5.4). An Astro integration: it runs on every `astro build`.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CSP_META = /<meta http-equiv="content-security-policy"[^>]*>/i;
const CHARSET = /<meta charset="[^"]*"\s*\/?>/i;

/** The page with its CSP <meta> first in <head> (after <meta charset>); unchanged without one. */
export function cspFirst(html) {
  const meta = CSP_META.exec(html);
  if (!meta) return html;
  const without = html.slice(0, meta.index) + html.slice(meta.index + meta[0].length);
  const anchor = CHARSET.exec(without) ?? /<head[^>]*>/i.exec(without);
  if (!anchor) return html;
  const at = anchor.index + anchor[0].length;
  return without.slice(0, at) + meta[0] + without.slice(at);
}

function htmlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => join(e.parentPath, e.name));
}

export const cspFirstIntegration = {
  name: 'csp-first',
  hooks: {
    /** @param {{ dir: URL }} options */
    'astro:build:done': ({ dir }) => {
      for (const file of htmlFiles(fileURLToPath(dir))) {
        const html = readFileSync(file, 'utf8');
        const moved = cspFirst(html);
        if (moved !== html) writeFileSync(file, moved);
      }
    },
  },
};
