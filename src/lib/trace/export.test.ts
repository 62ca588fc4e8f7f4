import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventBodyArb, lobbyEventBodyArb } from './arbitraries';
import { exportTrace, exportTraceFile, MAX_TRACE_BYTES, MAX_TRACE_EVENTS, parseTraceFile, parseTraceJson, TRACE_SCHEMA } from './export';
import { Trace } from './trace';
import type { TraceEvent, TraceEventBody } from './types';
import type { LobbyTraceBody } from '../lobby/trace';

const WHEN = new Date('2026-01-02T03:04:05.678Z');

function traceOf(bodies: TraceEventBody[]): Trace {
  let t = 0;
  const trace = new Trace(() => (t += 7));
  for (const b of bodies) trace.append(b);
  return trace;
}

const sample: TraceEventBody[] = [
  { type: 'session', session: 's1', root: 'webrtc-lab/ab12cd34', broker: 'in-page', peers: ['alice', 'bob'] },
  { type: 'broker', peer: 'alice', state: 'connected' },
  { type: 'published', peer: 'alice', mid: 'm1', kind: 'offer', topic: 'webrtc-lab/ab12cd34/bob/signal', payload: '{"kind":"offer"}', bytes: 16, qos: 1, retain: false },
  { type: 'held', qid: 'q1', to: 'bob', from: 'alice', kind: 'offer', topic: 'webrtc-lab/ab12cd34/bob/signal', payload: '{"kind":"offer"}', bytes: 16, qos: 1, retain: false, will: false, mid: 'm1', packetHex: '3012' },
  { type: 'delivered', qid: 'q1', to: 'bob' },
  { type: 'candidate-gathered', peer: 'alice', candidate: null },
  { type: 'chat', from: 'alice', to: 'bob', text: 'hi <b>there</b>\n' },
];

/** Re-parse the exported envelope, edit it, and serialise it again. */
function edited(edit: (file: Record<string, unknown> & { events: Record<string, unknown>[] }) => void): string {
  const file = JSON.parse(exportTrace(traceOf(sample), WHEN));
  edit(file);
  return JSON.stringify(file);
}

/** The file was refused, for exactly this reason (or one that matches). */
function expectRefused(result: { ok: boolean; reason?: string }, reason: string | RegExp): void {
  expect(result.ok).toBe(false);
  if (typeof reason === 'string') expect(result.reason).toBe(reason);
  else expect(result.reason).toMatch(reason);
}

