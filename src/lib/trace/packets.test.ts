import { describe, expect, it } from 'vitest';
import mqttPacket from 'mqtt-packet';
import { annotatePacket, summarizePacket } from '../mqtt/annotate';
import { MAX_PACKET_HEX_BYTES, PACKET_HEAD_BYTES, packetEvent, packetsOf } from './packets';
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
