/**
 * Byte-by-byte annotation of one STUN message, in the style of src/lib/mqtt/annotate.ts:
 * every byte belongs to exactly one range [start, end), and each range has a name, its
 * decoded value, what it means and the RFC section. parse.ts finds where things are; the
 * words come from tables.ts and the small value decoders below.
 *
 * Never throws. Short or malformed input yields ranges with `problem` set; every byte is
 * still covered (the leftovers as "Not decoded" or "After the message").
 */
import { bytesToHex } from '../bytes/hex';
import { hexNum, text, u16, u32, utf8Bytes } from './bytes';
import {
  checkFingerprint,
  checkIntegrity,
  decodeAddress,
  formatEndpoint,
  parseStun,
  xorKeyOf,
  type DecodedAddress,
  type ParsedStun,
  type RawAttribute,
} from './parse';
import {
  ABOUT,
  ATTRIBUTES,
  CLASSES,
  ERROR_CODES,
  FINGERPRINT_XOR,
  HEADER_SIZE,
  MAGIC_COOKIE,
  METHODS,
  TYPE_PREFERENCES,
  type AttributeInfo,
  type Decoder,
  type StunClass,
} from './tables';

export type StunPartKind = 'header' | 'attribute' | 'trailing';

/** A run of bits inside a range, high bit first ("15–14", "8"). Bit 15 is the top bit of a 16-bit field. */
export interface StunBitField {
  bits: string;
  name: string;
  value: string;
  meaning: string;
}

export interface StunRange {
  /** Byte offsets, [start, end). start === end never happens: empty fields get no range. */
  start: number;
  end: number;
  part: StunPartKind;
  name: string;
  value: string;
  meaning: string;
  ref: string;
  /** `value` is text from the message (SOFTWARE, USERNAME …): untrusted, show as text. */
  text?: boolean;
  /** The 16 bits of the message type, grouped as in RFC 8489 §5. */
  bits?: StunBitField[];
  problem?: string;
}

export interface StunPart {
  kind: StunPartKind;
  /** "Header", "XOR-MAPPED-ADDRESS" … */
  title: string;
  /** Attribute type code for attributes. */
  code?: number;
  ref: string;
  /** One sentence: what this part is for. */
  about: string;
  /** What it decodes to, in one line (attributes only), e.g. "127.0.0.1:36053". */
  summary?: string;
  start: number;
  end: number;
  ranges: StunRange[];
}

export interface AnnotatedStun {
  size: number;
  isStun: boolean;
  /** "Binding success response", "Allocate error response", or "Not STUN". */
  kind: string;
  method: string | null;
  cls: StunClass | null;
  /** Hex, or null when the header is cut short. */
  transactionId: string | null;
  about: string;
  aboutRef: string;
  /** In byte order; together they cover [0, size) exactly once. */
  ranges: StunRange[];
  /** The same ranges grouped: header, each attribute, trailing bytes. */
  parts: StunPart[];
  problems: string[];
  /** One line: kind, attribute names, the mapped address. */
  summary: string;
  /** XOR-MAPPED-ADDRESS, decoded; falls back to MAPPED-ADDRESS; null if neither. */
  mapped: DecodedAddress | null;
  fingerprint: 'ok' | 'bad' | 'absent';
  integrity: 'ok' | 'bad' | 'unchecked' | 'absent';
  parsed: ParsedStun;
}

export interface AnnotateStunOptions {
  /**
   * Short-term password to verify MESSAGE-INTEGRITY with (RFC 8489 §9.1). For an ICE check
   * it is the receiver's ice-pwd, for its response the same one (RFC 8445 §7.2.2).
   */
  password?: string;
}

/** One piece of an attribute value, laid out in order by the walker. */
interface Piece {
  len: number;
  name: string;
  value: string;
  meaning?: string;
  ref?: string;
  text?: boolean;
  problem?: string;
}

