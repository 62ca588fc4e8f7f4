/**
 * Byte-by-byte annotation of one MQTT control packet, in the style of "The Illustrated TLS
 * Connection": every byte belongs to exactly one range [start, end), and each range has a
 * name, its decoded value, what it means and the spec section. mqtt-packet decodes the packet
 * (decode.ts); this module walks the same bytes to find where each field sits, and takes the
 * words from the tables in fields.ts.
 *
 * Never throws. Truncated or malformed input yields a range with `problem` set, and the walk
 * stops there; the bytes after it are still covered, as "Not decoded".
 */
import type { Packet } from 'mqtt-packet';
import { decodePacket } from './decode';
import {
  AUTH_V5,
  CONNACK_RETURN_CODES,
  DISCONNECT_V5_ABOUT,
  FIELDS,
  PACKET_TYPES,
  PROPERTIES_V5,
  PROTOCOL_LEVELS,
  QOS,
  RETAIN_HANDLING,
  SUBACK_RETURN_CODES,
  reasonName,
  specRef,
  type FieldId,
  type PacketTypeInfo,
  type ProtocolLevel,
} from './fields';
import { count } from '../text/count';

export type PartKind = 'fixed-header' | 'remaining-length' | 'variable-header' | 'payload' | 'trailing';

/** One bit, or a run of bits, inside a one-byte range (flags). Bit 7 is the most significant. */
export interface BitField {
  /** "7", "4–3", "7–4". */
  bits: string;
  name: string;
  value: string;
  meaning: string;
  ref: string;
  problem?: string;
}

export interface ByteRange {
  /** Byte offsets into the packet, [start, end). start === end only for a missing field. */
  start: number;
  end: number;
  part: PartKind;
  /** Key into FIELDS. */
  field: FieldId;
  name: string;
  value: string;
  meaning: string;
  /** e.g. "MQTT 3.1.1 §3.1.2.5". */
  ref: string;
  /** `value` is text taken from the packet (topic, client id, payload): untrusted, show as text. */
  text?: boolean;
  /** Flag bits (fixed header byte, connect flags …) or, for the remaining length, its bytes. */
  bits?: BitField[];
  /** Set when these bytes break the spec or end too soon. */
  problem?: string;
}

export interface PacketPart {
  kind: PartKind;
  title: string;
  ref: string;
  start: number;
  end: number;
  ranges: ByteRange[];
}

export interface AnnotatedPacket {
  /** CONNECT, PUBLISH …; "RESERVED" for type 0; "EMPTY" for no bytes. */
  type: string;
  /** High nibble of the first byte, or null for no bytes. */
  typeCode: number | null;
  /** Protocol level the packet was read as (a CONNECT's own level wins). */
  level: ProtocolLevel;
  size: number;
  /** What the packet type is for. */
  about: string;
  aboutRef: string;
  /** In byte order; together they cover [0, size) exactly once. */
  ranges: ByteRange[];
  /** The same ranges, grouped: fixed header, remaining length, variable header, payload. */
  parts: PacketPart[];
  /** Every problem found, from the ranges and from mqtt-packet. Empty for a valid packet. */
  problems: string[];
  /** One line, as summarizePacket(). */
  summary: string;
  /** mqtt-packet's decoding, or null when it rejected the bytes (see decodeError). */
  decoded: Packet | null;
  decodeError: string | null;
}

export interface AnnotateOptions {
  /**
   * Protocol level of the connection (from its CONNECT). Default 4 (MQTT 3.1.1). A CONNECT
   * packet's own level byte overrides it.
   */
  protocolVersion?: ProtocolLevel;
  /** 'out' = client → broker, 'in' = broker → client, as in WirePacket. Tailors a few meanings. */
  direction?: 'out' | 'in';
}

/** What a field walker fills in; the walker sets start, end and field. */
type RangeInfo = Partial<Omit<ByteRange, 'start' | 'end' | 'field'>> & { value: string };

const PART_INFO: Record<PartKind, { title: string; v4: string; v5: string }> = {
  'fixed-header': { title: 'Fixed header', v4: '2.2', v5: '2.1.1' },
  'remaining-length': { title: 'Remaining length', v4: '2.2.3', v5: '2.1.4' },
  'variable-header': { title: 'Variable header', v4: '2.3', v5: '2.2' },
  payload: { title: 'Payload', v4: '2.4', v5: '2.3' },
  trailing: { title: 'After the packet', v4: '2.2.3', v5: '2.1.4' },
};

// ---------------------------------------------------------------------------------------------
// Small helpers

const hex2 = (b: number): string => `0x${b.toString(16).padStart(2, '0').toUpperCase()}`;
const bin = (v: number, width: number): string => v.toString(2).padStart(width, '0');
const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');

/** Control and format characters (bidi overrides, zero-width …) made visible as \u{…}. */
export function visibleText(s: string, keepLineBreaks = false): string {
  return s.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) =>
    keepLineBreaks && (c === '\n' || c === '\r' || c === '\t') ? c : `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`,
  );
}

/** Decodes bytes as UTF-8 text if they are valid and printable (tabs and line breaks allowed). */
export function printableText(bytes: Uint8Array): string | null {
  let s: string;
  try {
    s = utf8.decode(bytes);
  } catch {
    return null;
  }
  return /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(s) ? null : s;
}

/** Topic name rules, 3.1.1 §4.7.1 and §4.7.3. Returns a problem, or undefined. */
function topicNameProblem(topic: string, level: ProtocolLevel): string | undefined {
  if (/[+#]/.test(topic)) return `A topic name must not contain the wildcards + or # (${specRef(level, '4.7.1')}).`;
  if (topic === '' && level !== 5) return `A topic name must be at least one character long (${specRef(level, '4.7.3')}).`;
  return undefined;
}

/** Topic filter rules, 3.1.1 §4.7.1: + fills a whole level; # fills the last level. */
function topicFilterProblem(filter: string, level: ProtocolLevel): string | undefined {
  if (filter === '') return `A topic filter must be at least one character long (${specRef(level, '4.7.3')}).`;
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) {
      return `"#" must be a whole level and the last one, as in a/# (${specRef(level, '4.7.1.2')}).`;
    }
    if (l.includes('+') && l !== '+') return `"+" must be a whole level, as in a/+/c (${specRef(level, '4.7.1.3')}).`;
  }
  return undefined;
}

/**
 * The protocol level a CONNECT asks for (3, 4 or 5), or undefined if the bytes are not a
 * CONNECT or the level is unknown. Other packets are read at their connection's level.
 */
export function connectLevel(bytes: Uint8Array): ProtocolLevel | undefined {
  if ((bytes[0] ?? 0) >> 4 !== 1) return undefined;
  let i = 1;
  while (i < 5 && i < bytes.length && (bytes[i]! & 0x80) !== 0) i++;
  return peekConnectLevel(bytes, i + 1);
}

