/**
 * icecandidateerror explained: the STUN/TURN error codes a server can answer with, plus the
 * browser's own 701 (W3C webrtc-pc §4.8.3, RTCPeerConnectionIceErrorEvent). The meanings are
 * data; `explainIceError` only looks them up. Most of these errors are not fatal: ICE goes on
 * with the other servers and with host candidates.
 */
import type { TraceEvent } from '../trace/types';

export type Severity =
  /** Part of normal operation, or recovered from by the browser. */
  | 'harmless'
  /** This server gave no candidate; the session can still connect without it. */
  | 'server-lost'
  /** A setting is wrong and the session may fail if it relied on this server (e.g. relay only). */
  | 'config';

export interface IceErrorCode {
  code: number;
  name: string;
  meaning: string;
  /** What a reader can do about it. */
  todo: string;
  severity: Severity;
  ref: string;
}

const STUN = 'RFC 8489 §14.8';
const TURN = 'RFC 5766 §15 (now RFC 8656)';

export const ICE_ERROR_CODES: Readonly<Record<number, IceErrorCode>> = {
  300: {
    code: 300,
    name: 'Try Alternate',
    meaning: 'The server redirects the client to another server, named in its ALTERNATE-SERVER attribute.',
    todo: 'Usually nothing: the browser follows the redirect. If it repeats, point iceServers at the other server.',
    severity: 'harmless',
    ref: `${STUN}; RFC 8489 §10`,
  },
  400: {
    code: 400,
    name: 'Bad Request',
    meaning: 'The server could not parse the request, or a required attribute was missing.',
    todo: 'Check that the URL really points at a STUN/TURN server, on the right port and transport.',
    severity: 'server-lost',
    ref: STUN,
  },
  401: {
    code: 401,
    name: 'Unauthenticated (RFC 5389: Unauthorized)',
    meaning:
      'The TURN server rejected the username or credential. (The first 401 with a nonce is a normal step of the long-term credential handshake; browsers do not report that one.)',
    todo: 'Fix the username/credential in iceServers. Without them this TURN server gives no relay candidate.',
    severity: 'config',
    ref: `${STUN}; RFC 8489 §9.2`,
  },
  403: {
    code: 403,
    name: 'Forbidden',
    meaning: 'The request was valid, but the server refuses it by policy (for example, relaying to a loopback or private peer address).',
    todo: 'Check the TURN server’s allowed peer ranges (coturn: --allow-loopback-peers, denied-peer-ip).',
    severity: 'config',
    ref: TURN,
  },
  420: {
    code: 420,
    name: 'Unknown Attribute',
    meaning: 'The server does not understand an attribute the request marked as required.',
    todo: 'The client and server disagree on STUN extensions; try another server or update it.',
    severity: 'server-lost',
    ref: STUN,
  },
  437: {
    code: 437,
    name: 'Allocation Mismatch',
    meaning: 'The request needed an allocation that does not exist, or asked for one where one already exists (often after a retransmission).',
    todo: 'Usually nothing: the browser starts over with a new allocation.',
    severity: 'harmless',
    ref: TURN,
  },
  438: {
    code: 438,
    name: 'Stale Nonce',
    meaning: 'The nonce in the request has expired; the server sent a fresh one.',
    todo: 'Nothing: the browser retries with the new nonce.',
    severity: 'harmless',
    ref: `${STUN}; RFC 8489 §9.2`,
  },
  440: {
    code: 440,
    name: 'Address Family not Supported',
    meaning: 'The TURN server cannot relay the IP family (IPv4 or IPv6) that was asked for.',
    todo: 'Nothing, if a relay of the other family works; otherwise enable that family on the server.',
    severity: 'server-lost',
    ref: 'RFC 6156',
  },
  441: {
    code: 441,
    name: 'Wrong Credentials',
    meaning: 'The credentials differ from those used to create this allocation.',
    todo: 'Check that every iceServers entry for this server uses the same username and credential.',
    severity: 'config',
    ref: TURN,
  },
  442: {
    code: 442,
    name: 'Unsupported Transport Protocol',
    meaning: 'The TURN server does not support the transport asked for between itself and the peer.',
    todo: 'Use a TURN server that relays UDP, or another ?transport= on the URL.',
    severity: 'server-lost',
    ref: TURN,
  },
  443: {
    code: 443,
    name: 'Peer Address Family Mismatch',
    meaning: 'The peer’s address is of another IP family than the relayed address.',
    todo: 'Nothing, if another pair works.',
    severity: 'harmless',
    ref: 'RFC 6156',
  },
  486: {
    code: 486,
    name: 'Allocation Quota Reached',
    meaning: 'This user has too many allocations on the TURN server already.',
    todo: 'Close old sessions, or raise the user’s quota on the server.',
    severity: 'server-lost',
    ref: TURN,
  },
  487: {
    code: 487,
    name: 'Role Conflict',
    meaning: 'Both ICE agents claimed the same role (controlling or controlled). The loser switches role and checks go on.',
    todo: 'Nothing: ICE repairs it by itself.',
    severity: 'harmless',
    ref: 'RFC 8445 §7.3.1.1',
  },
  500: {
    code: 500,
    name: 'Server Error',
    meaning: 'The server had a temporary problem.',
    todo: 'Usually nothing: try again later, or add a second server.',
    severity: 'server-lost',
    ref: STUN,
  },
  508: {
    code: 508,
    name: 'Insufficient Capacity',
    meaning: 'The TURN server has no relay ports or bandwidth left.',
    todo: 'Add TURN capacity (a wider --min-port/--max-port range) or another server.',
    severity: 'server-lost',
    ref: TURN,
  },
  701: {
    code: 701,
    name: 'Server unreachable (browser-specific)',
    meaning:
      'Not a STUN code: the browser could not reach the STUN/TURN server from any of its host candidates: the name did not resolve, or requests timed out. It is fired at most once per server URL, and only while gathering.',
    todo:
      'Often not fatal: host candidates and other servers still work, and on a local network the peers connect anyway. Check the URL, port and firewall. A timeout keeps gathering from completing for about 40 seconds.',
    severity: 'server-lost',
    ref: 'W3C webrtc-pc §4.8.3 (RTCPeerConnectionIceErrorEvent.errorCode)',
  },
};

