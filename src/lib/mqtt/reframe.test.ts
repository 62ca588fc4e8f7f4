import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { reframePublish } from './reframe';

const upper = { topic: (t: string) => t.toUpperCase(), payload: (p: string) => p.toUpperCase() };

function publish(payload: string, qos: 0 | 1 | 2, retain = false): Uint8Array {
  return new Uint8Array(mqttPacket.generate({ cmd: 'publish', topic: 'lab/bob/signal', payload, qos, messageId: qos ? 513 : undefined, retain, dup: false }));
}

function parse(bytes: Uint8Array): mqttPacket.IPublishPacket {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const seen: mqttPacket.Packet[] = [];
  parser.on('packet', (p) => seen.push(p));
  parser.parse(Buffer.from(bytes));
  expect(seen).toHaveLength(1);
  return seen[0] as mqttPacket.IPublishPacket;
}

describe('reframePublish', () => {
  it.each([
    ['QoS 0', 'hi', 0],
    ['QoS 1', 'hello', 1],
    ['QoS 2, retained', 'x'.repeat(10), 2],
    ['a payload that needs a 2-byte remaining length', 'a'.repeat(200), 1],
    ['a payload that crosses from 2 to 3 length bytes', 'é'.repeat(8190), 1],
    ['an empty payload', '', 1],
  ] as const)('%s: same flags and packet id, new text', (_name, payload, qos) => {
    const out = reframePublish(publish(payload, qos, qos === 2), upper);
    expect(out).not.toBeNull();
    const p = parse(out!);
    expect(p.topic).toBe('LAB/BOB/SIGNAL');
    expect(String(p.payload)).toBe(payload.toUpperCase());
    expect(p.qos).toBe(qos);
    expect(p.retain).toBe(qos === 2);
    if (qos) expect(p.messageId).toBe(513);
  });

  it.each([
    ['empty', new Uint8Array()],
    ['a CONNACK', new Uint8Array([0x20, 0x02, 0x00, 0x00])],
    ['QoS 3', new Uint8Array([0x36, 0x02, 0x00, 0x00])],
    ['remaining length says more than there is', new Uint8Array([0x30, 0x09, 0x00, 0x01, 0x61])],
    ['topic longer than the packet', new Uint8Array([0x30, 0x03, 0x00, 0x09, 0x61])],
    ['remaining length over 4 bytes', new Uint8Array([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ['payload not UTF-8', new Uint8Array([0x30, 0x05, 0x00, 0x01, 0x61, 0xff, 0xfe])],
  ])('%s → null', (_name, bytes) => {
    expect(reframePublish(bytes, upper)).toBeNull();
  });
});