interface Ctx {
  bytes: Uint8Array;
  value: Uint8Array;
  attr: RawAttribute;
  info: AttributeInfo | undefined;
  parsed: ParsedStun;
  opts: AnnotateStunOptions;
  /** Filled by decoders that check something. */
  state: { fingerprint?: 'ok' | 'bad'; integrity?: 'ok' | 'bad' | 'unchecked'; summary?: string };
}

const PROTOCOLS: Readonly<Record<number, string>> = { 6: 'TCP', 17: 'UDP' };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * A text value as pieces: the text, then any zero bytes at its end as their own piece.
 * coturn pads its reason phrase to 4 bytes *inside* the length; §14 puts padding outside.
 */
function textPieces(value: Uint8Array, name: string, meaning: string): Piece[] {
  let n = value.length;
  while (n > 0 && value[n - 1] === 0) n--;
  const t = text(value.subarray(0, n));
  const pieces: Piece[] = [{ len: n, name, value: t.text, text: true, meaning, ...(t.valid ? {} : { problem: 'Not valid UTF-8.' }) }];
  if (n < value.length) {
    pieces.push({
      len: value.length - n,
      name: 'Zero bytes inside the value',
      value: bytesToHex(value.subarray(n)),
      meaning: 'The sender padded the text to a multiple of 4 inside the length (coturn does this). RFC 8489 puts padding after the value, outside the length; a reader just drops them.',
      ref: 'RFC 8489 §14',
    });
  }
  return pieces;
}

// ---------------------------------------------------------------------------------------------
// Value decoders, one per Decoder kind. Each returns pieces in byte order; the walker clamps
// them to the value and covers whatever they leave.

function addressPieces(ctx: Ctx, xor: boolean): Piece[] {
  const { value, parsed } = ctx;
  const key = xor && parsed.transactionId ? xorKeyOf(parsed.transactionId) : null;
  const d = decodeAddress(value, key);
  const fam = value[1];
  const reserved = value[0] ?? 0;
  const rawPort = u16(value, 2);
  const rawAddr = value.subarray(4);
  const isV6 = d.family === 6;
  ctx.state.summary = d.address !== null && d.port !== null ? formatEndpoint(d.address, d.port) : undefined;
  const xorWith = isV6 ? 'the magic cookie and the transaction ID (16 bytes)' : 'the magic cookie 0x2112A442';
  return [
    { len: 1, name: 'Reserved', value: hexNum(reserved, 2), meaning: 'Always zero.', ...(reserved !== 0 ? { problem: 'Should be 0x00.' } : {}) },
    {
      len: 1,
      name: 'Family',
      value: fam === undefined ? '—' : `${hexNum(fam, 2)} = ${d.family ? `IPv${d.family}` : 'unknown'}`,
      meaning: '0x01 is IPv4 (4-byte address), 0x02 is IPv6 (16 bytes).',
      ...(d.family === null ? { problem: d.problem ?? 'Unknown family.' } : {}),
    },
    {
      len: 2,
      name: xor ? 'X-Port' : 'Port',
      value: d.port === null ? '—' : String(d.port),
      meaning:
        xor && rawPort !== null
          ? `${hexNum(rawPort)} XOR ${hexNum(MAGIC_COOKIE >>> 16)} (the top half of the magic cookie) = ${hexNum(d.port ?? 0)} = ${d.port}.`
          : 'The UDP or TCP port, as it is.',
    },
    {
      len: rawAddr.length,
      name: xor ? 'X-Address' : 'Address',
      value: d.address ?? '—',
      meaning: xor
        ? `${bytesToHex(rawAddr.subarray(0, isV6 ? 16 : 4), '')} XOR ${xorWith}. The XOR hides the address from NATs that rewrite anything that looks like their own address.`
        : 'The address, as it is.',
      ...(d.address === null || d.problem ? { problem: d.problem ?? 'Cannot read the address.' } : {}),
    },
  ];
}

