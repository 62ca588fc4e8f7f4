import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { count } from './count';

describe('count', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [1234, '1,234'],
    [65536, '65,536'],
    [1_048_576, '1,048,576'],
    [-42, '-42'],
    [1.5, '1.5'],
  ])('%d → %s', (n, text) => {
    expect(count(n)).toBe(text);
  });

  it('says what toLocaleString("en-US") says for any safe integer', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => count(n) === n.toLocaleString('en-US')), { numRuns: 2000 });
  });
});