/** For CONNECT: the level byte, read ahead so every range cites the right spec. */
function peekConnectLevel(bytes: Uint8Array, bodyStart: number): ProtocolLevel | undefined {
  const nameLen = ((bytes[bodyStart] ?? 0) << 8) | (bytes[bodyStart + 1] ?? 0);
  const raw = bytes[bodyStart + 2 + nameLen];
  if (raw === undefined) return undefined;
  const level = raw & 0x7f;
  return level === 3 || level === 4 || level === 5 ? level : undefined;
}

// ---------------------------------------------------------------------------------------------
// The walk

class Walker {
  readonly ranges: ByteRange[] = [];
  pos = 0;
  /** Where the remaining length says the packet ends. */
  declaredEnd: number;
  /** min(declaredEnd, bytes.length): the last byte that can be read for this packet. */
  end: number;
  stopped = false;
  part: PartKind = 'fixed-header';

  constructor(
    readonly bytes: Uint8Array,
    public level: ProtocolLevel,
    readonly direction: 'out' | 'in' | undefined,
  ) {
    this.declaredEnd = bytes.length;
    this.end = bytes.length;
  }

  ref(id: FieldId): string {
    const f = FIELDS[id] as { v4: string; v5?: string };
    if (this.level === 5 && f.v5) return specRef(5, f.v5);
    return f.v4 ? specRef(this.level, f.v4) : specRef(5, f.v5 ?? '');
  }

  /** Appends a range of `len` bytes at the cursor. */
  add(field: FieldId, len: number, r: RangeInfo): ByteRange {
    const info = FIELDS[field];
    const range: ByteRange = {
      start: this.pos,
      end: this.pos + len,
      part: r.part ?? this.part,
      field,
      name: r.name ?? info.name,
      value: r.value,
      meaning: r.meaning ?? info.meaning,
      ref: r.ref ?? this.ref(field),
    };
    if (r.text) range.text = true;
    if (r.bits) range.bits = r.bits;
    if (r.problem) range.problem = r.problem;
    this.ranges.push(range);
    this.pos += len;
    return range;
  }

  /** Problem range over what is left of a field that does not fit, then stop. */
  private cut(field: FieldId, n: number, name: string): void {
    const have = Math.max(0, this.end - this.pos);
    const why =
      this.end < this.declaredEnd
        ? `the capture ends after ${plural(have, 'byte')}`
        : `the remaining length ends the packet after ${plural(have, 'byte')}`;
    this.add(field, have, {
      name: `${name} (incomplete)`,
      value: have === 0 ? 'missing' : plural(have, 'byte'),
      problem: `${name} needs ${plural(n, 'byte')}, but ${why}.`,
    });
    this.stopped = true;
  }

  /** True when n bytes can be read at the cursor; otherwise records the problem and stops. */
  need(field: FieldId, n: number, name: string = FIELDS[field].name): boolean {
    if (this.stopped) return false;
    if (this.pos + n <= this.end) return true;
    this.cut(field, n, name);
    return false;
  }

  u8(at = this.pos): number {
    return this.bytes[at] ?? 0;
  }

  u16(at = this.pos): number {
    return (this.u8(at) << 8) | this.u8(at + 1);
  }

  /** A 2-byte big-endian number field. */
  uint16(field: FieldId, describe: (v: number) => RangeInfo, name?: string): number | null {
    if (!this.need(field, 2, name)) return null;
    const v = this.u16();
    this.add(field, 2, { ...(name ? { name } : {}), ...describe(v) });
    return v;
  }

  /** A packet identifier (§2.3.1): 1 to 65535. */
  packetId(field: FieldId): number | null {
    return this.uint16(field, (v) => ({
      value: String(v),
      ...(v === 0 ? { problem: `Packet identifier 0 is not allowed: identifiers are 1 to 65535 (${specRef(this.level, this.level === 5 ? '2.2.1' : '2.3.1')}).` } : {}),
    }));
  }

  /**
   * A length-prefixed field (§1.5.3 string, or binary data): a 2-byte length range, then the
   * data range. Returns the data bytes, or null if the walk stopped.
   */
  prefixed(
    lengthField: FieldId,
    dataField: FieldId,
    kind: 'string' | 'binary',
    opts: { name?: string; check?: (s: string) => string | undefined; hidden?: boolean; meaning?: string } = {},
  ): { bytes: Uint8Array; text: string | null } | null {
    const dataName = opts.name ?? FIELDS[dataField].name;
    const lengthName = opts.name ? `${opts.name}: length` : FIELDS[lengthField].name;
    const len = this.uint16(lengthField, (v) => ({ value: plural(v, 'byte') }), lengthName);
    if (len === null) return null;
    if (!this.need(dataField, len, dataName)) return null;
    const data = this.bytes.subarray(this.pos, this.pos + len);
    let problem: string | undefined;
    let text: string | null;
    if (kind === 'string') {
      try {
        text = utf8.decode(data);
        if (text.includes('\u0000')) problem = `A string must not contain U+0000 (${specRef(this.level, this.level === 5 ? '1.5.4' : '1.5.3')}).`;
        else problem = opts.check?.(text);
      } catch {
        text = utf8Lenient.decode(data);
        problem = `Not well-formed UTF-8, which every MQTT string must be (${specRef(this.level, this.level === 5 ? '1.5.4' : '1.5.3')}).`;
      }
    } else {
      text = printableText(data);
    }
    let value: string;
    if (opts.hidden) value = `(${plural(len, 'byte')}, hidden)`;
    else if (text !== null) value = kind === 'string' ? visibleText(text) : visibleText(text, true);
    else value = `${plural(len, 'byte')} of binary data`;
    const isText = !opts.hidden && text !== null;
    this.add(dataField, len, {
      name: dataName,
      value,
      ...(isText ? { text: true } : {}),
      ...(opts.meaning ? { meaning: opts.meaning } : {}),
      ...(problem ? { problem } : {}),
    });
    return { bytes: data, text };
  }

  /** A variable byte integer (MQTT 5 §1.5.5; the remaining length uses the same scheme). */
  varint(field: FieldId, name: string): number | null {
    if (this.stopped) return null;
    let value = 0;
    let mult = 1;
    for (let i = 0; i < 4; i++) {
      if (this.pos + i >= this.end) {
        this.cut(field, i + 1, name);
        return null;
      }
      const b = this.u8(this.pos + i);
      value += (b & 0x7f) * mult;
      if ((b & 0x80) === 0) {
        this.add(field, i + 1, {
          name,
          value: value === 0 ? '0 (none)' : plural(value, 'byte'),
          ...(i > 0 ? { bits: lengthBytes(this.bytes.subarray(this.pos, this.pos + i + 1), this.ref(field)) } : {}),
        });
        return value;
      }
      mult *= 128;
    }
    this.add(field, 4, { name, value: 'malformed', problem: `A variable byte integer has at most 4 bytes (${specRef(5, '1.5.5')}).` });
    this.stopped = true;
    return null;
  }

