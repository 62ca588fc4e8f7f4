/**
 * Rewrites the topic and payload of one MQTT 3.1.1 PUBLISH packet and frames it again,
 * keeping the fixed-header flags (DUP, QoS, RETAIN) and the packet identifier.
 * Used to redact a trace without leaving the original text inside its packet bytes.
 * Returns null for anything that is not one well-formed PUBLISH. Never throws.
 */
import { decodeRemainingLength, encodeRemainingLength, type DecodedLength } from '../broker/framer';

const PUBLISH = 3;
/** The largest Remaining Length four bytes can say (MQTT 3.1.1 §2.2.3). */
const MAX_REMAINING = 268_435_455;

export function reframePublish(
  bytes: Uint8Array,
  edit: { topic: (topic: string) => string; payload: (payload: string) => string },
): Uint8Array | null {
  const first = bytes[0];
  if (first === undefined || first >> 4 !== PUBLISH) return null;
  const qos = (first >> 1) & 3;
  if (qos === 3) return null; // malformed (§3.3.1.2)
  let length: DecodedLength | undefined;
  try {
    length = decodeRemainingLength(bytes, 1);
  } catch {
    return null; // a fifth length byte (§2.2.3)
  }
  if (!length || 1 + length.bytes + length.value !== bytes.length) return null;
  let at = 1 + length.bytes;
  if (at + 2 > bytes.length) return null;
  const topicLength = (bytes[at]! << 8) | bytes[at + 1]!;
  at += 2;
  if (at + topicLength > bytes.length) return null;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let topic: string;
  let payload: string;
  const idBytes: number[] = [];
  try {
    topic = decoder.decode(bytes.subarray(at, at + topicLength));
    at += topicLength;
    if (qos > 0) {
      if (at + 2 > bytes.length) return null;
      idBytes.push(bytes[at]!, bytes[at + 1]!);
      at += 2;
    }
    payload = decoder.decode(bytes.subarray(at));
  } catch {
    return null; // not UTF-8 text: nothing we could redact reliably
  }
  const encoder = new TextEncoder();
  const newTopic = encoder.encode(edit.topic(topic));
  const newPayload = encoder.encode(edit.payload(payload));
  if (newTopic.length > 0xffff) return null;
  const remaining = 2 + newTopic.length + idBytes.length + newPayload.length;
  if (remaining > MAX_REMAINING) return null;
  const head = [first, ...encodeRemainingLength(remaining), newTopic.length >> 8, newTopic.length & 0xff];
  const out = new Uint8Array(head.length + newTopic.length + idBytes.length + newPayload.length);
  out.set(head, 0);
  out.set(newTopic, head.length);
  out.set(idBytes, head.length + newTopic.length);
  out.set(newPayload, head.length + newTopic.length + idBytes.length);
  return out;
}