function usernamePiece(ctx: Ctx): Piece[] {
  const t = text(ctx.value);
  const [receiver, sender, ...rest] = t.text.split(':');
  const ice = sender !== undefined && rest.length === 0;
  return [
    {
      len: ctx.value.length,
      name: 'Username',
      value: t.text,
      text: true,
      meaning: ice
        ? `ICE writes "receiver's ufrag:sender's ufrag": this check is for the agent whose ice-ufrag is "${receiver}", from the one whose ice-ufrag is "${sender}".`
        : 'UTF-8 text, at most 513 bytes.',
      ref: ice ? 'RFC 8445 §7.2.2' : 'RFC 8489 §14.3',
      ...(t.valid ? {} : { problem: 'Not valid UTF-8.' }),
    },
  ];
}

function errorCodePieces(ctx: Ctx): Piece[] {
  const v = ctx.value;
  const cls = (v[2] ?? 0) & 0x07;
  const num = v[3] ?? 0;
  const code = cls * 100 + num;
  const known = ERROR_CODES[code];
  const reason = textPieces(v.subarray(4), 'Reason phrase', 'Words for a human; the code is what counts.');
  ctx.state.summary = `${code} ${reason[0]!.value}`;
  return [
    { len: 2, name: 'Reserved', value: hexNum(u16(v, 0) ?? 0), meaning: '21 reserved bits start here; they are zero.' },
    {
      len: 1,
      name: 'Class',
      value: String(cls),
      meaning: `The hundreds digit of the code (the low 3 bits of this byte; the 5 above are reserved).`,
      ...(cls < 3 || cls > 6 ? { problem: 'The class must be 3 to 6.' } : {}),
    },
    {
      len: 1,
      name: 'Number',
      value: String(num),
      meaning: `The code modulo 100: ${cls} × 100 + ${num} = ${code}${known ? ` ${known.name}. ${known.meaning}` : ', a code this page does not know.'}`,
      ref: known?.ref ?? 'RFC 8489 §14.8',
      ...(num > 99 ? { problem: 'The number must be 0 to 99.' } : {}),
    },
    ...reason,
  ];
}

function priorityPieces(ctx: Ctx): Piece[] {
  const v = ctx.value;
  const p = u32(v, 0);
  if (p === null) return [];
  const typePref = v[0]!;
  const local = u16(v, 1)!;
  const comp = 256 - v[3]!;
  ctx.state.summary = String(p);
  return [
    {
      len: 1,
      name: 'Type preference',
      value: `${typePref}${TYPE_PREFERENCES[typePref] ? ` (${TYPE_PREFERENCES[typePref]})` : ''}`,
      meaning: `The whole value is ${p} = 2²⁴ × type preference + 2⁸ × local preference + (256 − component). A check carries the priority the sender would give a peer-reflexive candidate, so the type preference is normally 110.`,
      ref: 'RFC 8445 §5.1.2.1',
    },
    { len: 2, name: 'Local preference', value: String(local), meaning: 'Ranks the sender\'s own interfaces and addresses (0–65535).', ref: 'RFC 8445 §5.1.2.1' },
    { len: 1, name: 'Component', value: `${hexNum(v[3]!, 2)} → component ${comp}`, meaning: '256 minus the component ID. Component 1 is RTP, or everything when RTP and RTCP share a port.', ref: 'RFC 8445 §5.1.2.1' },
  ];
}

function fingerprintPiece(ctx: Ctx): Piece[] {
  const c = checkFingerprint(ctx.bytes, ctx.attr);
  ctx.state.fingerprint = c.ok ? 'ok' : 'bad';
  const crc = (c.expected ^ FINGERPRINT_XOR) >>> 0;
  return [
    {
      len: 4,
      name: 'CRC-32 XOR 0x5354554E',
      value: c.actual === null ? '—' : hexNum(c.actual, 8),
      meaning: `CRC-32 of bytes 0–${ctx.attr.start - 1} is ${hexNum(crc, 8)}; XOR 0x5354554E gives ${hexNum(c.expected, 8)}${c.ok ? ': it matches.' : '.'}`,
      ...(c.ok ? {} : { problem: c.actual === null ? 'FINGERPRINT must be 4 bytes.' : `Does not match: expected ${hexNum(c.expected, 8)}.` }),
    },
  ];
}

