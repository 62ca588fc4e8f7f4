/**
 * Rewrites the topic and payload of one MQTT 3.1.1 PUBLISH packet and frames it again,
 * keeping the fixed-header flags (DUP, QoS, RETAIN) and the packet identifier.
 * Used to redact a trace without leaving the original text inside its packet bytes.
 * Returns null for anything that is not one well-formed PUBLISH. Never throws.
 */

const PUBLISH = 3;

/** Remaining Length: 7 bits per byte, high bit = "more bytes follow", at most 4 bytes (§2.2.3). */
function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } | null {
  let value = 0;
  for (let k = 0; k < 4; k++) {
    const b = bytes[at + k];
    if (b === undefined) return null;
    value += (b & 0x7f) * 128 ** k;
    if ((b & 0x80) === 0) return { value, next: at + k + 1 };
  }
  return null;
}

function writeVarint(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

export function reframePublish(
  bytes: Uint8Array,
  edit: { topic: (topic: string) => string; payload: (payload: string) => string },
): Uint8Array | null {
  const first = bytes[0];
  if (first === undefined || first >> 4 !== PUBLISH) return null;
  const qos = (first >> 1) & 3;
  if (qos === 3) return null; // malformed (§3.3.1.2)
  const length = readVarint(bytes, 1);
  if (!length || length.next + length.value !== bytes.length) return null;
  let at = length.next;
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
  const head = [first, ...writeVarint(remaining), newTopic.length >> 8, newTopic.length & 0xff];
  const out = new Uint8Array(head.length + newTopic.length + idBytes.length + newPayload.length);
  out.set(head, 0);
  out.set(newTopic, head.length);
  out.set(idBytes, head.length + newTopic.length);
  out.set(newPayload, head.length + newTopic.length + idBytes.length);
  return out;
}
