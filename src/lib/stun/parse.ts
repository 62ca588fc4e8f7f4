/**
 * Reads the structure of a STUN message (RFC 8489 §5, §14): the 20-byte header and the
 * type-length-value attributes, with their offsets. Plus decoders for the values that need
 * arithmetic (addresses, FINGERPRINT, MESSAGE-INTEGRITY). No words here: annotate.ts
 * explains. Never throws; problems are collected as text.
 */
import { u16, u32 } from './bytes';
import { crc32 } from './crc32';
import { hmacSha1 } from './sha1';
import { CLASSES, FINGERPRINT_XOR, HEADER_SIZE, MAGIC_COOKIE, type StunClass } from './tables';

export interface RawAttribute {
  type: number;
  /** Offset of the attribute's type field. */
  start: number;
  /** The length field: value bytes, without padding. */
  length: number;
  valueStart: number;
  /** valueStart + length, or the end of the bytes when they stop short. */
  valueEnd: number;
  /** After the padding to a multiple of 4 (§14), or the end of the bytes. */
  end: number;
  /** The value or its padding runs past the end of the message. */
  truncated: boolean;
}

export interface ParsedStun {
  size: number;
  /** The message type field, or null when there are fewer than 2 bytes. */
  type: number | null;
  method: number | null;
  cls: StunClass | null;
  /** The header's length field (bytes after the header). */
  length: number | null;
  cookie: number | null;
  transactionId: Uint8Array | null;
  /** First two bits zero, magic cookie right, at least a header: this is RFC 5389/8489 STUN. */
  isStun: boolean;
  attributes: RawAttribute[];
  /** Where the message ends: the header plus its length field, or the end of the bytes if sooner. */
  end: number;
  problems: string[];
}

/** Class bits C1 (bit 8) and C0 (bit 4) of the message type (§5). */
export function classOf(type: number): StunClass {
  return CLASSES[((type >> 7) & 0b10) | ((type >> 4) & 0b01)]!.name;
}

