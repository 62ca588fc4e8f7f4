/**
 * Issue 14: no pattern of the SDP grammar may be superlinear. A line of an imported trace or a
 * pasted SDP is untrusted, and shiki tokenises it on the main thread. Every match/begin/end
 * pattern is compiled the way each engine compiles it (the JavaScript engine in the browser,
 * highlight.ts; Oniguruma at build time, astro.config.mjs) and timed on 10 KB and 100 KB
 * hostile lines: the big one may cost ~10× the small one, not ~100×.
 */
import fc from 'fast-check';
import { defaultJavaScriptRegexConstructor } from 'shiki/engine/javascript';
import { createOnigurumaEngine } from 'shiki/engine/oniguruma';
import { describe, expect, it } from 'vitest';
import { hostileLines, scaling } from '../../../tests/support/linear-time';
import grammar from './sdp.tmLanguage.json';
import { highlight } from './highlight';

/** Every regex in the grammar (match, begin, end), wherever it is nested. */
function patternsOf(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) patternsOf(n, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'match' || key === 'begin' || key === 'end') && typeof value === 'string') out.push(value);
      else patternsOf(value, out);
    }
  }
  return out;
}

const PATTERNS = patternsOf(grammar);
const SMALL = hostileLines(10_000);
const BIG = hostileLines(100_000);

/** One search from the start of the line, as the tokenizer's scanner does it. */
function jsSearch(pattern: string): (line: string) => unknown {
  const re = defaultJavaScriptRegexConstructor(pattern);
  return (line) => {
    re.lastIndex = 0;
    return re.exec(line);
  };
}

describe('SDP grammar (sdp.tmLanguage.json) runs in linear time', () => {
  it('has the patterns this test is about', () => {
    expect(PATTERNS.length).toBeGreaterThanOrEqual(15);
    expect(PATTERNS.some((p) => p.includes('\\.local'))).toBe(true);
  });

  it('every pattern, compiled by the JavaScript engine the browser uses', () => {
    const slow: string[] = [];
    for (const pattern of PATTERNS) {
      const search = jsSearch(pattern);
      for (const name of Object.keys(BIG)) {
        const s = scaling(search, SMALL[name], BIG[name], 10);
        if (!s.linear) slow.push(`${pattern} on "${name}": ${s.big.toFixed(1)} ms > ${s.budget.toFixed(1)} ms`);
      }
    }
    expect(slow).toEqual([]);
  });

  it('every pattern, compiled by Oniguruma (the build)', async () => {
    const engine = await createOnigurumaEngine(import('shiki/wasm'));
    const slow: string[] = [];
    for (const pattern of PATTERNS) {
      const scanner = engine.createScanner([pattern]);
      // A new string each time: the scanner caches a search per string.
      const search = (line: string) => scanner.findNextMatchSync(engine.createString(line), 0, 0);
      for (const name of Object.keys(BIG)) {
        const s = scaling(search, SMALL[name], BIG[name], 10);
        if (!s.linear) slow.push(`${pattern} on "${name}": ${s.big.toFixed(1)} ms > ${s.budget.toFixed(1)} ms`);
      }
    }
    expect(slow).toEqual([]);
  });

  it('the measure catches the old mDNS pattern (quadratic on a run of hex and -)', () => {
    const old = jsSearch('\\b[0-9A-Fa-f-]+\\.local\\b');
    // Smaller sizes than above: quadratic at 100 KB takes ~20 s.
    const s = scaling(old, 'a-'.repeat(500), 'a-'.repeat(8000), 16, 10);
    expect(s.linear).toBe(false);
  });

  it('the whole highlighter on 100 KB candidate lines costs ~10× the 10 KB ones', async () => {
    await highlight('v=0', 'sdp'); // load the highlighter first
    const timings: Array<[number, number]> = [];
    for (const name of ['candidate of hex and -', 'hex and -', 'mDNS without .local']) {
      for (const line of [SMALL[name], BIG[name]]) {
        let best = Infinity;
        for (let i = 0; i < 2; i++) {
          const t = performance.now();
          await highlight(line, 'sdp');
          best = Math.min(best, performance.now() - t);
        }
        timings.push([line.length, best]);
      }
    }
    for (let i = 0; i < timings.length; i += 2) expect(timings[i + 1][1]).toBeLessThan(20 * timings[i][1] + 100);
  });
});

describe('the mDNS pattern matches what the old one did', () => {
  const OLD = /\b[0-9A-Fa-f-]+\.local\b/g;
  const NEW = defaultJavaScriptRegexConstructor(PATTERNS.find((p) => p.includes('\\.local'))!);
  const matches = (re: RegExp, text: string, group: number) =>
    [...text.matchAll(re)].map((m) => [m.index + m[0].indexOf(m[group]), m[group]] as const);

  it('on real candidate addresses, and shiki colours the whole name as one token', async () => {
    const line = 'a=candidate:1 1 udp 2122260223 1f4712db-ea17-4bcf-a596-105139dfd8bf.local 54321 typ host';
    expect(matches(NEW, line, 1)).toEqual([[31, '1f4712db-ea17-4bcf-a596-105139dfd8bf.local']]);
    expect(await highlight(line, 'sdp')).toMatch(/<span style="color:light-dark\(#[0-9A-Fa-f]+[^"]*"> ?1f4712db-ea17-4bcf-a596-105139dfd8bf\.local<\/span>/);
  });

  it('on random text of hex, dashes, dots, letters and "local" (same names at the same places)', () => {
    const piece = fc.constantFrom('a', 'F', '0', '9', '-', '--', '.', '.local', 'local', 'x', '_', ' ', ':', 'é', 'G');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }).map((a) => a.join('')), (text) => {
        expect(matches(NEW, text, 1)).toEqual(matches(OLD, text, 0));
      }),
      { numRuns: 3000 },
    );
  });
});
