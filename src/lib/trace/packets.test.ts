import { describe, expect, it } from 'vitest';
import mqttPacket from 'mqtt-packet';
import { annotatePacket, summarizePacket } from '../mqtt/annotate';
import { keptNote, packetEvent, packetKeeps, packetsOf, publishPacketOf, stablePacketsOf } from './packets';
import { KEEP } from '../signalling/keep-limits';
import { MAX_PAYLOAD_BYTES } from '../signalling/types';
import { readPublish } from '../mqtt/handshake';
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
    ['a budget', KEEP.packetHeadBytes],
    ['the per-packet cap', KEEP.packetBytes + 10],
  ])('keep only the head past %s, and the head still reads as a PUBLISH cut short', (_what, keep) => {
    const bytes = publish(KEEP.packetBytes + 100);
    const event = { ...packetEvent('bob', { direction: 'in', type: 'PUBLISH', bytes, at: 0 }, keep), i: 0, at: 0 } as TraceEvent;
    const [p] = packetsOf([event], 'bob');
    expect(p!.truncated).toBe(true);
    expect(p!.size).toBe(bytes.length);
    expect(p!.bytes.length).toBe(Math.min(keep, packetKeeps(bytes)));
    // The inspector explains what it has and says the rest is missing; it never throws.
    expect(summarizePacket(p!.bytes)).toMatch(/^PUBLISH .*incomplete/);
    expect(() => annotatePacket(p!.bytes)).not.toThrow();
  });
});

describe('what a packet keeps', () => {
  it.each([
    ['a small signal', 500, 500],
    ['the largest signal', MAX_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES],
    ['one byte over the signal limit', MAX_PAYLOAD_BYTES + 1, KEEP.oversizePayloadBytes],
    ['10 MB of junk', 10 * 1024 * 1024, KEEP.oversizePayloadBytes],
  ])('a PUBLISH carrying %s keeps its header and %s→%s payload bytes', (_what, payload, kept) => {
    const bytes = publish(payload);
    // Fixed header (its remaining length grows with the packet, §2.2.3), topic, packet id.
    const header = bytes.length - payload;
    const event = packetEvent('bob', { direction: 'in', type: 'PUBLISH', bytes, at: 0 });
    expect(event.hex.length / 2).toBe(header + kept);
    expect(event.size).toBe(bytes.length);
    // Still names its topic and packet id, read as the start of a longer packet.
    const p = packetsOf([{ ...event, i: 0, at: 0 } as TraceEvent], 'bob')[0]!;
    expect(p.truncated).toBe(kept < payload);
    expect(readPublish(p.bytes, true)).toMatchObject({ topic: 'webrtc-lab/x/bob/signal', packetId: 7 });
    if (p.truncated) expect(keptNote(p.bytes.length, p.size)).toBe(`kept the first ${(header + kept).toLocaleString('en-US')} of ${bytes.length.toLocaleString('en-US')} bytes`);
  });

  it('keeps any packet whole up to the cap, and a packet that is no PUBLISH to the cap only', () => {
    const connack = new Uint8Array(mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: false }));
    expect(packetKeeps(connack)).toBe(connack.length);
    const junk = new Uint8Array(KEEP.packetBytes * 2);
    expect(packetKeeps(junk)).toBe(KEEP.packetBytes);
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

describe('publishPacketOf', () => {
  const TOPIC = 'webrtc-lab/x/bob/signal';
  const wire = (payload: string, o: { id?: number; dup?: boolean; topic?: string } = {}) =>
    new Uint8Array(mqttPacket.generate({ cmd: 'publish', topic: o.topic ?? TOPIC, payload: Buffer.from(payload), qos: 1, messageId: o.id ?? 1, retain: false, dup: o.dup ?? false }));
  const published = (peer: string, payload: string) =>
    ({ type: 'published', peer, mid: 'm', kind: 'offer', topic: TOPIC, payload, bytes: payload.length, qos: 1, retain: false }) as const;
  const out = (peer: string, bytes: Uint8Array, direction: 'out' | 'in' = 'out') => packetEvent(peer, { direction, type: 'PUBLISH', bytes, at: 0 });
  const trace = (...bodies: object[]) => bodies.map((b, i) => ({ ...b, i, at: i }) as TraceEvent);
  const payloadOf = (p: { bytes: Uint8Array } | null) => (p ? new TextDecoder().decode(readPublish(p.bytes)!.payload) : null);

  it("finds the sender's own outgoing PUBLISH of that payload, not the other client's or the broker's copy", () => {
    const events = trace(
      published('alice', '{"mid":"a1"}'),
      out('bob', wire('{"mid":"a1"}', { id: 9 }), 'in'),
      out('bob', wire('{"mid":"a1"}', { id: 4 })),
      out('alice', wire('{"mid":"a2"}', { id: 2 })),
      out('alice', wire('{"mid":"a1"}', { id: 3 })),
    );
    const p = publishPacketOf(events, 0);
    expect(p?.i).toBe(4);
    expect(p?.direction).toBe('out');
    expect(readPublish(p!.bytes)?.packetId).toBe(3);
  });

  it('pairs the n-th publish of the same text with the n-th packet, even when the packet comes before the event', () => {
    const events = trace(
      published('alice', 'same'),
      out('alice', wire('same', { id: 1 })),
      out('alice', wire('same', { id: 1, dup: true })),
      published('alice', 'same'),
      out('alice', wire('same', { id: 2 })),
    );
    expect(publishPacketOf(events, 0)?.i).toBe(1);
    // The DUP retransmission is not what the sender first wrote.
    expect(publishPacketOf(events, 3)?.i).toBe(4);
    expect(payloadOf(publishPacketOf(events, 3))).toBe('same');
  });

  it('is null for other events, for another topic, and before the packet is in the trace', () => {
    const events = trace(published('alice', 'x'), out('alice', wire('x', { topic: 'other' })), { type: 'api', peer: 'alice', call: 'c', ok: true });
    expect(publishPacketOf(events, 0)).toBeNull();
    expect(publishPacketOf(events, 1)).toBeNull();
    expect(publishPacketOf(events, 2)).toBeNull();
    expect(publishPacketOf(events, 99)).toBeNull();
    expect(publishPacketOf(trace(published('alice', 'x')), 0)).toBeNull();
  });

  it('a packet cut short by the byte budget has lost its payload, so nothing matches', () => {
    const long = 'y'.repeat(KEEP.packetHeadBytes * 2);
    const events = trace(published('alice', long), packetEvent('alice', { direction: 'out', type: 'PUBLISH', bytes: wire(long), at: 0 }, KEEP.packetHeadBytes));
    expect(publishPacketOf(events, 0)).toBeNull();
  });
});
