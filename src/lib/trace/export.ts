/**
 * Trace files: export a session as JSON, and import one back for replay.
 * An imported file is untrusted input (anyone can hand a reader a file), so
 * parseTraceJson checks size, JSON, the envelope and every event against a per-type
 * field table, and never throws.
 */
import { MAX_PAYLOAD_BYTES, type SignalKind } from '../signalling/types';
import { utf8Length } from '../signalling/topics';
import { bool, checkShape, clip, int, isRecord, list, nullable, num, oneOf, optional, str, strings, type FieldSpec } from '../signalling/shape';
import { jsonDepthOver } from '../signalling/json-depth';
import { MAX_PASTE_BYTES, MAX_PASTE_REASON, MAX_PASTE_WARNINGS } from '../signalling/paste-limits';
import type { Trace } from './trace';
import { MAX_PACKET_HEX_BYTES } from './packets';
import type { BrokerState, PasteStep, PeerMachine, TamperAction, TraceEvent, TraceEventBody, TraceEventType } from './types';

export const TRACE_SCHEMA = 'webrtc-lab-trace';
export const TRACE_VERSION = 1;
/** Largest trace file we will parse (bytes, UTF-8). */
export const MAX_TRACE_BYTES = 5 * 1024 * 1024;
/** Most events a trace may have: a long lab session has a few thousand. */
export const MAX_TRACE_EVENTS = 50_000;
/** A trace nests 4 levels (envelope, events, event, peers); deeper is hostile (see json-depth.ts). */
export const MAX_TRACE_DEPTH = 8;

export type ParseTraceResult =
  | { ok: true; events: TraceEvent[]; exportedAt: string }
  | { ok: false; reason: string };

/**
 * The file: an envelope, then one event per line so it reads (and diffs) well.
 * `{ "schema": "webrtc-lab-trace", "version": 1, "exportedAt": ISO, "events": [...] }`
 */
export function exportTrace(trace: Trace | readonly TraceEvent[], exportedAt: Date = new Date()): string {
  const events = 'events' in trace ? trace.events : trace;
  const head = `{\n  "schema": ${JSON.stringify(TRACE_SCHEMA)},\n  "version": ${TRACE_VERSION},\n  "exportedAt": ${JSON.stringify(exportedAt.toISOString())},\n  "events": [`;
  if (events.length === 0) return `${head}]\n}\n`;
  return `${head}\n${events.map((e) => `    ${JSON.stringify(e)}`).join(',\n')}\n  ]\n}\n`;
}

// Runtime lists of the string unions in ./types.ts. Records keyed by the union make tsc
// complain when a value is added to the type but not here.
const keysOf = <K extends string>(record: Record<K, true>) => Object.keys(record) as K[];
const BROKER_STATES = keysOf<BrokerState>({ connecting: true, connected: true, lost: true, reconnecting: true, error: true, closed: true });
const MACHINES = keysOf<PeerMachine>({ signaling: true, iceGathering: true, iceConnection: true, connection: true });
const TAMPER_ACTIONS = keysOf<TamperAction>({ delay: true, duplicate: true, move: true, edit: true });
const PASTE_STEPS = keysOf<PasteStep>({ role: true, own: true, accepted: true, refused: true, settled: true });
const KINDS = keysOf<SignalKind>({ status: true, offer: true, answer: true, candidate: true, 'end-of-candidates': true, chat: true });

const peer = str(32, { min: 1, pattern: /^[A-Za-z0-9_-]+$/, hint: 'a peer id' });
const id = str(64, { min: 1 });
const topic = str(65535); // MQTT's own limit for a topic name (3.1.1 §4.7.3)
const payload = str(MAX_PAYLOAD_BYTES);
const bytes = int(0, Number.MAX_SAFE_INTEGER);
const qos = oneOf([0, 1, 2]);
const note = str(4096);
/** PUBLISH fixed header + topic + payload, two hex digits per byte. */
const packetHex = optional(str(2 * (MAX_PAYLOAD_BYTES + 70_000), { pattern: /^[0-9a-f]*$/i, hint: 'hex' }));

type FieldsOf<K extends TraceEventType> = Exclude<keyof Extract<TraceEventBody, { type: K }>, 'type'>;

