/**
 * The QoS handshake of one message, rebuilt from the packets both clients saw: on each hop
 * (sender → broker, broker → receiver) the PUBLISH and the acknowledgements that carry its
 * packet identifier (MQTT 3.1.1 §4.3):
 *
 *   QoS 0  PUBLISH
 *   QoS 1  PUBLISH → PUBACK                        (§4.3.2)
 *   QoS 2  PUBLISH → PUBREC → PUBREL → PUBCOMP     (§4.3.3)
 *
 * Each hop has its own QoS (the receiver's is the lower of the message's and its
 * subscription's, §3.8.4) and its own packet identifiers (§2.3.1): the broker numbers its
 * PUBLISH to the receiver itself. Pure: bytes in, steps out; it never throws.
 */
import type { WirePacket } from '../broker/types';
import { decodeRemainingLength } from '../broker/framer';

export type AckType = 'PUBACK' | 'PUBREC' | 'PUBREL' | 'PUBCOMP';
export type HandshakeType = 'PUBLISH' | AckType;

export interface PublishHeader {
  qos: 0 | 1 | 2;
  retain: boolean;
  dup: boolean;
  topic: string;
  /** Present for QoS 1 and 2 (§3.3.2.2). */
  packetId?: number;
  payload: Uint8Array;
}

/**
 * Reads a PUBLISH's fixed and variable header; undefined for anything else or broken bytes.
 * `cut`: the bytes are a packet's kept start (the packet log's), so the payload is what is there.
 */
export function readPublish(bytes: Uint8Array, cut = false): PublishHeader | undefined {
  if (bytes.length < 2 || bytes[0]! >> 4 !== 3) return undefined;
  const flags = bytes[0]! & 0x0f;
  const qos = (flags >> 1) & 0x03;
  if (qos === 3) return undefined; // §3.3.1.2: malformed
  let len;
  try {
    len = decodeRemainingLength(bytes, 1);
  } catch {
    return undefined;
  }
  if (!len) return undefined;
  let at = 1 + len.bytes;
  const end = cut ? Math.min(at + len.value, bytes.length) : at + len.value;
  if (end > bytes.length || at + 2 > end) return undefined;
  const topicLength = (bytes[at]! << 8) | bytes[at + 1]!;
  at += 2;
  if (at + topicLength > end) return undefined;
  const topic = new TextDecoder().decode(bytes.subarray(at, at + topicLength));
  at += topicLength;
  const header: PublishHeader = { qos: qos as 0 | 1 | 2, retain: (flags & 1) === 1, dup: (flags & 8) === 8, topic, payload: new Uint8Array(0) };
  if (qos > 0) {
    if (at + 2 > end) return undefined;
    header.packetId = (bytes[at]! << 8) | bytes[at + 1]!;
    at += 2;
  }
  header.payload = bytes.subarray(at, end);
  return header;
}

const ACK_TYPES: Readonly<Record<number, AckType>> = { 4: 'PUBACK', 5: 'PUBREC', 6: 'PUBREL', 7: 'PUBCOMP' };

/** The type and packet identifier of a PUBACK, PUBREC, PUBREL or PUBCOMP (§3.4–§3.7). */
export function readAck(bytes: Uint8Array): { type: AckType; packetId: number } | undefined {
  const type = ACK_TYPES[(bytes[0] ?? 0) >> 4];
  if (!type || bytes.length < 4 || bytes[1]! < 2) return undefined;
  return { type, packetId: (bytes[2]! << 8) | bytes[3]! };
}

/**
 * The packets of each QoS, in order, and who sends each one: 'publisher' is whoever sent the
 * PUBLISH on this hop (the client on the first hop, the broker on the second).
 */
export const HANDSHAKES: Readonly<Record<0 | 1 | 2, readonly { type: HandshakeType; by: 'publisher' | 'receiver' }[]>> = {
  0: [{ type: 'PUBLISH', by: 'publisher' }],
  1: [
    { type: 'PUBLISH', by: 'publisher' },
    { type: 'PUBACK', by: 'receiver' },
  ],
  2: [
    { type: 'PUBLISH', by: 'publisher' },
    { type: 'PUBREC', by: 'receiver' },
    { type: 'PUBREL', by: 'publisher' },
    { type: 'PUBCOMP', by: 'receiver' },
  ],
};

