/**
 * The ICE candidate attribute (RFC 8839 §5.1), parsed into fields, and a plain-language
 * explanation of each field. Parsing and explaining are separate; neither throws.
 *
 *   candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP
 *                         priority SP connection-address SP port SP "typ" SP cand-type
 *                         [SP "raddr" SP connection-address] [SP "rport" SP port]
 *                         *(SP extension-att-name SP extension-att-value)
 */
import { addressKind, addressScope, isMdnsAddress, isUnspecifiedAddress, type AddressKind } from './address';
import { decodePriority, RECOMMENDED_TYPE_PREFERENCE } from './priority';

export { isIPv4, isIPv6, isMdnsAddress, addressKind, addressScope } from './address';
export type { AddressKind, AddressScope } from './address';

export type TcpType = 'active' | 'passive' | 'so';

export interface CandidateExtension {
  name: string;
  value: string;
}

export interface ParsedCandidate {
  foundation: string;
  /** 1 = RTP (everything, with rtcp-mux and BUNDLE), 2 = RTCP. */
  component: number;
  /** Lower-cased: 'udp', 'tcp', or another transport token. */
  transport: string;
  priority: number;
  address: string;
  addressKind: AddressKind;
  port: number;
  /** 'host' | 'srflx' | 'prflx' | 'relay', or an unknown token kept as is. */
  type: string;
  raddr: string | null;
  rport: number | null;
  tcptype: TcpType | null;
  generation: number | null;
  ufrag: string | null;
  networkId: number | null;
  networkCost: number | null;
  /** Extension pairs this parser does not know, in order. */
  extensions: CandidateExtension[];
}

export interface CandidateParseError {
  error: string;
}

export type CandidateParseResult = ParsedCandidate | CandidateParseError;

export function isCandidateError(r: CandidateParseResult): r is CandidateParseError {
  return 'error' in r;
}

/** Longer input is refused outright (untrusted text; a real candidate is ~150 chars). */
export const MAX_CANDIDATE_TEXT = 4096;

