import { describe, expect, it } from 'vitest';
import mqttPacket from 'mqtt-packet';
import { annotatePacket, summarizePacket } from '../mqtt/annotate';
import { MAX_PACKET_HEX_BYTES, PACKET_HEAD_BYTES, packetEvent, packetsOf, stablePacketsOf } from './packets';
import type { TraceEvent } from './types';

function publish(payloadBytes: number): Uint8Array {
  return new Uint8Array(mqttPacket.generate({ cmd: 'publish', topic: 'webrtc-lab/x/bob/signal', payload: Buffer.alloc(payloadBytes, 0x61), qos: 1, messageId: 7, retain: false, dup: false }));
}

describe('packet events', () => {
  it('round-trip a packet byte for byte, with its size', () => {
    const bytes = publish(500);
    const event = { ...packetEvent('alice', { direction: 'out', type: 'PUBLISH', bytes, at: 0 }), i: 0, at: 12 } as TraceEvent;
    const [p] = packetsOf([event], 'alice');
    expect(Array.from(p!.bytes)).toEqual(Array.from(bytes));
    expect(p).toMatchObject({ size: bytes.length, truncated: false, type: 'PUBLISH', direction: 'out', at: 12 });
  });

  it.each([
    ['a budget', PACKET_HEAD_BYTES],
    ['the per-packet cap', MAX_PACKET_HEX_BYTES + 10],
  ])('keep only the head past %s, and the head still reads as a PUBLISH cut short', (_what, keep) => {
    const bytes = publish(MAX_PACKET_HEX_BYTES + 100);
    const event = { ...packetEvent('bob', { direction: 'in', type: 'PUBLISH', bytes, at: 0 }, keep), i: 0, at: 0 } as TraceEvent;
    const [p] = packetsOf([event], 'bob');
    expect(p!.truncated).toBe(true);
    expect(p!.size).toBe(bytes.length);
    expect(p!.bytes.length).toBe(Math.min(keep, MAX_PACKET_HEX_BYTES));
    // The inspector explains what it has and says the rest is missing; it never throws.
    expect(summarizePacket(p!.bytes)).toMatch(/^PUBLISH .*incomplete/);
    expect(() => annotatePacket(p!.bytes)).not.toThrow();
  });
});

describe('stablePacketsOf', () => {
  const pkt = (peer: string, n: number) => packetEvent(peer, { direction: 'out', type: 'PINGREQ', bytes: new Uint8Array([0xc0, 0, n]), at: 0 });
  it('equals packetsOf on every prefix of a growing trace, and keeps its array while nothing of its peer is added', () => {
    const bodies = [pkt('alice', 1), { type: 'api', peer: 'alice', call: 'x', ok: true } as const, pkt('bob', 2), pkt('alice', 3), { type: 'api', peer: 'bob', call: 'y', ok: true } as const];
    const events = bodies.map((b, i) => ({ ...b, i, at: i }) as TraceEvent);
    const view = stablePacketsOf('alice');
    let last: unknown = null;
    for (let n = 0; n <= events.length; n++) {
      const prefix = events.slice(0, n);
      const got = view(prefix);
      expect(got).toEqual(packetsOf(prefix, 'alice'));
      const addedAlice = n > 0 && events[n - 1]!.type === 'packet' && (events[n - 1] as { peer: string }).peer === 'alice';
      if (n > 0 && !addedAlice) expect(got).toBe(last);
      last = got;
    }
    // Another trace (a reset): read again from the start.
    const other = [{ ...pkt('alice', 9), i: 0, at: 0 } as TraceEvent];
    expect(view(other)).toEqual(packetsOf(other, 'alice'));
  });
});
