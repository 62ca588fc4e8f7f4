/**
 * Issue 14: the SDP explainer's text handling is linear. parseSdp, annotateSdp, problemsOf and
 * negotiate are timed on 10 KB and 100 KB hostile lines, behind every line type the table
 * knows; grouping by m= section is timed on 2,000 and 20,000 sections; the Explain box's cap
 * is checked at its edges. Timings compare a big input with a small one (never a fixed time).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileLines, scaling } from '../../../tests/support/linear-time';
import { annotateSdp, problemsOf } from './annotate';
import { MAX_EXPLAIN_BYTES, MAX_EXPLAIN_LINES, explainRefusal } from './explain-limits';
import { LINE_MEANINGS } from './lines';
import { negotiate } from './negotiation';
import { groupBySection, parseSdp } from './parse';

const HEAD = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n';
const OFFER = parseSdp(readFileSync(new URL('../../../tests/fixtures/sdp/chromium-datachannel-offer.sdp', import.meta.url), 'utf8'));

/** Everything the Explain box does with a text. */
function explain(text: string): void {
  const parsed = parseSdp(text);
  problemsOf(parsed, annotateSdp(parsed));
  negotiate(OFFER, parsed);
}

/** "a=rtpmap:", "c=" …: how each line the table knows begins, from its example. */
const PREFIXES = [...new Set([...LINE_MEANINGS.values()].map((e) => /^[a-z]=(?:[^:\s]+:)?/.exec(e.example)?.[0] ?? ''))];

describe('parseSdp, annotateSdp, problemsOf and negotiate are linear in a line', () => {
  const small = hostileLines(10_000);
  const big = hostileLines(100_000);

  it('on 100 KB hostile values behind every known line type', () => {
    expect(PREFIXES.length).toBeGreaterThan(30);
    const slow: string[] = [];
    for (const prefix of ['', ...PREFIXES]) {
      for (const name of Object.keys(big)) {
        const s = scaling(explain, `${HEAD}${prefix}${small[name]}\r\n`, `${HEAD}${prefix}${big[name]}\r\n`, 10);
        if (!s.linear) slow.push(`${prefix}<${name}>: ${s.big.toFixed(1)} ms > ${s.budget.toFixed(1)} ms`);
      }
    }
    expect(slow).toEqual([]);
  });

  it('the measure catches a quadratic regex (trailing blanks stripped with /\\s+$/)', () => {
    const old = (v: string) => v.replace(/\s+$/, '');
    expect(scaling(old, `a${' '.repeat(1000)}x`, `a${' '.repeat(16_000)}x`, 16, 10).linear).toBe(false);
  });

  it('property: any line up to 100 KB is explained, and costs about 10× its first tenth', () => {
    const unit = fc.string({ unit: fc.constantFrom('a', 'F', '0', '9', '-', '.', ':', '/', ' ', '\t', ';', '=', 'x', 'U', '*'), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.constantFrom(...PREFIXES), unit, fc.integer({ min: 20_000, max: 100_000 }), (prefix, u, size) => {
        const value = u.repeat(Math.ceil(size / u.length)).slice(0, size);
        const s = scaling(explain, `${HEAD}${prefix}${value.slice(0, size / 10)}`, `${HEAD}${prefix}${value}`, 10);
        expect(s.big, `${prefix}(${JSON.stringify(u)})×${size}`).toBeLessThan(s.budget);
      }),
      { numRuns: 40 },
    );
  });
});

describe('grouping lines by m= section (SdpView)', () => {
  const sdp = (sections: number) => HEAD + 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:x\r\n'.repeat(sections);

  it('gives each section its own lines, in order', () => {
    const parsed = parseSdp(readFileSync(new URL('../../../tests/fixtures/sdp/chromium-datachannel-offer.sdp', import.meta.url), 'utf8'));
    const lines = annotateSdp(parsed);
    const groups = groupBySection(parsed.sections, lines);
    expect(groups.map((g) => g.section)).toEqual(parsed.sections);
    for (const g of groups) expect(g.lines).toEqual(lines.filter((l) => l.section === g.section.index));
    expect(groups.flatMap((g) => g.lines)).toEqual(lines);
  });

  it('is linear: 20,000 m= sections cost about 10× 2,000', () => {
    const [a, b] = [parseSdp(sdp(2000)), parseSdp(sdp(20_000))];
    const [la, lb] = [annotateSdp(a), annotateSdp(b)];
    expect(b.sections).toHaveLength(20_002);
    const s = scaling(([p, l]: [typeof a, typeof la]) => groupBySection(p.sections, l), [a, la], [b, lb], 10);
    expect(s.big).toBeLessThan(s.budget);
  });

  it('parsing, annotating and negotiating 20,000 m= sections is linear too', () => {
    // Tens of thousands of objects per run: the garbage collector's share grows with the heap.
    const s = scaling(explain, sdp(2000), sdp(20_000), 10, 100, 4);
    expect(s.big).toBeLessThan(s.budget);
  });
});

describe('the Explain box cap (explain-limits.ts)', () => {
  it('takes a real SDP', () => {
    expect(explainRefusal(readFileSync(new URL('../../../tests/fixtures/sdp/chromium-datachannel-offer.sdp', import.meta.url), 'utf8'))).toBeNull();
    expect(explainRefusal('')).toBeNull();
  });

  it(`refuses over ${MAX_EXPLAIN_BYTES} bytes of UTF-8, with the size in the reason`, () => {
    expect(explainRefusal('a'.repeat(MAX_EXPLAIN_BYTES))).toBeNull();
    expect(explainRefusal('a'.repeat(MAX_EXPLAIN_BYTES + 1))).toMatch(/^Too long to explain: 262,145 bytes.*256 KB.*still in the box/);
    expect(explainRefusal('é'.repeat(MAX_EXPLAIN_BYTES / 2))).toBeNull(); // 2 bytes each
    expect(explainRefusal('é'.repeat(MAX_EXPLAIN_BYTES / 2) + 'a')).not.toBeNull();
    expect(explainRefusal('😀'.repeat(MAX_EXPLAIN_BYTES / 4) + 'a')).not.toBeNull(); // 4 bytes each
    expect(explainRefusal('😀'.repeat(MAX_EXPLAIN_BYTES / 4))).toBeNull();
    expect(explainRefusal('a=x\r\n'.repeat(240_000))).toMatch(/^Too long/); // 1.2 MB
  });

  it(`refuses over ${MAX_EXPLAIN_LINES} lines, counted as parseSdp counts them`, () => {
    for (const eol of ['\r\n', '\n', '\r']) {
      const fits = `a=x${eol}`.repeat(MAX_EXPLAIN_LINES);
      expect(parseSdp(fits).lines).toHaveLength(MAX_EXPLAIN_LINES);
      expect(explainRefusal(fits)).toBeNull();
      expect(explainRefusal(`${fits}a=x`)).toMatch(/^Too many lines to explain: 5,001.*5,000.*still in the box/);
    }
    expect(explainRefusal('\n'.repeat(MAX_EXPLAIN_LINES + 1))).not.toBeNull();
  });

  it('decides 1.2 MB in about the time of reading it once', () => {
    const text = 'a=x\n'.repeat(300_000);
    const s = scaling(explainRefusal, text.slice(0, text.length / 10), text, 10);
    expect(s.big).toBeLessThan(s.budget);
  });
});
