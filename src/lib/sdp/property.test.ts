/**
 * Property test (issue 3): at least 10,000 random and mutated inputs, and parseSdp, annotateSdp,
 * problemsOf and negotiate never throw and keep their basic promises.
 */
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annotateSdp, problemsOf } from './annotate';
import { LINE_MEANINGS } from './lines';
import { negotiate } from './negotiation';
import { parseSdp } from './parse';

const DIR = new URL('../../../tests/fixtures/sdp/', import.meta.url);
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.sdp'))
  .sort()
  .map((f) => readFileSync(new URL(f, DIR), 'utf8'));
const FIXTURE_LINES = [...new Set(FIXTURES.flatMap((t) => t.split(/\r\n|\n/)).filter(Boolean))];
const EXAMPLES = [...LINE_MEANINGS.values()].map((e) => e.example);
// Small fixtures (data channel, Firefox) are mutated more often, to keep the run short.
const SMALL = FIXTURES.filter((t) => t.split('\n').length < 50);
const OFFER = parseSdp(FIXTURES.find((t) => t.includes('a=setup:actpass'))!);
const ANSWER = parseSdp(FIXTURES.find((t) => t.includes('a=setup:active'))!);

/** Everything the UI does with a pasted SDP (and a pasted pair). */
function exercise(text: string): void {
  const parsed = parseSdp(text);
  const lines = annotateSdp(parsed);
  const problems = problemsOf(parsed, lines);
  const n1 = negotiate(OFFER, parsed);
  const n2 = negotiate(parsed, ANSWER);

  // Basic promises: every line kept and numbered, problems are text, items have outcomes.
  expect(lines.length).toBe(parsed.lines.length);
  lines.forEach((l, i) => {
    expect(l.n).toBe(i + 1);
    expect(typeof l.meaning).toBe('string');
    if (l.recognised) expect(l.ref).not.toBe('');
    else expect(l.meaning).toBe('not recognised');
  });
  for (const p of problems) expect(typeof p.message).toBe('string');
  for (const item of [...n1.items, ...n2.items]) expect(typeof item.outcome).toBe('string');
}

const eol = fc.constantFrom('\r\n', '\n', '\r', '\r\n\r\n', '');
const junk = fc.string({ unit: 'binary', maxLength: 12 });

type Mutation =
  | { kind: 'delete' | 'duplicate'; at: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'insert' | 'replace'; at: number; text: string }
  | { kind: 'truncate'; at: number; keep: number }
  | { kind: 'cut'; keep: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete' as const, 'duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constantFrom('insert' as const, 'replace' as const), at: fc.nat(), text: fc.oneof(junk, fc.constantFrom(...EXAMPLES), fc.constantFrom(...FIXTURE_LINES)) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), keep: fc.nat({ max: 80 }) }),
  fc.record({ kind: fc.constant('cut' as const), keep: fc.nat() }),
);

function mutate(text: string, mutations: Mutation[], ending: string): string {
  let lines = text.split(/\r\n|\n/);
  for (const m of mutations) {
    if (lines.length === 0) lines = [''];
    const i = 'at' in m ? m.at % lines.length : 0;
    switch (m.kind) {
      case 'delete':
        lines.splice(i, 1);
        break;
      case 'duplicate':
        lines.splice(i, 0, lines[i]);
        break;
      case 'swap': {
        const j = m.with % lines.length;
        [lines[i], lines[j]] = [lines[j], lines[i]];
        break;
      }
      case 'insert':
        lines.splice(i, 0, m.text);
        break;
      case 'replace': {
        // junk inside a line: after its type letter, or in the middle of its value
        const pos = Math.min(lines[i].length, 2 + (m.text.length % Math.max(1, lines[i].length)));
        lines[i] = lines[i].slice(0, pos) + m.text + lines[i].slice(pos);
        break;
      }
      case 'truncate':
        lines[i] = lines[i].slice(0, m.keep);
        break;
      case 'cut':
        lines = lines.slice(0, m.keep % (lines.length + 1));
        break;
    }
  }
  return lines.join(ending);
}

describe('never throws', () => {
  it('on random unicode strings (3,000)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => exercise(s)),
      { numRuns: 3000 },
    );
  });

  it('on random sequences of real and junk lines (3,000)', () => {
    const line = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...EXAMPLES, ...FIXTURE_LINES) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...'vosiuepcbtrzkamxV '), fc.constantFrom('=', ':', ''), junk).map(([t, e, v]) => t + e + v) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...EXAMPLES), fc.nat({ max: 60 })).map(([l, k]) => l.slice(0, k)) },
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), eol, (lines, ending) => exercise(lines.join(ending))),
      { numRuns: 3000 },
    );
  });

  it('on mutated real fixtures (4,000)', () => {
    const pick = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SMALL) }, { weight: 1, arbitrary: fc.constantFrom(...FIXTURES) });
    fc.assert(
      fc.property(pick, fc.array(mutation, { minLength: 1, maxLength: 6 }), eol, (text, mutations, ending) => exercise(mutate(text, mutations, ending))),
      { numRuns: 4000 },
    );
  });
});
