/**
 * Issue 14: reading candidate text is linear. parseCandidate refuses text over
 * MAX_CANDIDATE_TEXT, but candidateTokens (what the SDP table and the trace labels read) and
 * addressKind take any length; all are timed on 10 KB and 100 KB hostile lines.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileLines, scaling } from '../../../tests/support/linear-time';
import { addressKind } from './address';
import { candidateTokens, parseCandidate } from './candidate';

/** Everything the lab does with one candidate line. */
function read(line: string): void {
  parseCandidate(line);
  for (const t of candidateTokens(line).tokens.slice(0, 8)) addressKind(t);
}

const PREFIXES = ['', 'candidate:', 'a=candidate:', 'candidate:1 1 udp 2122260223 ', 'candidate:1 1 udp 2122260223 192.0.2.1 9 typ host ', 'candidate:1 1 udp 2 1.2.3.4 9 typ host raddr '];

describe('candidate text is read in linear time', () => {
  it('on 100 KB hostile lines', () => {
    const small = hostileLines(10_000);
    const big = hostileLines(100_000);
    const slow: string[] = [];
    for (const prefix of PREFIXES) {
      for (const name of Object.keys(big)) {
        const s = scaling(read, prefix + small[name], prefix + big[name], 10);
        if (!s.linear) slow.push(`${prefix}<${name}>: ${s.big.toFixed(1)} ms > ${s.budget.toFixed(1)} ms`);
      }
    }
    expect(slow).toEqual([]);
  });

  it('property: any line up to 100 KB is read, and costs about 10× its first tenth', () => {
    const unit = fc.string({ unit: fc.constantFrom('a', 'F', '0', '9', '-', '.', ':', ' ', '\t', 'x', 'typ', 'local', '{'), minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.constantFrom(...PREFIXES), unit, fc.integer({ min: 20_000, max: 100_000 }), (prefix, u, size) => {
        const line = prefix + u.repeat(Math.ceil(size / u.length)).slice(0, size);
        const cut = line.slice(0, prefix.length + size / 10);
        expect(parseCandidate(line)).toHaveProperty('error'); // over MAX_CANDIDATE_TEXT
        const s = scaling(read, cut, line, 10);
        expect(s.big, `${prefix}(${JSON.stringify(u)})×${size}`).toBeLessThan(s.budget);
      }),
      { numRuns: 40 },
    );
  });
});
