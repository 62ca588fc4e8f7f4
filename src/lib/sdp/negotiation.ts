/**
 * What an offer and its answer decided, item by item, each with a plain explanation and the
 * RFC section. Works on two ParsedSdp values (parse.ts); uses sdp-transform's structure for the
 * per-section lists and the line layer for line numbers. Never throws: anything missing is
 * reported as "not found".
 */
import type { MediaAttributes, SessionDescription, SharedAttributes } from 'sdp-transform';
import { CODECS } from './lines';
import { attr, type ParsedSdp, type SdpLine, type SectionRef } from './parse';
import { count } from '../text/count';

export type NegotiationStatus = 'ok' | 'warn' | 'error' | 'missing';

export interface NegotiationItem {
  /** Stable key, e.g. 'dtls-role', 'codecs-1'. */
  id: string;
  /** What is being decided ("DTLS roles"). */
  topic: string;
  /** For per-media items: the section ("m=audio (mid 0)"). */
  section?: string;
  /** What the offer says, as a short value ("setup:actpass"), or "not found". */
  offer: string;
  /** What the answer says, or "not found". */
  answer: string;
  /** The decision in one sentence. */
  outcome: string;
  /** Why, in plain language. */
  explanation: string;
  ref: string;
  status: NegotiationStatus;
  /** A list that belongs with the outcome (e.g. the codecs that survived), most preferred first. */
  list?: string[];
  /** Line numbers the values came from, to highlight them. */
  lines?: { offer?: number; answer?: number };
}

export interface Negotiation {
  items: NegotiationItem[];
}

export const NOT_FOUND = 'not found';

type Media = SessionDescription['media'][number];
type Attrs = Partial<SharedAttributes & MediaAttributes>;

/** The value of an attribute in a media section, falling back to the session level. */
function pick<K extends keyof Attrs>(session: Attrs | undefined, media: Attrs | undefined, key: K): Attrs[K] | undefined {
  const m = media?.[key];
  return m !== undefined && m !== null ? m : session?.[key];
}

function lineOf(p: ParsedSdp, section: SectionRef | undefined, name: string): SdpLine | undefined {
  return (section === undefined ? undefined : attr(p, section, name)) ?? attr(p, 'session', name);
}

/** The first direction line (a=sendrecv …) of media section i. */
function directionLine(p: ParsedSdp, i: number): number | undefined {
  const ns = Object.keys(SENDS).map((name) => attr(p, i, name)?.n).filter((n) => n !== undefined);
  return ns.length ? Math.min(...ns) : undefined;
}

function media(p: ParsedSdp): Media[] {
  const m = p.structure?.media;
  return Array.isArray(m) ? m : [];
}

function sectionLabel(m: Media | undefined, i: number): string {
  const kind = typeof m?.type === 'string' && m.type ? m.type : '?';
  return m?.mid !== undefined && m?.mid !== null ? `m=${kind} (mid ${m.mid})` : `m=${kind} #${i + 1}`;
}

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));

function dtlsRole(offer: ParsedSdp, answer: ParsedSdp, first: number): NegotiationItem {
  const o = str(pick(offer.structure ?? undefined, media(offer)[first], 'setup'));
  const a = str(pick(answer.structure ?? undefined, media(answer)[first], 'setup'));
  const item: NegotiationItem = {
    id: 'dtls-role',
    topic: 'DTLS roles',
    offer: o ? `setup:${o}` : NOT_FOUND,
    answer: a ? `setup:${a}` : NOT_FOUND,
    outcome: 'Not decided',
    explanation: 'Each side needs a=setup: the offer says actpass, the answer picks active or passive.',
    ref: 'RFC 8842 §5.3',
    status: 'missing',
    lines: { offer: lineOf(offer, first, 'setup')?.n, answer: lineOf(answer, first, 'setup')?.n },
  };
  if (!o || !a) return item;
  if (a === 'actpass') {
    return { ...item, status: 'error', outcome: 'Invalid answer', explanation: 'An answer must not say actpass: it must choose active or passive, or nobody knows who starts the DTLS handshake (RFC 8842 §5.3).' };
  }
  const roles: Record<string, string> = {
    active: 'The answerer is the DTLS client: it sends the ClientHello. The offerer is the DTLS server.',
    passive: 'The answerer is the DTLS server: it waits for the ClientHello. The offerer is the DTLS client.',
  };
  const compatible = (o === 'actpass' && (a === 'active' || a === 'passive')) || (o === 'active' && a === 'passive') || (o === 'passive' && a === 'active');
  if (!compatible) {
    return {
      ...item,
      status: 'error',
      outcome: a === 'holdconn' || o === 'holdconn' ? 'No DTLS connection yet (holdconn)' : `Both sides said ${a}: no DTLS handshake can start`,
      explanation: 'One side must be the DTLS client (active) and the other the DTLS server (passive) (RFC 4145 §4; RFC 8842 §5.3).',
    };
  }
  const warn = o !== 'actpass';
  return {
    ...item,
    status: warn ? 'warn' : 'ok',
    outcome: roles[a] ?? 'Decided',
    explanation: `${warn ? 'The offer should say actpass (RFC 8842 §5.2), but the roles still fit. ' : 'The offer said actpass, so the answerer chose. '}DTLS then derives the SRTP keys and carries SCTP for data channels; the fingerprints prove who is at each end.`,
  };
}