function integrityPiece(ctx: Ctx): Piece[] {
  const v = ctx.value;
  const hex = bytesToHex(v, '');
  if (ctx.opts.password === undefined) {
    ctx.state.integrity = 'unchecked';
    return [{ len: v.length, name: 'HMAC-SHA1', value: hex, meaning: `Keyed with the password (for ICE, the receiver's ice-pwd from its SDP), over bytes 0–${ctx.attr.start - 1} with the length field set to end right after this attribute. Not checked here: no password given.` }];
  }
  const c = checkIntegrity(ctx.bytes, ctx.attr, utf8Bytes(ctx.opts.password));
  ctx.state.integrity = c.ok ? 'ok' : 'bad';
  return [
    {
      len: v.length,
      name: 'HMAC-SHA1',
      value: hex,
      meaning: `HMAC-SHA1 of bytes 0–${ctx.attr.start - 1}, with the length field set to ${ctx.attr.start + 24 - HEADER_SIZE} (as if this were the last attribute), keyed with the password.${c.ok ? ' Checked with the given password: it matches.' : ''}`,
      ...(c.ok ? {} : { problem: `Does not match the given password: expected ${bytesToHex(c.expected, '')}.` }),
    },
  ];
}

const DECODERS: Readonly<Record<Decoder, (ctx: Ctx) => Piece[]>> = {
  address: (ctx) => addressPieces(ctx, false),
  'xor-address': (ctx) => addressPieces(ctx, true),
  text: (ctx) => {
    const pieces = textPieces(ctx.value, 'Text', 'UTF-8 text.');
    ctx.state.summary = pieces[0]!.value;
    return pieces;
  },
  username: usernamePiece,
  empty: () => [],
  u32: (ctx) => [{ len: 4, name: 'Value', value: String(u32(ctx.value, 0) ?? '—') }],
  lifetime: (ctx) => {
    const s = u32(ctx.value, 0);
    ctx.state.summary = s === null ? undefined : `${s} s`;
    return [{ len: 4, name: 'Seconds', value: s === null ? '—' : `${s} s${s >= 60 ? ` (${Math.round(s / 60)} min)` : ''}` }];
  },
  priority: priorityPieces,
  'tie-breaker': (ctx) => [
    {
      len: 8,
      name: 'Tie-breaker',
      value: `0x${bytesToHex(ctx.value, '').toUpperCase()}`,
      meaning: 'A random 64-bit number. If both agents claim the same role, the larger tie-breaker keeps it (the other gets a 487 Role Conflict).',
      ref: 'RFC 8445 §7.3.1.1',
    },
  ],
  fingerprint: fingerprintPiece,
  integrity: integrityPiece,
  'integrity-sha256': (ctx) => [{ len: ctx.value.length, name: 'HMAC-SHA256', value: bytesToHex(ctx.value, ''), meaning: 'Not checked here.' }],
  'error-code': errorCodePieces,
  'unknown-attributes': (ctx) => {
    const pieces: Piece[] = [];
    for (let i = 0; i + 2 <= ctx.value.length; i += 2) {
      const t = u16(ctx.value, i)!;
      pieces.push({ len: 2, name: 'Unknown type', value: `${hexNum(t)} ${ATTRIBUTES[t]?.name ?? '(not recognised here either)'}`, meaning: 'One attribute the server did not understand.' });
    }
    ctx.state.summary = pieces.map((p) => p.value.split(' ')[0]).join(', ');
    return pieces;
  },
  'requested-transport': (ctx) => {
    const proto = ctx.value[0] ?? 0;
    ctx.state.summary = PROTOCOLS[proto] ?? `protocol ${proto}`;
    return [
      { len: 1, name: 'Protocol', value: `${proto}${PROTOCOLS[proto] ? ` = ${PROTOCOLS[proto]}` : ''}`, meaning: 'An IP protocol number: 17 is UDP (6, TCP, needs RFC 6062).' },
      { len: 3, name: 'Reserved', value: bytesToHex(ctx.value.subarray(1, 4)), meaning: 'Zero.' },
    ];
  },
  'change-request': (ctx) => {
    const f = u32(ctx.value, 0) ?? 0;
    return [{ len: 4, name: 'Flags', value: `change IP: ${(f >> 2) & 1 ? 'yes' : 'no'}, change port: ${(f >> 1) & 1 ? 'yes' : 'no'}`, meaning: 'Bit 2 (A) asks for a different IP, bit 1 (B) for a different port.' }];
  },
  'channel-number': (ctx) => [
    { len: 2, name: 'Channel', value: hexNum(u16(ctx.value, 0) ?? 0) },
    { len: 2, name: 'Reserved', value: hexNum(u16(ctx.value, 2) ?? 0), meaning: 'Zero.' },
  ],
  'goog-network-info': (ctx) => {
    const id = u16(ctx.value, 0);
    const cost = u16(ctx.value, 2);
    return [
      { len: 2, name: 'Network id', value: String(id ?? '—'), meaning: 'Chromium\'s number for the network interface the check left on.' },
      { len: 2, name: 'Network cost', value: String(cost ?? '—'), meaning: 'libwebrtc\'s cost of that network: 0–10 for wired, 50 unknown, 250–980 for mobile, 999 the maximum (Chromium uses it before a page has camera or microphone permission, like the network-cost 999 in its candidates).' },
    ];
  },
  bytes: (ctx) => [{ len: ctx.value.length, name: 'Value', value: bytesToHex(ctx.value), meaning: 'Shown as bytes; this page does not decode it further.' }],
};

