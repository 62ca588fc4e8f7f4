// @ts-check
import { defineConfig } from 'astro/config';
import svelte from '@astrojs/svelte';
import mdx from '@astrojs/mdx';

// BASE_PATH lets the site live under a project page, e.g. /webrtc-lab/.
const base = process.env.BASE_PATH ?? '/';

export default defineConfig({
  base,
  trailingSlash: 'always',
  integrations: [svelte(), mdx()],
  server: { host: '127.0.0.1' },
  vite: {},
});
