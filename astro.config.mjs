// @ts-check
import { defineConfig } from 'astro/config';
import svelte from '@astrojs/svelte';
import mdx from '@astrojs/mdx';
import sdpGrammar from './src/lib/sdp/sdp.tmLanguage.json' with { type: 'json' };
import { brokerViteConfig } from './src/lib/broker/vite-shims.mjs';
import { cspFirstIntegration } from './scripts/csp-first.mjs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The one inline script of our own (ThemeScript.astro inlines this file); Astro hashes its
// hydration scripts itself.
const themeScriptHash = `sha256-${createHash('sha256')
  .update(readFileSync(new URL('./src/components/site/theme-script.js', import.meta.url), 'utf8'))
  .digest('base64')}`;

/** `client:interact` (see the file): islands that hydrate when the reader reaches for them. */
const interactDirective = {
  name: 'interact-directive',
  hooks: {
    /** @param {{ addClientDirective: (d: { name: string, entrypoint: string }) => void }} options */
    'astro:config:setup': ({ addClientDirective }) =>
      addClientDirective({ name: 'interact', entrypoint: fileURLToPath(new URL('./src/components/site/interact-directive.ts', import.meta.url)) }),
  },
};

// BASE_PATH lets the site live under a project page, e.g. /webrtc-lab/.
const base = process.env.BASE_PATH ?? '/';

export default defineConfig({
  base,
  // Absolute URLs (canonical links, sitemaps) when the host is known, e.g. in the Pages workflow.
  ...(process.env.SITE_URL ? { site: process.env.SITE_URL } : {}),
  trailingSlash: 'always',
  integrations: [svelte(), mdx(), interactDirective, cspFirstIntegration],
  server: { host: '127.0.0.1' },
  markdown: {
    shikiConfig: {
      // Each token's colour inline as light-dark(light, dark), which follows the page's
      // color-scheme (global.css). The -default variants keep every token at AA contrast on --code-bg.
      themes: { light: 'github-light-default', dark: 'github-dark-default' },
      defaultColor: 'light-dark()',
      langs: [/** @type {any} */ (sdpGrammar)],
      wrap: false,
    },
  },
  // Content-Security-Policy as a <meta> in every page (so it holds on any static host and in
  // `astro preview`). Astro hashes its own inline scripts (hydration, theme) into script-src;
  // nothing else inline may run. connect-src: the page itself and MQTT/lobby WebSockets.
  // Inline styles stay allowed (mermaid's SVG and Svelte style: directives use them; they
  // cannot run code). README "Security" explains how a host adds the header-only directives.
  // cspFirstIntegration moves the <meta> to the top of <head>: Astro writes it last.
  security: {
    csp: {
      directives: [
        "default-src 'self'",
        "connect-src 'self' ws: wss:",
        "img-src 'self' data: blob:",
        // pagefind runs its search index in a worker from a blob: URL.
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'none'",
      ],
      scriptDirective: { resources: ["'self'", "'wasm-unsafe-eval'"], hashes: [/** @type {`sha256-${string}`} */ (themeScriptHash)] },
      styleDirective: {
        resources: [
          "'self'",
          { resource: "'self'", kind: 'element' },
          { resource: "'unsafe-inline'", kind: 'element' },
          { resource: "'unsafe-inline'", kind: 'attribute' },
        ],
      },
    },
  },
  // Shims for the lazily loaded in-page MQTT broker (aedes) and mqtt.js; client-only.
  vite: brokerViteConfig(),
});