// ---------------------------------------------------------------------------------------------
// The walk

const TYPE_BITS = (type: number): StunBitField[] => {
  const b = (hi: number, lo: number) => {
    let s = '';
    for (let k = hi; k >= lo; k--) s += (type >> k) & 1;
    return s;
  };
  return [
    { bits: '15–14', name: 'Leading zeros', value: b(15, 14), meaning: 'Always 00. With the magic cookie this tells STUN apart from RTP and DTLS on the same port (RFC 7983).' },
    { bits: '13–9', name: 'Method M11–M7', value: b(13, 9), meaning: 'High bits of the method.' },
    { bits: '8', name: 'Class C1', value: b(8, 8), meaning: 'High bit of the class.' },
    { bits: '7–5', name: 'Method M6–M4', value: b(7, 5), meaning: 'Middle bits of the method.' },
    { bits: '4', name: 'Class C0', value: b(4, 4), meaning: 'Low bit of the class.' },
    { bits: '3–0', name: 'Method M3–M0', value: b(3, 0), meaning: 'Low bits of the method.' },
  ];
};

function kindOf(p: ParsedStun): { kind: string; method: string | null } {
  if (p.type === null || p.method === null || p.cls === null) return { kind: 'Not STUN', method: null };
  if (p.type >> 14 !== 0) return { kind: 'Not STUN', method: null };
  const m = METHODS[p.method]?.name ?? `Method ${hexNum(p.method, 3)}`;
  return { kind: `${m} ${p.cls}`, method: m };
}

