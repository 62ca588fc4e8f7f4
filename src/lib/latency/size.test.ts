import { describe, expect, it } from 'vitest';
import { parseSize } from './size';

describe('parseSize', () => {
  it.each([
    ['2048', 2048],
    ['2048 B', 2048],
    ['50 KB', 51200],
    ['50kb', 51200],
    ['1.5 KiB', 1536],
    ['0.2 MB', 209715],
    [' 64 ', 64],
    ['256 KB', 262144],
  ])('%s → %i bytes', (text, bytes) => {
    expect(parseSize(text)).toEqual({ ok: true, bytes });
  });

  it.each([['', /like 2048/], ['abc', /like 2048/], ['10 parsecs', /like 2048/], ['-5', /like 2048/], ['10', /At least 64/], ['257 KB', /At most 256 KB/], ['1e3', /like 2048/]])(
    'refuses %j',
    (text, reason) => {
      const r = parseSize(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    },
  );
});
