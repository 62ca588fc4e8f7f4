import { setFlagsFromString, getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from './hex';

describe('bytesToHex', () => {
  it.each([
    [[], ' ', ''],
    [[0x10, 0xc4, 0x01], ' ', '10 c4 01'],
    [[0x10, 0xc4, 0x01], '', '10c401'],
    [[0x00, 0xff], ':', '00:ff'],
  ])('%j with %j → %j', (bytes, sep, hex) => {
    expect(bytesToHex(new Uint8Array(bytes), sep)).toBe(hex);
    expect([...hexToBytes(hex)]).toEqual(bytes);
  });

  it('keeps a packet of hex in about two bytes of heap per byte, not a rope of one node per byte', () => {
    // The trace keeps up to 4 MiB of packet bytes per client as hex it never reads.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const packet = new Uint8Array(64 * 1024).map((_, i) => (i * 7919) & 0xff);
    gc();
    const before = getHeapStatistics().used_heap_size;
    const kept = Array.from({ length: 64 }, () => bytesToHex(packet, ''));
    gc();
    const grown = getHeapStatistics().used_heap_size - before;
    expect(kept.every((h) => h.length === 2 * packet.length)).toBe(true);
    // 64 × 128 KiB of one-byte characters is 8 MiB; a rope of `+=` pieces took about ten times that.
    expect(grown).toBeLessThan(16 * 1024 * 1024);
  });
});