/** Header ranges: every field that has at least one byte. */
function headerRanges(bytes: Uint8Array, p: ParsedStun): StunRange[] {
  const out: StunRange[] = [];
  const size = bytes.length;
  const field = (start: number, len: number, r: Omit<StunRange, 'start' | 'end' | 'part'>) => {
    if (start >= size) return;
    const end = Math.min(start + len, size);
    out.push({ start, end, part: 'header', ...r, ...(end - start < len && !r.problem ? { problem: `Cut short: ${end - start} of ${len} bytes.` } : {}) });
  };
  const t = p.type;
  const method = p.method === null ? null : METHODS[p.method];
  const clsIndex = p.cls === null ? -1 : CLASSES.findIndex((c) => c.name === p.cls);
  field(0, 2, {
    name: 'Message type',
    value: t === null ? '—' : `${hexNum(t)}: ${kindOf(p).kind}`,
    meaning:
      t === null
        ? ''
        : `Class ${p.cls} (C1 C0 = ${clsIndex >> 1}${clsIndex & 1}: ${CLASSES[clsIndex]?.meaning ?? ''}). Method ${hexNum(p.method ?? 0, 3)} ${method ? `${method.name}: ${method.meaning}` : '(not one this page knows)'}. The 2 class bits sit between the 12 method bits.`,
    ref: method?.ref && method.ref !== 'RFC 8489 §3' ? `RFC 8489 §5, ${method.ref}` : 'RFC 8489 §5',
    ...(t !== null ? { bits: TYPE_BITS(t) } : {}),
    ...(t !== null && t >> 14 !== 0 ? { problem: 'The first two bits must be 00.' } : {}),
  });
  const len = p.length;
  field(2, 2, {
    name: 'Message length',
    value: len === null ? '—' : `${len} bytes`,
    meaning: 'Bytes after this 20-byte header: all the attributes with their padding. Always a multiple of 4.',
    ref: 'RFC 8489 §5',
    ...(len !== null && (len % 4 !== 0 || (size >= HEADER_SIZE && HEADER_SIZE + len !== size))
      ? { problem: len % 4 !== 0 ? 'Not a multiple of 4.' : `${size - HEADER_SIZE} bytes follow the header.` }
      : {}),
  });
  field(4, 4, {
    name: 'Magic cookie',
    value: p.cookie === null ? '—' : hexNum(p.cookie, 8),
    meaning: 'Always 0x2112A442. It marks RFC 5389/8489 STUN (in RFC 3489, from 2003, these bytes were part of a random transaction ID), and it is the XOR key for addresses.',
    ref: 'RFC 8489 §5',
    ...(p.cookie !== null && p.cookie !== MAGIC_COOKIE ? { problem: 'Not the magic cookie.' } : {}),
  });
  field(8, 12, {
    name: 'Transaction ID',
    value: `0x${bytesToHex(bytes.subarray(8, 20), '').toUpperCase()}`,
    meaning: '96 random bits chosen by whoever sends the request; the response repeats them, which is how an answer is matched to its question.',
    ref: 'RFC 8489 §5',
  });
  return out;
}

