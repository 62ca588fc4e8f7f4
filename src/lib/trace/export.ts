/**
 * Trace files: export a session as JSON, and import one back for replay.
 * An imported file is untrusted input (anyone can hand a reader a file), so
 * parseTraceFile checks size, JSON, the envelope and every event against a per-type
 * field table, and never throws.
 *
 * Two kinds of trace share the format: the MQTT labs' ('lab', ./types.ts) and the lobby
 * lab's ('lobby', ../lobby/trace.ts), told apart by the envelope's optional "kind". A file
 * without one is a lab trace, so every file exported before lobby traces existed still reads.
 */
import { MAX_PAYLOAD_BYTES, type SignalKind } from '../signalling/types';
import { utf8Length } from '../signalling/topics';
import { bool, checkShape, clip, int, isRecord, list, nullable, num, object, oneOf, optional, str, strings, type FieldSpec, type Shape } from '../signalling/shape';
import { jsonDepthOver } from '../signalling/json-depth';
import { MAX_PASTE_BYTES, MAX_PASTE_REASON, MAX_PASTE_WARNINGS } from '../signalling/paste-limits';
import { KEEP } from '../signalling/keep-limits';
import type { Trace } from './trace';
import type { BrokerState, CheckStep, DtlsState, PasteStep, PeerMachine, TamperAction, TraceEvent, TraceEventBody, TraceEventType, Verdict } from './types';
import type { LobbyTraceBody, LobbyTraceEvent, LobbyTraceType } from '../lobby/trace';

export const TRACE_SCHEMA = 'webrtc-lab-trace';
export const TRACE_VERSION = 1;
/** Largest trace file we will parse (bytes, UTF-8). */
export const MAX_TRACE_BYTES = 5 * 1024 * 1024;
/** Most events a trace may have: a long lab session has a few thousand. */
export const MAX_TRACE_EVENTS = 50_000;
/** A trace nests 4 levels (envelope, events, event, peers); deeper is hostile (see json-depth.ts). */
export const MAX_TRACE_DEPTH = 8;

/** A trace of either kind, with its events: what a file holds. */
export type TraceFile = { kind: 'lab'; events: readonly TraceEvent[] } | { kind: 'lobby'; events: readonly LobbyTraceEvent[] };
export type TraceKind = TraceFile['kind'];
/** A trace read from a file: its events are the reader's own copies. */
export type ParsedTrace = { kind: 'lab'; events: TraceEvent[] } | { kind: 'lobby'; events: LobbyTraceEvent[] };

export type ParseTraceResult =
  | { ok: true; events: TraceEvent[]; exportedAt: string }
  | { ok: false; reason: string };

export type ParseTraceFileResult = { ok: true; trace: ParsedTrace; exportedAt: string } | { ok: false; reason: string };

/**
 * The file: an envelope, then one event per line so it reads (and diffs) well.
 * `{ "schema": "webrtc-lab-trace", "version": 1, "kind": "lobby", "exportedAt": ISO, "events": [...] }`;
 * a lab trace leaves "kind" out, as every file did before lobby traces.
 */
export function exportTraceFile(file: TraceFile, exportedAt: Date = new Date()): string {
  const kind = file.kind === 'lab' ? '' : `\n  "kind": ${JSON.stringify(file.kind)},`;
  const head = `{\n  "schema": ${JSON.stringify(TRACE_SCHEMA)},\n  "version": ${TRACE_VERSION},${kind}\n  "exportedAt": ${JSON.stringify(exportedAt.toISOString())},\n  "events": [`;
  const events: readonly object[] = file.events;
  if (events.length === 0) return `${head}]\n}\n`;
  return `${head}\n${events.map((e) => `    ${JSON.stringify(e)}`).join(',\n')}\n  ]\n}\n`;
}

/** A lab trace (the MQTT labs, copy and paste) as a file. */
export function exportTrace(trace: Trace | readonly TraceEvent[], exportedAt: Date = new Date()): string {
  return exportTraceFile({ kind: 'lab', events: 'events' in trace ? trace.events : trace }, exportedAt);
}

// Runtime lists of the string unions in ./types.ts. Records keyed by the union make tsc
// complain when a value is added to the type but not here.
const keysOf = <K extends string>(record: Record<K, true>) => Object.keys(record) as K[];
const BROKER_STATES = keysOf<BrokerState>({ connecting: true, connected: true, lost: true, reconnecting: true, error: true, closed: true });
const MACHINES = keysOf<PeerMachine>({ signaling: true, iceGathering: true, iceConnection: true, connection: true });
const TAMPER_ACTIONS = keysOf<TamperAction>({ delay: true, duplicate: true, move: true, edit: true });
const PASTE_STEPS = keysOf<PasteStep>({ role: true, own: true, accepted: true, refused: true, settled: true });
const DTLS_STATES = keysOf<DtlsState>({ new: true, connecting: true, connected: true, closed: true, failed: true });
const CHECK_STEPS = keysOf<CheckStep>({ sent: true, succeeded: true, nominated: true, failed: true });
const VERDICTS = keysOf<Verdict>({ foreign: true, suspicious: true });
const KINDS = keysOf<SignalKind>({ status: true, offer: true, answer: true, candidate: true, 'end-of-candidates': true, chat: true, handshake: true });

