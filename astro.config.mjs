// @ts-check
import { defineConfig } from 'astro/config';
import svelte from '@astrojs/svelte';
import mdx from '@astrojs/mdx';
import sdpGrammar from './src/lib/sdp/sdp.tmLanguage.json' with { type: 'json' };
import { brokerViteConfig } from './src/lib/broker/vite-shims.mjs';

// BASE_PATH lets the site live under a project page, e.g. /webrtc-lab/.
const base = process.env.BASE_PATH ?? '/';

export default defineConfig({
  base,
  // Absolute URLs (canonical links, sitemaps) when the host is known, e.g. in the Pages workflow.
  ...(process.env.SITE_URL ? { site: process.env.SITE_URL } : {}),
  trailingSlash: 'always',
  integrations: [svelte(), mdx()],
  server: { host: '127.0.0.1' },
  markdown: {
    shikiConfig: {
      // Light colours inline; global.css swaps in --shiki-dark under prefers-color-scheme: dark.
      // The -default variants keep every token at AA contrast on --code-bg.
      themes: { light: 'github-light-default', dark: 'github-dark-default' },
      langs: [/** @type {any} */ (sdpGrammar)],
      wrap: false,
    },
  },
  // Shims for the lazily loaded in-page MQTT broker (aedes) and mqtt.js; client-only.
  vite: brokerViteConfig(),
});
