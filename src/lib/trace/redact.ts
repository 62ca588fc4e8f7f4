/**
 * Redaction before a trace leaves the reader's machine: IP addresses and ICE credentials
 * are replaced, consistently, so the trace still reads (the same address keeps the same
 * stand-in everywhere, so candidate pairs and SDP lines still match up).
 *
 * - IPv4 → 192.0.2.x, 198.51.100.x, 203.0.113.x (documentation ranges, RFC 5737);
 *   IPv6 → 2001:db8::x (RFC 3849). Loopback, unspecified and documentation addresses are
 *   kept: they reveal nothing, and keeping them makes redaction idempotent.
 * - ICE credentials: a=ice-ufrag / a=ice-pwd (RFC 8839 §5.4), the `ufrag` candidate
 *   extension, and `usernameFragment` in RTCIceCandidateInit JSON.
 * - mDNS host names (….local) are kept: they are already random per session (RFC 8828 / the
 *   mDNS ICE candidates draft), which is the browser's own redaction.
 *
 * Every string in every event is rewritten, so new event types are covered without a table.
 * Packet bytes are re-framed around the redacted text (../mqtt/reframe.ts); bytes that
 * cannot be re-framed are removed rather than kept.
 */
import { bytesToHex, hexToBytes } from '../bytes/hex';
import { reframePublish } from '../mqtt/reframe';
import { utf8Length } from '../signalling/topics';
import type { TraceEvent } from './types';

export interface RedactOptions {
  ips: boolean;
  iceCredentials: boolean;
}

export interface RedactResult {
  events: TraceEvent[];
  /** How many distinct values were replaced. */
  replaced: { ips: number; credentials: number };
}

const IPV4 = /(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)/g;
// Candidates only; validated by isIpv6. Bounded by non-hex, non-colon characters so a DTLS
// fingerprint (32 colon-separated bytes) is never a partial match.
const IPV6 = /(?<![0-9A-Fa-f:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Fa-f:])/g;
const ICE_CHARS = '[A-Za-z0-9+/]+';
const CREDENTIAL_PATTERNS: ReadonlyArray<[RegExp, 'ufrag' | 'pwd']> = [
  [new RegExp(`(a=ice-ufrag:)(${ICE_CHARS})`, 'g'), 'ufrag'],
  [new RegExp(`(a=ice-pwd:)(${ICE_CHARS})`, 'g'), 'pwd'],
  [new RegExp(`( ufrag )(${ICE_CHARS})`, 'g'), 'ufrag'],
  [new RegExp(`(usernameFragment\\\\?"\\s*:\\s*\\\\?")(${ICE_CHARS})`, 'g'), 'ufrag'],
];
const UFRAG_STANDIN = /^rdx\d+$/;
const PWD_STANDIN = /^redactedpassword\d{6,}$/;
const DOC_V4 = ['192.0.2', '198.51.100', '203.0.113'] as const;

function isIpv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}

function keepV4(octets: number[]): boolean {
  const [a, b, c] = octets as [number, number, number, number];
  if (a === 127 || octets.every((o) => o === 0)) return true;
  const prefix = `${a}.${b}.${c}`;
  return (DOC_V4 as readonly string[]).includes(prefix);
}

function keepV6(text: string): boolean {
  const lower = text.toLowerCase();
  return lower === '::' || lower === '::1' || /^2001:0?db8:/.test(lower);
}

/** Replacement state shared by one redaction run. */
class Redactor {
  private readonly v4 = new Map<string, string>();
  private readonly v6 = new Map<string, string>();
  private readonly ufrags = new Map<string, string>();
  private readonly pwds = new Map<string, string>();

  constructor(private readonly opts: RedactOptions) {}

  get counts(): RedactResult['replaced'] {
    return { ips: this.v4.size + this.v6.size, credentials: this.ufrags.size + this.pwds.size };
  }

  text(input: string): string {
    let out = input;
    if (this.opts.iceCredentials) {
      for (const [pattern, kind] of CREDENTIAL_PATTERNS) {
        out = out.replace(pattern, (_m, prefix: string, value: string) => prefix + this.credential(kind, value));
      }
    }
    if (this.opts.ips) {
      out = out.replace(IPV4, (match, ...groups: string[]) => {
        const octets = groups.slice(0, 4).map(Number);
        if (octets.some((o) => o > 255) || keepV4(octets)) return match;
        return this.stand(this.v4, match, (n) => `${DOC_V4[Math.floor(n / 254) % 3]}.${(n % 254) + 1}`);
      });
      out = out.replace(IPV6, (match) => {
        if (!isIpv6(match) || keepV6(match)) return match;
        return this.stand(this.v6, match.toLowerCase(), (n) => `2001:db8::${(n + 1).toString(16)}`);
      });
    }
    return out;
  }

  private credential(kind: 'ufrag' | 'pwd', value: string): string {
    if (kind === 'ufrag') {
      if (UFRAG_STANDIN.test(value)) return value;
      return this.stand(this.ufrags, value, (n) => `rdx${n + 1}`);
    }
    if (PWD_STANDIN.test(value)) return value;
    // ice-pwd must be at least 22 ice-chars (RFC 8839 §5.4).
    return this.stand(this.pwds, value, (n) => `redactedpassword${String(n + 1).padStart(6, '0')}`);
  }

  private stand(map: Map<string, string>, key: string, make: (n: number) => string): string {
    let value = map.get(key);
    if (value === undefined) {
      value = make(map.size);
      map.set(key, value);
    }
    return value;
  }

  value(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    // A message's original in another app's dialect (DialectWire): its payload and reading too.
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.value(x)]));
    return v;
  }

  event(e: TraceEvent): TraceEvent {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(e)) {
      if (key === 'type' || key === 'packetHex') continue;
      out[key] = this.value(v);
    }
    // `bytes` counts what crossed the wire: the dialect's original when there is one.
    const wire = 'wire' in e && e.wire ? (out.wire as { payload: string }).payload : null;
    if (wire !== null && wire !== ('wire' in e ? e.wire?.payload : undefined)) out.bytes = utf8Length(wire);
    else if (wire === null && 'payload' in e && typeof e.payload === 'string' && out.payload !== e.payload && 'bytes' in e) {
      out.bytes = utf8Length(out.payload as string);
    }
    if ('packetHex' in e && typeof e.packetHex === 'string') {
      const hex = this.packet(e.packetHex);
      if (hex !== null) out.packetHex = hex;
    }
    return { type: e.type, ...out } as TraceEvent;
  }

  private packet(hex: string): string | null {
    if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) return null;
    const framed = reframePublish(hexToBytes(hex), { topic: (t) => this.text(t), payload: (p) => this.text(p) });
    return framed ? bytesToHex(framed, '') : null;
  }
}

/** A redacted copy; the input is not changed. */
export function redactTrace(events: readonly TraceEvent[], opts: RedactOptions): RedactResult {
  const redactor = new Redactor(opts);
  const out = events.map((e) => redactor.event(e));
  return { events: out, replaced: redactor.counts };
}

/** One string, with its own fresh replacement state (for previews and tests). */
export function redactText(text: string, opts: RedactOptions): string {
  return new Redactor(opts).text(text);
}
