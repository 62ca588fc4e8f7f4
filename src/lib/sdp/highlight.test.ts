import { describe, expect, it } from 'vitest';
import { highlight } from './highlight';

const SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host generation 0',
].join('\n');

/** [text, light colour] for every coloured token span (Shiki folds leading spaces into tokens). */
function tokens(html: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const m of html.matchAll(/<span style="color:(?:light-dark\()?(#[0-9A-Fa-f]{3,8})[^"]*">([^<]*)<\/span>/g)) {
    out.push([m[2].trim(), m[1].toLowerCase()]);
  }
  return out;
}

function colourOf(html: string, text: string): string | undefined {
  return tokens(html).find(([t]) => t === text)?.[1];
}

describe('highlight', () => {
  it('escapes markup in SDP input', async () => {
    const html = await highlight('a=tool:<img src=x onerror=alert(1)>\ns=-', 'sdp');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#x3C;img');
  });

  it('escapes markup in JSON input', async () => {
    const html = await highlight('{"sdp":"<img src=x onerror=alert(1)>"}', 'json');
    expect(html).not.toContain('<img');
    expect(html).toMatch(/&#x3C;img|&lt;img/);
  });

  it('gives SDP tokens distinct colours', async () => {
    const html = await highlight(SDP, 'sdp');
    expect(html).toContain('class="shiki');
    const lineType = colourOf(html, 'a');
    const attribute = colourOf(html, 'candidate');
    const ip = colourOf(html, '192.168.1.20');
    const number = colourOf(html, '2122260223');
    const type = colourOf(html, 'host');
    const hash = colourOf(html, 'sha-256');
    const fingerprint = colourOf(html, '7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08');
    for (const c of [lineType, attribute, ip, number, type, hash, fingerprint]) expect(c).toBeDefined();
    expect(new Set([lineType, attribute, ip, number, type]).size).toBe(5);
    expect(fingerprint).not.toBe(hash);
    // each colour is light-dark(light, dark), which follows the page's color-scheme
    expect(html).toMatch(/color:light-dark\(#[0-9a-f]{6}, #[0-9a-f]{6}\)/i);
    expect(html).toContain('--shiki-dark:');
  });

  it('highlights JSON and reuses the cached highlighter', async () => {
    const [a, b] = await Promise.all([highlight('{"kind":"offer"}', 'json'), highlight('{"v":1}', 'json')]);
    expect(tokens(a).length).toBeGreaterThan(1);
    expect(tokens(b).length).toBeGreaterThan(1);
  });
});
