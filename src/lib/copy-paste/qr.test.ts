import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { copyText } from './paste';
import { makeQr, QR_MAX_BYTES } from './qr';
import { QUIET_ZONE } from './qr-path';

const offer = readFileSync(new URL('../../../tests/fixtures/sdp/chromium-datachannel-offer.sdp', import.meta.url), 'utf8');

describe('makeQr', () => {
  it('draws a real data-channel offer (what the copy button carries)', async () => {
    const text = copyText({ type: 'offer', sdp: offer });
    const qr = await makeQr(text);
    expect(qr.ok).toBe(true);
    if (!qr.ok) return;
    expect(qr.bytes).toBe(new TextEncoder().encode(text).length);
    expect(qr.version).toBeGreaterThan(10);
    expect(qr.version).toBeLessThanOrEqual(40);
    // Version v is 17 + 4v modules wide (ISO/IEC 18004 §6.1), plus the quiet zone both sides.
    expect(qr.size).toBe(17 + 4 * qr.version + 2 * QUIET_ZONE);
    expect(qr.path).toMatch(/^M\d+ \d+h\d+v1h-\d+z/);
  });

  it.each([
    ['one byte', 'x', 1],
    ['exactly the limit', 'x'.repeat(QR_MAX_BYTES), 40],
  ])('fits %s', async (_name, text, version) => {
    const qr = await makeQr(text);
    expect(qr).toMatchObject({ ok: true, version });
  });

  it('says when the text is too large, without loading the encoder', async () => {
    let loaded = false;
    const qr = await makeQr('é'.repeat(1500), async () => {
      loaded = true;
      return import('uqr');
    });
    expect(qr).toMatchObject({ ok: false, bytes: 3000 });
    if (!qr.ok) expect(qr.reason).toContain('more than a QR code can hold');
    expect(loaded).toBe(false);
  });

  it('reports an encoder failure instead of throwing', async () => {
    const qr = await makeQr('x', async () => ({
      encode: () => {
        throw new RangeError('Data too long');
      },
    }));
    expect(qr).toEqual({ ok: false, bytes: 1, reason: 'Data too long' });
  });
});