/** Per event type, every field and its type; tsc demands an entry for each field in ./types.ts. */
export const EVENT_SHAPES: { readonly [K in TraceEventType]: { readonly [F in FieldsOf<K>]-?: FieldSpec } } = {
  session: { session: id, root: str(1024), broker: str(2048), peers: strings(2, 32) },
  broker: { peer, state: oneOf(BROKER_STATES), detail: optional(note) },
  published: { peer, mid: id, kind: oneOf(KINDS), topic, payload, bytes, qos, retain: bool(), packetHex },
  held: {
    qid: id,
    to: peer,
    from: peer,
    kind: oneOf(KINDS),
    topic,
    payload,
    bytes,
    qos,
    retain: bool(),
    will: bool(),
    mid: id,
    packetHex,
  },
  delivered: { qid: id, to: peer },
  dropped: { qid: id, to: peer, by: oneOf(['reader']), reason: optional(note) },
  tampered: {
    qid: id,
    to: peer,
    action: oneOf(TAMPER_ACTIONS),
    by: optional(oneOf([-1, 1])),
    copy: optional(id),
    payload: optional(payload),
    bytes: optional(bytes),
  },
  rejected: { to: peer, topic, reason: note, bytes, preview: note, dropped: optional(int(1, Number.MAX_SAFE_INTEGER)) },
  'plug-pulled': { peer, keepaliveS: optional(int(1, 65535)), quietMs: optional(num({ min: 0 })) },
  state: { peer, machine: oneOf(MACHINES), value: str(64) },
  api: { peer, call: str(256), ok: bool(), detail: optional(note) },
  'candidate-gathered': { peer, candidate: nullable(str(4096)) },
  'candidate-buffered': { peer, candidate: str(4096), reason: note },
  'candidates-flushed': { peer, count: int(0, Number.MAX_SAFE_INTEGER) },
  'remote-status': { peer, of: peer, status: oneOf(['online', 'offline']), will: bool() },
  channel: { peer, state: oneOf(['open', 'closed']) },
  chat: { from: peer, to: peer, text: str(MAX_PAYLOAD_BYTES) },
  presence: { peer, of: peer, status: oneOf(['online', 'offline', 'cleared']), will: bool(), retained: bool(), ts: num({ min: 0 }) },
  phase: { peer, phase: oneOf(['joining', 'joined', 'refused', 'error', 'left']), detail: optional(note) },
  packet: {
    peer,
    direction: oneOf(['out', 'in']),
    name: str(16, { min: 1, pattern: /^[A-Z]+$/, hint: 'an MQTT packet type' }),
    size: bytes,
    hex: str(2 * MAX_PACKET_HEX_BYTES, { pattern: /^[0-9a-f]*$/i, hint: 'hex' }),
  },
  paste: {
    peer,
    what: oneOf(PASTE_STEPS),
    role: optional(oneOf(['offerer', 'answerer'])),
    sdpType: optional(oneOf(['offer', 'answer'])),
    sdp: optional(str(MAX_PASTE_BYTES)),
    candidates: optional(int(0, Number.MAX_SAFE_INTEGER)),
    warnings: optional(list(MAX_PASTE_WARNINGS, 4096)),
    reason: optional(str(MAX_PASTE_REASON)),
  },
};

const at = num({ min: 0 });

export function parseTraceJson(text: string): ParseTraceResult {
  try {
    return parse(text);
  } catch (err) {
    return { ok: false, reason: `could not read the trace: ${clip(String(err), 60)}` };
  }
}

function parse(text: string): ParseTraceResult {
  if (typeof text !== 'string') return fail('not text');
  // Every UTF-16 unit is at least one UTF-8 byte, so the cheap check comes first.
  const size = text.length > MAX_TRACE_BYTES ? text.length : utf8Length(text);
  if (size > MAX_TRACE_BYTES) return fail(`file is ${size} bytes or more, over the ${MAX_TRACE_BYTES}-byte limit`);
  if (jsonDepthOver(text, MAX_TRACE_DEPTH)) return fail(`JSON nested more than ${MAX_TRACE_DEPTH} levels deep; a trace file nests 4`);

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(`not JSON: ${clip(err instanceof Error ? err.message : String(err), 60)}`);
  }
  if (!isRecord(json)) return fail('not a trace file: expected a JSON object');
  if (json.schema !== TRACE_SCHEMA) return fail(`not a trace file: "schema" must be "${TRACE_SCHEMA}"`);
  if (json.version !== TRACE_VERSION) {
    return fail(`unsupported trace version ${clip(JSON.stringify(json.version) ?? 'none', 20)} (this lab reads v${TRACE_VERSION})`);
  }
  if (typeof json.exportedAt !== 'string' || Number.isNaN(Date.parse(json.exportedAt))) {
    return fail('field "exportedAt" must be an ISO date');
  }
  if (!Array.isArray(json.events)) return fail('field "events" must be a list');
  if (json.events.length > MAX_TRACE_EVENTS) return fail(`field "events" has ${json.events.length} events, over the limit of ${MAX_TRACE_EVENTS}`);

  const events: TraceEvent[] = [];
  for (const [index, raw] of (json.events as unknown[]).entries()) {
    const event = parseEvent(raw, index, events.at(-1)?.at ?? 0);
    if (typeof event === 'string') return fail(`event ${index}: ${event}`);
    events.push(event);
  }
  return { ok: true, events, exportedAt: json.exportedAt };
}

/** One event, or the reason it is not one. */
function parseEvent(raw: unknown, index: number, previousAt: number): TraceEvent | string {
  if (!isRecord(raw)) return 'not an object';
  const type = raw.type;
  if (typeof type !== 'string' || !Object.hasOwn(EVENT_SHAPES, type)) {
    return typeof type === 'string' ? `unknown type "${clip(type, 32)}"` : 'field "type" must be a string';
  }
  if (raw.i !== index) return `field "i" must be ${index} (events are numbered in order)`;
  const time = checkShape(raw, { at });
  if (!time.ok) return time.reason;
  if ((raw.at as number) < previousAt) return 'field "at" goes back in time';
  const shaped = checkShape(raw, EVENT_SHAPES[type as TraceEventType]);
  if (!shaped.ok) return `${type}: ${shaped.reason}`;
  return { type, ...shaped.value, i: index, at: raw.at } as TraceEvent;
}

function fail(reason: string): ParseTraceResult {
  return { ok: false, reason };
}
