import { describe, expect, it } from 'vitest';
import { cspFirst } from './csp-first.mjs';

const CSP = `<meta http-equiv="content-security-policy" content="default-src 'self'; script-src 'self' 'sha256-abc='">`;

describe('cspFirst', () => {
  it('moves the CSP meta Astro writes before </head> to right after <meta charset>, ahead of the inline theme script', () => {
    const page = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><script>(() => {})()</script><title>t</title>${CSP}<link rel="stylesheet" href="/a.css"></head><body></body></html>`;
    const out = cspFirst(page);
    expect(out).toBe(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">${CSP}<meta name="viewport" content="width=device-width"><script>(() => {})()</script><title>t</title><link rel="stylesheet" href="/a.css"></head><body></body></html>`);
    expect(cspFirst(out)).toBe(out);
  });

  it('puts it first in <head> when there is no <meta charset>, and leaves a page without a CSP alone', () => {
    expect(cspFirst(`<html><head><script>x</script>${CSP}</head></html>`)).toBe(`<html><head>${CSP}<script>x</script></head></html>`);
    const plain = '<html><head><script>x</script></head></html>';
    expect(cspFirst(plain)).toBe(plain);
  });
});