describe('exportTrace', () => {
  it('writes the envelope and one event per line', () => {
    const text = exportTrace(traceOf(sample.slice(0, 2)), WHEN);
    expect(text).toBe(
      [
        '{',
        '  "schema": "webrtc-lab-trace",',
        '  "version": 1,',
        '  "exportedAt": "2026-01-02T03:04:05.678Z",',
        '  "events": [',
        '    {"type":"session","session":"s1","root":"webrtc-lab/ab12cd34","broker":"in-page","peers":["alice","bob"],"i":0,"at":7},',
        '    {"type":"broker","peer":"alice","state":"connected","i":1,"at":14}',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('writes an empty trace', () => {
    const text = exportTrace([], WHEN);
    expect(JSON.parse(text)).toEqual({ schema: TRACE_SCHEMA, version: 1, exportedAt: WHEN.toISOString(), events: [] });
    expect(parseTraceJson(text)).toEqual({ ok: true, events: [], exportedAt: WHEN.toISOString() });
  });
});

describe('parseTraceJson', () => {
  it('round trips the sample', () => {
    const trace = traceOf(sample);
    expect(parseTraceJson(exportTrace(trace, WHEN))).toEqual({ ok: true, events: trace.events, exportedAt: WHEN.toISOString() });
  });

  it('round trips any trace', () => {
    fc.assert(
      fc.property(fc.array(eventBodyArb(), { maxLength: 40 }), (bodies) => {
        const trace = traceOf(bodies);
        const result = parseTraceJson(exportTrace(trace));
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.events).toEqual(trace.events);
      }),
    );
  });

  it('keeps only the fields each event type has', () => {
    const result = parseTraceJson(edited((f) => Object.assign(f.events[4]!, { onclick: 'x', __proto__: { polluted: true } })));
    expect(result.ok).toBe(true);
    if (result.ok) expect(Object.keys(result.events[4]!).sort()).toEqual(['at', 'i', 'qid', 'to', 'type']);
  });

  it.each<[string, string, string | RegExp]>([
    ['not JSON', 'trace please', /^not JSON: /],
    ['an array', '[]', 'not a trace file: expected a JSON object'],
    ['another schema', edited((f) => (f.schema = 'har')), 'not a trace file: "schema" must be "webrtc-lab-trace"'],
    ['a newer version', edited((f) => (f.version = 2)), 'unsupported trace version 2 (this lab reads v1)'],
    ['no version', edited((f) => delete f.version), 'unsupported trace version none (this lab reads v1)'],
    ['a bad date', edited((f) => (f.exportedAt = 'yesterday')), 'field "exportedAt" must be an ISO date'],
    ['no events', edited((f) => (f.events = {} as never)), 'field "events" must be a list'],
    ['an event that is not an object', edited((f) => (f.events[2] = 5 as never)), 'event 2: not an object'],
    ['an unknown type', edited((f) => (f.events[1]!.type = 'mystery')), 'event 1: unknown type "mystery"'],
    ['a missing type', edited((f) => delete f.events[1]!.type), 'event 1: field "type" must be a string'],
    ['a renumbered event', edited((f) => (f.events[3]!.i = 9)), 'event 3: field "i" must be 3 (events are numbered in order)'],
    ['a missing field', edited((f) => delete f.events[4]!.qid), 'event 4: delivered: missing field "qid"'],
    ['a wrong type', edited((f) => (f.events[3]!.retain = 'yes')), 'event 3: held: field "retain" must be true or false'],
    ['a bad enum', edited((f) => (f.events[1]!.state = 'asleep')), /^event 1: broker: field "state" must be one of "connecting"/],
    ['a bad qos', edited((f) => (f.events[2]!.qos = 3)), 'event 2: published: field "qos" must be one of 0, 1, 2'],
    ['a bad peer id', edited((f) => (f.events[1]!.peer = '<img>')), 'event 1: broker: field "peer" must be a peer id'],
    ['a bad tuple', edited((f) => (f.events[0]!.peers = ['alice'])), 'event 0: session: field "peers" must be a list of 2 strings'],
    ['negative time', edited((f) => (f.events[0]!.at = -1)), 'event 0: field "at" must be ≥ 0'],
    ['time going backwards', edited((f) => (f.events[2]!.at = 1)), 'event 2: field "at" goes back in time'],
    ['non-hex packet', edited((f) => (f.events[3]!.packetHex = 'zz')), 'event 3: held: field "packetHex" must be hex'],
    ['a null where a string belongs', edited((f) => (f.events[6]!.text = null)), 'event 6: chat: field "text" must be a string'],
  ])('rejects %s', (_name, text, reason) => {
    expectRefused(parseTraceJson(text), reason);
  });

  it('takes a paste step with its warnings, and refuses too many of them', () => {
    const ok: TraceEventBody = { type: 'paste', peer: 'bob', what: 'accepted', sdpType: 'offer', sdp: 'v=0\r\n', candidates: 0, warnings: ['a', 'b', 'c', 'd'] };
    expect(parseTraceJson(exportTrace(traceOf([ok])))).toMatchObject({ ok: true, events: [ok] });
    expect(parseTraceJson(exportTrace(traceOf([{ ...ok, warnings: ['a', 'b', 'c', 'd', 'e'] }])))).toEqual({
      ok: false,
      reason: 'event 0: paste: field "warnings" must be a list of at most 4 strings of at most 4096 chars',
    });
    expect(parseTraceJson(exportTrace(traceOf([{ ...ok, warnings: 'a' as never }])))).toMatchObject({ ok: false });
  });

  it('refuses files over 5 MB before parsing them', () => {
    const huge = `{"pad":"${'x'.repeat(MAX_TRACE_BYTES)}"}`;
    const result = parseTraceJson(huge);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/over the 5242880-byte limit$/) });
  });

  it('refuses deeply nested JSON before parsing it, with a reason', () => {
    const deep = `{"events":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`;
    expect(parseTraceJson(deep)).toEqual({ ok: false, reason: 'JSON nested more than 8 levels deep; a trace file nests 4' });
    // Nesting inside a field that is later quoted (JSON.stringify would throw RangeError).
    const version = `{"schema":"${TRACE_SCHEMA}","version":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;
    expect(parseTraceJson(version)).toMatchObject({ ok: false, reason: expect.stringMatching(/^JSON nested more than 8/) });
  });

  it('refuses more events than the limit', () => {
    const events = Array.from({ length: MAX_TRACE_EVENTS + 1 }, (_, i) => ({ type: 'plug-pulled', peer: 'a', i, at: 0 }));
    const text = JSON.stringify({ schema: TRACE_SCHEMA, version: 1, exportedAt: WHEN.toISOString(), events });
    expect(parseTraceJson(text)).toEqual({ ok: false, reason: `field "events" has ${MAX_TRACE_EVENTS + 1} events, over the limit of ${MAX_TRACE_EVENTS}` });
  });

  it('what it accepts from a mutated trace is a valid trace: it exports and imports again unchanged', () => {
    fc.assert(
      fc.property(fc.array(eventBodyArb(), { minLength: 1, maxLength: 8 }), fc.nat(), fc.jsonValue(), (bodies, at, value) => {
        const file = JSON.parse(exportTrace(traceOf(bodies)));
        const event = file.events[at % file.events.length] as Record<string, unknown>;
        const keys = Object.keys(event);
        event[keys[at % keys.length]!] = value;
        const result = parseTraceJson(JSON.stringify(file));
        if (!result.ok) return;
        const again = parseTraceJson(exportTrace(result.events, WHEN));
        expect(again.ok && again.events).toEqual(result.events);
      }),
    );
  });

  it('counts the limit in UTF-8 bytes', () => {
    const text = `"${'é'.repeat(MAX_TRACE_BYTES / 2)}"`; // 2 bytes each: just over
    expect(parseTraceJson(text)).toMatchObject({ ok: false, reason: expect.stringMatching(/^file is 5242882 bytes/) });
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue().map((v) => JSON.stringify(v) ?? '')), (text) => {
        const result = parseTraceJson(text);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
    expect(parseTraceJson(undefined as unknown as string)).toEqual({ ok: false, reason: 'not text' });
  });

  it('never throws on traces with one field replaced by any JSON value', () => {
    fc.assert(
      fc.property(fc.array(eventBodyArb(), { minLength: 1, maxLength: 10 }), fc.nat(), fc.string(), fc.jsonValue(), (bodies, at, key, value) => {
        const file = JSON.parse(exportTrace(traceOf(bodies)));
        const event = file.events[at % file.events.length] as Record<string, unknown>;
        const keys = Object.keys(event);
        event[keys[at % keys.length] ?? key] = value;
        const result = parseTraceJson(JSON.stringify(file));
        if (result.ok) result.events.forEach((e: TraceEvent, k: number) => expect(e.i).toBe(k));
      }),
    );
  });
});

function lobbyTraceOf(bodies: LobbyTraceBody[]): Trace<LobbyTraceBody> {
  let t = 0;
  const trace = new Trace<LobbyTraceBody>(() => (t += 5));
  for (const b of bodies) trace.append(b);
  return trace;
}

/** A lobby session in miniature: every event type, as mesh-session.ts writes them. */
const lobbySample: LobbyTraceBody[] = [
  { type: 'session', transport: 'in-page', peers: ['p1', 'p2', 'p3'] },
  { type: 'socket', peer: 'p1', state: 'connecting' },
  { type: 'socket', peer: 'p1', state: 'open' },
  { type: 'sent', peer: 'p1', text: '{"type":0,"id":0,"data":""}' },
  { type: 'held', qid: 'q1', peer: 'p1', text: '{"type":1,"id":1,"data":"true"}' },
  { type: 'delivered', qid: 'q1', peer: 'p1' },
  { type: 'pc', peer: 'p2', remote: 1, offerer: true },
  { type: 'api', peer: 'p2', call: 'createOffer', ok: true, remote: 1 },
  { type: 'state', peer: 'p2', machine: 'connection', value: 'connected', remote: 1 },
  { type: 'candidate-gathered', peer: 'p2', candidate: null, remote: 1 },
  { type: 'candidate-buffered', peer: 'p1', candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host', reason: 'no remote description yet', remote: 2_147_483_648 },
  { type: 'candidates-flushed', peer: 'p1', count: 1, remote: 8357 },
  { type: 'channel', peer: 'p2', state: 'open', remote: 1 },
  { type: 'ignored', peer: 'p3', reason: 'OFFER from 77: no connection to that peer (Godot drops it too)' },
  { type: 'socket', peer: 'p4', state: 'failed', detail: 'refused' },
  { type: 'sent', peer: 'p4', text: 'hello, server', bad: 'Not JSON' },
  { type: 'held', qid: 'q2', peer: 'p4', text: '', close: { code: 4000, reason: 'Invalid message format' } },
];

/** The exported lobby sample, edited and serialised again. */
function lobbyEdited(edit: (file: Record<string, unknown> & { events: Record<string, unknown>[] }) => void): string {
  const file = JSON.parse(exportTraceFile({ kind: 'lobby', events: lobbyTraceOf(lobbySample).events }, WHEN));
  edit(file);
  return JSON.stringify(file);
}

describe('lobby traces', () => {
  it('are marked "kind": "lobby" in the envelope; a lab trace still leaves "kind" out', () => {
    const text = exportTraceFile({ kind: 'lobby', events: lobbyTraceOf(lobbySample.slice(0, 1)).events }, WHEN);
    expect(text.split('\n').slice(0, 5)).toEqual(['{', '  "schema": "webrtc-lab-trace",', '  "version": 1,', '  "kind": "lobby",', '  "exportedAt": "2026-01-02T03:04:05.678Z",']);
    expect(Object.keys(JSON.parse(exportTrace(traceOf(sample), WHEN)))).toEqual(['schema', 'version', 'exportedAt', 'events']);
    expect(JSON.parse(exportTraceFile({ kind: 'lobby', events: [] }, WHEN))).toEqual({ schema: TRACE_SCHEMA, version: 1, kind: 'lobby', exportedAt: WHEN.toISOString(), events: [] });
  });

  it('round trip the sample, every lobby event type in it', () => {
    const trace = lobbyTraceOf(lobbySample);
    expect(parseTraceFile(exportTraceFile({ kind: 'lobby', events: trace.events }, WHEN))).toEqual({
      ok: true,
      trace: { kind: 'lobby', events: trace.events },
      exportedAt: WHEN.toISOString(),
    });
  });

  it('round trip any lobby trace', () => {
    fc.assert(
      fc.property(fc.array(lobbyEventBodyArb(), { maxLength: 40 }), (bodies) => {
        const trace = lobbyTraceOf(bodies);
        const result = parseTraceFile(exportTraceFile({ kind: 'lobby', events: trace.events }));
        expect(result.ok && result.trace).toEqual({ kind: 'lobby', events: trace.events });
      }),
    );
  });

  it('a lab trace reads as kind "lab", with or without "kind" in its envelope', () => {
    const trace = traceOf(sample);
    const expected = { ok: true, trace: { kind: 'lab', events: trace.events }, exportedAt: WHEN.toISOString() };
    expect(parseTraceFile(exportTrace(trace, WHEN))).toEqual(expected);
    expect(parseTraceFile(edited((f) => (f.kind = 'lab')))).toEqual(expected);
  });

  it('parseTraceJson, which reads lab traces only, refuses a lobby trace with a reason', () => {
    expect(parseTraceJson(lobbyEdited(() => {}))).toEqual({ ok: false, reason: 'a lobby trace, not a lab trace' });
  });

  it('keeps only the fields each lobby event has, inside the close too', () => {
    const result = parseTraceFile(lobbyEdited((f) => Object.assign((f.events[16]!.close as object), { extra: 1, __proto__: { polluted: true } })));
    expect(result.ok && result.trace.events[16]).toMatchObject({ close: { code: 4000, reason: 'Invalid message format' } });
    if (result.ok) expect(Object.keys((result.trace.events[16] as { close: object }).close).sort()).toEqual(['code', 'reason']);
  });

  it.each<[string, string, string | RegExp]>([
    ['an unknown kind', lobbyEdited((f) => (f.kind = 'godot')), 'unknown trace kind "godot" (this lab reads "lab", "lobby")'],
    ['a kind that is not text', lobbyEdited((f) => (f.kind = { lobby: true })), 'unknown trace kind {"lobby":true} (this lab reads "lab", "lobby")'],
    ['a lab event in a lobby trace', lobbyEdited((f) => (f.events[1] = { type: 'broker', peer: 'p1', state: 'connected', i: 1, at: 10 })), 'event 1: unknown type "broker"'],
    ['a lobby event in a lab trace', edited((f) => (f.events[1] = { type: 'socket', peer: 'alice', state: 'open', i: 1, at: 14 })), 'event 1: unknown type "socket"'],
    ['a lobby trace without "kind"', lobbyEdited((f) => delete f.kind), /^event 0: session: missing field "session"$/],
    ['an unknown event type', lobbyEdited((f) => (f.events[3]!.type = 'frame')), 'event 3: unknown type "frame"'],
    ['a held with the lab\'s fields', lobbyEdited((f) => delete f.events[4]!.peer), 'event 4: held: missing field "peer"'],
    ['a frame that is not text', lobbyEdited((f) => (f.events[3]!.text = { type: 0 })), 'event 3: sent: field "text" must be a string'],
    ['a huge frame', lobbyEdited((f) => (f.events[4]!.text = 'x'.repeat(200_000))), 'event 4: held: field "text" is 200000 chars, over the 131072-char limit'],
    ['a bad socket state', lobbyEdited((f) => (f.events[2]!.state = 'closing')), 'event 2: socket: field "state" must be one of "connecting", "open", "failed"'],
    ['a close that is not an object', lobbyEdited((f) => (f.events[16]!.close = 4000)), 'event 16: held: field "close" must be an object'],
    ['a close code out of range', lobbyEdited((f) => ((f.events[16]!.close as Record<string, unknown>).code = 99_999)), 'event 16: held: field "close": field "code" must be ≤ 4999'],
    ['a close reason over 123 chars', lobbyEdited((f) => ((f.events[16]!.close as Record<string, unknown>).reason = 'r'.repeat(124))), 'event 16: held: field "close": field "reason" is 124 chars, over the 123-char limit'],
    ['a remote that is not a wire id', lobbyEdited((f) => (f.events[6]!.remote = -1)), 'event 6: pc: field "remote" must be ≥ 0'],
    ['a fractional remote', lobbyEdited((f) => (f.events[7]!.remote = 1.5)), 'event 7: api: field "remote" must be an integer'],
    ['a link event without its remote', lobbyEdited((f) => delete f.events[8]!.remote), 'event 8: state: missing field "remote"'],
    ['a bad peer id', lobbyEdited((f) => (f.events[13]!.peer = '<script>')), 'event 13: ignored: field "peer" must be a peer id'],
    ['a renumbered event', lobbyEdited((f) => (f.events[5]!.i = 0)), 'event 5: field "i" must be 5 (events are numbered in order)'],
    ['too many session peers', lobbyEdited((f) => (f.events[0]!.peers = Array.from({ length: 9 }, (_, k) => `p${k}`))), /^event 0: session: field "peers" must be a list of at most 8 strings/],
  ])('refuses %s', (_name, text, reason) => {
    expectRefused(parseTraceFile(text), reason);
  });

  it('never throws on lobby traces with one field replaced by any JSON value; what it accepts exports and imports again unchanged', () => {
    fc.assert(
      fc.property(fc.array(lobbyEventBodyArb(), { minLength: 1, maxLength: 8 }), fc.nat(), fc.jsonValue(), (bodies, at, value) => {
        const file = JSON.parse(exportTraceFile({ kind: 'lobby', events: lobbyTraceOf(bodies).events }));
        const event = file.events[at % file.events.length] as Record<string, unknown>;
        const keys = Object.keys(event);
        event[keys[at % keys.length]!] = value;
        const result = parseTraceFile(JSON.stringify(file));
        if (!result.ok) return;
        expect(result.trace.kind).toBe('lobby');
        const again = parseTraceFile(exportTraceFile(result.trace, WHEN));
        expect(again.ok && again.trace).toEqual(result.trace);
      }),
    );
  });
});
