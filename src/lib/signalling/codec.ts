/**
 * Signals on the wire: JSON text in, a validated Signal or a short reason out.
 *
 * Anything on a broker is untrusted (anyone can publish on test.mosquitto.org), so
 * decodeSignal never throws and rejects, in this order: oversize payloads (before any
 * parsing), invalid UTF-8 (MQTT 3.1.1 §1.5.3 only requires UTF-8 for topics, not
 * payloads), deep nesting (before parsing, see ./json-depth.ts), non-JSON, wrong shape for the kind, wrong version, and signals that are not
 * for this peer / topic / session. Reasons name the field and quote at most a clipped
 * few dozen characters of the input.
 */
import {
  MAX_PAYLOAD_BYTES,
  SIGNAL_VERSION,
  type DecodeResult,
  type SignalKind,
  type WireSignal,
} from './types';
import { parseTopic, utf8Length, type ParsedTopic } from './topics';
import { checkShape, clip, int, isRecord, nullable, nullish, num, oneOf, optional, str, type FieldSpec } from './shape';
import { jsonDepthOver } from './json-depth';
import { KEEP } from './keep-limits';
import { count } from '../text/count';

/** An SDP is a few KB; a generous cap keeps a hostile one from reaching the parser. */
export const MAX_SDP_CHARS = 32 * 1024;
/** One a=candidate line (RFC 8839 §5.1) is ~150 chars; JSON of RTCIceCandidateInit ~300. */
export const MAX_CANDIDATE_CHARS = 1024;
/** ice-ufrag is 4–256 characters (RFC 8839 §5.4). */
export const MAX_UFRAG_CHARS = 256;
/** a=mid identification-tag (RFC 5888 §4); browsers use "0", "1" … */
export const MAX_MID_CHARS = 32;
/** A chat message over MQTT is a line of text, not a document. */
export const MAX_CHAT_CHARS = 1000;
/** A signal is one flat object; a little slack keeps the "wrong type" reasons for nested fields. */
export const MAX_JSON_DEPTH = 4;

export interface DecodeContext {
  /** MQTT topic the payload arrived on. */
  topic: string;
  /** This lab's topic root. */
  root: string;
  /** The receiving peer's id. */
  self: string;
  /** This lab's session; null accepts directed signals of any session (nothing pinned yet). */
  session: string | null;
}

const TOKEN = /^[A-Za-z0-9_.:-]+$/;
const peerId = str(32, { min: 1, pattern: /^[A-Za-z0-9_-]+$/, hint: '1–32 of A-Z a-z 0-9 _ -' });
const token = str(64, { min: 1, pattern: TOKEN, hint: '1–64 of A-Z a-z 0-9 _ . : -' });

/** Fields every signal carries (after v and kind, which are checked first). */
const BASE = {
  from: peerId,
  session: token,
  mid: token,
  ts: num({ min: 0 }),
} as const;

type FieldsOf<K extends SignalKind> = Exclude<keyof Extract<WireSignal, { kind: K }>, 'kind' | 'v'>;

/** Per kind, every field and its type. The mapped type makes tsc demand an entry for each field in ./types.ts. */
export const SIGNAL_SHAPES: { readonly [K in SignalKind]: { readonly [F in FieldsOf<K>]-?: FieldSpec } } = {
  status: {
    ...BASE,
    status: oneOf(['online', 'offline']),
    reason: optional(oneOf(['will', 'bye'])),
  },
  offer: { ...BASE, to: peerId, sdp: str(MAX_SDP_CHARS) },
  answer: { ...BASE, to: peerId, sdp: str(MAX_SDP_CHARS) },
  candidate: {
    ...BASE,
    to: peerId,
    candidate: str(MAX_CANDIDATE_CHARS),
    // RTCIceCandidateInit lets either be left out (default null); KIND_RULES wants one of them.
    sdpMid: nullish(str(MAX_MID_CHARS)),
    sdpMLineIndex: nullish(int(0, 65535)),
    usernameFragment: optional(nullable(str(MAX_UFRAG_CHARS))),
  },
  'end-of-candidates': { ...BASE, to: peerId },
  chat: { ...BASE, to: peerId, text: str(MAX_CHAT_CHARS, { min: 1 }) },
  handshake: { ...BASE, to: peerId, subject: str(32, { min: 1, pattern: /^[a-z_]+$/, hint: 'a word such as request_offer' }) },
};