function attributeRanges(ctx: Ctx, after: { integrity: boolean; fingerprint: boolean }): { ranges: StunRange[]; part: StunPart } {
  const { attr, info, bytes } = ctx;
  const code = attr.type;
  const out: StunRange[] = [];
  const name = info?.name ?? (code < 0 ? 'Attribute' : `Unknown attribute ${hexNum(code)}`);
  const ref = info?.ref ?? 'RFC 8489 §14';
  const required = code >= 0 && code < 0x8000;
  const push = (start: number, end: number, r: Omit<StunRange, 'start' | 'end' | 'part'>) => {
    if (end > start) out.push({ start, end, part: 'attribute', ...r });
  };

  // Where the attribute sits matters (§14.5, §14.7): only FINGERPRINT may follow
  // MESSAGE-INTEGRITY, and nothing may follow FINGERPRINT.
  let placement: string | undefined;
  if (after.fingerprint) placement = 'Comes after FINGERPRINT, which must be the last attribute: receivers ignore it.';
  else if (after.integrity && code !== 0x8028) placement = 'Comes after MESSAGE-INTEGRITY: receivers ignore it, and it is not protected.';

  push(attr.start, Math.min(attr.start + 2, attr.end), {
    name: 'Attribute type',
    value: code < 0 ? '—' : `${hexNum(code)} ${info?.name ?? '(not recognised)'}`,
    meaning:
      code < 0
        ? ''
        : `${info ? '' : 'Not recognised by this page. '}${required ? 'Below 0x8000, so comprehension-required: a receiver that does not know it must refuse a request (420).' : 'From 0x8000, so comprehension-optional: a receiver that does not know it may ignore it.'}`,
    ref: 'RFC 8489 §14',
    ...(attr.end - attr.start < 2 ? { problem: 'Cut short.' } : placement ? { problem: placement } : {}),
  });
  push(attr.start + 2, Math.min(attr.start + 4, attr.end), {
    name: 'Attribute length',
    value: plural(attr.length, 'byte'),
    meaning: 'Of the value, without padding.',
    ref: 'RFC 8489 §14',
    ...(attr.end - attr.start < 4
      ? { problem: 'Cut short: the message ends inside the attribute header.' }
      : info?.size !== undefined && info.size !== attr.length
        ? { problem: `${info.name} is always ${plural(info.size, 'byte')}.` }
        : {}),
  });

  // The value, piece by piece.
  let pieces: Piece[];
  try {
    pieces = info ? DECODERS[info.decode](ctx) : [{ len: ctx.value.length, name: 'Value', value: bytesToHex(ctx.value), meaning: 'Not recognised: kept as bytes.' }];
  } catch {
    pieces = DECODERS.bytes(ctx);
  }
  let at = attr.valueStart;
  for (const piece of pieces) {
    if (at >= attr.valueEnd) break;
    const end = Math.min(at + Math.max(piece.len, 0), attr.valueEnd);
    push(at, end, {
      name: piece.name,
      value: piece.value,
      meaning: piece.meaning ?? '',
      ref: piece.ref ?? ref,
      ...(piece.text ? { text: true } : {}),
      ...(piece.problem ? { problem: piece.problem } : end - at < piece.len ? { problem: `Cut short: ${end - at} of ${piece.len} bytes.` } : {}),
    });
    at = end;
  }
  push(at, attr.valueEnd, {
    name: 'Not decoded',
    value: bytesToHex(bytes.subarray(at, attr.valueEnd)),
    meaning: 'Value bytes this page does not read.',
    ref,
    ...(info?.size !== undefined ? { problem: 'More bytes than this attribute has.' } : {}),
  });
  const padding = attr.end - attr.valueEnd;
  const nonZero = bytes.subarray(attr.valueEnd, attr.end).some((b) => b !== 0);
  push(attr.valueEnd, attr.end, {
    name: 'Padding',
    value: bytesToHex(bytes.subarray(attr.valueEnd, attr.end)),
    meaning: `${plural(padding, 'byte')} so that the next attribute starts on a multiple of 4. Their value means nothing${nonZero ? ' (these are not zero, which is allowed)' : ''}.`,
    ref: 'RFC 8489 §14',
  });

  const first = out[0];
  const part: StunPart = {
    kind: 'attribute',
    title: name,
    ...(code >= 0 ? { code } : {}),
    ref,
    about: info?.meaning ?? (required ? 'An attribute this page does not know. It is comprehension-required, so a server that does not know it either must refuse the request.' : 'An attribute this page does not know. It is comprehension-optional, so it can be ignored.'),
    ...(ctx.state.summary !== undefined ? { summary: ctx.state.summary } : {}),
    start: first?.start ?? attr.start,
    end: attr.end,
    ranges: out,
  };
  return { ranges: out, part };
}