export interface HandshakeStep {
  type: HandshakeType;
  from: string;
  to: string;
  packetId?: number;
  /** False while this packet has not crossed the wire yet. */
  seen: boolean;
  /** Index in the client's packet list, when seen. */
  index?: number;
  /** The packet's bytes, when seen. */
  bytes?: Uint8Array;
}

export interface HandshakeLeg {
  from: string;
  to: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  packetId?: number;
  steps: HandshakeStep[];
}

export interface HandshakeInput {
  sender: { id: string; packets: readonly WirePacket[] };
  receiver: { id: string; packets: readonly WirePacket[] };
  /** The broker's name on the diagram. */
  broker?: string;
  /** Identify the message: its topic and payload text, as published. */
  topic: string;
  payload: string;
}

/**
 * Both hops of the message's handshake. The sender's hop starts at its LAST outgoing PUBLISH
 * with this topic and payload, the receiver's at its last incoming one. A hop whose PUBLISH
 * has not been seen is undefined; steps not seen yet have `seen: false`.
 */
export function qosHandshake(input: HandshakeInput): { send?: HandshakeLeg; deliver?: HandshakeLeg } {
  const broker = input.broker ?? 'broker';
  const payload = new TextEncoder().encode(input.payload);
  return {
    send: leg(input.sender.packets, 'out', input.topic, payload, input.sender.id, broker),
    deliver: leg(input.receiver.packets, 'in', input.topic, payload, broker, input.receiver.id),
  };
}

/**
 * One hop, from the packets of the client at one end of it. `publishDir` is the direction of
 * the PUBLISH in that client's list: 'out' when the client publishes, 'in' when it receives.
 */
function leg(
  packets: readonly WirePacket[],
  publishDir: WirePacket['direction'],
  topic: string,
  payload: Uint8Array,
  publisher: string,
  receiver: string,
): HandshakeLeg | undefined {
  let start = -1;
  let header: PublishHeader | undefined;
  for (let i = packets.length - 1; i >= 0; i--) {
    const p = packets[i]!;
    if (p.direction !== publishDir || p.type !== 'PUBLISH') continue;
    const h = readPublish(p.bytes);
    if (h && h.topic === topic && sameBytes(h.payload, payload)) {
      start = i;
      header = h;
      break;
    }
  }
  if (!header) return undefined;
  const back: WirePacket['direction'] = publishDir === 'out' ? 'in' : 'out';
  const steps: HandshakeStep[] = [];
  let from = start + 1;
  for (const expected of HANDSHAKES[header.qos]) {
    const name = expected.by === 'publisher' ? [publisher, receiver] : [receiver, publisher];
    const step: HandshakeStep = { type: expected.type, from: name[0]!, to: name[1]!, packetId: header.packetId, seen: false };
    if (expected.type === 'PUBLISH') {
      Object.assign(step, { seen: true, index: start, bytes: packets[start]!.bytes });
    } else {
      // The next packet of this type with this identifier, after the previous step.
      const dir = expected.by === 'publisher' ? publishDir : back;
      for (let i = from; i < packets.length; i++) {
        const p = packets[i]!;
        if (p.direction !== dir) continue;
        const ack = readAck(p.bytes);
        if (ack?.type === expected.type && ack.packetId === header.packetId) {
          Object.assign(step, { seen: true, index: i, bytes: p.bytes });
          from = i + 1;
          break;
        }
      }
    }
    steps.push(step);
    if (!step.seen) from = packets.length; // later steps cannot have happened before this one
  }
  const out: HandshakeLeg = { from: publisher, to: receiver, qos: header.qos, retain: header.retain, steps };
  if (header.packetId !== undefined) out.packetId = header.packetId;
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `40 02 00 07`: bytes as spaced hex, at most `max` bytes then `…`. */
export function shortHex(bytes: Uint8Array, max = 4): string {
  const shown = Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, '0'));
  return bytes.length > max ? `${shown.join(' ')} …` : shown.join(' ');
}

/**
 * Takes the wire PUBLISH that carried a 'message' event out of the inbox. mqtt.js emits a
 * QoS 2 message only on PUBREL (§4.3.3), so later messages can overtake it: match by topic
 * and packet id, and fall back to arrival order.
 */
export function takeWire(inbox: WirePacket[], topic: string, messageId: number | undefined): WirePacket | undefined {
  const k = inbox.findIndex((w) => {
    const h = readPublish(w.bytes, true);
    return h?.topic === topic && (messageId === undefined || h.packetId === messageId);
  });
  return k >= 0 ? inbox.splice(k, 1)[0] : inbox.shift();
}
