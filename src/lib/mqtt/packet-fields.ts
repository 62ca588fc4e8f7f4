/**
 * Splits an MQTT 3.1.1 control packet into labelled byte ranges for the inspector.
 * Only the fixed header is decoded for every type; PUBLISH also gets its variable
 * header (topic, packet id) and payload. Never throws on short or odd input.
 *
 * Superseded by annotate.ts (annotatePacket: every byte of every packet type); kept until the
 * Inspector switches over.
 */

export interface PacketField {
  name: string;
  /** Byte offsets [start, end). */
  start: number;
  end: number;
  value: string;
  meaning: string;
  /** Spec section, e.g. "MQTT 3.1.1 §2.2.1". */
  ref: string;
}

/** Control packet types, MQTT 3.1.1 §2.2.1 Table 2.1. */
export const PACKET_TYPES = [
  'Reserved', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP',
  'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'Reserved',
] as const;

export function packetTypeName(firstByte: number): string {
  return PACKET_TYPES[(firstByte >> 4) & 0x0f] ?? 'Reserved';
}

export { hexToBytes } from '../bytes/hex';

/** Remaining Length, MQTT 3.1.1 §2.2.3: 7 bits per byte, high bit = "more bytes follow". */
export function readRemainingLength(bytes: Uint8Array, offset: number): { value: number; length: number } | null {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 4; i++) {
    const b = bytes[offset + i];
    if (b === undefined) return null;
    value += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) return { value, length: i + 1 };
    multiplier *= 128;
  }
  return null;
}

export function describePacket(bytes: Uint8Array): PacketField[] {
  const fields: PacketField[] = [];
  const first = bytes[0];
  if (first === undefined) return fields;
  const type = packetTypeName(first);
  const flags = first & 0x0f;
  const flagText =
    type === 'PUBLISH'
      ? `DUP=${(flags >> 3) & 1}, QoS=${(flags >> 1) & 3}, RETAIN=${flags & 1}`
      : `0b${flags.toString(2).padStart(4, '0')}`;
  fields.push({
    name: 'Fixed header byte 1',
    start: 0,
    end: 1,
    value: `${type}; ${flagText}`,
    meaning:
      type === 'PUBLISH'
        ? 'High nibble 3 = PUBLISH. Low nibble: DUP (a re-delivery), QoS level, RETAIN (the broker keeps the message for future subscribers, or this is such a stored message).'
        : `High nibble ${first >> 4} = ${type}. The low nibble holds flags fixed by the spec for this type.`,
    ref: 'MQTT 3.1.1 §2.2',
  });
  const rl = readRemainingLength(bytes, 1);
  if (!rl) return fields;
  fields.push({
    name: 'Remaining length',
    start: 1,
    end: 1 + rl.length,
    value: `${rl.value} bytes`,
    meaning: 'Bytes that follow: variable header plus payload, encoded 7 bits per byte.',
    ref: 'MQTT 3.1.1 §2.2.3',
  });
  if (type !== 'PUBLISH') return fields;
  let pos = 1 + rl.length;
  const end = Math.min(bytes.length, pos + rl.value);
  if (pos + 2 > end) return fields;
  const topicLength = ((bytes[pos] ?? 0) << 8) | (bytes[pos + 1] ?? 0);
  fields.push({ name: 'Topic length', start: pos, end: pos + 2, value: String(topicLength), meaning: 'Length of the topic name, big-endian.', ref: 'MQTT 3.1.1 §1.5.3' });
  pos += 2;
  const topicEnd = Math.min(end, pos + topicLength);
  fields.push({
    name: 'Topic name',
    start: pos,
    end: topicEnd,
    value: new TextDecoder().decode(bytes.subarray(pos, topicEnd)),
    meaning: 'UTF-8 topic the message was published to; subscribers match it against their filters.',
    ref: 'MQTT 3.1.1 §3.3.2.1',
  });
  pos = topicEnd;
  if (((flags >> 1) & 3) > 0 && pos + 2 <= end) {
    const id = ((bytes[pos] ?? 0) << 8) | (bytes[pos + 1] ?? 0);
    fields.push({ name: 'Packet identifier', start: pos, end: pos + 2, value: String(id), meaning: 'Present for QoS 1 and 2; the PUBACK names it to acknowledge this packet.', ref: 'MQTT 3.1.1 §3.3.2.2' });
    pos += 2;
  }
  fields.push({ name: 'Payload', start: pos, end, value: `${end - pos} bytes`, meaning: 'The application message: here, the JSON signal.', ref: 'MQTT 3.1.1 §3.3.3' });
  return fields;
}
