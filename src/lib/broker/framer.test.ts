import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generate, type Packet } from 'mqtt-packet';
import {
  MalformedPacketError,
  MqttFramer,
  PacketSizeGuard,
  decodeRemainingLength,
  encodeRemainingLength,
  packetTypeName,
} from './framer';

const u8 = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A packet of `len` remaining bytes with a recognisable body. */
function fakePacket(header: number, len: number): Uint8Array {
  const lenBytes = encodeRemainingLength(len);
  const out = new Uint8Array(1 + lenBytes.length + len);
  out[0] = header;
  out.set(lenBytes, 1);
  for (let i = 0; i < len; i++) out[1 + lenBytes.length + i] = i & 0xff;
  return out;
}

describe('remaining length (MQTT 3.1.1 §2.2.3)', () => {
  // The boundary values from the spec's table 2.4.
  const cases: Array<[number, number[]]> = [
    [0, [0x00]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [16_383, [0xff, 0x7f]],
    [16_384, [0x80, 0x80, 0x01]],
    [2_097_151, [0xff, 0xff, 0x7f]],
    [2_097_152, [0x80, 0x80, 0x80, 0x01]],
    [268_435_455, [0xff, 0xff, 0xff, 0x7f]],
  ];
  it.each(cases)('%i encodes as %j and decodes back', (value, bytes) => {
    expect([...encodeRemainingLength(value)]).toEqual(bytes);
    expect(decodeRemainingLength(u8(0x30, ...bytes), 1)).toEqual({ value, bytes: bytes.length });
  });

  it('asks for more bytes when the length is cut short', () => {
    expect(decodeRemainingLength(u8(0x30, 0x80), 1)).toBeUndefined();
    expect(decodeRemainingLength(u8(0x30), 1)).toBeUndefined();
  });

  it('rejects a fifth length byte', () => {
    expect(() => decodeRemainingLength(u8(0x30, 0xff, 0xff, 0xff, 0xff, 0x01), 1)).toThrow(
      MalformedPacketError,
    );
  });

  it('refuses to encode out-of-range values', () => {
    expect(() => encodeRemainingLength(-1)).toThrow(RangeError);
    expect(() => encodeRemainingLength(268_435_456)).toThrow(RangeError);
  });
});

describe('packetTypeName', () => {
  it.each([
    [0x10, 'CONNECT'],
    [0x20, 'CONNACK'],
    [0x30, 'PUBLISH'],
    [0x3b, 'PUBLISH'], // DUP, QoS 1, RETAIN flags live in the low nibble
    [0x40, 'PUBACK'],
    [0x50, 'PUBREC'],
    [0x62, 'PUBREL'],
    [0x70, 'PUBCOMP'],
    [0x82, 'SUBSCRIBE'],
    [0x90, 'SUBACK'],
    [0xa2, 'UNSUBSCRIBE'],
    [0xb0, 'UNSUBACK'],
    [0xc0, 'PINGREQ'],
    [0xd0, 'PINGRESP'],
    [0xe0, 'DISCONNECT'],
    [0xf0, 'AUTH'],
    [0x00, 'RESERVED'],
  ])('0x%s -> %s', (byte, name) => {
    expect(packetTypeName(byte)).toBe(name);
  });
});

describe('MqttFramer', () => {
  const table: Array<{ name: string; input: Uint8Array[]; packets: Uint8Array[]; pending: number }> = [
    { name: 'empty chunk', input: [u8()], packets: [], pending: 0 },
    { name: 'PINGREQ whole', input: [u8(0xc0, 0x00)], packets: [u8(0xc0, 0x00)], pending: 0 },
    { name: 'header byte only', input: [u8(0xc0)], packets: [], pending: 1 },
    {
      name: 'two packets in one chunk',
      input: [u8(0xc0, 0x00, 0xd0, 0x00)],
      packets: [u8(0xc0, 0x00), u8(0xd0, 0x00)],
      pending: 0,
    },
    {
      name: 'one packet and a half',
      input: [u8(0x40, 0x02, 0x00, 0x01, 0x40, 0x02, 0x00)],
      packets: [u8(0x40, 0x02, 0x00, 0x01)],
      pending: 3,
    },
    {
      name: 'split inside a multi-byte length',
      input: [u8(0x30, 0x80), u8(0x01), fakePacket(0x30, 128).slice(3)],
      packets: [fakePacket(0x30, 128)],
      pending: 0,
    },
    {
      name: '3-byte length (16384 bytes)',
      input: [fakePacket(0x30, 16_384)],
      packets: [fakePacket(0x30, 16_384)],
      pending: 0,
    },
  ];
  it.each(table)('$name', ({ input, packets, pending }) => {
    const f = new MqttFramer();
    const out = input.flatMap((c) => f.push(c));
    expect(out.map(hex)).toEqual(packets.map(hex));
    expect(f.pending).toBe(pending);
  });

  it('finds the same packets whatever position a stream is split at', () => {
    const expected = [
      fakePacket(0x10, 12),
      fakePacket(0x20, 2),
      fakePacket(0x30, 200), // 2-byte length
      fakePacket(0xc0, 0),
      fakePacket(0x82, 9),
    ];
    const stream = concatAll(expected);
    for (let i = 0; i <= stream.length; i++) {
      for (let j = i; j <= stream.length; j++) {
        const f = new MqttFramer();
        const out = [
          ...f.push(stream.subarray(0, i)),
          ...f.push(stream.subarray(i, j)),
          ...f.push(stream.subarray(j)),
        ];
        expect(out.map(hex)).toEqual(expected.map(hex));
        expect(f.pending).toBe(0);
      }
    }
  });

  it('throws on a malformed length and starts afresh', () => {
    const f = new MqttFramer();
    expect(() => f.push(u8(0x30, 0xff, 0xff, 0xff, 0xff, 0x01))).toThrow(MalformedPacketError);
    expect(f.pending).toBe(0);
    expect(f.push(u8(0xc0, 0x00))).toHaveLength(1);
  });

  it('returns copies, not views on its buffer', () => {
    const f = new MqttFramer();
    const chunk = u8(0xc0, 0x00);
    const [p] = f.push(chunk);
    chunk[0] = 0xd0;
    expect(p![0]).toBe(0xc0);
  });
});

describe('MqttFramer against mqtt-packet generate() (property)', () => {
  const topic = fc.stringMatching(/^[a-z0-9/]{1,40}$/);
  const qos = fc.constantFrom<0 | 1 | 2>(0, 1, 2);
  const messageId = fc.integer({ min: 1, max: 65_535 });
  const packet: fc.Arbitrary<Packet> = fc.oneof(
    fc.record({
      clientId: fc.stringMatching(/^[a-z0-9-]{1,23}$/),
      keepalive: fc.integer({ min: 0, max: 65_535 }),
      willPayload: fc.string({ maxLength: 300 }),
      willTopic: topic,
    }).map(({ clientId, keepalive, willPayload, willTopic }): Packet => ({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId,
      keepalive,
      will: { topic: willTopic, payload: Buffer.from(willPayload), qos: 1, retain: true },
    })),
    fc.record({ sessionPresent: fc.boolean(), returnCode: fc.integer({ min: 0, max: 5 }) }).map(
      (r): Packet => ({ cmd: 'connack', ...r }),
    ),
    // Payloads up to 20 000 bytes exercise 1-, 2- and 3-byte remaining lengths.
    fc.record({
      topic,
      qos,
      retain: fc.boolean(),
      dup: fc.boolean(),
      messageId,
      payload: fc.uint8Array({ maxLength: 20_000 }),
    }).map(
      ({ qos: q, messageId: id, payload, ...rest }): Packet => ({
        cmd: 'publish',
        ...rest,
        qos: q,
        payload: Buffer.from(payload),
        ...(q > 0 ? { messageId: id } : {}),
      }),
    ),
    messageId.map((id): Packet => ({ cmd: 'puback', messageId: id })),
    fc.record({ messageId, topics: fc.array(topic, { minLength: 1, maxLength: 5 }) }).map(
      ({ messageId: id, topics }): Packet => ({
        cmd: 'subscribe',
        messageId: id,
        subscriptions: topics.map((t) => ({ topic: t, qos: 1 as const })),
      }),
    ),
    fc.constant<Packet>({ cmd: 'pingreq' }),
    fc.constant<Packet>({ cmd: 'pingresp' }),
    fc.constant<Packet>({ cmd: 'disconnect' }),
  );

  it('frames concatenated packets split at random points into exactly those packets', () => {
    fc.assert(
      fc.property(
        fc.array(packet, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (packets, cutSeeds) => {
          const encoded = packets.map((p) => new Uint8Array(generate(p)));
          const stream = concatAll(encoded);
          const cuts = [...new Set(cutSeeds.map((s) => s % (stream.length + 1)))].sort((a, b) => a - b);
          const f = new MqttFramer();
          const out: Uint8Array[] = [];
          let prev = 0;
          for (const c of [...cuts, stream.length]) {
            out.push(...f.push(stream.subarray(prev, c)));
            prev = c;
          }
          expect(out.map(hex)).toEqual(encoded.map(hex));
          expect(out.map((p) => packetTypeName(p[0]!))).toEqual(packets.map((p) => p.cmd.toUpperCase()));
          expect(f.pending).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('PacketSizeGuard', () => {
  const small = fakePacket(0x30, 100); // 102 bytes
  const big = fakePacket(0x30, 2000); // 2003 bytes

  it.each<[string, Uint8Array[], number | null]>([
    ['packets under the limit', [small, small], null],
    ['one over it, after a small one', [concatAll([small, big])], 2003],
    ['an announced 256 MB packet, from its header alone', [u8(0x30, 0xff, 0xff, 0xff, 0x7f)], 1 + 4 + 268_435_455],
    ['a header split byte by byte', Array.from(big.subarray(0, 3), (b) => u8(b)), 2003],
    ['exactly at the limit', [fakePacket(0x30, 1000 - 3)], null],
  ])('%s', (_name, chunks, over) => {
    const guard = new PacketSizeGuard(1000);
    let found: number | null = null;
    for (const c of chunks) found ??= guard.push(c);
    expect(found).toBe(over);
  });

  it('throws on a 5-byte remaining length', () => {
    expect(() => new PacketSizeGuard(1000).push(u8(0x30, 0xff, 0xff, 0xff, 0xff, 0x01))).toThrow(MalformedPacketError);
  });

  it('property: however a stream is chunked, it finds the first packet over the limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 40 }),
        (lengths, cuts) => {
          const packets = lengths.map((n) => fakePacket(0x30, n));
          const stream = concatAll(packets);
          const guard = new PacketSizeGuard(1000);
          let found: number | null = null;
          let at = 0;
          for (let k = 0; at < stream.length && found === null; k++) {
            const next = Math.min(stream.length, at + cuts[k % cuts.length]!);
            found = guard.push(stream.subarray(at, next));
            at = next;
          }
          expect(found).toBe(packets.find((p) => p.length > 1000)?.length ?? null);
        },
      ),
    );
  });
});