  /** MQTT 5 properties (§2.2.2): a length, then identifier + value pairs. */
  properties(field: FieldId): void {
    const name = FIELDS[field].name;
    const len = this.varint('properties.length', `${name}: length`);
    if (len === null) return;
    const stop = this.pos + len;
    if (stop > this.end) {
      this.cut(field, len, name);
      return;
    }
    while (this.pos < stop && !this.stopped) this.property(stop, packetOfProperties(field));
  }

  private property(stop: number, packetType: string): void {
    const start = this.pos;
    const id = this.u8();
    const info = PROPERTIES_V5[id];
    if (!info) {
      this.add('property', stop - start, {
        name: `Unknown property ${hex2(id)}`,
        value: plural(stop - start, 'byte'),
        problem: `${hex2(id)} is not a property identifier; the rest of the properties cannot be read (${specRef(5, '2.2.2.2')}).`,
      });
      this.stopped = true;
      return;
    }
    const at = start + 1;
    const avail = stop - at;
    const str = (o: number): { len: number; text: string } | null => {
      if (o + 2 > avail) return null;
      const len = this.u16(at + o);
      if (o + 2 + len > avail) return null;
      return { len: 2 + len, text: utf8Lenient.decode(this.bytes.subarray(at + o + 2, at + o + 2 + len)) };
    };
    let size: number | null = null;
    let value = '';
    switch (info.type) {
      case 'byte':
        if (avail >= 1) [size, value] = [1, String(this.u8(at))];
        break;
      case 'two-byte':
        if (avail >= 2) [size, value] = [2, String(this.u16(at))];
        break;
      case 'four-byte':
        if (avail >= 4) [size, value] = [4, String(((this.u16(at) << 16) >>> 0) + this.u16(at + 2))];
        break;
      case 'varint': {
        let v = 0;
        let mult = 1;
        for (let i = 0; i < 4 && i < avail; i++) {
          const b = this.u8(at + i);
          v += (b & 0x7f) * mult;
          if ((b & 0x80) === 0) {
            [size, value] = [i + 1, String(v)];
            break;
          }
          mult *= 128;
        }
        break;
      }
      case 'string': {
        const s = str(0);
        if (s) [size, value] = [s.len, visibleText(s.text)];
        break;
      }
      case 'binary': {
        const s = str(0);
        if (s) [size, value] = [s.len, plural(s.len - 2, 'byte')];
        break;
      }
      case 'string-pair': {
        const k = str(0);
        const v = k && str(k.len);
        if (k && v) [size, value] = [k.len + v.len, `${visibleText(k.text)} = ${visibleText(v.text)}`];
        break;
      }
    }
    if (size === null) {
      this.add('property', stop - start, {
        name: `${info.name} (incomplete)`,
        value: plural(stop - start, 'byte'),
        problem: `The ${info.name} property runs past the end of the properties (${specRef(5, '2.2.2.2')}).`,
      });
      this.stopped = true;
      return;
    }
    this.add('property', 1 + size, {
      name: info.name,
      value,
      text: info.type === 'string' || info.type === 'string-pair',
      meaning: `${info.meaning} (Property ${hex2(id)}, ${info.type.replace('-', ' ')}${packetType ? `, in ${packetType}` : ''}.)`,
    });
  }

  /** A one-byte field. */
  byte(field: FieldId, describe: (v: number) => RangeInfo, name?: string): number | null {
    if (!this.need(field, 1, name)) return null;
    const v = this.u8();
    this.add(field, 1, { ...(name ? { name } : {}), ...describe(v) });
    return v;
  }

  /** Whatever is left of the body, as one range (PUBLISH payload). */
  rest(field: FieldId, describe: (data: Uint8Array, complete: boolean) => RangeInfo): void {
    if (this.stopped) return;
    const data = this.bytes.subarray(this.pos, this.end);
    const complete = this.end >= this.declaredEnd;
    const r = describe(data, complete);
    if (!complete) {
      r.problem = `The remaining length promises ${plural(this.declaredEnd - this.pos, 'byte')} here, but the capture holds ${plural(data.length, 'byte')}.`;
      this.stopped = true;
    }
    this.add(field, data.length, r);
  }
}

function packetOfProperties(field: FieldId): string {
  const m = /^(\w+)\./.exec(field);
  return m ? (m[1] === 'connect' && field === 'connect.will-properties' ? 'the will' : m[1]!.toUpperCase()) : '';
}

/** Per-byte explanation of a remaining length or other variable byte integer. */
function lengthBytes(bytes: Uint8Array, ref: string): BitField[] {
  let mult = 1;
  return Array.from(bytes, (b, i) => {
    const part = (b & 0x7f) * mult;
    const f: BitField = {
      bits: `byte ${i + 1}`,
      name: b & 0x80 ? 'More length bytes follow (top bit 1)' : 'Last length byte (top bit 0)',
      value: `${hex2(b)}: ${b & 0x7f} × ${count(mult)} = ${count(part)}`,
      meaning: `Low 7 bits ${bin(b & 0x7f, 7)} = ${b & 0x7f}, worth ${count(mult)} each at this position.`,
      ref,
    };
    mult *= 128;
    return f;
  });
}

// ---------------------------------------------------------------------------------------------
// Fixed header