function fingerprints(offer: ParsedSdp, answer: ParsedSdp, first: number): NegotiationItem {
  const fp = (p: ParsedSdp) => {
    const f = pick(p.structure ?? undefined, media(p)[first], 'fingerprint') as { type?: unknown; hash?: unknown } | undefined;
    return str(f?.type)?.toLowerCase();
  };
  const o = fp(offer);
  const a = fp(answer);
  return {
    id: 'fingerprint',
    topic: 'Certificate fingerprints',
    offer: o ?? NOT_FOUND,
    answer: a ?? NOT_FOUND,
    outcome: o && a ? `The offerer's certificate is checked with ${o.toUpperCase()}, the answerer's with ${a.toUpperCase()}` : 'A side without a fingerprint cannot be authenticated',
    explanation: 'Each side hashes the certificate the other presents in the DTLS handshake and compares it with the a=fingerprint from signalling. A mismatch stops the connection, so a man in the middle would have to alter the signalling too.',
    ref: 'RFC 8122 §5; RFC 8842 §5',
    status: o && a ? 'ok' : 'missing',
    lines: { offer: lineOf(offer, first, 'fingerprint')?.n, answer: lineOf(answer, first, 'fingerprint')?.n },
  };
}

function iceCredentials(offer: ParsedSdp, answer: ParsedSdp, first: number): NegotiationItem {
  const cred = (p: ParsedSdp) => ({
    ufrag: str(pick(p.structure ?? undefined, media(p)[first], 'iceUfrag')),
    pwd: str(pick(p.structure ?? undefined, media(p)[first], 'icePwd')),
  });
  const o = cred(offer);
  const a = cred(answer);
  const show = (c: { ufrag?: string; pwd?: string }) =>
    c.ufrag || c.pwd ? `ufrag ${c.ufrag ?? NOT_FOUND}, pwd ${c.pwd ? `${c.pwd.length} characters` : NOT_FOUND}` : NOT_FOUND;
  const ok = !!(o.ufrag && o.pwd && a.ufrag && a.pwd);
  return {
    id: 'ice-credentials',
    topic: 'ICE credentials',
    offer: show(o),
    answer: show(a),
    outcome: ok
      ? `Checks from offerer to answerer use STUN username "${a.ufrag}:${o.ufrag}" and the answerer's password; checks the other way use "${o.ufrag}:${a.ufrag}" and the offerer's password`
      : 'Missing: connectivity checks cannot be authenticated',
    explanation: 'A STUN check carries USERNAME = the receiver\'s ufrag, a colon, and the sender\'s ufrag, and is signed with the receiver\'s password (MESSAGE-INTEGRITY). Only someone who saw the signalling can answer.',
    ref: 'RFC 8445 §7.2.2; RFC 8839 §5.4',
    status: ok ? 'ok' : 'missing',
    lines: { offer: lineOf(offer, first, 'ice-ufrag')?.n, answer: lineOf(answer, first, 'ice-ufrag')?.n },
  };
}

function trickle(offer: ParsedSdp, answer: ParsedSdp, first: number): NegotiationItem {
  const opts = (p: ParsedSdp) => str(pick(p.structure ?? undefined, media(p)[first], 'iceOptions'));
  const o = opts(offer);
  const a = opts(answer);
  const has = (v?: string) => !!v && v.split(/\s+/).includes('trickle');
  const both = has(o) && has(a);
  return {
    id: 'trickle',
    topic: 'Trickle ICE',
    offer: o ? `ice-options:${o}` : NOT_FOUND,
    answer: a ? `ice-options:${a}` : NOT_FOUND,
    outcome: both ? 'Both sides trickle: candidates may follow in separate messages' : 'Not agreed: candidates must travel inside the descriptions',
    explanation: both
      ? 'Each side said ice-options:trickle, so each may send its candidates one at a time as they are gathered, which is what the candidate messages in this lab are. Without it, a peer must wait for gathering to finish and put every candidate in its description.'
      : 'Trickle ICE needs both sides to say ice-options:trickle. Otherwise a peer must gather all its candidates first and include them in its description.',
    ref: 'RFC 8840 §4.1; RFC 8838 §3',
    status: both ? 'ok' : 'warn',
    lines: { offer: lineOf(offer, first, 'ice-options')?.n, answer: lineOf(answer, first, 'ice-options')?.n },
  };
}

