import { encode } from 'uqr';
import { describe, expect, it } from 'vitest';
import { qrPath, qrViewSize } from './qr-path';

describe('qrPath', () => {
  it.each([
    ['empty', [[false, false]], ''],
    ['one module', [[true]], 'M4 4h1v1h-1z'],
    ['a run becomes one rectangle', [[true, true, false, true]], 'M4 4h2v1h-2zM7 4h1v1h-1z'],
    ['rows stack', [[true], [true]], 'M4 4h1v1h-1zM4 5h1v1h-1z'],
  ])('%s', (_name, modules, d) => {
    expect(qrPath(modules)).toBe(d);
  });

  it('covers exactly the dark modules of a real code', () => {
    const { data } = encode('v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n');
    const dark = data.flat().filter(Boolean).length;
    const area = [...qrPath(data, 0).matchAll(/h(\d+)v1/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(area).toBe(dark);
    expect(qrViewSize(data)).toBe(data.length + 8);
  });
});
