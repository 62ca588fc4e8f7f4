import { describe, expect, it } from 'vitest';
import { generate, type Packet } from 'mqtt-packet';
import type { WirePacket } from '../broker/types';
import { qosHandshake, readAck, readPublish, shortHex, type HandshakeLeg } from './handshake';

const TOPIC = 'webrtc-lab/t/bob/signal';
const PAYLOAD = '{"kind":"chat","text":"hi"}';

function wire(direction: WirePacket['direction'], packet: Packet, at = 0): WirePacket {
  const bytes = new Uint8Array(generate(packet, { protocolVersion: 4 }));
  return { direction, type: packet.cmd.toUpperCase(), bytes, at };
}
const pub = (dir: WirePacket['direction'], qos: 0 | 1 | 2, messageId?: number, extra: { retain?: boolean; topic?: string; payload?: string } = {}) =>
  wire(dir, {
    cmd: 'publish',
    topic: extra.topic ?? TOPIC,
    payload: extra.payload ?? PAYLOAD,
    qos,
    retain: extra.retain ?? false,
    dup: false,
    ...(messageId !== undefined ? { messageId } : {}),
  } as Packet);
const ack = (dir: WirePacket['direction'], cmd: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp', messageId: number) =>
  wire(dir, { cmd, messageId } as Packet);
const ping = (dir: WirePacket['direction']) => wire(dir, { cmd: dir === 'out' ? 'pingreq' : 'pingresp' } as Packet);

/** A leg as `type:seen` strings, e.g. ['PUBLISH:y', 'PUBACK:n']. */
const shape = (leg: HandshakeLeg | undefined) => leg && leg.steps.map((s) => `${s.from}>${s.to} ${s.type}${s.seen ? '' : ' (waiting)'}`);

describe('readPublish / readAck', () => {
  it.each([
    ['QoS 0', pub('out', 0), { qos: 0, retain: false, dup: false, topic: TOPIC }],
    ['QoS 1', pub('out', 1, 7), { qos: 1, retain: false, topic: TOPIC, packetId: 7 }],
    ['QoS 2 retained, big id', pub('out', 2, 65535, { retain: true }), { qos: 2, retain: true, packetId: 65535 }],
  ])('%s', (_name, w, expected) => {
    const h = readPublish(w.bytes)!;
    expect(h).toMatchObject(expected);
    expect(new TextDecoder().decode(h.payload)).toBe(PAYLOAD);
    expect('packetId' in h).toBe(h.qos > 0);
  });

  it.each([
    ['not a PUBLISH', ack('in', 'puback', 1).bytes],
    ['empty', new Uint8Array(0)],
    ['QoS 3 is malformed', Uint8Array.from([0x36, 0x02, 0x00, 0x00])],
    ['truncated topic', Uint8Array.from([0x30, 0x05, 0x00, 0x09, 0x61])],
    ['length past the end', Uint8Array.from([0x30, 0x7f, 0x00, 0x01, 0x61])],
    ['QoS 1 without a packet id', Uint8Array.from([0x32, 0x03, 0x00, 0x01, 0x61])],
    ['five length bytes', Uint8Array.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])],
  ])('readPublish: %s → undefined', (_name, bytes) => {
    expect(readPublish(bytes)).toBeUndefined();
  });

  it.each([
    ['puback', 'PUBACK'],
    ['pubrec', 'PUBREC'],
    ['pubrel', 'PUBREL'],
    ['pubcomp', 'PUBCOMP'],
  ] as const)('readAck %s', (cmd, type) => {
    expect(readAck(ack('in', cmd, 258).bytes)).toEqual({ type, packetId: 258 });
  });

  it('readAck ignores other packets and short ones', () => {
    expect(readAck(ping('out').bytes)).toBeUndefined();
    expect(readAck(Uint8Array.from([0x40, 0x02, 0x00]))).toBeUndefined();
    expect(readAck(pub('out', 1, 1).bytes)).toBeUndefined();
  });
});