function iceRoles(offer: ParsedSdp, answer: ParsedSdp): NegotiationItem {
  const lite = (p: ParsedSdp) => p.lines.some((l) => l.type === 'a' && l.name === 'ice-lite');
  const o = lite(offer);
  const a = lite(answer);
  const offererControls = !(o && !a);
  return {
    id: 'ice-roles',
    topic: 'ICE roles',
    offer: o ? 'ice-lite' : 'full ICE',
    answer: a ? 'ice-lite' : 'full ICE',
    outcome: offererControls ? 'The offerer is the controlling agent: it nominates the candidate pair' : 'The answerer is the controlling agent, because the offerer is ICE lite',
    explanation: 'Both sides run connectivity checks, but only the controlling agent decides which working pair carries the media. A full agent facing an ICE lite one always controls.',
    ref: 'RFC 8445 §6.1.1',
    status: 'ok',
  };
}

function bundle(offer: ParsedSdp, answer: ParsedSdp): NegotiationItem {
  const group = (p: ParsedSdp) => {
    const groups = p.structure?.groups;
    const g = Array.isArray(groups) ? groups.find((x) => x?.type === 'BUNDLE') : undefined;
    return g ? String(g.mids ?? '').split(/\s+/).filter(Boolean) : undefined;
  };
  const bundleLine = (p: ParsedSdp) => p.lines.find((l) => l.type === 'a' && l.name === 'group' && l.value.startsWith('BUNDLE'))?.n;
  const o = group(offer);
  const a = group(answer);
  const lines = { offer: bundleLine(offer), answer: bundleLine(answer) };
  const base = { id: 'bundle', topic: 'BUNDLE', ref: 'RFC 8843 §7.3', lines };
  if (!o) {
    return { ...base, offer: NOT_FOUND, answer: a ? a.join(' ') : NOT_FOUND, outcome: 'No BUNDLE offered: each media section has its own transport', explanation: 'Without a=group:BUNDLE every m= section runs its own ICE and DTLS.', status: 'warn' };
  }
  if (!a) {
    return { ...base, offer: o.join(' '), answer: NOT_FOUND, outcome: 'BUNDLE refused: each media section has its own transport', explanation: 'The answerer did not accept the group, so each section needs its own candidates and DTLS handshake.', status: 'warn' };
  }
  const dropped = o.filter((m) => !a.includes(m));
  return {
    ...base,
    offer: o.join(' '),
    answer: a.join(' '),
    outcome: `${a.length === 1 ? `Mid ${a[0]} is bundled alone` : `Mids ${a.join(', ')} share one transport, that of mid ${a[0]}`}${dropped.length ? `; ${dropped.join(', ')} left the bundle` : ''}`,
    explanation: `The answerer accepted the group. All bundled sections use the ICE candidates, port and DTLS connection of the first mid in the answer's group (the answerer-tagged section), and the MID header extension tells their packets apart.${dropped.length ? ' Sections left out were moved out of the bundle or rejected.' : ''}`,
    status: dropped.length ? 'warn' : 'ok',
  };
}