export function annotateStun(input: Uint8Array, opts: AnnotateStunOptions = {}): AnnotatedStun {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(0);
  const p = parseStun(bytes);
  const { kind, method } = kindOf(p);
  const problems = [...p.problems];
  const parts: StunPart[] = [];

  const header = headerRanges(bytes, p);
  parts.push({ kind: 'header', title: 'Header', ref: 'RFC 8489 §5', about: 'Every STUN message starts with these 20 bytes.', start: 0, end: Math.min(HEADER_SIZE, bytes.length), ranges: header });

  let fingerprint: AnnotatedStun['fingerprint'] = 'absent';
  let integrity: AnnotatedStun['integrity'] = 'absent';
  let mapped: DecodedAddress | null = null;
  let plainMapped: DecodedAddress | null = null;
  const seen = { integrity: false, fingerprint: false };
  // Attributes are only read in something that looks like STUN; otherwise the rest is one range.
  const attrs = p.type !== null && p.type >> 14 === 0 ? p.attributes : [];
  for (const attr of attrs) {
    const info = ATTRIBUTES[attr.type];
    const ctx: Ctx = { bytes, value: bytes.subarray(attr.valueStart, attr.valueEnd), attr, info, parsed: p, opts, state: {} };
    const { part } = attributeRanges(ctx, seen);
    parts.push(part);
    for (const r of part.ranges) if (r.problem && !problems.includes(`${part.title}: ${r.problem}`)) problems.push(`${part.title}: ${r.problem}`);
    if (attr.type === 0x8028 && !seen.fingerprint) fingerprint = ctx.state.fingerprint ?? 'bad';
    if (attr.type === 0x0008 && !seen.integrity && !seen.fingerprint) integrity = ctx.state.integrity ?? 'unchecked';
    if (attr.type === 0x0020 && !mapped && p.transactionId) mapped = decodeAddress(ctx.value, xorKeyOf(p.transactionId));
    if (attr.type === 0x0001 && !plainMapped) plainMapped = decodeAddress(ctx.value);
    if (attr.type === 0x0008) seen.integrity = true;
    if (attr.type === 0x8028) seen.fingerprint = true;
  }

  // Whatever is left: bytes past the length field, or everything after a non-STUN header.
  const covered = parts.reduce((m, part) => Math.max(m, ...part.ranges.map((r) => r.end)), 0);
  if (covered < bytes.length) {
    const notStun = !(p.type !== null && p.type >> 14 === 0);
    const r: StunRange = {
      start: covered,
      end: bytes.length,
      part: 'trailing',
      name: notStun ? 'Not decoded' : 'After the message',
      value: plural(bytes.length - covered, 'byte'),
      meaning: notStun ? 'Not read: the header says this is not STUN.' : 'Bytes past the end the length field gives. They are not part of this message.',
      ref: 'RFC 8489 §5',
      ...(notStun ? {} : { problem: 'Not covered by the length field.' }),
    };
    parts.push({ kind: 'trailing', title: notStun ? 'Not decoded' : 'After the message', ref: 'RFC 8489 §5', about: r.meaning, start: covered, end: bytes.length, ranges: [r] });
  }

  const ranges = parts.flatMap((part) => part.ranges);
  const about = p.method !== null && p.cls !== null && kind !== 'Not STUN' ? (ABOUT[`${p.method}:${p.cls}`] ?? ABOUT[`*:${p.cls}`]!) : { text: 'Not a STUN message.', ref: 'RFC 8489 §5' };
  const names = parts.filter((x) => x.kind === 'attribute').map((x) => x.title);
  const m = mapped ?? plainMapped;
  const summary = [
    kind,
    names.length ? names.join(', ') : 'no attributes',
    ...(m?.address && m.port !== null ? [`mapped ${formatEndpoint(m.address, m.port)}`] : []),
  ].join(' · ');

  return {
    size: bytes.length,
    isStun: p.isStun,
    kind,
    method,
    cls: kind === 'Not STUN' ? null : p.cls,
    transactionId: p.transactionId ? bytesToHex(p.transactionId, '') : null,
    about: about.text,
    aboutRef: about.ref,
    ranges,
    parts,
    problems,
    summary,
    mapped: m,
    fingerprint,
    integrity,
    parsed: p,
  };
}
