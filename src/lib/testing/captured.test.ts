import { describe, expect, it } from 'vitest';
import { readCaptured, recordById, withBytes } from './captured';

describe('captured fixtures', () => {
  it('reads a capture and adds each record’s bytes', () => {
    const raw = readCaptured<{ messages: { id: string; hex: string }[] }>('stun', 'coturn');
    const records = withBytes(raw.messages);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) expect(Buffer.from(r.bytes).toString('hex')).toBe(r.hex.replace(/\s/g, '').toLowerCase());
  });

  it('finds a record by id, or names the file and the id', () => {
    const records = [{ id: 'a' }, { id: 'b' }];
    expect(recordById(records, 'f', 'b', 'packet')).toBe(records[1]);
    expect(() => recordById(records, 'mosquitto-session', 'c', 'packet')).toThrow('mosquitto-session has no packet c');
  });
});