const MAX_PRIORITY = 2 ** 31 - 1; // RFC 8445 §5.1.2.1
const FOUNDATION = /^[A-Za-z0-9+/]{1,32}$/; // 1*32ice-char, RFC 8839 §5.1
const TOKEN = /^[!#$%&'*+\-.^_`{|}~0-9A-Za-z]+$/; // RFC 3261 §25.1 token
const DIGITS = (max: number) => new RegExp(`^\\d{1,${max}}$`);

function parseUint(text: string, maxDigits: number, min: number, max: number): number | null {
  if (!DIGITS(maxDigits).test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

const port = (v: string) => parseUint(v, 5, 0, 65535);
const uint32 = (v: string) => parseUint(v, 10, 0, 2 ** 32 - 1);

/** Extensions this parser turns into fields: name -> field, value parser, what was expected. */
const KNOWN_EXTENSIONS = {
  raddr: { field: 'raddr', parse: (v: string) => (addressKind(v) === 'invalid' ? null : v), expect: 'an IP address or name' },
  rport: { field: 'rport', parse: port, expect: 'a port 0–65535' },
  tcptype: {
    field: 'tcptype',
    parse: (v: string) => (['active', 'passive', 'so'].includes(v.toLowerCase()) ? (v.toLowerCase() as TcpType) : null),
    expect: 'active, passive or so',
  },
  generation: { field: 'generation', parse: uint32, expect: 'a whole number' },
  ufrag: { field: 'ufrag', parse: (v: string) => (v.length > 0 ? v : null), expect: 'a username fragment' },
  'network-id': { field: 'networkId', parse: uint32, expect: 'a whole number' },
  'network-cost': { field: 'networkCost', parse: uint32, expect: 'a whole number' },
} as const satisfies Record<string, { field: keyof ParsedCandidate; parse: (v: string) => unknown; expect: string }>;

type KnownExtension = keyof typeof KNOWN_EXTENSIONS;

/** The fields extensions fill, as a candidate without any has them. */
export function noExtensions(): Pick<ParsedCandidate, (typeof KNOWN_EXTENSIONS)[KnownExtension]['field'] | 'extensions'> {
  return { raddr: null, rport: null, tcptype: null, generation: null, ufrag: null, networkId: null, networkCost: null, extensions: [] };
}

/**
 * The fields of a candidate as written, split at spaces, after an optional `a=` and
 * `candidate:`; `named` says whether `candidate:` was there. Every reader of candidate text
 * starts here, so all agree on where a field begins; parseCandidate checks them.
 */
export function candidateTokens(text: string): { named: boolean; tokens: string[] } {
  let rest = text.trim();
  if (rest.startsWith('a=')) rest = rest.slice(2);
  const named = rest.toLowerCase().startsWith('candidate:');
  if (named) rest = rest.slice('candidate:'.length);
  return { named, tokens: rest === '' ? [] : rest.split(/[ \t]+/) };
}

/**
 * Parses one candidate: `candidate:…`, `a=candidate:…` or the bare attribute value (what
 * RTCIceCandidate.candidate holds, minus nothing). Returns `{ error }` for malformed input.
 */
export function parseCandidate(text: unknown): CandidateParseResult {
  if (typeof text !== 'string') return { error: 'not text' };
  if (text.length > MAX_CANDIDATE_TEXT) return { error: `longer than ${MAX_CANDIDATE_TEXT} characters` };
  const t = candidateTokens(text).tokens;
  if (t.length === 0) return { error: 'empty candidate (an end-of-candidates marker, RFC 8838 §4.1)' };
  if (t.length < 8) return { error: `expected at least 8 fields (foundation … typ type), got ${t.length}` };

  const [foundation, componentText, transportText, priorityText, address, portText, typ, type] = t as [
    string, string, string, string, string, string, string, string,
  ];
  if (!FOUNDATION.test(foundation)) return { error: `foundation "${foundation}" is not 1–32 of A–Z a–z 0–9 + / (RFC 8839 §5.1)` };
  const component = parseUint(componentText, 3, 1, 256);
  if (component === null) return { error: `component "${componentText}" is not 1–256 (RFC 8445 §5.1.2.1)` };
  if (!TOKEN.test(transportText)) return { error: `transport "${transportText}" is not a token (RFC 8839 §5.1)` };
  const priority = parseUint(priorityText, 10, 1, MAX_PRIORITY);
  if (priority === null) return { error: `priority "${priorityText}" is not 1–2147483647 (RFC 8445 §5.1.2.1)` };
  const kind = addressKind(address);
  if (kind === 'invalid') return { error: `address "${address}" is not an IPv4/IPv6 address or host name (RFC 8839 §5.1)` };
  const portValue = port(portText);
  if (portValue === null) return { error: `port "${portText}" is not 0–65535` };
  if (typ !== 'typ') return { error: `expected "typ" after the port, got "${typ}"` };
  if (!TOKEN.test(type)) return { error: `candidate type "${type}" is not a token` };

  const c: ParsedCandidate = {
    foundation,
    component,
    transport: transportText.toLowerCase(),
    priority,
    address,
    addressKind: kind,
    port: portValue,
    type: type.toLowerCase(),
    ...noExtensions(),
  };
  const seen = new Set<string>();
  for (let i = 8; i < t.length; i += 2) {
    const name = t[i]!;
    const value = t[i + 1] ?? '';
    if (!TOKEN.test(name)) return { error: `extension name "${name}" is not a token (RFC 8839 §5.1)` };
    // hasOwn: an extension called "__proto__" or "constructor" is unknown, not Object's.
    const key = name.toLowerCase();
    const known = Object.hasOwn(KNOWN_EXTENSIONS, key) ? KNOWN_EXTENSIONS[key as KnownExtension] : undefined;
    if (!known) {
      c.extensions.push({ name, value });
      continue;
    }
    if (seen.has(known.field)) return { error: `"${name}" appears twice` };
    seen.add(known.field);
    const parsed = known.parse(value);
    if (parsed === null) return { error: `${name} "${value}" is not ${known.expect}` };
    (c as unknown as Record<string, unknown>)[known.field] = parsed;
  }
  return c;
}

/** The attribute value again (without "candidate:"), in the usual field order. */
export function formatCandidate(c: ParsedCandidate): string {
  const parts: (string | number)[] = [c.foundation, c.component, c.transport, c.priority, c.address, c.port, 'typ', c.type];
  for (const [name, { field }] of Object.entries(KNOWN_EXTENSIONS)) {
    const value = c[field];
    if (value !== null) parts.push(name, value);
  }
  for (const e of c.extensions) parts.push(e.name, e.value);
  return parts.join(' ');
}

// ------------------------------------------------------------------ explanations (data)

export interface FieldMeaning {
  label: string;
  meaning: string;
  ref: string;
}

/** What each field means, keyed by its name on the wire. */
export const CANDIDATE_FIELDS = {
  foundation: {
    label: 'Foundation',
    meaning:
      'An id shared by candidates of the same type, base IP, STUN/TURN server and transport. ICE unfreezes checks per foundation, so similar pairs are not all tried at once.',
    ref: 'RFC 8445 §5.1.1.3',
  },
  component: {
    label: 'Component',
    meaning: 'Which component of the media stream: 1 is RTP (and, with rtcp-mux and BUNDLE, everything); 2 is RTCP.',
    ref: 'RFC 8445 §5.1.1; RFC 8839 §5.1',
  },
  transport: { label: 'Transport', meaning: 'The transport protocol of the candidate.', ref: 'RFC 8839 §5.1' },
  priority: {
    label: 'Priority',
    meaning: 'Higher is tried first. It packs a type preference, a local preference and the component into 32 bits.',
    ref: 'RFC 8445 §5.1.2.1',
  },
  address: { label: 'Address', meaning: 'Where the peer should send connectivity checks.', ref: 'RFC 8839 §5.1' },
  port: { label: 'Port', meaning: 'The port of the candidate’s transport address.', ref: 'RFC 8839 §5.1' },
  typ: { label: 'Type', meaning: 'How the candidate was found.', ref: 'RFC 8445 §5.1.1' },
  raddr: {
    label: 'Related address',
    meaning: 'For a reflexive or relayed candidate, the address it came from (its base). For diagnostics only; ICE does not use it.',
    ref: 'RFC 8839 §5.1',
  },
  rport: { label: 'Related port', meaning: 'The port that goes with the related address.', ref: 'RFC 8839 §5.1' },
  tcptype: { label: 'TCP type', meaning: 'Who opens the TCP connection.', ref: 'RFC 6544 §4.5' },
  generation: {
    label: 'Generation',
    meaning: 'Not in any RFC: libwebrtc counts ICE restarts with it; candidates of an older generation are stale.',
    ref: 'libwebrtc extension',
  },
  ufrag: {
    label: 'Username fragment',
    meaning:
      'Not in any RFC: the ICE username fragment of the session that gathered this candidate (the a=ice-ufrag value), so a candidate from before an ICE restart can be told apart.',
    ref: 'libwebrtc extension; RFC 8839 §5.4',
  },
  'network-id': {
    label: 'Network id',
    meaning: 'Not in any RFC: which local network interface the candidate belongs to, numbered by the browser.',
    ref: 'libwebrtc extension',
  },
  'network-cost': {
    label: 'Network cost',
    meaning:
      'Not in any RFC: how expensive the browser thinks the network is (lower is cheaper; 999 is the maximum, used when it does not know, as for sockets bound to the "any" address).',
    ref: 'libwebrtc extension',
  },
} as const satisfies Record<string, FieldMeaning>;

export type CandidateFieldName = keyof typeof CANDIDATE_FIELDS;

/** How a candidate was found (RFC 8445 §5.1.1); the `typ` token. */
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

export interface CandidateTypeMeaning extends FieldMeaning {
  /** The one-line version the SDP annotator shows after the label. */
  brief: string;
}

export const CANDIDATE_TYPES: Readonly<Record<CandidateType, CandidateTypeMeaning>> = {
  host: {
    label: 'host',
    meaning: 'An address of this machine’s own network interface (or an mDNS name standing for it).',
    brief: "an address of this machine's own network interface",
    ref: 'RFC 8445 §5.1.1.1',
  },
  srflx: {
    label: 'server reflexive',
    meaning: 'The address a STUN server saw the request come from: the outside of the nearest NAT.',
    brief: "this machine's public address as a STUN server saw it, outside the NAT",
    ref: 'RFC 8445 §5.1.1.2',
  },
  prflx: {
    label: 'peer reflexive',
    meaning: 'An address learned from a connectivity check that arrived from an address nobody had signalled.',
    brief: 'an address learnt from a connectivity check that arrived from it',
    ref: 'RFC 8445 §7.2.5.3.1',
  },
  relay: {
    label: 'relayed',
    meaning: 'An address on a TURN server, which forwards packets both ways. Works through almost any NAT, at the cost of a detour.',
    brief: 'an address on a TURN server that forwards traffic for this peer',
    ref: 'RFC 8445 §5.1.1.2; RFC 8656',
  },
};

/** True for the four types ICE defines; case-sensitive, as parseCandidate lower-cases. */
export function isCandidateType(type: string): type is CandidateType {
  return Object.hasOwn(CANDIDATE_TYPES, type);
}

/** The meaning of a type token, or undefined for one this page does not know. */
export function candidateTypeMeaning(type: string): CandidateTypeMeaning | undefined {
  return isCandidateType(type) ? CANDIDATE_TYPES[type] : undefined;
}

export const TRANSPORTS: Readonly<Record<string, FieldMeaning>> = {
  udp: { label: 'UDP', meaning: 'UDP, the usual transport for ICE.', ref: 'RFC 8839 §5.1' },
  tcp: { label: 'TCP', meaning: 'ICE over TCP, for networks that block UDP.', ref: 'RFC 6544' },
};

export const TCP_TYPES: Readonly<Record<TcpType, FieldMeaning>> = {
  active: {
    label: 'active',
    meaning: 'This side opens the TCP connection and does not listen; its port is the discard port 9, a placeholder.',
    ref: 'RFC 6544 §4.5',
  },
  passive: { label: 'passive', meaning: 'This side listens and waits for the other to connect.', ref: 'RFC 6544 §4.5' },
  so: { label: 'simultaneous-open', meaning: 'Both sides connect at the same time (TCP simultaneous open).', ref: 'RFC 6544 §4.5' },
};

export const ADDRESS_KINDS: Readonly<Record<AddressKind, FieldMeaning>> = {
  ipv4: { label: 'IPv4', meaning: 'An IPv4 address.', ref: 'RFC 8839 §5.1' },
  ipv6: { label: 'IPv6', meaning: 'An IPv6 address.', ref: 'RFC 8839 §5.1' },
  mdns: {
    label: 'mDNS name',
    meaning:
      'A random name ending in .local that stands for a private IP address. Only a peer on the same local network can resolve it, with multicast DNS.',
    ref: 'draft-ietf-mmusic-mdns-ice-candidates §3.1',
  },
  hostname: { label: 'host name', meaning: 'A DNS name; the receiving agent resolves it before use.', ref: 'RFC 8839 §5.1' },
  invalid: { label: 'invalid', meaning: 'Not an address this page recognises.', ref: 'RFC 8839 §5.1' },
};

/** Why host candidates show `<uuid>.local` and when raw IPs appear. Shown by MdnsNote. */
export const MDNS_EXPLANATION = {
  summary: 'The browser hides this machine’s IP addresses behind random .local names.',
  why:
    'Any web page can create an RTCPeerConnection without asking, and its host candidates would tell the page (and anyone it forwards them to) your private IP addresses, which help to fingerprint and track you. So browsers replace each private address with a random mDNS name, a version 4 UUID followed by ".local". A peer on the same local network can still resolve it with multicast DNS and connect directly; a peer elsewhere cannot, and uses the server-reflexive or relayed candidates instead.',
  whenRaw:
    'Once the page has been granted camera or microphone access, the browser trusts it more: it enumerates every network interface and shows the raw IP addresses in host candidates (TCP ones too). This affects gathering that starts afterwards, so the next lab session; candidates already gathered keep their .local names.',
  stats: 'getStats() does not reveal the address either: Chromium reports an empty address for mDNS host candidates.',
  refs: [
    'draft-ietf-mmusic-mdns-ice-candidates §3.1',
    'RFC 8828 §5.2 (modes of IP address exposure)',
    'W3C webrtc-pc, Privacy and Security Considerations',
  ],
} as const;

export interface ExplainedField {
  /** The name on the wire ('foundation', 'typ', 'raddr', 'network-cost', or an unknown extension). */
  field: string;
  label: string;
  value: string;
  meaning: string;
  ref: string;
  /** An extension this page does not know. */
  unknown?: true;
}

function addressNote(address: string): string {
  const kind = addressKind(address);
  const parts = [ADDRESS_KINDS[kind].meaning];
  if (isUnspecifiedAddress(address)) parts.push('This is the unspecified address: the browser hides the real one.');
  const scope = addressScope(address);
  if (scope && scope.scope !== 'public' && scope.scope !== 'unspecified') parts.push(`It is a ${scope.scope} address (${scope.ref}).`);
  return parts.join(' ');
}

/** One row per field present, in wire order, each with its meaning and reference. */
export function explainCandidate(c: ParsedCandidate): ExplainedField[] {
  const row = (field: CandidateFieldName, value: string | number, extra = ''): ExplainedField => {
    const f: FieldMeaning = CANDIDATE_FIELDS[field];
    return { field, label: f.label, value: String(value), meaning: extra ? `${f.meaning} ${extra}` : f.meaning, ref: f.ref };
  };
  const p = decodePriority(c.priority);
  const recommended = RECOMMENDED_TYPE_PREFERENCE[c.type as keyof typeof RECOMMENDED_TYPE_PREFERENCE] as number | undefined;
  const typeNote =
    recommended === undefined
      ? ''
      : recommended === p.typePreference
        ? `, the value RFC 8445 §5.1.2.2 recommends for ${c.type}`
        : `; RFC 8445 §5.1.2.2 recommends ${recommended} for ${c.type}, but each browser picks its own`;
  const rows: ExplainedField[] = [
    row('foundation', c.foundation),
    row('component', c.component, c.component === 1 ? 'Here: RTP (or everything).' : c.component === 2 ? 'Here: RTCP.' : ''),
    row('transport', c.transport, TRANSPORTS[c.transport]?.meaning ?? 'A transport this page does not know.'),
    row(
      'priority',
      c.priority,
      `Here: type preference ${p.typePreference}${typeNote}; local preference ${p.localPreference}; component ${p.component}.`,
    ),
    row('address', c.address, addressNote(c.address)),
    row('port', c.port, c.tcptype === 'active' && c.port === 9 ? 'Port 9 is a placeholder: an active TCP candidate never listens.' : ''),
  ];
  const type = candidateTypeMeaning(c.type);
  rows.push({ ...row('typ', c.type, type ? `${type.label}: ${type.meaning}` : 'A type this page does not know.'), ref: type?.ref ?? CANDIDATE_FIELDS.typ.ref });
  if (c.raddr !== null) rows.push(row('raddr', c.raddr, addressNote(c.raddr)));
  if (c.rport !== null) rows.push(row('rport', c.rport, c.rport === 0 ? 'Port 0: hidden along with the address.' : ''));
  if (c.tcptype !== null) rows.push({ ...row('tcptype', c.tcptype, TCP_TYPES[c.tcptype].meaning) });
  if (c.generation !== null) rows.push(row('generation', c.generation));
  if (c.ufrag !== null) rows.push(row('ufrag', c.ufrag));
  if (c.networkId !== null) rows.push(row('network-id', c.networkId));
  if (c.networkCost !== null) rows.push(row('network-cost', c.networkCost));
  for (const e of c.extensions) {
    rows.push({ field: e.name, label: e.name, value: e.value, meaning: 'An extension this page does not know; ICE agents ignore what they do not understand.', ref: 'RFC 8839 §5.1', unknown: true });
  }
  return rows;
}

/** True for a host candidate whose address is an mDNS name. */
export function isMdnsCandidate(c: Pick<ParsedCandidate, 'address'>): boolean {
  return isMdnsAddress(c.address);
}
