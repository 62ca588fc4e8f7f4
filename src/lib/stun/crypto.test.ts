import { createHash, createHmac } from 'node:crypto';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32';
import { hmacSha1, sha1 } from './sha1';
import { bytesToHex, hexToBytes } from '../bytes/hex';
import { utf8Bytes } from './bytes';

describe('crc32 (FINGERPRINT) and HMAC-SHA1 (MESSAGE-INTEGRITY)', () => {
  it.each([
    ['', '00000000'],
    ['a', 'e8b7be43'],
    ['123456789', 'cbf43926'],
  ])('crc32(%j) = %s', (s, want) => {
    expect(crc32(utf8Bytes(s)).toString(16).padStart(8, '0')).toBe(want);
  });

  it.each([
    ['', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
  ])('sha1(%j)', (s, want) => {
    expect(bytesToHex(sha1(utf8Bytes(s)), '')).toBe(want);
  });

  it('agree with node:zlib and node:crypto on any input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 100 }), (data, key) => {
        expect(crc32(data)).toBe(zlib.crc32(data));
        expect(bytesToHex(sha1(data), '')).toBe(createHash('sha1').update(data).digest('hex'));
        expect(bytesToHex(hmacSha1(key, data), '')).toBe(createHmac('sha1', key).update(data).digest('hex'));
      }),
    );
  });

  it('hex round-trips', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(Array.from(hexToBytes(bytesToHex(b)))).toEqual(Array.from(b));
      }));
  });
});
