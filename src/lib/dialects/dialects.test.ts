import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixtures from '../../../tests/fixtures/godot/wire.json';
import { DIALECTS, dialectById, type DialectMessage } from './registry';
import { DOLLAR_PROBES, latencyProbe, MAX_PROBE_BYTES } from './godot-demo';
import { DialectLink } from './link';
import { encodeSignal, decodeSignal } from '../signalling/codec';
import type { WireSignal } from '../signalling/types';

interface Case {
  id: string;
  source: string;
  from: string;
  topic: string;
  payload: string;
  qos: 0;
  retain: boolean;
  readOnly?: boolean;
  message: DialectMessage;
}
const SETS = fixtures as unknown as Record<string, { root: string; cases: Case[] }>;
/** The recipient of a case: its `to`, or for a status anyone (a watcher reads it too). */
const recipient = (c: Case) => ('to' in c.message ? c.message.to : null);

describe.each(Object.keys(SETS))('dialect %s over its app\'s own messages (tests/fixtures/godot)', (id) => {
  const dialect = dialectById(id)!;
  const { root, cases } = SETS[id]!;

  it('is registered', () => {
    expect(dialect).toBeDefined();
    expect(DIALECTS[id]).toBe(dialect);
  });

  it.each(cases.map((c) => [c.id, c] as const))('reads %s', (_, c) => {
    const r = dialect.read(root, recipient(c), c.topic, c.payload);
    expect(r).toMatchObject({ ok: true, message: c.message });
    if (r.ok) expect(r.reading.length).toBeGreaterThan(10);
    // A watcher (no self) reads it the same.
    expect(dialect.read(root, null, c.topic, c.payload)).toMatchObject({ ok: true, message: c.message });
  });

  it.each(cases.filter((c) => !c.readOnly).map((c) => [c.id, c] as const))('writes %s byte for byte as the app does', (_, c) => {
    expect(dialect.write(root, c.from, c.message)).toEqual({ topic: c.topic, payload: c.payload, qos: c.qos, retain: c.retain });
  });

  it('announces itself with an online status and a last will, retained, as the app does', () => {
    const self = cases.find((c) => c.message.kind === 'status' && !c.readOnly)!.from;
    const { online, will } = dialect.presence(root, self);
    expect([online.retain, will.retain, online.qos, will.qos]).toEqual([true, true, 0, 0]);
    expect(dialect.read(root, null, online.topic, online.payload)).toMatchObject({ ok: true, message: { kind: 'status', from: self, status: 'online' } });
    expect(dialect.read(root, null, will.topic, will.payload)).toMatchObject({ ok: true, message: { kind: 'status', from: self, status: 'offline', will: true } });
    // Subscribed to its own inbox and to everyone's status.
    const topics = Object.keys(dialect.subscriptions(root, self));
    expect(topics).toContain(`${root}/+/status`);
    for (const c of cases.filter((x) => recipient(x) === self)) expect(topics.some((t) => matches(t, c.topic))).toBe(true);
  });
});

/** MQTT topic filter matching (3.1.1 §4.7): + is one level, # the rest. */
function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