function fixedHeader(w: Walker, info: PacketTypeInfo, code: number): { qos: number; retain: boolean; fatal: boolean } {
  const b0 = w.u8(0);
  const flags = b0 & 0x0f;
  const L = w.level;
  const typeBits: BitField = {
    bits: '7–4',
    name: 'Packet type',
    value: `${code} (${bin(code, 4)}) = ${info.name}`,
    meaning:
      L === 5
        ? 'Types are numbered 1 to 15 (Table 2-1); 0 is reserved.'
        : 'Types are numbered 1 to 14 (Table 2.1); 0 and 15 are reserved.',
    ref: w.ref('header.type'),
  };
  const bits: BitField[] = [typeBits];
  const problems: string[] = [];
  let qos = 0;
  let retain = false;
  let fatal = false;
  let value = `${hex2(b0)} = ${info.name}`;

  if (info.flags.kind === 'forbidden') {
    typeBits.problem = `Type ${code} is reserved: no valid packet has it (${w.ref('header.type')}).`;
    problems.push(typeBits.problem);
    bits.push({ bits: '3–0', name: 'Flags', value: bin(flags, 4), meaning: 'Undefined for a reserved type.', ref: w.ref('header.reserved-flags') });
    fatal = true;
  } else if (info.flags.kind === 'fixed') {
    const want = info.flags.value;
    const f: BitField = {
      bits: '3–0',
      name: 'Reserved flags',
      value: bin(flags, 4),
      meaning: `Must be ${bin(want, 4)} for ${info.name}.${want === 2 ? ' (Bit 1 is set for the three packets that must be sent at least once: PUBREL, SUBSCRIBE, UNSUBSCRIBE.)' : ''}`,
      ref: w.ref('header.reserved-flags'),
    };
    if (flags !== want) {
      f.problem = `${info.name} flags must be ${bin(want, 4)}, not ${bin(flags, 4)}; the receiver must close the connection (${w.ref('header.reserved-flags')}).`;
      problems.push(f.problem);
    }
    bits.push(f);
    value += `, flags ${bin(flags, 4)}`;
  } else {
    const dup = (flags >> 3) & 1;
    qos = (flags >> 1) & 3;
    retain = (flags & 1) === 1;
    const dupBit: BitField = {
      bits: '3',
      name: 'DUP',
      value: String(dup),
      meaning: dup
        ? 'A resend: this PUBLISH may have been sent before without being acknowledged.'
        : 'The first attempt to send this PUBLISH.',
      ref: w.ref('header.dup'),
    };
    if (dup && qos === 0) {
      dupBit.problem = `DUP must be 0 at QoS 0 (${w.ref('header.dup')}).`;
      problems.push(dupBit.problem);
    }
    const q = QOS[qos];
    const qosBits: BitField = {
      bits: '2–1',
      name: 'QoS',
      value: q ? `${qos} (${q.name})` : String(qos),
      meaning: q ? `${q.meaning} (${specRef(L, q.ref)})` : 'Both QoS bits set.',
      ref: w.ref('header.qos'),
    };
    if (!q) {
      qosBits.problem = `QoS 3 does not exist: a receiver must close the connection (${w.ref('header.qos')}).`;
      problems.push(qosBits.problem);
      fatal = true;
    }
    const d = w.direction;
    const retainMeaning = retain
      ? d === 'out'
        ? "Retain it: the broker stores this message as the topic's retained message, replacing the previous one, and sends it to every client that subscribes later."
        : d === 'in'
          ? 'A retained message: the broker stored it earlier and sends it now because this client has just subscribed. It may be old.'
          : "From a client: the broker stores this message as the topic's retained message. From the broker: a stored retained message, sent because the client has just subscribed."
      : d === 'in'
        ? 'A live message: it was published while this client was subscribed.'
        : d === 'out'
          ? 'Not retained: only clients subscribed right now receive it.'
          : 'Not retained (from a client), or a live delivery (from the broker).';
    bits.push(dupBit, qosBits, { bits: '0', name: 'RETAIN', value: String(retain ? 1 : 0), meaning: retainMeaning, ref: w.ref('header.retain') });
    value += `, DUP ${dup}, QoS ${qos}, RETAIN ${retain ? 1 : 0}`;
  }
  const r = w.add('header.byte', 1, { value, bits });
  if (problems.length) r.problem = problems.join(' ');
  return { qos, retain, fatal };
}