/** Method bits M11–M0, with the class bits taken out (§5). */
export function methodOf(type: number): number {
  return (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
}

/** The message type for a method and class, the inverse of methodOf/classOf. */
export function messageType(method: number, cls: StunClass): number {
  const c = CLASSES.findIndex((x) => x.name === cls);
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | ((c & 0b10) << 7) | ((c & 0b01) << 4);
}

export function parseStun(bytes: Uint8Array): ParsedStun {
  const size = bytes.length;
  const problems: string[] = [];
  const type = u16(bytes, 0);
  const length = u16(bytes, 2);
  const cookie = u32(bytes, 4);
  const transactionId = size >= HEADER_SIZE ? bytes.slice(8, 20) : null;
  const isStun = type !== null && type >> 14 === 0 && cookie === MAGIC_COOKIE && transactionId !== null;

  if (size < HEADER_SIZE) problems.push(`Only ${size} bytes: a STUN header alone is 20 bytes.`);
  if (type !== null && type >> 14 !== 0) problems.push('The first two bits are not 00, so this is not a STUN message (RFC 7983 §7).');
  if (cookie !== null && cookie !== MAGIC_COOKIE) problems.push('Bytes 4–7 are not the magic cookie 0x2112A442: an old RFC 3489 message, or not STUN at all.');
  if (length !== null) {
    if (length % 4 !== 0) problems.push(`The length field (${length}) is not a multiple of 4.`);
    if (size >= HEADER_SIZE && HEADER_SIZE + length !== size) {
      problems.push(`The length field says ${length} bytes follow the header, but ${size - HEADER_SIZE} do.`);
    }
  }

  const end = size < HEADER_SIZE ? size : Math.min(size, HEADER_SIZE + (length ?? 0));
  const attributes: RawAttribute[] = [];
  let at = HEADER_SIZE;
  while (at < end) {
    const t = u16(bytes, at);
    const len = u16(bytes, at + 2);
    if (t === null || len === null || at + 4 > end) {
      problems.push(`Bytes ${at}–${end - 1}: too few bytes left for an attribute header (4 bytes).`);
      attributes.push({ type: t ?? -1, start: at, length: len ?? 0, valueStart: end, valueEnd: end, end, truncated: true });
      break;
    }
    const valueStart = at + 4;
    const padded = valueStart + len + ((4 - (len % 4)) % 4);
    const truncated = padded > end;
    if (valueStart + len > end) problems.push(`Attribute at byte ${at} says its value is ${len} bytes, but only ${end - valueStart} are left.`);
    attributes.push({ type: t, start: at, length: len, valueStart, valueEnd: Math.min(valueStart + len, end), end: Math.min(padded, end), truncated });
    at = Math.min(padded, end);
  }
  return {
    size,
    type,
    method: type === null ? null : methodOf(type),
    cls: type === null ? null : classOf(type),
    length,
    cookie,
    transactionId,
    isStun,
    attributes,
    end,
    problems,
  };
}

// ---------------------------------------------------------------------------------------------
// Values

export interface DecodedAddress {
  family: 4 | 6 | null;
  port: number | null;
  /** Dotted IPv4 or compressed IPv6 text, or null. */
  address: string | null;
  problem?: string;
}

export function formatIpv4(b: Uint8Array): string {
  return Array.from(b.subarray(0, 4)).join('.');
}

/** RFC 5952 text: lower case, longest run of zero groups (2+) as "::". */
export function formatIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] ?? 0) << 8) | (b[i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** "127.0.0.1:3478" or "[::1]:3478". */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * MAPPED-ADDRESS-style value (§14.1): reserved byte, family, port, address. With `xorKey`
 * (the magic cookie followed by the transaction ID, 16 bytes) it is un-XOR-ed as in §14.2:
 * the port with the cookie's top 16 bits, an IPv4 address with the cookie, an IPv6 address
 * with the cookie and the transaction ID.
 */
export function decodeAddress(value: Uint8Array, xorKey: Uint8Array | null = null): DecodedAddress {
  const fam = value.length >= 2 ? value[1]! : null;
  const family = fam === 0x01 ? 4 : fam === 0x02 ? 6 : null;
  const rawPort = u16(value, 2);
  const port = rawPort === null ? null : xorKey ? rawPort ^ (MAGIC_COOKIE >>> 16) : rawPort;
  if (family === null) return { family, port, address: null, problem: fam === null ? 'No family byte.' : `Unknown address family 0x${fam.toString(16).padStart(2, '0')}.` };
  const n = family === 4 ? 4 : 16;
  if (value.length < 4 + n) return { family, port, address: null, problem: `An IPv${family} address needs ${4 + n} bytes; this value has ${value.length}.` };
  const addr = value.slice(4, 4 + n);
  if (xorKey) for (let i = 0; i < n; i++) addr[i] = addr[i]! ^ (xorKey[i] ?? 0);
  return {
    family,
    port,
    address: family === 4 ? formatIpv4(addr) : formatIpv6(addr),
    ...(value.length > 4 + n ? { problem: `${value.length - 4 - n} bytes too many for an IPv${family} address.` } : {}),
  };
}

/** The 16 bytes an XOR-ed address is XOR-ed with: magic cookie, then transaction ID. */
export function xorKeyOf(transactionId: Uint8Array): Uint8Array {
  const key = new Uint8Array(16);
  key.set([0x21, 0x12, 0xa4, 0x42]);
  key.set(transactionId.subarray(0, 12), 4);
  return key;
}

/** FINGERPRINT check (§14.7): CRC-32 of every byte before the attribute, XOR 0x5354554E. */
export function checkFingerprint(bytes: Uint8Array, attr: RawAttribute): { expected: number; actual: number | null; ok: boolean } {
  const expected = (crc32(bytes.subarray(0, attr.start)) ^ FINGERPRINT_XOR) >>> 0;
  const actual = attr.length === 4 ? u32(bytes, attr.valueStart) : null;
  return { expected, actual, ok: actual === expected };
}

/**
 * MESSAGE-INTEGRITY check (§14.5): HMAC-SHA1 over the message up to the attribute, with the
 * header's length field set as if MESSAGE-INTEGRITY were the last attribute. `key` is the
 * short-term password's UTF-8 bytes (for ICE: the receiver's ice-pwd). OpaqueString
 * preparation (RFC 8265) is not applied; ICE passwords are plain ASCII.
 */
export function checkIntegrity(bytes: Uint8Array, attr: RawAttribute, key: Uint8Array): { ok: boolean; expected: Uint8Array } {
  const input = bytes.slice(0, attr.start);
  if (input.length >= 4) {
    const len = attr.start + 24 - HEADER_SIZE;
    input[2] = (len >> 8) & 0xff;
    input[3] = len & 0xff;
  }
  const expected = hmacSha1(key, input);
  const actual = bytes.subarray(attr.valueStart, attr.valueEnd);
  return { ok: actual.length === 20 && expected.every((b, i) => b === actual[i]), expected };
}

/** XOR-MAPPED-ADDRESS (§14.2) of a message, decoded, or null when it has none. */
export function xorMappedAddress(bytes: Uint8Array): DecodedAddress | null {
  const p = parseStun(bytes);
  const a = p.attributes.find((x) => x.type === 0x0020);
  if (!a || !p.transactionId) return null;
  return decodeAddress(bytes.subarray(a.valueStart, a.valueEnd), xorKeyOf(p.transactionId));
}