/** Observed Chromium 156 texts for 701 (tests/fixtures/ice/errors.json), for explanation. */
export const CHROMIUM_701_TEXTS: Readonly<Record<string, string>> = {
  'STUN host lookup received error.': 'The server’s host name did not resolve (DNS). Reported at once.',
  'STUN binding request timed out.': 'No answer within Chromium’s STUN timeout (about 40 s in our captures).',
};

export interface IceErrorInput {
  errorCode: number;
  errorText?: string;
  url?: string;
  /** Local address used (browsers partly hide it, e.g. "0.0.0.x"). */
  address?: string | null;
  port?: number | null;
}

export interface ExplainedIceError extends IceErrorCode {
  /** An extra note on the browser's errorText, when we know it. */
  textNote: string | null;
  /** False for a code the table does not list. */
  known: boolean;
}

/** Code classes for codes not in the table (RFC 8489 §14.8: 300–699, by hundreds). */
const CLASSES: Readonly<Record<number, string>> = {
  3: 'a redirection',
  4: 'a problem with the request',
  5: 'a problem on the server',
  6: 'a global failure',
};

export function explainIceError(e: IceErrorInput): ExplainedIceError {
  const row = ICE_ERROR_CODES[e.errorCode];
  const textNote = e.errorText ? (CHROMIUM_701_TEXTS[e.errorText] ?? null) : null;
  if (row) return { ...row, textNote, known: true };
  const cls = CLASSES[Math.floor(e.errorCode / 100)];
  return {
    code: e.errorCode,
    name: 'Unlisted code',
    meaning: cls ? `A STUN error code this page does not list: ${cls}.` : 'Not a STUN error code (those are 300–699), and not the browser’s 701.',
    todo: 'ICE goes on with the other servers and candidates.',
    severity: 'server-lost',
    ref: STUN,
    textNote,
    known: false,
  };
}

/** LabPeer records `${errorCode} ${errorText} (${url})` as the detail of an 'onicecandidateerror' api event. */
export function parseIceErrorDetail(detail: string): { errorCode: number; errorText: string; url: string } | null {
  const m = /^(\d{1,4})\s*(.*?)\s*(?:\(([^()]*)\))?$/s.exec(detail.trim());
  if (!m) return null;
  return { errorCode: Number(m[1]), errorText: m[2] ?? '', url: m[3] ?? '' };
}

export interface CandidateErrorRow extends ExplainedIceError {
  /** Trace index and time (ms since the trace began). */
  i: number;
  at: number;
  peer: string;
  errorText: string;
  url: string;
}

/** Every icecandidateerror in the trace, explained. */
export function candidateErrors(trace: readonly TraceEvent[]): CandidateErrorRow[] {
  const rows: CandidateErrorRow[] = [];
  for (const e of trace) {
    if (e.type !== 'api' || e.call !== 'onicecandidateerror') continue;
    // Never dropped: a detail we cannot read is shown with code 0 ("not a STUN code").
    const parsed = parseIceErrorDetail(e.detail ?? '') ?? { errorCode: 0, errorText: e.detail ?? '', url: '' };
    rows.push({ ...explainIceError(parsed), i: e.i, at: e.at, peer: e.peer, errorText: parsed.errorText, url: parsed.url });
  }
  return rows;
}

export interface CandidateErrorGroup extends ExplainedIceError {
  /** Grouping key: code, server URL and text. */
  id: string;
  url: string;
  errorText: string;
  /** Each time a peer reported it, in trace order. */
  occurrences: Array<{ peer: string; i: number; at: number }>;
}

/**
 * The same error from the same server, once per group: browsers report it per local socket
 * (IPv4 and IPv6) and per peer, which says nothing new. Groups keep first-seen order.
 */
export function groupCandidateErrors(rows: readonly CandidateErrorRow[]): CandidateErrorGroup[] {
  const groups = new Map<string, CandidateErrorGroup>();
  for (const r of rows) {
    const id = `${r.code}\n${r.url}\n${r.errorText}`;
    let g = groups.get(id);
    if (!g) {
      const { i: _i, at: _at, peer: _peer, ...rest } = r;
      g = { ...rest, id, occurrences: [] };
      groups.set(id, g);
    }
    g.occurrences.push({ peer: r.peer, i: r.i, at: r.at });
  }
  return [...groups.values()];
}
