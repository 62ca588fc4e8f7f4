/**
 * What kind of address a candidate carries: IPv4, IPv6, an mDNS name, or another hostname.
 * No DOM, no regex-only IPv6 guesswork: each check follows the textual grammar it names.
 */

export type AddressKind = 'ipv4' | 'ipv6' | 'mdns' | 'hostname' | 'invalid';

/** Dotted quad, each part 0–255 without leading zeros beyond "0" (RFC 3986 §3.2.2 dec-octet). */
export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/**
 * IPv6 text form (RFC 4291 §2.2): eight 16-bit hex groups, one "::" for a run of zeros, an
 * optional dotted IPv4 tail, and an optional zone ("%eth0", RFC 4007 §11).
 */
export function isIPv6(text: string): boolean {
  const zone = text.indexOf('%');
  const addr = zone >= 0 ? text.slice(0, zone) : text;
  if (zone >= 0 && zone === text.length - 1) return false;
  if (addr.length === 0) return false;
  const halves = addr.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string): string[] | null => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    if (i === all.length - 1 && g.includes('.')) {
      if (!isIPv4(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An mDNS host candidate name: a UUID followed by ".local" (draft-ietf-mmusic-mdns-ice-candidates
 * §3.1.1 asks for a version 4 UUID; any UUID is accepted here so other browsers' names match).
 */
export function isMdnsAddress(text: string): boolean {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (!name.toLowerCase().endsWith('.local')) return false;
  return UUID.test(name.slice(0, -'.local'.length));
}

/**
 * RFC 1123 §2.1 host name: dot-separated labels of letters, digits and inner hyphens; the
 * top label is not all digits, so "999.1.1.1" is a bad IPv4 address, not a name.
 */
function isHostname(text: string): boolean {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (/^\d+$/.test(labels[labels.length - 1]!)) return false;
  return labels.every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(l));
}

export function addressKind(text: string): AddressKind {
  if (isIPv4(text)) return 'ipv4';
  if (isIPv6(text)) return 'ipv6';
  if (isMdnsAddress(text)) return 'mdns';
  if (isHostname(text)) return 'hostname';
  return 'invalid';
}

/** Unspecified addresses ("any"): what Chromium puts in raddr to hide the real base. */
export function isUnspecifiedAddress(text: string): boolean {
  return text === '0.0.0.0' || text === '::' || /^(0{1,4}:){7}0{1,4}$/.test(text);
}

export type AddressScope =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'unique-local'
  | 'documentation'
  | 'public';

interface Range {
  /** Network address and prefix length, e.g. ['10.0.0.0', 8]. */
  net: string;
  bits: number;
  scope: AddressScope;
  ref: string;
}

/** Special-purpose ranges a reader meets in candidates (IANA special-purpose registries, RFC 6890). */
export const ADDRESS_RANGES: readonly Range[] = [
  { net: '0.0.0.0', bits: 8, scope: 'unspecified', ref: 'RFC 1122 §3.2.1.3' },
  { net: '10.0.0.0', bits: 8, scope: 'private', ref: 'RFC 1918 §3' },
  { net: '100.64.0.0', bits: 10, scope: 'shared', ref: 'RFC 6598 §7' },
  { net: '127.0.0.0', bits: 8, scope: 'loopback', ref: 'RFC 1122 §3.2.1.3' },
  { net: '169.254.0.0', bits: 16, scope: 'link-local', ref: 'RFC 3927 §2.1' },
  { net: '172.16.0.0', bits: 12, scope: 'private', ref: 'RFC 1918 §3' },
  { net: '192.0.2.0', bits: 24, scope: 'documentation', ref: 'RFC 5737 §3' },
  { net: '192.168.0.0', bits: 16, scope: 'private', ref: 'RFC 1918 §3' },
  { net: '198.51.100.0', bits: 24, scope: 'documentation', ref: 'RFC 5737 §3' },
  { net: '203.0.113.0', bits: 24, scope: 'documentation', ref: 'RFC 5737 §3' },
  { net: '::', bits: 128, scope: 'unspecified', ref: 'RFC 4291 §2.5.2' },
  { net: '::1', bits: 128, scope: 'loopback', ref: 'RFC 4291 §2.5.3' },
  { net: 'fe80::', bits: 10, scope: 'link-local', ref: 'RFC 4291 §2.5.6' },
  { net: 'fc00::', bits: 7, scope: 'unique-local', ref: 'RFC 4193 §3.1' },
  { net: '2001:db8::', bits: 32, scope: 'documentation', ref: 'RFC 3849 §2' },
];

/** The address as an unsigned integer (32 bits for IPv4, 128 for IPv6), or null. */
export function addressToBigInt(text: string): bigint | null {
  if (isIPv4(text)) return text.split('.').reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
  if (!isIPv6(text)) return null;
  const addr = text.split('%')[0]!;
  const [headText, tailText] = addr.split('::') as [string, string | undefined];
  const expand = (half: string | undefined): number[] => {
    if (!half) return [];
    return half.split(':').flatMap((g) => {
      if (!g.includes('.')) return [parseInt(g, 16)];
      const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
      return [(a << 8) | b, (c << 8) | d];
    });
  };
  const head = expand(headText);
  const tail = expand(tailText);
  const groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Which special-purpose range an IP address falls in; 'public' when none. Null for names. */
export function addressScope(text: string): { scope: AddressScope; ref: string | null } | null {
  const value = addressToBigInt(text);
  if (value === null) return null;
  const width = isIPv4(text) ? 32 : 128;
  for (const r of ADDRESS_RANGES) {
    const net = addressToBigInt(r.net)!;
    if ((isIPv4(r.net) ? 32 : 128) !== width) continue;
    const shift = BigInt(width - r.bits);
    if (value >> shift === net >> shift) return { scope: r.scope, ref: r.ref };
  }
  return { scope: 'public', ref: null };
}