describe('what each dialect refuses, with a reason', () => {
  const demo = dialectById('godot-demo')!;
  const wb = dialectById('godot-workbench')!;
  it.each([
    ['demo: a status that is neither connected nor stopped', demo, 'crumble77', 'dog111', 'crumble77/cat222/status', 'online', /neither "connected" nor "stopped"/],
    ['demo: an offer that is not SDP', demo, 'crumble77', 'cat222', 'crumble77/cat222/offer', '{"sdp":"v=0"}', /starts with "v=0"/],
    ['demo: an ice that is an object', demo, 'crumble77', 'cat222', 'crumble77/cat222/ice', '{"candidate":"c"}', /\[mid, index, sdp\]/],
    ['demo: an ice with a null mid (Control.gd:221 joins it as text)', demo, 'crumble77', 'cat222', 'crumble77/cat222/ice', '[null,0,"candidate:1"]', /mid is not text/],
    ['demo: a fractional index', demo, 'crumble77', 'cat222', 'crumble77/cat222/ice', '["0",0.5,"candidate:1"]', /whole number/],
    ['demo: deep JSON', demo, 'crumble77', 'cat222', 'crumble77/cat222/ice', '[[[[[["x"]]]]]]', /nested/],
    ['demo: an echo that is not *<length>', demo, 'crumble77', 'cat222', 'crumble77/cat222/chat', '*ten', /not "\*<length>"/],
    ['demo: a probe over 100 KB', demo, 'crumble77', 'cat222', 'crumble77/cat222/chat', latencyProbe(MAX_PROBE_BYTES + 1), /over the demo's 102400/],
    ['demo: another peer\'s inbox', demo, 'crumble77', 'cat222', 'crumble77/dog111/offer', 'v=0\r\n', /not cat222's/],
    ['demo: a topic the demo does not have', demo, 'crumble77', 'cat222', 'crumble77/cat222/signal', 'x', /not one of the demo's topics/],
    ['demo: four levels', demo, 'crumble77', 'cat222', 'crumble77/x/cat222/offer', 'v=0', /is not <root>\/<id>/],
    ['workbench: an unknown subject', wb, 'cabbage', 'x2', 'cabbage/x1/packet/x2', '{"subject":"hello"}', /unknown subject "hello"/],
    ['workbench: an offer without data', wb, 'cabbage', 'x2', 'cabbage/x1/packet/x2', '{"subject":"offer"}', /SDP is not text/],
    ['workbench: a candidate without sdp_name', wb, 'cabbage', 'x2', 'cabbage/x1/packet/x2', '{"index_name":0,"mid_name":"0","subject":"ice_candidate"}', /candidate line is not text/],
    ['workbench: a packet for someone else', wb, 'cabbage', 'x2', 'cabbage/x1/packet/x3', '{"subject":"request_offer"}', /addressed to x3, not x2/],
    ['workbench: a status that is not JSON', wb, 'cabbage', 'x2', 'cabbage/x1/status', 'online', /not JSON/],
    ['workbench: a status without a subject', wb, 'cabbage', 'x2', 'cabbage/x1/status', '{"playername":"Bob"}', /"subject"/],
    ['workbench: a packet topic without a recipient', wb, 'cabbage', 'x2', 'cabbage/x1/packet', '{"subject":"request_offer"}', /is not <room>/],
  ] as const)('%s', (_, dialect, root, self, topic, payload, reason) => {
    const r = dialect.read(root, self, topic, payload);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(reason);
      expect(r.reason.length).toBeLessThan(200);
    }
  });

  // Big payloads are refused before any parsing, whatever the topic: no JSON.parse of 20 MB.
  it.each([
    ['demo', 'crumble77', 'cat222', 'crumble77/cat222/ice', 102_400],
    ['demo', 'crumble77', 'cat222', 'crumble77/cat222/offer', 102_400],
    ['workbench', 'cabbage', 'x2', 'cabbage/x1/packet/x2', 65_536],
    ['workbench', 'cabbage', 'x2', 'cabbage/x1/status', 65_536],
  ] as const)('%s: a 20 MB payload on %s… is refused for its size (limit %s bytes)', (which, root, self, topic, limit) => {
    const dialect = which === 'demo' ? demo : wb;
    expect(dialect.maxPayloadBytes).toBe(limit);
    for (const payload of [`["0",0,"${'x'.repeat(20e6)}"]`, `{"subject":"offer","data":"v=0${'x'.repeat(20e6)}"}`]) {
      const r = dialect.read(root, self, topic, payload);
      expect(r).toEqual({ ok: false, reason: expect.stringMatching(new RegExp(`^payload of \\d+ characters, over the (demo|lab)'s ${limit}-byte limit$`)) });
    }
    // Just over in bytes but not in characters: counted as UTF-8.
    const multi = 'é'.repeat(limit / 2 + 1);
    expect(dialect.read(root, self, topic, multi)).toEqual({ ok: false, reason: `payload of ${limit + 2} bytes, over the ${which === 'demo' ? "demo's" : "lab's"} ${limit}-byte limit` });
  });

  it('refuses what the app could not read back', () => {
    const cand = { kind: 'candidate', from: null, to: 'cat222', candidate: 'candidate:1', sdpMid: null, sdpMLineIndex: 0 } as const;
    expect(demo.write('crumble77', 'dog111', cand)).toEqual({ refused: expect.stringContaining('mid') });
    expect(wb.write('cabbage', 'x2', { ...cand, to: 'x3' })).toEqual({ refused: expect.stringContaining('mid') });
    expect(demo.write('crumble77', 'dog111', { kind: 'chat', from: null, to: 'cat222', text: '$5' })).toEqual({ refused: expect.stringContaining('latency') });
    expect(wb.write('cabbage', 'x2', { kind: 'latency-probe', from: null, to: 'x3', bytes: 1024 })).toEqual({ refused: expect.stringContaining('no latency test') });
    expect(demo.write('crumble77', 'dog111', { kind: 'handshake', from: 'dog111', to: 'cat222', subject: 'request_offer' })).toEqual({ refused: expect.stringContaining('no handshake') });
  });

  it('says which roots and ids each dialect can use', () => {
    expect(demo.rootProblem('crumble77')).toBeNull();
    expect(demo.rootProblem('webrtc-lab/k3v9')).toMatch(/no \//);
    expect(demo.rootProblem('a+b')).toMatch(/wildcard/);
    expect(wb.rootProblem('rooms/cabbage')).toBeNull();
    expect(wb.idProblem('x12345678')).toBeNull();
    for (const bad of ['chrome1', 'x1', 'x0', 'x2147483642', 'x012', 'y123']) expect(wb.idProblem(bad), bad).toMatch(/int\("x123"\)/);
    expect(demo.idProblem('dog111')).toBeNull();
    expect(demo.idProblem('dog/111')).not.toBeNull();
  });
});

describe('the Godot 3 demo\'s latency test (Control.gd:39-50, :112-119, :184-187, :236-240)', () => {
  const demo = dialectById('godot-demo')!;
  it.each([1024, 10_240, 102_400])('a %i-byte probe is "$" and letters, read back as a probe whose echo is "*<length>"', (bytes) => {
    const w = demo.write('crumble77', 'dog111', { kind: 'latency-probe', from: null, to: 'cat222', bytes });
    expect('payload' in w && w.payload).toMatch(new RegExp(`^\\$[a-z]{${bytes - 1}}$`));
    if (!('payload' in w)) return;
    expect(demo.read('crumble77', 'cat222', w.topic, w.payload)).toMatchObject({ ok: true, message: { kind: 'latency-probe', bytes } });
    expect(demo.write('crumble77', 'cat222', { kind: 'latency-echo', from: null, to: 'dog111', bytes })).toMatchObject({ topic: 'crumble77/dog111/chat', payload: `*${bytes}` });
  });
});

describe('write then read gives the message back (fast-check)', () => {
  const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
  const wbId = fc.integer({ min: 2, max: 2147483641 }).map((n) => `x${n}`);
  // Within the lab's limits, counted as the codec counts them (UTF-16 units).
  const text = (max: number) => fc.string({ minLength: 1, maxLength: max, unit: 'grapheme' }).filter((t) => t.length <= max);
  const sdp = text(2000).map((s) => `v=0\r\n${s}`);
  const message = (to: fc.Arbitrary<string>, demo: boolean) =>
    fc.oneof(
      fc.record({ kind: fc.constantFrom('offer' as const, 'answer' as const), to, sdp }),
      fc.record({ kind: fc.constant('candidate' as const), to, candidate: text(300), sdpMid: text(32), sdpMLineIndex: fc.integer({ min: 0, max: 65535 }) }),
      fc.record({ kind: fc.constant('chat' as const), to, text: demo ? text(500).filter((t) => !/^[$*]/.test(t)) : text(500) }),
    );

  for (const [name, root, ids, demo] of [
    ['godot-demo', 'crumble77', id, true],
    ['godot-workbench', 'rooms/cabbage', wbId, false],
  ] as const) {
    it(`${name}: offers, answers, candidates and chat, for any ids and text`, () => {
      const dialect = dialectById(name)!;
      fc.assert(
        fc.property(
          fc.tuple(ids, ids).filter(([a, b]) => a !== b),
          ([self, to]) => {
            fc.assert(
              fc.property(message(fc.constant(to), demo), (m) => {
                const w = dialect.write(root, self, { ...m, from: self } as DialectMessage);
                expect('topic' in w).toBe(true);
                if (!('topic' in w)) return;
                const r = dialect.read(root, to, w.topic, w.payload);
                expect(r).toMatchObject({ ok: true, message: { ...m, from: demo ? null : self } });
              }),
              { numRuns: 20 },
            );
          },
        ),
        { numRuns: 20 },
      );
    });
  }
});

describe("the demo's latency test as an EchoFormat (Control.gd:184-187, :236-240)", () => {
  it.each([1024, 10240, 102400])('a %i-byte probe is "$" and letters, answered "*<its length>", which names it', (size) => {
    const { text, id } = DOLLAR_PROBES.probe(1, size);
    expect(text).toMatch(/^\$[a-z]+$/);
    expect([text.length, id]).toEqual([size, size]);
    expect(DOLLAR_PROBES.read(text)).toEqual({ t: 'ping', id: size });
    const answer = DOLLAR_PROBES.answer(text);
    expect(answer).toBe(`*${size}`);
    expect(DOLLAR_PROBES.read(answer)).toEqual({ t: 'pong', id: size });
  });

  it('refuses a probe over the demo\'s largest, and reads nothing else as a probe', () => {
    expect(() => DOLLAR_PROBES.probe(1, MAX_PROBE_BYTES + 1)).toThrow(/2–102400 bytes/);
    for (const text of ['hello', '*12x', '*', `$${'a'.repeat(MAX_PROBE_BYTES)}`]) expect(DOLLAR_PROBES.read(text)).toBeNull();
  });
});

describe('DialectLink: a dialect as lab signals, for one peer', () => {
  const link = (self: string) => new DialectLink(dialectById('godot-demo')!, 'crumble77', self, 'sess1', () => 42);
  const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';

  it('reads a message whose topic names only its recipient as from the one peer it talks to, and says so', () => {
    const r = link('dog111').read('crumble77/dog111/offer', sdp, { remote: null, online: ['cat222'] });
    expect(r).toMatchObject({ ok: true, what: 'signal', signal: { v: 1, kind: 'offer', from: 'cat222', to: 'dog111', session: 'sess1', sdp, ts: 42 }, wire: { dialect: 'godot-demo', payload: sdp } });
    if (r.ok && r.what === 'signal') {
      expect(r.wire.reading).toContain('the lab takes it to be from cat222');
      // The lab's reading is a signal its own codec accepts.
      expect(decodeSignal(new TextEncoder().encode(encodeSignal(r.signal)), { topic: 'crumble77/dog111/signal', root: 'crumble77', self: 'dog111', session: null })).toMatchObject({ ok: true });
    }
    // The peer it is connected to wins over who is online.
    expect(link('dog111').read('crumble77/dog111/offer', sdp, { remote: 'fox333', online: ['cat222', 'fox333'] })).toMatchObject({ ok: true, signal: { from: 'fox333' } });
  });

  it('refuses what it cannot attribute, and tells a probe from a signal', () => {
    expect(link('dog111').read('crumble77/dog111/offer', sdp, { remote: null, online: [] })).toMatchObject({ ok: false, reason: expect.stringContaining('no other peer is online') });
    expect(link('dog111').read('crumble77/dog111/offer', sdp, { remote: null, online: ['a', 'b', 'c', 'd'] })).toMatchObject({ ok: false, reason: expect.stringContaining('4 peers are online (a, b, c, …)') });
    expect(link('dog111').read('crumble77/dog111/chat', '*1024', { remote: 'cat222', online: [] })).toEqual({ ok: true, what: 'latency', from: 'cat222', text: '*1024' });
    expect(link('dog111').read('crumble77/cat222/status', '', { remote: null, online: [] })).toEqual({ ok: true, what: 'cleared', from: 'cat222' });
  });

  it('writes every lab signal a peer sends as the app would, and reads it back the same (round trip)', () => {
    const base = { v: 1, from: 'dog111', session: 'sess1', mid: 'm1', ts: 1 } as const;
    const signals: WireSignal[] = [
      { ...base, kind: 'status', status: 'online' },
      { ...base, kind: 'offer', to: 'cat222', sdp },
      { ...base, kind: 'answer', to: 'cat222', sdp },
      { ...base, kind: 'candidate', to: 'cat222', candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
      { ...base, kind: 'chat', to: 'cat222', text: 'woof' },
    ];
    for (const signal of signals) {
      const out = link('dog111').write(signal);
      if (!('message' in out)) throw new Error(out.refused);
      const back = link('cat222').read(out.message.topic, out.message.payload, { remote: 'dog111', online: ['dog111'] });
      const { mid: _m, ts: _t, ...rest } = signal;
      expect(back).toMatchObject({ ok: true, what: 'signal', signal: signal.kind === 'status' ? { kind: 'status', from: 'dog111', status: 'online' } : rest });
      expect(out.wire.reading.length).toBeGreaterThan(10);
    }
    expect(link('dog111').write({ ...base, kind: 'end-of-candidates', to: 'cat222' })).toMatchObject({ refused: expect.stringContaining('no end-of-candidates') });
    expect(link('dog111').latencyMessage('cat222', latencyProbe(1024))).toEqual({ topic: 'crumble77/cat222/chat', payload: latencyProbe(1024), qos: 0, retain: false });
    expect(link('dog111').latencyMessage('cat222', '*1024')).toEqual({ topic: 'crumble77/cat222/chat', payload: '*1024', qos: 0, retain: false });
    expect(link('dog111').latencyMessage('cat222', 'hello')).toBeNull();
  });
});