function remainingLength(w: Walker): number | null {
  w.part = 'remaining-length';
  const b = w.bytes;
  let value = 0;
  let mult = 1;
  for (let i = 0; i < 4; i++) {
    if (1 + i >= b.length) {
      w.add('header.remaining-length', i, {
        name: 'Remaining length (incomplete)',
        value: i === 0 ? 'missing' : plural(i, 'byte'),
        problem: i === 0 ? 'The packet ends after its first byte; every packet has a remaining length.' : 'The packet ends inside its remaining length: the last byte read still had its top bit set.',
        ...(i > 0 ? { bits: lengthBytes(b.subarray(1, 1 + i), w.ref('header.remaining-length')) } : {}),
      });
      w.stopped = true;
      return null;
    }
    const byte = b[1 + i]!;
    value += (byte & 0x7f) * mult;
    if ((byte & 0x80) === 0) {
      const lb = b.subarray(1, 2 + i);
      const sum = lb.length === 1 ? '' : ` (${Array.from(lb, hex2).join(' ')})`;
      w.add('header.remaining-length', i + 1, {
        value: `${plural(value, 'byte')} follow${value === 1 ? 's' : ''}${sum}`,
        bits: lengthBytes(lb, w.ref('header.remaining-length')),
      });
      return value;
    }
    mult *= 128;
  }
  w.add('header.remaining-length', 4, {
    value: 'malformed',
    bits: lengthBytes(b.subarray(1, 5), w.ref('header.remaining-length')),
    problem: `The 4th length byte has its top bit set, asking for a 5th: at most 4 are allowed (${w.ref('header.remaining-length')}).`,
  });
  w.stopped = true;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Packet bodies

function connect(w: Walker): void {
  w.part = 'variable-header';
  const name = w.prefixed('connect.protocol-name-length', 'connect.protocol-name', 'string');
  if (!name) return;
  const protocol = name.text ?? '';
  if (protocol !== 'MQTT' && protocol !== 'MQIsdp') {
    const r = w.ranges[w.ranges.length - 1]!;
    r.problem = `Not "MQTT": this is not an MQTT CONNECT, so the rest cannot be read (${w.ref('connect.protocol-name')}).`;
    w.stopped = true;
    return;
  }
  const raw = w.byte('connect.level', (v) => {
    const lvl = v & 0x7f;
    const known = PROTOCOL_LEVELS[lvl];
    const bridge = v & 0x80 ? ' (top bit set: a broker bridge, a mosquitto extension)' : '';
    return {
      value: known ? `${v} = ${known}${bridge}` : String(v),
      ...(known ? {} : { problem: `Unknown protocol level ${v}; a server answers CONNACK return code 1 and closes, and the rest of the layout is unknown.` }),
      ...(known && ((protocol === 'MQIsdp') !== (lvl === 3)) ? { problem: `Protocol name "${protocol}" does not go with level ${lvl} ("MQIsdp" is level 3, "MQTT" levels 4 and 5).` } : {}),
    };
  });
  if (raw === null) return;
  const lvl = raw & 0x7f;
  if (lvl !== 3 && lvl !== 4 && lvl !== 5) {
    w.stopped = true;
    return;
  }
  w.level = lvl;
  const v5 = lvl === 5;

  let will = false;
  let user = false;
  let pass = false;
  const flags = w.byte('connect.flags', (f) => {
    will = (f & 0x04) !== 0;
    user = (f & 0x80) !== 0;
    pass = (f & 0x40) !== 0;
    const willQos = (f >> 3) & 3;
    const willRetain = (f & 0x20) !== 0;
    const bit = (id: FieldId, bits: string, v: number, meaning: string, problem?: string): BitField => ({
      bits,
      name: FIELDS[id].name,
      value: String(v),
      meaning,
      ref: w.ref(id),
      ...(problem ? { problem } : {}),
    });
    const bits: BitField[] = [
      bit('connect.flag.username', '7', user ? 1 : 0, user ? 'A user name follows in the payload.' : 'No user name in the payload.'),
      bit(
        'connect.flag.password',
        '6',
        pass ? 1 : 0,
        pass ? 'A password follows in the payload.' : 'No password in the payload.',
        pass && !user && !v5 ? `A password needs a user name in MQTT 3.1.1 (${w.ref('connect.flag.password')}).` : undefined,
      ),
      bit(
        'connect.flag.will-retain',
        '5',
        willRetain ? 1 : 0,
        will
          ? willRetain
            ? 'The will is published as a retained message, so clients that subscribe later still see it.'
            : 'The will is published as a normal message: only clients subscribed at that moment see it.'
          : 'No will.',
        !will && willRetain ? `Must be 0 when the will flag is 0 (${w.ref('connect.flag.will-retain')}).` : undefined,
      ),
      bit(
        'connect.flag.will-qos',
        '4–3',
        willQos,
        will ? (QOS[willQos] ? `The will is published at QoS ${willQos} (${QOS[willQos]!.name}).` : 'QoS 3 does not exist.') : 'No will.',
        willQos === 3
          ? `Will QoS must not be 3 (${w.ref('connect.flag.will-qos')}).`
          : !will && willQos !== 0
            ? `Must be 0 when the will flag is 0 (${w.ref('connect.flag.will-qos')}).`
            : undefined,
      ),
      bit(
        'connect.flag.will',
        '2',
        will ? 1 : 0,
        will
          ? 'This client has a last will: a will topic and message follow in the payload. If the connection ends without a DISCONNECT (network failure, keep-alive timeout, pulled plug), the server publishes the will for the client.'
          : 'No last will.',
      ),
      bit(
        'connect.flag.clean',
        '1',
        (f >> 1) & 1,
        v5
          ? (f & 2)
            ? 'Clean start: discard any session stored for this client identifier and start a new one.'
            : 'Resume the stored session for this client identifier, if there is one.'
          : (f & 2)
            ? 'A fresh session that ends with the connection: no stored subscriptions, no queued QoS 1 and 2 messages.'
            : 'Resume the stored session for this client identifier (its subscriptions and queued messages), and keep it after disconnecting.',
      ),
      bit('connect.flag.reserved', '0', f & 1, 'Must be 0.', f & 1 ? `The reserved bit must be 0; the server must close the connection (${w.ref('connect.flag.reserved')}).` : undefined),
    ];
    const set = bits.filter((b) => b.value !== '0' && b.bits !== '0').map((b) => (b.bits === '4–3' ? `will QoS ${b.value}` : b.name.toLowerCase()));
    const problem = bits.flatMap((b) => (b.problem ? [b.problem] : [])).join(' ');
    return { value: `${hex2(f)} = ${bin(f, 8)}${set.length ? `: ${set.join(', ')}` : ''}`, bits, ...(problem ? { problem } : {}) };
  });
  if (flags === null) return;

  w.uint16('connect.keep-alive', (v) => ({
    value: v === 0 ? '0 (off)' : `${plural(v, 'second')}`,
    ...(v > 0 ? { meaning: `${FIELDS['connect.keep-alive'].meaning} Here: a packet at least every ${v} s; the server gives up after ${count(v * 1.5)} s of silence.` } : {}),
  }));
  if (v5) w.properties('connect.properties');

  w.part = 'payload';
  w.prefixed('connect.client-id-length', 'connect.client-id', 'string');
  if (will) {
    if (v5) w.properties('connect.will-properties');
    w.prefixed('connect.will-topic-length', 'connect.will-topic', 'string', { check: (s) => topicNameProblem(s, w.level) });
    w.prefixed('connect.will-message-length', 'connect.will-message', 'binary');
  }
  if (user) w.prefixed('connect.username-length', 'connect.username', 'string');
  if (pass) w.prefixed('connect.password-length', 'connect.password', 'binary', { hidden: true });
}

function connack(w: Walker): void {
  w.part = 'variable-header';
  const v5 = w.level === 5;
  w.byte('connack.flags', (f) => {
    const sp = f & 1;
    const bits: BitField[] = [
      {
        bits: '7–1',
        name: 'Reserved',
        value: bin(f >> 1, 7),
        meaning: 'Must be 0.',
        ref: w.ref('connack.flag.reserved'),
        ...(f & 0xfe ? { problem: `Bits 7–1 must be 0 (${w.ref('connack.flag.reserved')}).` } : {}),
      },
      {
        bits: '0',
        name: 'Session present',
        value: String(sp),
        meaning: sp
          ? 'The server still holds a session for this client identifier from an earlier connection: its subscriptions still apply and queued messages will follow.'
          : 'No stored session: the client starts fresh and must subscribe again. Always 0 after a CONNECT with clean session 1, and after a refusal.',
        ref: w.ref('connack.flag.session-present'),
      },
    ];
    return { value: `${hex2(f)}: session present ${sp}`, bits, ...(bits[0]!.problem ? { problem: bits[0]!.problem } : {}) };
  });
  if (v5) {
    w.byte('connack.return-code', (c) => ({
      name: 'Connect reason code',
      value: `${hex2(c)} = ${reasonName(c, 'CONNACK')}`,
      meaning: c < 0x80 ? 'The connection is accepted.' : 'The connection is refused, and the server closes it after this CONNACK.',
      ...(isConnackReason(c) ? {} : { problem: `${hex2(c)} is not a CONNACK reason code (${w.ref('connack.return-code')}).` }),
    }));
    w.properties('connack.properties');
    return;
  }
  w.byte('connack.return-code', (c) => {
    const rc = CONNACK_RETURN_CODES[c];
    return rc
      ? { value: `${c} = ${rc.name}`, meaning: `${rc.meaning}${c ? ' After a non-zero return code the server closes the connection.' : ''}` }
      : { value: String(c), meaning: 'Reserved for future use.', problem: `Return codes 6 to 255 are reserved (${w.ref('connack.return-code')}).` };
  });
}

const isConnackReason = (c: number): boolean => reasonName(c, 'CONNACK') !== 'Unknown reason code';

function publish(w: Walker, qos: number, retain: boolean): void {
  w.part = 'variable-header';
  const topic = w.prefixed('publish.topic-length', 'publish.topic', 'string', { check: (s) => topicNameProblem(s, w.level) });
  if (!topic) return;
  if (qos > 0) w.packetId('publish.packet-id');
  if (w.level === 5) w.properties('publish.properties');
  w.part = 'payload';
  w.rest('publish.payload', (data) => {
    const text = printableText(data);
    let meaning: string = FIELDS['publish.payload'].meaning;
    if (data.length === 0) {
      meaning += retain
        ? ` Empty, with RETAIN 1: this deletes the retained message on the topic (${w.ref('header.retain')}).`
        : ' Here it is empty.';
    } else if (text !== null) {
      meaning += looksLikeJson(text) ? ' Here it is UTF-8 text: JSON.' : ' Here it is UTF-8 text.';
    } else {
      meaning += ' Here it is binary, not UTF-8 text.';
    }
    return {
      value: data.length === 0 ? '(empty)' : text !== null ? visibleText(text, true) : `${plural(data.length, 'byte')} of binary data`,
      meaning,
      ...(text !== null && data.length > 0 ? { text: true } : {}),
    };
  });
}

function looksLikeJson(s: string): boolean {
  const t = s.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

function ack(w: Walker, type: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp'): void {
  w.part = 'variable-header';
  if (w.packetId(`${type}.packet-id`) === null) return;
  if (w.level !== 5 || w.pos >= w.end) return; // MQTT 5: reason code and properties may be left out
  w.byte(`${type}.reason-code`, (c) => ({ value: `${hex2(c)} = ${reasonName(c, type.toUpperCase())}` }));
  if (w.pos < w.end) w.properties(`${type}.properties`);
}

function subscribe(w: Walker): void {
  w.part = 'variable-header';
  if (w.packetId('subscribe.packet-id') === null) return;
  const v5 = w.level === 5;
  if (v5) w.properties('subscribe.properties');
  w.part = 'payload';
  if (!w.stopped && w.pos >= w.end && w.end >= w.declaredEnd) {
    w.add('subscribe.filter', 0, { value: 'missing', problem: `A SUBSCRIBE must carry at least one topic filter (${w.ref('subscribe.filter')}).` });
    w.stopped = true;
    return;
  }
  for (let i = 1; w.pos < w.end && !w.stopped; i++) {
    const filter = w.prefixed('subscribe.filter-length', 'subscribe.filter', 'string', {
      name: `Topic filter ${i}`,
      check: (s) => topicFilterProblem(s, w.level),
    });
    if (!filter) return;
    w.byte(
      'subscribe.options',
      (o) => {
        const qos = o & 3;
        const q = QOS[qos];
        const qosBit: BitField = {
          bits: '1–0',
          name: 'Requested QoS',
          value: q ? `${qos} (${q.name})` : String(qos),
          meaning: q ? 'The highest QoS the client wants messages on this filter delivered at.' : 'QoS 3 does not exist.',
          ref: w.ref('subscribe.option.qos'),
          ...(q ? {} : { problem: `Requested QoS must be 0, 1 or 2 (${w.ref('subscribe.option.qos')}).` }),
        };
        let bits: BitField[];
        if (v5) {
          const rh = (o >> 4) & 3;
          bits = [
            reservedBits('7–6', o >> 6, 2, w.ref('subscribe.option.reserved')),
            {
              bits: '5–4',
              name: 'Retain Handling',
              value: String(rh),
              meaning: RETAIN_HANDLING[rh] ?? '3 is not allowed.',
              ref: w.ref('subscribe.option.rh'),
              ...(rh === 3 ? { problem: `Retain Handling 3 is not allowed (${w.ref('subscribe.option.rh')}).` } : {}),
            },
            {
              bits: '3',
              name: 'Retain As Published',
              value: String((o >> 3) & 1),
              meaning: (o >> 3) & 1 ? 'Deliveries keep the RETAIN flag they were published with.' : 'Live deliveries arrive with RETAIN 0.',
              ref: w.ref('subscribe.option.rap'),
            },
            {
              bits: '2',
              name: 'No Local',
              value: String((o >> 2) & 1),
              meaning: (o >> 2) & 1 ? "The client does not receive its own messages on this filter." : 'The client receives its own messages too, if they match.',
              ref: w.ref('subscribe.option.nl'),
            },
            qosBit,
          ];
        } else {
          bits = [reservedBits('7–2', o >> 2, 6, w.ref('subscribe.option.reserved')), qosBit];
        }
        const problem = bits.flatMap((b) => (b.problem ? [b.problem] : [])).join(' ');
        return {
          name: v5 ? `Subscription options, filter ${i}` : `Requested QoS, filter ${i}`,
          value: v5 ? `${hex2(o)}: QoS ${qos}` : `${hex2(o)}: QoS ${qos}${q ? ` (${q.name})` : ''}`,
          ...(v5 ? { meaning: 'How this subscription behaves: the highest QoS wanted, and how retained and own messages are treated.' } : {}),
          bits,
          ...(problem ? { problem } : {}),
        };
      },
      v5 ? `Subscription options, filter ${i}` : `Requested QoS, filter ${i}`,
    );
  }
}

function reservedBits(bits: string, v: number, width: number, ref: string): BitField {
  return {
    bits,
    name: 'Reserved',
    value: bin(v, width),
    meaning: 'Must be 0.',
    ref,
    ...(v ? { problem: `Reserved bits ${bits} must be 0 (${ref}).` } : {}),
  };
}

function suback(w: Walker): void {
  w.part = 'variable-header';
  if (w.packetId('suback.packet-id') === null) return;
  const v5 = w.level === 5;
  if (v5) w.properties('suback.properties');
  w.part = 'payload';
  for (let i = 1; w.pos < w.end && !w.stopped; i++) {
    w.byte(
      'suback.return-code',
      (c) => {
        if (v5) {
          const name = reasonName(c, 'SUBACK');
          return {
            name: `Reason code ${i}`,
            value: `${hex2(c)} = ${name}`,
            meaning: `For topic filter ${i} of the SUBSCRIBE. ${c < 0x80 ? 'Subscribed.' : 'Refused.'}`,
            ...(name === 'Unknown reason code' ? { problem: `${hex2(c)} is not a SUBACK reason code (${w.ref('suback.return-code')}).` } : {}),
          };
        }
        const rc = SUBACK_RETURN_CODES[c];
        return rc
          ? { value: `${hex2(c)} = ${rc.name}`, meaning: `For topic filter ${i} of the SUBSCRIBE. ${rc.meaning}` }
          : { value: hex2(c), meaning: 'Not a SUBACK return code.', problem: `SUBACK return codes are 0x00, 0x01, 0x02 and 0x80 only (${w.ref('suback.return-code')}).` };
      },
      v5 ? `Reason code ${i}` : `Return code ${i}`,
    );
  }
}

function unsubscribe(w: Walker): void {
  w.part = 'variable-header';
  if (w.packetId('unsubscribe.packet-id') === null) return;
  if (w.level === 5) w.properties('unsubscribe.properties');
  w.part = 'payload';
  if (!w.stopped && w.pos >= w.end && w.end >= w.declaredEnd) {
    w.add('unsubscribe.filter', 0, { value: 'missing', problem: `An UNSUBSCRIBE must carry at least one topic filter (${w.ref('unsubscribe.filter')}).` });
    w.stopped = true;
    return;
  }
  for (let i = 1; w.pos < w.end && !w.stopped; i++) {
    w.prefixed('unsubscribe.filter-length', 'unsubscribe.filter', 'string', {
      name: `Topic filter ${i}`,
      check: (s) => topicFilterProblem(s, w.level),
    });
  }
}

function unsuback(w: Walker): void {
  w.part = 'variable-header';
  if (w.packetId('unsuback.packet-id') === null) return;
  if (w.level !== 5) return;
  w.properties('unsuback.properties');
  w.part = 'payload';
  for (let i = 1; w.pos < w.end && !w.stopped; i++) {
    w.byte('unsuback.reason-code', (c) => ({ value: `${hex2(c)} = ${reasonName(c, 'UNSUBACK')}`, meaning: `For topic filter ${i} of the UNSUBSCRIBE.` }), `Reason code ${i}`);
  }
}

/** MQTT 5 DISCONNECT and AUTH: an optional reason code, then optional properties. */
function reasonAndProperties(w: Walker, type: 'disconnect' | 'auth'): void {
  w.part = 'variable-header';
  if (w.pos >= w.end) return;
  w.byte(`${type}.reason-code`, (c) => ({
    value: `${hex2(c)} = ${reasonName(c, type.toUpperCase())}`,
    ...(type === 'disconnect' && c === 0x04 ? { meaning: 'The client closes the connection but asks the server to publish its will anyway.' } : {}),
    ...(type === 'disconnect' && c === 0x00 ? { meaning: 'A normal close: the server discards the will.' } : {}),
  }));
  if (w.pos < w.end) w.properties(`${type}.properties`);
}

// ---------------------------------------------------------------------------------------------
// Public API

function typeInfo(code: number, level: ProtocolLevel): PacketTypeInfo {
  if (code === 15 && level === 5) return AUTH_V5;
  return PACKET_TYPES[code]!;
}

function walk(bytes: Uint8Array, opts: AnnotateOptions): { w: Walker; info: PacketTypeInfo | null } {
  let level: ProtocolLevel = opts.protocolVersion ?? 4;
  const w = new Walker(bytes, level, opts.direction);
  if (bytes.length === 0) return { w, info: null };
  const code = bytes[0]! >> 4;
  if (code === 1) {
    level = connectLevel(bytes) ?? level;
    w.level = level;
  }
  const info = typeInfo(code, level);
  const { qos, retain, fatal } = fixedHeader(w, info, code);
  const length = remainingLength(w);
  if (length === null) return { w, info };
  w.declaredEnd = w.pos + length;
  w.end = Math.min(w.declaredEnd, bytes.length);
  if (fatal) {
    w.part = 'variable-header';
    if (info.flags.kind === 'forbidden' && w.end > w.pos) {
      w.add('body.unknown', w.end - w.pos, { value: plural(w.end - w.pos, 'byte') });
    }
    w.stopped = true;
    return { w, info };
  }
  switch (info.name) {
    case 'CONNECT':
      connect(w);
      break;
    case 'CONNACK':
      connack(w);
      break;
    case 'PUBLISH':
      publish(w, qos, retain);
      break;
    case 'PUBACK':
    case 'PUBREC':
    case 'PUBREL':
    case 'PUBCOMP':
      ack(w, info.name.toLowerCase() as 'puback');
      break;
    case 'SUBSCRIBE':
      subscribe(w);
      break;
    case 'SUBACK':
      suback(w);
      break;
    case 'UNSUBSCRIBE':
      unsubscribe(w);
      break;
    case 'UNSUBACK':
      unsuback(w);
      break;
    case 'DISCONNECT':
      if (w.level === 5) reasonAndProperties(w, 'disconnect');
      break;
    case 'AUTH':
      reasonAndProperties(w, 'auth');
      break;
    default:
      // PINGREQ, PINGRESP: no variable header, no payload (§3.12, §3.13).
      break;
  }
  return { w, info };
}

/** Covers what the walk left: the rest of the body, missing bytes, bytes after the packet. */
function finish(w: Walker): void {
  const n = w.bytes.length;
  if (w.pos < w.end) {
    if (w.stopped) {
      w.add('body.undecoded', w.end - w.pos, { value: plural(w.end - w.pos, 'byte') });
    } else {
      w.add('body.unexpected', w.end - w.pos, {
        value: plural(w.end - w.pos, 'byte'),
        problem: `${plural(w.end - w.pos, 'byte')} left over after the last field this packet type defines (${w.ref('body.unexpected')}).`,
      });
    }
  }
  const truncationShown = w.ranges.some((r) => r.problem && /capture|remaining length promises/.test(r.problem));
  if (w.declaredEnd > n && !truncationShown) {
    w.add('body.missing', 0, {
      value: `${plural(w.declaredEnd - n, 'byte')} missing`,
      problem: `The remaining length promises ${plural(w.declaredEnd - n, 'byte')} more than the capture holds.`,
    });
  }
  if (w.pos < n) {
    // After a fatal problem in the header the packet's end is unknown: these are undecoded.
    const after = w.declaredEnd < n && w.pos >= w.declaredEnd;
    w.part = after ? 'trailing' : w.part;
    w.add(after ? 'trailing' : 'body.undecoded', n - w.pos, {
      value: plural(n - w.pos, 'byte'),
      ...(after
        ? { problem: `${plural(n - w.pos, 'byte')} after the end of this packet: its remaining length says it ends at byte ${w.declaredEnd} (${w.ref('trailing')}).` }
        : {}),
    });
  }
}

function groupParts(ranges: ByteRange[], level: ProtocolLevel): PacketPart[] {
  const parts: PacketPart[] = [];
  for (const r of ranges) {
    const last = parts[parts.length - 1];
    if (last && last.kind === r.part) {
      last.ranges.push(r);
      last.end = r.end;
    } else {
      const p = PART_INFO[r.part];
      parts.push({ kind: r.part, title: p.title, ref: specRef(level, level === 5 ? p.v5 : p.v4), start: r.start, end: r.end, ranges: [r] });
    }
  }
  return parts;
}

/**
 * Annotates one whole MQTT control packet (as a WirePacket's bytes). Never throws.
 * Pass the connection's protocol level for MQTT 5 packets other than CONNECT.
 */
export function annotatePacket(bytes: Uint8Array, opts: AnnotateOptions = {}): AnnotatedPacket {
  try {
    return annotateUnchecked(bytes, opts);
  } catch (err) {
    // A bug here must not break the inspector: show the bytes, unexplained.
    const level = opts.protocolVersion ?? 4;
    const problem = `Internal error while annotating: ${err instanceof Error ? err.message : String(err)}`;
    const ranges: ByteRange[] = [
      { start: 0, end: bytes.length, part: 'fixed-header', field: 'body.undecoded', name: 'Not decoded', value: plural(bytes.length, 'byte'), meaning: FIELDS['body.undecoded'].meaning, ref: specRef(level, '2'), problem },
    ];
    return {
      type: 'UNKNOWN',
      typeCode: bytes.length ? bytes[0]! >> 4 : null,
      level,
      size: bytes.length,
      about: '',
      aboutRef: '',
      ranges,
      parts: groupParts(ranges, level),
      problems: [problem],
      summary: 'unreadable packet',
      decoded: null,
      decodeError: problem,
    };
  }
}

function annotateUnchecked(bytes: Uint8Array, opts: AnnotateOptions): AnnotatedPacket {
  const { w, info } = walk(bytes, opts);
  finish(w);
  const level = w.level;
  const problems = w.ranges.flatMap((r) => (r.problem ? [`${r.name}: ${r.problem}`] : []));
  const { packet, error } = bytes.length ? decodePacket(bytes, level) : { packet: null, error: 'no bytes' };
  if (error && bytes.length) problems.push(`mqtt-packet: ${error}`);
  if (!info) problems.push('No bytes: the smallest MQTT packet has 2 (a type byte and a remaining length of 0).');
  const type = info?.name ?? 'EMPTY';
  const about = info ? (type === 'DISCONNECT' && level === 5 ? DISCONNECT_V5_ABOUT : info.about) : 'No bytes.';
  return {
    type,
    typeCode: info ? bytes[0]! >> 4 : null,
    level,
    size: bytes.length,
    about,
    aboutRef: info ? specRef(level, level === 5 ? (info.v5 ?? info.v4) : info.v4) : '',
    ranges: w.ranges,
    parts: groupParts(w.ranges, level),
    problems,
    summary: summarize(type, packet, error, level),
    decoded: packet,
    decodeError: packet ? null : error,
  };
}

// ---------------------------------------------------------------------------------------------
// One-line summaries

const MAX_SUMMARY_TOPICS = 4;

function listTopics<T>(items: readonly T[], show: (t: T) => string): string {
  const shown = items.slice(0, MAX_SUMMARY_TOPICS).map(show).join(', ');
  return items.length > MAX_SUMMARY_TOPICS ? `${shown} … (+${items.length - MAX_SUMMARY_TOPICS})` : shown;
}

function summarize(type: string, p: Packet | null, error: string | null, level: ProtocolLevel): string {
  if (!p) return `${type} (malformed: ${error ?? 'unreadable'})`;
  const v = (s: string): string => visibleText(s);
  switch (p.cmd) {
    case 'connect': {
      const will = p.will ? `, will QoS ${p.will.qos}${p.will.retain ? ' retain' : ''} on ${v(p.will.topic)}` : '';
      const ka = p.keepalive ? `keep-alive ${p.keepalive} s` : 'no keep-alive';
      return `CONNECT ${p.clientId ? v(p.clientId) : '(empty client id)'}${p.clean ? ', clean' : ''}, ${ka}${will}${p.username !== undefined ? `, user ${v(p.username)}` : ''}`;
    }
    case 'connack': {
      const code = p.returnCode ?? p.reasonCode ?? 0;
      const name = level === 5 ? reasonName(code, 'CONNACK') : (CONNACK_RETURN_CODES[code]?.name ?? `return code ${code}`);
      return `CONNACK ${code === 0 ? 'accepted' : `refused: ${name.replace(/^Refused: /, '')} (${code})`}${p.sessionPresent ? ', session present' : ''}`;
    }
    case 'publish': {
      const size = p.payload ? (typeof p.payload === 'string' ? new TextEncoder().encode(p.payload).length : p.payload.length) : 0;
      const topic = p.topic ? v(p.topic) : '(topic alias)';
      return `PUBLISH QoS ${p.qos}${p.dup ? ' dup' : ''}${p.retain ? ' retain' : ''} ${topic} (${count(size)} B payload)`;
    }
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp': {
      const rc = p.reasonCode ? ` ${reasonName(p.reasonCode, p.cmd.toUpperCase())}` : '';
      return `${p.cmd.toUpperCase()} id ${p.messageId ?? '?'}${rc}`;
    }
    case 'subscribe':
      return `SUBSCRIBE id ${p.messageId ?? '?'}: ${listTopics(p.subscriptions, (s) => `${v(s.topic)} QoS ${s.qos}`)}`;
    case 'suback':
      return `SUBACK id ${p.messageId ?? '?'}: ${listTopics(p.granted as readonly (number | object)[], (g) =>
        typeof g !== 'number' ? '?' : g >= 0x80 ? (level === 5 ? reasonName(g, 'SUBACK') : 'failure') : `QoS ${g}`,
      )}`;
    case 'unsubscribe':
      return `UNSUBSCRIBE id ${p.messageId ?? '?'}: ${listTopics(p.unsubscriptions, v)}`;
    case 'unsuback':
      return `UNSUBACK id ${p.messageId ?? '?'}`;
    case 'pingreq':
      return 'PINGREQ (keep-alive)';
    case 'pingresp':
      return 'PINGRESP';
    case 'disconnect': {
      if (level !== 5) return 'DISCONNECT (will discarded)';
      const rc = p.reasonCode ?? 0;
      return rc === 0x04 ? 'DISCONNECT with will' : rc === 0 ? 'DISCONNECT (will discarded)' : `DISCONNECT ${reasonName(rc, 'DISCONNECT')}`;
    }
    case 'auth':
      return `AUTH ${reasonName(p.reasonCode ?? 0, 'AUTH')}`;
    default:
      return type;
  }
}

/**
 * One line for a packet list, e.g. `PUBLISH QoS 1 retain webrtc-lab/x/alice/status (115 B payload)`.
 * Cheaper than annotatePacket (mqtt-packet only). Never throws.
 */
export function summarizePacket(bytes: Uint8Array, opts: Pick<AnnotateOptions, 'protocolVersion'> & { size?: number } = {}): string {
  try {
    if (bytes.length === 0) return 'EMPTY (no bytes)';
    const code = bytes[0]! >> 4;
    const level: ProtocolLevel = (code === 1 ? connectLevel(bytes) : undefined) ?? opts.protocolVersion ?? 4;
    // A trace keeps only the head of a packet past its byte budget: that is the lab's cut, not a malformed packet.
    if (opts.size !== undefined && opts.size > bytes.length) {
      return `${typeInfo(code, level).name} (${count(opts.size)} B; the lab kept only its first ${count(bytes.length)} B)`;
    }
    const { packet, error } = decodePacket(bytes, level);
    return summarize(typeInfo(code, level).name, packet, error, level);
  } catch {
    return 'unreadable packet';
  }
}