describe('qosHandshake', () => {
  const cases: {
    name: string;
    sender: WirePacket[];
    receiver: WirePacket[];
    send: string[] | undefined;
    deliver: string[] | undefined;
  }[] = [
    {
      name: 'QoS 0: one PUBLISH per hop, nothing to acknowledge',
      sender: [pub('out', 0)],
      receiver: [pub('in', 0)],
      send: ['alice>broker PUBLISH'],
      deliver: ['broker>bob PUBLISH'],
    },
    {
      name: 'QoS 1: PUBLISH then PUBACK on each hop, each hop with its own id',
      sender: [pub('out', 1, 4), ack('in', 'puback', 4)],
      receiver: [pub('in', 1, 9), ack('out', 'puback', 9)],
      send: ['alice>broker PUBLISH', 'broker>alice PUBACK'],
      deliver: ['broker>bob PUBLISH', 'bob>broker PUBACK'],
    },
    {
      name: 'QoS 2: the four-packet handshake on both hops',
      sender: [pub('out', 2, 3), ack('in', 'pubrec', 3), ack('out', 'pubrel', 3), ack('in', 'pubcomp', 3)],
      receiver: [pub('in', 2, 1), ack('out', 'pubrec', 1), ack('in', 'pubrel', 1), ack('out', 'pubcomp', 1)],
      send: ['alice>broker PUBLISH', 'broker>alice PUBREC', 'alice>broker PUBREL', 'broker>alice PUBCOMP'],
      deliver: ['broker>bob PUBLISH', 'bob>broker PUBREC', 'broker>bob PUBREL', 'bob>broker PUBCOMP'],
    },
    {
      name: 'QoS 2 half way: later steps wait',
      sender: [pub('out', 2, 3), ack('in', 'pubrec', 3)],
      receiver: [],
      send: ['alice>broker PUBLISH', 'broker>alice PUBREC', 'alice>broker PUBREL (waiting)', 'broker>alice PUBCOMP (waiting)'],
      deliver: undefined,
    },
    {
      name: 'acks of other ids, pings and other messages in between are skipped',
      sender: [
        pub('out', 1, 5, { topic: 'webrtc-lab/t/alice/status' }),
        pub('out', 2, 6),
        ack('in', 'puback', 5),
        ping('out'),
        ack('in', 'pubrec', 99),
        ping('in'),
        ack('in', 'pubrec', 6),
        ack('out', 'pubrel', 6),
        ack('in', 'pubcomp', 6),
      ],
      receiver: [pub('in', 2, 2), pub('in', 1, 3, { payload: 'other' }), ack('out', 'puback', 3), ack('out', 'pubrec', 2)],
      send: ['alice>broker PUBLISH', 'broker>alice PUBREC', 'alice>broker PUBREL', 'broker>alice PUBCOMP'],
      deliver: ['broker>bob PUBLISH', 'bob>broker PUBREC', 'broker>bob PUBREL (waiting)', 'bob>broker PUBCOMP (waiting)'],
    },
    {
      name: 'the same text twice: the LAST publish counts, not acks of the first (packet ids are reused)',
      sender: [pub('out', 1, 1), ack('in', 'puback', 1), pub('out', 1, 1)],
      receiver: [],
      send: ['alice>broker PUBLISH', 'broker>alice PUBACK (waiting)'],
      deliver: undefined,
    },
    {
      name: 'an ack in the wrong direction does not count',
      sender: [pub('out', 1, 8), ack('out', 'puback', 8)],
      receiver: [],
      send: ['alice>broker PUBLISH', 'broker>alice PUBACK (waiting)'],
      deliver: undefined,
    },
    {
      name: 'an ack before its PUBLISH does not count',
      sender: [ack('in', 'puback', 8), pub('out', 1, 8)],
      receiver: [],
      send: ['alice>broker PUBLISH', 'broker>alice PUBACK (waiting)'],
      deliver: undefined,
    },
    {
      name: 'the steps of QoS 2 must come in order: a PUBCOMP before the PUBREL is not it',
      sender: [pub('out', 2, 3), ack('in', 'pubcomp', 3), ack('in', 'pubrec', 3), ack('out', 'pubrel', 3)],
      receiver: [],
      send: ['alice>broker PUBLISH', 'broker>alice PUBREC', 'alice>broker PUBREL', 'broker>alice PUBCOMP (waiting)'],
      deliver: undefined,
    },
    {
      name: 'the receiver subscribed with QoS 1: its hop is downgraded (§3.8.4)',
      sender: [pub('out', 2, 3), ack('in', 'pubrec', 3)],
      receiver: [pub('in', 1, 1), ack('out', 'puback', 1)],
      send: ['alice>broker PUBLISH', 'broker>alice PUBREC', 'alice>broker PUBREL (waiting)', 'broker>alice PUBCOMP (waiting)'],
      deliver: ['broker>bob PUBLISH', 'bob>broker PUBACK'],
    },
    {
      name: 'nothing published yet',
      sender: [ping('out'), wire('in', { cmd: 'pingresp' } as Packet)],
      receiver: [pub('in', 1, 1, { payload: 'something else' })],
      send: undefined,
      deliver: undefined,
    },
    {
      name: 'garbage bytes are ignored',
      sender: [
        { direction: 'out', type: 'PUBLISH', bytes: Uint8Array.from([0x32, 0x7f]), at: 0 },
        pub('out', 1, 2),
        { direction: 'in', type: 'PUBACK', bytes: Uint8Array.from([0x40]), at: 0 },
        ack('in', 'puback', 2),
      ],
      receiver: [],
      send: ['alice>broker PUBLISH', 'broker>alice PUBACK'],
      deliver: undefined,
    },
  ];

  it.each(cases)('$name', ({ sender, receiver, send, deliver }) => {
    const h = qosHandshake({ sender: { id: 'alice', packets: sender }, receiver: { id: 'bob', packets: receiver }, topic: TOPIC, payload: PAYLOAD });
    expect(shape(h.send)).toEqual(send);
    expect(shape(h.deliver)).toEqual(deliver);
  });

  it('reports each hop’s QoS, packet id, retain flag and the bytes of each step', () => {
    const h = qosHandshake({
      sender: { id: 'alice', packets: [pub('out', 2, 3, { retain: true }), ack('in', 'pubrec', 3)] },
      receiver: { id: 'bob', packets: [pub('in', 2, 1)] },
      topic: TOPIC,
      payload: PAYLOAD,
    });
    expect(h.send).toMatchObject({ from: 'alice', to: 'broker', qos: 2, packetId: 3, retain: true });
    expect(h.deliver).toMatchObject({ from: 'broker', to: 'bob', qos: 2, packetId: 1, retain: false });
    expect(h.send!.steps[1]).toMatchObject({ type: 'PUBREC', seen: true, index: 1, packetId: 3 });
    expect(shortHex(h.send!.steps[1]!.bytes!)).toBe('50 02 00 03');
    expect(shortHex(h.send!.steps[0]!.bytes!)).toMatch(/^35 [0-9a-f]{2} 00 17 …$/);
  });
});
