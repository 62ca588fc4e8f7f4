import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDepthOver } from './json-depth';

/** Reference: the depth of a parsed value. */
function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (typeof v === 'object' && v !== null) return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

describe('jsonDepthOver', () => {
  it.each<[string, string, number, boolean]>([
    ['a flat object', '{"a":1,"b":"x"}', 1, false],
    ['a number', '42', 0, false],
    ['one level too deep', '{"a":[1]}', 1, true],
    ['brackets inside strings do not count', '{"a":"[[[{{{"}', 1, false],
    ['an escaped quote does not end the string', '{"a":"\\"[[["}', 1, false],
    ['an escaped backslash does end it', '{"a":"\\\\","b":[[1]]}', 2, true],
    ['unbalanced text is still scanned', '[[[[', 3, true],
    ['100 000 nested arrays', '['.repeat(100_000) + ']'.repeat(100_000), 8, true],
  ])('%s', (_name, text, limit, over) => {
    expect(jsonDepthOver(text, limit)).toBe(over);
  });

  it('agrees with the depth of the parsed value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 7 }), (v, limit) => {
        expect(jsonDepthOver(JSON.stringify(v), limit)).toBe(depthOf(v) > limit);
      }),
    );
  });
});