const KINDS = Object.keys(SIGNAL_SHAPES) as SignalKind[];

export function encodeSignal(signal: WireSignal): string {
  return JSON.stringify(signal);
}

/** UTF-8 size of a payload as it is (or would be) on the wire. */
export function payloadBytes(payload: Uint8Array | string): number {
  return typeof payload === 'string' ? utf8Length(payload) : payload.byteLength;
}

export function decodeSignal(payload: Uint8Array | string, ctx: DecodeContext): DecodeResult {
  try {
    return decode(payload, ctx);
  } catch (err) {
    // Belt and braces: every path above returns a reason, but a bug must not crash a peer.
    return fail(`could not decode: ${clip(String(err), 60)}`);
  }
}

// #region decode
function decode(payload: Uint8Array | string, ctx: DecodeContext): DecodeResult {
  const bytes = payloadBytes(payload);
  if (bytes > MAX_PAYLOAD_BYTES) return fail(`payload is ${bytes} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit`);
  // A zero-length retained PUBLISH is how MQTT deletes a retained message (3.1.1 §3.3.1.3).
  if (bytes === 0) return fail('empty payload (clears a retained message)');

  const text = toText(payload);
  if (text === null) return fail('not valid UTF-8');

  if (jsonDepthOver(text, MAX_JSON_DEPTH)) return fail(`JSON nested more than ${MAX_JSON_DEPTH} levels deep (a signal is one flat object)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // V8 quotes the input in its message, so clip it.
    return fail(`not JSON: ${clip(err instanceof Error ? err.message : String(err), 60)}`);
  }
  if (!isRecord(json)) return fail(`not a JSON object but ${Array.isArray(json) ? 'an array' : typeName(json)}`);

  const head = checkHead(json);
  if (typeof head !== 'string' || !KINDS.includes(head as SignalKind)) return fail(head === null ? 'missing field "kind"' : head);
  const kind = head as SignalKind;

  const shaped = checkShape(json, SIGNAL_SHAPES[kind]);
  if (!shaped.ok) return fail(`${kind}: ${shaped.reason}`);
  const signal = { v: SIGNAL_VERSION, kind, ...shaped.value } as WireSignal;
  const wrong = KIND_RULES[kind]?.(signal);
  if (wrong) return fail(`${kind}: ${wrong}`);

  const topic = parseTopic(ctx.root, ctx.topic);
  if (!topic) return fail(`topic "${clip(ctx.topic, 60)}" is not <root>/<peer>/status or /signal`);
  for (const rule of CONTEXT_RULES) {
    const reason = rule(signal, topic, ctx);
    if (reason) return fail(reason);
  }
  return { ok: true, signal };
}
// #endregion decode

/** Version, then kind. Returns the kind, or a reason when either is wrong (null: kind missing). */
function checkHead(json: Record<string, unknown>): string | null {
  const v = json.v;
  if (v === undefined) return 'missing field "v"';
  if (typeof v !== 'number') return 'field "v" must be a number';
  if (v !== SIGNAL_VERSION) return `unsupported version ${clip(String(v), 20)} (this lab speaks v${SIGNAL_VERSION})`;
  const kind = json.kind;
  if (kind === undefined) return null;
  if (typeof kind !== 'string') return 'field "kind" must be a string';
  if (!KINDS.includes(kind as SignalKind)) return `unknown kind "${clip(kind, 24)}"`;
  return kind;
}

/** What a kind needs beyond its fields' types. */
const KIND_RULES: Partial<Record<SignalKind, (s: WireSignal) => string | null>> = {
  // addIceCandidate rejects a candidate that names no m-section with a TypeError (WebRTC 1.0 §4.4.1.6).
  candidate: (s) => (s.kind === 'candidate' && s.candidate !== '' && s.sdpMid === null && s.sdpMLineIndex === null ? 'needs "sdpMid" or "sdpMLineIndex" to name its m-section' : null),
};

type Rule = (s: WireSignal, topic: ParsedTopic, ctx: DecodeContext) => string | null;

// #region context-rules
/** Who may say what where. Checked in order; the first reason wins. */
const CONTEXT_RULES: readonly Rule[] = [
  (s, t) => (s.kind === 'status') === (t.kind === 'status') ? null : `${s.kind} on a ${t.kind} topic`,
  // Only the broker (via the will) or the peer itself publishes on its status topic.
  (s, t) => (s.kind === 'status' && s.from !== t.peer ? `status from ${s.from} on ${t.peer}'s status topic` : null),
  (s, t) => ('to' in s && s.to !== t.peer ? `addressed to ${s.to} but sent on ${t.peer}'s signal topic` : null),
  (s, _t, ctx) => ('to' in s && s.to !== ctx.self ? `addressed to ${s.to}, not ${clip(ctx.self, 32)}` : null),
  (s) => ('to' in s && s.from === s.to ? `from and to are both ${s.from}` : null),
  (s, _t, ctx) =>
    'to' in s && ctx.session !== null && s.session !== ctx.session
      ? `addressed to session ${s.session}, not ${clip(ctx.session, 64)}`
      : null,
];
// #endregion context-rules

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

function toText(payload: Uint8Array | string): string | null {
  if (typeof payload === 'string') return payload.isWellFormed() ? payload : null;
  try {
    return fatalUtf8.decode(payload);
  } catch {
    return null;
  }
}

function typeName(v: unknown): string {
  return v === null ? 'null' : `a ${typeof v}`;
}

function fail(reason: string): DecodeResult {
  return { ok: false, reason };
}

const lossyUtf8 = new TextDecoder('utf-8');

/** Visible escapes for characters a reader could not otherwise see. */
const PREVIEW_ESCAPES: Readonly<Record<string, string>> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' };

/**
 * A one-line preview of any payload, for display: invalid UTF-8 shows as �, CR/LF/tab
 * as \r \n \t, other invisible characters as \u{…}; at most `max` characters plus `…`.
 */
export function previewPayload(payload: Uint8Array | string, max: number = KEEP.previewChars): string {
  // Decode only what can show: a code point is at most 4 bytes.
  const text =
    typeof payload === 'string'
      ? payload.slice(0, max * 2 + 2)
      : lossyUtf8.decode(payload.subarray(0, max * 4 + 4));
  const out: string[] = [];
  for (const ch of text.toWellFormed()) {
    if (out.length === max) return `${out.join('')}…`;
    out.push(
      PREVIEW_ESCAPES[ch] ??
        (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(ch) ? `\\u{${ch.codePointAt(0)!.toString(16)}}` : ch),
    );
  }
  // Reaching here means everything fitted: a cut source always has more than max characters.
  return out.join('');
}

/** How far into a payload the flood gate looks for its claimed sender. */
const SENDER_PEEK_BYTES = 256;
const FROM_FIELD = /"from"\s*:\s*"([A-Za-z0-9_-]{1,32})"/;

/**
 * Who a message claims to be from, read before it is decoded, for the flood gate's budget
 * per sender: the peer a status topic names (the codec holds a status to it), else the
 * `from` near the start of the payload (encodeSignal writes it third), else the topic
 * itself. Only a budget key: the codec checks the real `from` later, and a sender that
 * lies here only picks which budget it spends. Reads at most SENDER_PEEK_BYTES.
 */
export function claimedSender(root: string, topic: string, payload: Uint8Array): string {
  const parsed = parseTopic(root, topic);
  if (parsed?.kind === 'status') return parsed.peer;
  const from = FROM_FIELD.exec(lossyUtf8.decode(payload.subarray(0, SENDER_PEEK_BYTES)))?.[1];
  return from ?? topic;
}

/**
 * What the lab says of a refused payload's preview: the payload itself is never kept (a
 * hostile one may be megabytes), only the preview.
 */
export function previewNote(bytes: number, preview: string): string {
  const size = `${count(bytes)} byte${bytes === 1 ? '' : 's'}`;
  return preview.endsWith('…') && bytes > 0
    ? `Only this preview is kept: the first ${KEEP.previewChars} characters of ${size}.`
    : `The whole payload, ${size}.`;
}