const peer = str(32, { min: 1, pattern: /^[A-Za-z0-9_-]+$/, hint: 'a peer id' });
const id = str(64, { min: 1 });
const topic = str(65535); // MQTT's own limit for a topic name (3.1.1 §4.7.3)
const payload = str(MAX_PAYLOAD_BYTES);
const bytes = int(0, Number.MAX_SAFE_INTEGER);
const qos = oneOf([0, 1, 2]);
const note = str(4096);
/** PUBLISH fixed header + topic + payload, two hex digits per byte. */
const packetHex = optional(str(2 * (MAX_PAYLOAD_BYTES + 70_000), { pattern: /^[0-9a-f]*$/i, hint: 'hex' }));
/** The original of a message in another app's dialect (../dialects): never longer than the lab's own limit. */
const wire = optional(object({ dialect: str(32, { min: 1, pattern: /^[a-z0-9-]+$/, hint: 'a dialect id' }), payload, reading: note }));

/** A message as it arrived for a peer: what 'held' and 'foreign' share (MessageInfo but its queue id). */
const RECEIVED = {
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
  wire,
} as const;

type FieldsOf<K extends TraceEventType> = Exclude<keyof Extract<TraceEventBody, { type: K }>, 'type'>;

/** Per event type, every field and its type; tsc demands an entry for each field in ./types.ts. */
export const EVENT_SHAPES: { readonly [K in TraceEventType]: { readonly [F in FieldsOf<K>]-?: FieldSpec } } = {
  session: { session: id, root: str(1024), broker: str(2048), peers: strings(2, 32), watch: optional(bool()) },
  broker: { peer, state: oneOf(BROKER_STATES), detail: optional(note) },
  published: { peer, mid: id, kind: oneOf(KINDS), topic, payload, bytes, qos, retain: bool(), packetHex, wire, fromOutbox: optional(bool()) },
  'queued-offline': { peer, mid: id, kind: oneOf(KINDS), topic, to: optional(peer), reason: note },
  held: { qid: id, ...RECEIVED },
  foreign: { verdict: oneOf(VERDICTS), reason: note, ...RECEIVED },
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
  dtls: { peer, state: oneOf(DTLS_STATES) },
  'ice-check': { peer, pair: str(256, { min: 1 }), step: oneOf(CHECK_STEPS), local: str(64), remote: str(64) },
  presence: { peer, of: peer, status: oneOf(['online', 'offline', 'cleared']), will: bool(), retained: bool(), ts: num({ min: 0 }), detail: optional(str(32)) },
  phase: { peer, phase: oneOf(['joining', 'joined', 'refused', 'error', 'left']), detail: optional(note) },
  packet: {
    peer,
    direction: oneOf(['out', 'in']),
    name: str(16, { min: 1, pattern: /^[A-Z]+$/, hint: 'an MQTT packet type' }),
    size: bytes,
    hex: str(2 * KEEP.packetBytes, { pattern: /^[0-9a-f]*$/i, hint: 'hex' }),
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

type LobbyFieldsOf<K extends LobbyTraceType> = Exclude<keyof Extract<LobbyTraceBody, { type: K }>, 'type'>;

/**
 * A lobby frame as written or received. Our server closes a frame over 64 KiB (1009, see
 * ../lobby/protocol.ts); twice that leaves room for the id the server rewrites and for a
 * real server with a larger limit.
 */
const frame = str(2 * MAX_PAYLOAD_BYTES);
/** A wire id: server.js draws them from 31 bits (Math.abs of an Int32); ours are never 0. */
const wireId = int(0, 2 ** 31);
/**
 * A WebSocket close: a code (RFC 6455 §7.4; 1005 and 1006 as browsers report them) and a
 * reason, at most 123 bytes in a close frame (§5.5: a 125-byte control payload, 2 for the code).
 */
const close = object({ code: int(1000, 4999), reason: str(123) });

/**
 * The lobby lab's events. Its link events are LabPeer's (../peer/lab-peer.ts) with the other
 * end's wire id added, so their fields are the lab's plus `remote`.
 */
export const LOBBY_EVENT_SHAPES: { readonly [K in LobbyTraceType]: { readonly [F in LobbyFieldsOf<K>]-?: FieldSpec } } = {
  session: { transport: str(2048), peers: list(8, 32) },
  socket: { peer, state: oneOf(['connecting', 'open', 'failed']), detail: optional(note) },
  sent: { peer, text: frame, bad: optional(str(256)) },
  held: { qid: id, peer, text: frame, close: optional(close) },
  delivered: { qid: id, peer },
  dropped: { qid: id, peer, by: oneOf(['reader']), reason: optional(note) },
  tampered: { qid: id, peer, action: oneOf(['delay', 'move', 'duplicate']), by: optional(oneOf([-1, 1])), copy: optional(id) },
  ignored: { peer, reason: note },
  pc: { peer, remote: wireId, offerer: bool() },
  api: { ...EVENT_SHAPES.api, remote: wireId },
  state: { ...EVENT_SHAPES.state, remote: wireId },
  channel: { ...EVENT_SHAPES.channel, remote: wireId },
  'candidate-gathered': { ...EVENT_SHAPES['candidate-gathered'], remote: wireId },
  'candidate-buffered': { ...EVENT_SHAPES['candidate-buffered'], remote: wireId },
  'candidates-flushed': { ...EVENT_SHAPES['candidates-flushed'], remote: wireId },
};

/** Each kind's field tables: the envelope's "kind" picks one. */
const SHAPES_OF_KIND: { readonly [K in TraceKind]: Readonly<Record<string, Shape>> } = {
  lab: EVENT_SHAPES,
  lobby: LOBBY_EVENT_SHAPES,
};
const TRACE_KINDS = Object.keys(SHAPES_OF_KIND) as TraceKind[];

const at = num({ min: 0 });

/** Reads a trace file of either kind; never throws. */
export function parseTraceFile(text: string): ParseTraceFileResult {
  try {
    return parse(text);
  } catch (err) {
    return fail(`could not read the trace: ${clip(String(err), 60)}`);
  }
}

/** Reads a lab trace file (the MQTT labs' kind); a lobby trace is refused with a reason. */
export function parseTraceJson(text: string): ParseTraceResult {
  const result = parseTraceFile(text);
  if (!result.ok) return result;
  if (result.trace.kind !== 'lab') return fail(`a ${result.trace.kind} trace, not a lab trace`);
  return { ok: true, events: result.trace.events, exportedAt: result.exportedAt };
}

function parse(text: string): ParseTraceFileResult {
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
  // No "kind": a lab trace, as every file was before lobby traces.
  const kind = (json.kind ?? 'lab') as TraceKind;
  if (!TRACE_KINDS.includes(kind)) {
    return fail(`unknown trace kind ${clip(JSON.stringify(kind), 20)} (this lab reads ${TRACE_KINDS.map((k) => `"${k}"`).join(', ')})`);
  }
  if (typeof json.exportedAt !== 'string' || Number.isNaN(Date.parse(json.exportedAt))) {
    return fail('field "exportedAt" must be an ISO date');
  }
  if (!Array.isArray(json.events)) return fail('field "events" must be a list');
  if (json.events.length > MAX_TRACE_EVENTS) return fail(`field "events" has ${json.events.length} events, over the limit of ${MAX_TRACE_EVENTS}`);

  const shapes = SHAPES_OF_KIND[kind];
  const events: ParsedEvent[] = [];
  for (const [index, raw] of (json.events as unknown[]).entries()) {
    const event = parseEvent(raw, index, events.at(-1)?.at ?? 0, shapes);
    if (typeof event === 'string') return fail(`event ${index}: ${event}`);
    events.push(event);
  }
  // Every event passed its kind's field table, which tsc ties to that kind's event types.
  return { ok: true, trace: { kind, events } as ParsedTrace, exportedAt: json.exportedAt };
}

type ParsedEvent = { type: string; i: number; at: number };

/** One event, or the reason it is not one. */
function parseEvent(raw: unknown, index: number, previousAt: number, shapes: Readonly<Record<string, Shape>>): ParsedEvent | string {
  if (!isRecord(raw)) return 'not an object';
  const type = raw.type;
  if (typeof type !== 'string' || !Object.hasOwn(shapes, type)) {
    return typeof type === 'string' ? `unknown type "${clip(type, 32)}"` : 'field "type" must be a string';
  }
  if (raw.i !== index) return `field "i" must be ${index} (events are numbered in order)`;
  const time = checkShape(raw, { at });
  if (!time.ok) return time.reason;
  if ((raw.at as number) < previousAt) return 'field "at" goes back in time';
  const shaped = checkShape(raw, shapes[type]!);
  if (!shaped.ok) return `${type}: ${shaped.reason}`;
  return { type, ...shaped.value, i: index, at: raw.at as number };
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
