/**
 * Splits a byte stream into whole MQTT control packets (MQTT 3.1.1 §2.2):
 * 1 fixed-header byte, a 1–4 byte "remaining length" (§2.2.3: 7 bits per byte, the high bit
 * means "more bytes follow"), then that many bytes. Transports hand us arbitrary chunks
 * (mqtt.js writes one packet in several), so bytes are buffered until a packet is whole.
 * Pure: no I/O, no timers.
 */

/** Control packet type names by the high nibble of the first byte (§2.2.1). 15 is AUTH in MQTT 5. */
export const PACKET_TYPE_NAMES: readonly string[] = [
  'RESERVED',
  'CONNECT',
  'CONNACK',
  'PUBLISH',
  'PUBACK',
  'PUBREC',
  'PUBREL',
  'PUBCOMP',
  'SUBSCRIBE',
  'SUBACK',
  'UNSUBSCRIBE',
  'UNSUBACK',
  'PINGREQ',
  'PINGRESP',
  'DISCONNECT',
  'AUTH',
];

export function packetTypeName(firstByte: number): string {
  return PACKET_TYPE_NAMES[(firstByte >> 4) & 0x0f] ?? 'RESERVED';
}

/** §2.2.3 allows at most 4 length bytes (max 268 435 455). */
const MAX_LENGTH_BYTES = 4;

export class MalformedPacketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPacketError';
  }
}

export interface DecodedLength {
  /** The remaining length value. */
  value: number;
  /** How many bytes encoded it. */
  bytes: number;
}

/**
 * Decodes the remaining length starting at `offset` (the byte after the fixed header byte).
 * Returns undefined when more bytes are needed; throws on a 5th continuation byte.
 */
export function decodeRemainingLength(buf: Uint8Array, offset: number): DecodedLength | undefined {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < MAX_LENGTH_BYTES; i++) {
    const at = offset + i;
    if (at >= buf.length) return undefined;
    const byte = buf[at]!;
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { value, bytes: i + 1 };
    multiplier *= 128;
  }
  throw new MalformedPacketError('Remaining length longer than 4 bytes (MQTT 3.1.1 §2.2.3)');
}

/** Encodes a remaining length (for tests and for callers that build packets by hand). */
export function encodeRemainingLength(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 268_435_455) {
    throw new RangeError(`Remaining length out of range: ${length}`);
  }
  const out: number[] = [];
  let x = length;
  do {
    let byte = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) byte |= 0x80;
    out.push(byte);
  } while (x > 0);
  return Uint8Array.from(out);
}

/** Stateful framer: push() chunks in, get whole packets out, in order. */
export class MqttFramer {
  private buf: Uint8Array = new Uint8Array(0);

  /** Bytes held that do not yet form a whole packet. */
  get pending(): number {
    return this.buf.length;
  }

  /**
   * Appends a chunk and returns every packet it completes (each a fresh copy).
   * Throws MalformedPacketError on an impossible length; the framer is then reset.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length === 0) return [];
    this.buf = concat(this.buf, chunk);
    const packets: Uint8Array[] = [];
    let start = 0;
    for (;;) {
      if (this.buf.length - start < 2) break;
      let len: DecodedLength | undefined;
      try {
        len = decodeRemainingLength(this.buf, start + 1);
      } catch (err) {
        this.reset();
        throw err;
      }
      if (len === undefined) break;
      const total = 1 + len.bytes + len.value;
      if (this.buf.length - start < total) break;
      packets.push(this.buf.slice(start, start + total));
      start += total;
    }
    if (start > 0) this.buf = this.buf.slice(start);
    return packets;
  }

  reset(): void {
    this.buf = new Uint8Array(0);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return Uint8Array.from(b);
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Watches a byte stream for a packet whose fixed header announces more than `maxBytes`
 * (the whole packet). It reads only headers and skips bodies, so nothing is buffered: a
 * hostile "remaining length" of 256 MB is caught from its first 5 bytes. MQTT 3.1.1 has no
 * way to tell a client the limit, so a server closes the connection (as mosquitto does
 * with max_packet_size).
 */
export class PacketSizeGuard {
  private skip = 0;
  private header: number[] = [];

  constructor(readonly maxBytes: number) {}

  /** The announced size of the first packet over the limit in this chunk, or null. Throws MalformedPacketError. */
  push(chunk: Uint8Array): number | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      this.header.push(chunk[i++]!);
      if (this.header.length < 2) continue;
      const len = decodeRemainingLength(Uint8Array.from(this.header), 1);
      if (len === undefined) continue;
      const total = 1 + len.bytes + len.value;
      this.header = [];
      if (total > this.maxBytes) return total;
      this.skip = len.value;
    }
    return null;
  }
}