function sctp(offer: ParsedSdp, answer: ParsedSdp, i: number, om: Media, am: Media | undefined): NegotiationItem {
  const label = sectionLabel(om, i);
  const port = (m: Media | undefined) => str(m?.sctpPort) ?? str((m?.sctpmap as { sctpmapNumber?: unknown } | undefined)?.sctpmapNumber) ?? (m?.protocol === 'DTLS/SCTP' ? str(m?.payloads) : undefined);
  const size = (m: Media | undefined) => str(m?.maxMessageSize);
  const op = port(om);
  const ap = port(am);
  const os = size(om);
  const as = size(am);
  const rejected = am?.port === 0;
  const fmt = (p?: string, s?: string) => (p || s ? `port ${p ?? NOT_FOUND}, max-message-size ${s ?? NOT_FOUND}` : NOT_FOUND);
  const bytes = (s?: string) => (s === undefined ? '65,536 bytes (the default when absent)' : s === '0' ? 'any size (0 = no limit)' : `${count(Number(s))} bytes`);
  return {
    id: `sctp-${i}`,
    topic: 'Data channel (SCTP)',
    section: label,
    offer: fmt(op, os),
    answer: am ? fmt(ap, as) : NOT_FOUND,
    outcome: !am
      ? 'The answer has no matching section'
      : rejected
        ? 'Data channels rejected (port 0)'
        : `SCTP runs from port ${op ?? '5000'} to port ${ap ?? '5000'} inside DTLS. The offerer may send messages up to ${bytes(as)}; the answerer up to ${bytes(os)}`,
    explanation: 'Each side states its SCTP port and the largest message it can receive; the sender must respect the other side\'s limit. Data channels then open with DCEP over this one SCTP association.',
    ref: 'RFC 8841 §5–6',
    status: !am || rejected ? 'error' : op && ap ? 'ok' : 'warn',
    lines: { offer: lineOf(offer, i, 'sctp-port')?.n ?? lineOf(offer, i, 'sctpmap')?.n, answer: am ? (lineOf(answer, i, 'sctp-port')?.n ?? lineOf(answer, i, 'sctpmap')?.n) : undefined },
  };
}

interface RtpCodec {
  pt: string;
  name: string;
  rate?: string;
  channels?: string;
}

function codecsOf(m: Media | undefined): RtpCodec[] {
  const rtp = Array.isArray(m?.rtp) ? m.rtp : [];
  const byPt = new Map(rtp.filter((r) => r && r.codec !== undefined).map((r) => [String(r.payload), r]));
  const order = String(m?.payloads ?? '').split(/\s+/).filter(Boolean);
  return order.map((pt) => {
    const r = byPt.get(pt);
    return { pt, name: r ? String(r.codec) : `PT ${pt}`, rate: str(r?.rate), channels: str(r?.encoding) };
  });
}

const codecKey = (c: RtpCodec) => `${c.name.toLowerCase()}/${c.rate ?? ''}/${c.channels ?? '1'}`;
const codecText = (c: RtpCodec) => `${CODECS[c.name.toLowerCase()]?.title ?? c.name}${c.rate ? `/${c.rate}` : ''}${c.channels ? `/${c.channels}` : ''} (${c.pt})`;
const HELPERS = new Set(['rtx', 'red', 'ulpfec', 'flexfec-03', 'cn', 'telephone-event']);

/** "Opus, RED, G.722 … + RTX ×10": codec names in order, repeats counted, helpers last. */
export function codecSummary(cs: readonly { name: string }[]): string {
  const counts = new Map<string, number>();
  const title = (name: string) => CODECS[name.toLowerCase()]?.title ?? name;
  const ordered = [...cs.filter((c) => !HELPERS.has(c.name.toLowerCase())), ...cs.filter((c) => HELPERS.has(c.name.toLowerCase()))];
  for (const c of ordered) counts.set(title(c.name), (counts.get(title(c.name)) ?? 0) + 1);
  const main = cs.filter((c) => !HELPERS.has(c.name.toLowerCase())).length;
  const parts = [...counts].map(([t, k]) => (k > 1 ? `${t} ×${k}` : t));
  const mainParts = parts.slice(0, new Set(ordered.slice(0, main).map((c) => title(c.name))).size);
  const helperParts = parts.slice(mainParts.length);
  return `${cs.length} format${cs.length === 1 ? '' : 's'}: ${mainParts.join(', ')}${helperParts.length ? `${mainParts.length ? ' + ' : ''}${helperParts.join(', ')}` : ''}`;
}

function codecs(offer: ParsedSdp, answer: ParsedSdp, i: number, om: Media, am: Media | undefined): NegotiationItem {
  const oc = codecsOf(om);
  const ac = codecsOf(am);
  const offered = new Set(oc.map(codecKey));
  const survived = am && am.port !== 0 ? ac.filter((c) => offered.has(codecKey(c))) : [];
  const main = survived.find((c) => !HELPERS.has(c.name.toLowerCase()));
  const strays = am && am.port !== 0 ? ac.filter((c) => !offered.has(codecKey(c))) : [];
  const list = (cs: RtpCodec[]) => (cs.length ? codecSummary(cs) : NOT_FOUND);
  return {
    id: `codecs-${i}`,
    topic: 'Codecs',
    section: sectionLabel(om, i),
    offer: list(oc),
    answer: am ? list(ac) : NOT_FOUND,
    outcome: !am
      ? 'The answer has no matching section'
      : am.port === 0
        ? 'Rejected (port 0): no codecs'
        : survived.length
          ? `${survived.length} in common${main ? `; the first choice is ${codecText(main)}` : ''}${strays.length ? `; the answer also lists ${strays.map(codecText).join(', ')}, which the offer did not` : ''}`
          : 'No codec in common',
    explanation: 'The answer lists only formats it also supports, with the offer\'s payload type numbers, most preferred first. Both sides may then send any of them; browsers send the first one. rtx, red and ulpfec are helpers that protect the main codec.',
    ref: 'RFC 3264 §6.1',
    status: !am || am.port === 0 ? 'error' : !survived.length ? 'error' : strays.length ? 'warn' : 'ok',
    list: survived.map(codecText),
    lines: { offer: offer.sections[i + 1]?.first, answer: answer.sections[i + 1]?.first },
  };
}

const SENDS: Record<string, [offererSends: boolean, answererSends: boolean]> = {
  // answer's direction, from the answerer's point of view (RFC 3264 §6.1)
  sendrecv: [true, true],
  recvonly: [true, false],
  sendonly: [false, true],
  inactive: [false, false],
};

function direction(offer: ParsedSdp, answer: ParsedSdp, i: number, om: Media, am: Media | undefined): NegotiationItem {
  const o = str(pick(offer.structure ?? undefined, om, 'direction'));
  const a = str(pick(answer.structure ?? undefined, am, 'direction'));
  const s = a ? SENDS[a] : undefined;
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const simO = om.simulcast as { dir1?: unknown; list1?: unknown } | undefined;
  const simA = am?.simulcast as { dir1?: unknown; list1?: unknown } | undefined;
  const simulcast = simO ? (simA ? ` Simulcast accepted: ${String(simA.list1 ?? '')}.` : ' Simulcast offered but not in the answer: one stream will be sent (RFC 8853 §5.3).') : '';
  return {
    id: `direction-${i}`,
    topic: 'Direction',
    section: sectionLabel(om, i),
    offer: o ?? 'sendrecv (default)',
    answer: am ? (a ?? 'sendrecv (default)') : NOT_FOUND,
    outcome: !am || am.port === 0 ? 'No media (rejected)' : s ? `Offerer sends: ${yes(s[0])}; answerer sends: ${yes(s[1])}.${simulcast}` : 'Unknown direction',
    explanation: 'The answer\'s direction is from the answerer\'s side and must fit the offer: sendonly is answered with recvonly or inactive, recvonly with sendonly or inactive, sendrecv with anything.',
    ref: 'RFC 3264 §6.1',
    status: !am || am.port === 0 ? 'error' : s ? (simO && !simA ? 'warn' : 'ok') : 'warn',
    lines: {
      offer: directionLine(offer, i),
      answer: directionLine(answer, i),
    },
  };
}

/** What the offer and answer decided. Never throws; missing values read "not found". */
export function negotiate(offer: ParsedSdp, answer: ParsedSdp): Negotiation {
  try {
    const om = media(offer);
    const am = media(answer);
    const items: NegotiationItem[] = [];
    items.push({
      id: 'sections',
      topic: 'Media sections',
      offer: `${om.length}`,
      answer: `${am.length}`,
      outcome: om.length === am.length ? `${am.length} media section${am.length === 1 ? '' : 's'}, matched in order` : 'The answer must have exactly as many m= sections as the offer, in the same order',
      explanation: 'Each m= section in the answer answers the one at the same position in the offer.',
      ref: 'RFC 3264 §6',
      status: om.length === am.length ? 'ok' : 'error',
    });
    const first = 0;
    items.push(dtlsRole(offer, answer, first), fingerprints(offer, answer, first), iceCredentials(offer, answer, first), trickle(offer, answer, first), iceRoles(offer, answer), bundle(offer, answer));
    om.forEach((m, i) => {
      const a = am[i];
      if (m?.type === 'application') items.push(sctp(offer, answer, i, m, a));
      else if (m) items.push(codecs(offer, answer, i, m, a), direction(offer, answer, i, m, a));
    });
    return { items };
  } catch (e) {
    return {
      items: [
        { id: 'error', topic: 'Negotiation', offer: NOT_FOUND, answer: NOT_FOUND, outcome: 'Could not compare these descriptions', explanation: String(e), ref: 'RFC 3264', status: 'error' },
      ],
    };
  }
}
