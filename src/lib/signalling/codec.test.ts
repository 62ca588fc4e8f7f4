import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSignal, encodeSignal, MAX_CANDIDATE_CHARS, MAX_CHAT_CHARS, MAX_SDP_CHARS, payloadBytes, previewPayload } from './codec';
import { signalTopic, statusTopic } from './topics';
import { MAX_PAYLOAD_BYTES, type Signal } from './types';
import { peerIdArb, validSignal } from '../testing/signal-arbitraries';

const ROOT = 'webrtc-lab/ab12cd34';
const SESSION = 's1';
/** bob receiving on his own inbox. */
const INBOX = { topic: signalTopic(ROOT, 'bob'), root: ROOT, self: 'bob', session: SESSION };
/** bob receiving alice's status. */
const ALICE_STATUS = { topic: statusTopic(ROOT, 'alice'), root: ROOT, self: 'bob', session: SESSION };

const base = { v: 1, from: 'alice', session: SESSION, mid: 'm1', ts: 1_700_000_000_000 } as const;
const offer = { ...base, kind: 'offer', to: 'bob', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;
const candidate = {
  ...base,
  kind: 'candidate',
  to: 'bob',
  candidate: 'candidate:1 1 udp 2122260223 x.local 50000 typ host generation 0',
  sdpMid: '0',
  sdpMLineIndex: 0,
} as const;
const status = { ...base, kind: 'status', status: 'online' } as const;

const json = (o: unknown) => JSON.stringify(o);
const without = (o: Record<string, unknown>, key: string) => {
  const copy = { ...o };
  delete copy[key];
  return copy;
};

describe('decodeSignal: good payloads', () => {
  it.each([
    ['offer', offer, INBOX],
    ['answer', { ...offer, kind: 'answer' }, INBOX],
    ['candidate', candidate, INBOX],
    ['candidate with ufrag', { ...candidate, usernameFragment: 'abcd' }, INBOX],
    ['candidate with null ufrag', { ...candidate, usernameFragment: null }, INBOX],
    ['candidate with a null mid (the index names the m-section)', { ...candidate, sdpMid: null }, INBOX],
    ['candidate with a null index (the mid names the m-section)', { ...candidate, sdpMLineIndex: null }, INBOX],
    ['empty candidate (end of candidates) with null mid/index', { ...candidate, candidate: '', sdpMid: null, sdpMLineIndex: null }, INBOX],
    ['end-of-candidates', { ...base, kind: 'end-of-candidates', to: 'bob' }, INBOX],
    ['status online', status, ALICE_STATUS],
    ['status offline (will)', { ...status, status: 'offline', reason: 'will' }, ALICE_STATUS],
    ['status of another session', { ...status, session: 'other' }, ALICE_STATUS],
    ['own status echoed back', { ...status, from: 'bob' }, { ...ALICE_STATUS, topic: statusTopic(ROOT, 'bob') }],
    ['any session when none is pinned', { ...offer, session: 'zzz' }, { ...INBOX, session: null }],
  ] as const)('%s', (_name, signal, ctx) => {
    const result = decodeSignal(json(signal), ctx);
    expect(result).toEqual({ ok: true, signal });
  });

  // RTCIceCandidateInit's sdpMid and sdpMLineIndex default to null: a stranger's stack may leave one out.
  it.each(['sdpMid', 'sdpMLineIndex'])('a candidate without %s reads it as null', (field) => {
    expect(decodeSignal(json(without(candidate, field)), INBOX)).toEqual({ ok: true, signal: { ...candidate, [field]: null } });
  });

  it('accepts bytes as well as text', () => {
    expect(decodeSignal(new TextEncoder().encode(json(offer)), INBOX)).toEqual({ ok: true, signal: offer });
  });

  it('drops unknown fields instead of passing them on', () => {
    const result = decodeSignal(`{"__proto__":{"x":1},"extra":1,${json(offer).slice(1)}`, INBOX);
    expect(result).toEqual({ ok: true, signal: offer });
    if (result.ok) expect(Object.keys(result.signal)).not.toContain('extra');
  });
});

describe('decodeSignal: bad payloads', () => {
  const big = 'x'.repeat(MAX_PAYLOAD_BYTES + 1);
  it.each<[string, string | Uint8Array, typeof INBOX | typeof ALICE_STATUS, string | RegExp]>([
    ['oversize text', big, INBOX, `payload is ${MAX_PAYLOAD_BYTES + 1} bytes, over the 65536-byte limit`],
    ['oversize bytes', new Uint8Array(70000), INBOX, 'payload is 70000 bytes, over the 65536-byte limit'],
    ['oversize counted in UTF-8 bytes', 'é'.repeat(MAX_PAYLOAD_BYTES / 2 + 1), INBOX, /^payload is 65538 bytes/],
    ['empty', '', INBOX, 'empty payload (clears a retained message)'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), INBOX, 'not valid UTF-8'],
    ['lone surrogate', '{"a":"\ud800"}', INBOX, 'not valid UTF-8'],
    ['not JSON', 'hello', INBOX, /^not JSON: Unexpected token/],
    ['32 000 nested arrays (just under the size cap)', '['.repeat(32_000) + ']'.repeat(32_000), INBOX, 'JSON nested more than 4 levels deep (a signal is one flat object)'],
    ['deep nesting inside a field', json({ ...offer, sdp: JSON.parse('['.repeat(30) + ']'.repeat(30)) }), INBOX, /^JSON nested more than 4 levels/],
    ['nesting cut off by the size cap', '{"a":' + '['.repeat(MAX_PAYLOAD_BYTES), INBOX, /over the 65536-byte limit/],
    ['a raw control character inside a string', `{"v":1,"kind":"offer","sdp":"v=0\u0007\u0000"}`, INBOX, /^not JSON: Bad control character/],
    ['an escaped control character in a peer id', json({ ...offer, from: 'al\u0000ice' }), INBOX, 'offer: field "from" must be 1–32 of A-Z a-z 0-9 _ -'],
    ['escaped control characters in an SDP stay text (the browser refuses the SDP later)', json({ ...offer, sdp: 'v=0\u001b[31m' }), { ...INBOX, topic: signalTopic(ROOT, 'carol') }, "addressed to bob but sent on carol's signal topic"],
    ['a field nested one level', json({ ...offer, sdp: ['v=0'] }), INBOX, 'offer: field "sdp" must be a string'],
    ['truncated JSON', json(offer).slice(0, 20), INBOX, /^not JSON: /],
    ['array', '[1,2]', INBOX, 'not a JSON object but an array'],
    ['null', 'null', INBOX, 'not a JSON object but null'],
    ['string', '"offer"', INBOX, 'not a JSON object but a string'],
    ['number', '42', INBOX, 'not a JSON object but a number'],
    ['no v', json(without(offer, 'v')), INBOX, 'missing field "v"'],
    ['v as string', json({ ...offer, v: '1' }), INBOX, 'field "v" must be a number'],
    ['future version', json({ ...offer, v: 2 }), INBOX, 'unsupported version 2 (this lab speaks v1)'],
    ['no kind', json(without(offer, 'kind')), INBOX, 'missing field "kind"'],
    ['kind not string', json({ ...offer, kind: 7 }), INBOX, 'field "kind" must be a string'],
    ['unknown kind', json({ ...offer, kind: 'bye' }), INBOX, 'unknown kind "bye"'],
    ['huge unknown kind is clipped', json({ ...offer, kind: 'k'.repeat(5000) }), INBOX, /^unknown kind "k{23}…"$/],
    ['no sdp', json(without(offer, 'sdp')), INBOX, 'offer: missing field "sdp"'],
    ['sdp not string', json({ ...offer, sdp: 5 }), INBOX, 'offer: field "sdp" must be a string'],
    ['sdp too long', json({ ...offer, sdp: 's'.repeat(MAX_SDP_CHARS + 1) }), INBOX, /^offer: field "sdp" is 32769 chars, over the 32768-char limit$/],
    ['candidate too long', json({ ...candidate, candidate: 'c'.repeat(MAX_CANDIDATE_CHARS + 1) }), INBOX, /field "candidate" is 1025 chars/],
    ['neither sdpMid nor sdpMLineIndex', json({ ...candidate, sdpMid: null, sdpMLineIndex: null }), INBOX, 'candidate: needs "sdpMid" or "sdpMLineIndex" to name its m-section'],
    ['both left out', json(without(without(candidate, 'sdpMid'), 'sdpMLineIndex')), INBOX, 'candidate: needs "sdpMid" or "sdpMLineIndex" to name its m-section'],
    ['sdpMLineIndex fraction', json({ ...candidate, sdpMLineIndex: 0.5 }), INBOX, 'candidate: field "sdpMLineIndex" must be an integer or null'],
    ['sdpMLineIndex negative', json({ ...candidate, sdpMLineIndex: -1 }), INBOX, 'candidate: field "sdpMLineIndex" must be ≥ 0'],
    ['ufrag wrong type', json({ ...candidate, usernameFragment: 1 }), INBOX, 'candidate: field "usernameFragment" must be a string or null'],
    ['bad from', json({ ...offer, from: 'al ice' }), INBOX, 'offer: field "from" must be 1–32 of A-Z a-z 0-9 _ -'],
    ['empty from', json({ ...offer, from: '' }), INBOX, 'offer: field "from" must be at least 1 chars'],
    ['bad to', json({ ...offer, to: 'bob/x' }), INBOX, 'offer: field "to" must be 1–32 of A-Z a-z 0-9 _ -'],
    ['no to', json(without(offer, 'to')), INBOX, 'offer: missing field "to"'],
    ['ts not a number', json({ ...offer, ts: 'now' }), INBOX, 'offer: field "ts" must be a finite number'],
    ['session wrong type', json({ ...offer, session: 1 }), INBOX, 'offer: field "session" must be a string'],
    ['status value', json({ ...status, status: 'away' }), ALICE_STATUS, 'status: field "status" must be one of "online", "offline"'],
    ['status reason', json({ ...status, reason: 'bored' }), ALICE_STATUS, 'status: field "reason" must be one of "will", "bye"'],
    ['status on signal topic', json(status), INBOX, 'status on a signal topic'],
    ['offer on status topic', json(offer), ALICE_STATUS, 'offer on a status topic'],
    ['status spoofing another peer', json({ ...status, from: 'mallory' }), ALICE_STATUS, "status from mallory on alice's status topic"],
    ['to differs from topic', json({ ...offer, to: 'carol' }), INBOX, "addressed to carol but sent on bob's signal topic"],
    ['someone else’s inbox', json({ ...offer, to: 'carol' }), { ...INBOX, topic: signalTopic(ROOT, 'carol') }, 'addressed to carol, not bob'],
    ['from itself', json({ ...offer, from: 'bob' }), INBOX, 'from and to are both bob'],
    ['other session', json({ ...offer, session: 'abc' }), { ...INBOX, session: 'xyz' }, 'addressed to session abc, not xyz'],
    ['foreign topic', json(offer), { ...INBOX, topic: 'elsewhere/bob/signal' }, 'topic "elsewhere/bob/signal" is not <root>/<peer>/status or /signal'],
  ])('%s', (_name, payload, ctx, reason) => {
    const result = decodeSignal(payload, ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      if (typeof reason === 'string') expect(result.reason).toBe(reason);
      else expect(result.reason).toMatch(reason);
    }
  });

  it('never quotes more than ~80 characters of a hostile payload', () => {
    const marker = 'Q'.repeat(10_000);
    const hostile = [
      marker,
      `{"v":1,"kind":"${marker}"}`,
      `{"v":"${marker}"}`,
      `{"v":1,"kind":"offer","from":"${marker}"}`,
      `${json(offer).slice(0, -1)},"to":"${marker}"}`,
      `{${marker}`,
      `[${marker}`,
    ];
    for (const payload of hostile) {
      const result = decodeSignal(payload, INBOX);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason.match(/Q+/g)?.join('').length ?? 0).toBeLessThanOrEqual(80);
    }
  });
});

// ---- generated valid signals: ../testing/signal-arbitraries.ts ----

/** Where a signal must arrive to be accepted by its recipient. */
function contextFor(s: Signal) {
  return 'to' in s
    ? { topic: signalTopic(ROOT, s.to), root: ROOT, self: s.to, session: s.session }
    : { topic: statusTopic(ROOT, s.from), root: ROOT, self: 'observer', session: null };
}


describe('decodeSignal: properties', () => {
  it('round trips every valid signal, as text and as bytes', () => {
    fc.assert(
      fc.property(validSignal, (signal) => {
        const wire = encodeSignal(signal);
        expect(decodeSignal(wire, contextFor(signal))).toEqual({ ok: true, signal });
        expect(decodeSignal(new TextEncoder().encode(wire), contextFor(signal))).toEqual({ ok: true, signal });
      }),
    );
  });

  it('encodes human-readable JSON on one line', () => {
    fc.assert(
      fc.property(validSignal, (signal) => {
        const wire = encodeSignal(signal);
        expect(wire).not.toMatch(/[\r\n]/);
        expect(JSON.parse(wire)).toEqual(signal);
      }),
    );
  });

  const anyCtx = fc.record({ topic: fc.oneof(fc.string(), fc.constant(INBOX.topic)), root: fc.constantFrom(ROOT, ''), self: fc.string(), session: fc.option(fc.string(), { nil: null }) });
  const isResult = (r: unknown) =>
    typeof r === 'object' && r !== null && ('ok' in r) && (r.ok === true ? 'signal' in r : typeof (r as { reason?: unknown }).reason === 'string');

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), anyCtx, (s, ctx) => {
        expect(isResult(decodeSignal(s, ctx))).toBe(true);
      }),
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), anyCtx, (b, ctx) => {
        expect(isResult(decodeSignal(b, ctx))).toBe(true);
      }),
    );
  });

  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), anyCtx, (v, ctx) => {
        expect(isResult(decodeSignal(JSON.stringify(v) ?? 'null', ctx))).toBe(true);
      }),
    );
  });

  it('never throws on mutated valid payloads, and rejects with a short reason', () => {
    const mutation = fc.oneof(
      // Replace one field with any JSON value.
      fc.tuple(fc.constant('set' as const), fc.constantFrom('v', 'kind', 'from', 'to', 'session', 'mid', 'ts', 'sdp', 'candidate', 'sdpMid', 'sdpMLineIndex', 'status', 'reason', 'usernameFragment'), fc.jsonValue()),
      // Cut, splice or flip bytes in the encoded text.
      fc.tuple(fc.constant('cut' as const), fc.nat(), fc.nat()),
      fc.tuple(fc.constant('splice' as const), fc.nat(), fc.string({ unit: 'binary', maxLength: 8 })),
      fc.tuple(fc.constant('flip' as const), fc.nat(), fc.integer({ min: 0, max: 255 })),
    );
    fc.assert(
      fc.property(validSignal, fc.array(mutation, { minLength: 1, maxLength: 4 }), (signal, mutations) => {
        let wire: string | Uint8Array = encodeSignal(signal);
        for (const m of mutations) {
          const t: string = typeof wire === 'string' ? wire : new TextDecoder().decode(wire);
          if (m[0] === 'set') wire = JSON.stringify({ ...signal, [m[1]]: m[2] });
          else if (m[0] === 'cut') wire = t.slice(0, m[1] % (t.length + 1)) + t.slice((m[1] + m[2]) % (t.length + 1));
          else if (m[0] === 'splice') wire = t.slice(0, m[1] % (t.length + 1)) + m[2] + t.slice(m[1] % (t.length + 1));
          else {
            const bytes = new TextEncoder().encode(t);
            if (bytes.length) bytes[m[1] % bytes.length] = m[2];
            wire = bytes;
          }
        }
        const result = decodeSignal(wire, contextFor(signal));
        expect(isResult(result)).toBe(true);
        if (!result.ok) expect(result.reason.length).toBeLessThanOrEqual(160);
      }),
    );
  });

  it('accepts only what the recipient may see: another recipient rejects every directed signal', () => {
    fc.assert(
      fc.property(validSignal, peerIdArb, (signal, other) => {
        fc.pre('to' in signal && other !== signal.to);
        const ctx = { ...contextFor(signal), self: other };
        expect(decodeSignal(encodeSignal(signal), ctx).ok).toBe(false);
      }),
    );
  });
});

describe('payloadBytes', () => {
  it('counts UTF-8 bytes', () => {
    expect(payloadBytes('abc')).toBe(3);
    expect(payloadBytes('é😀')).toBe(6);
    expect(payloadBytes(new Uint8Array(9))).toBe(9);
  });
});

describe('previewPayload', () => {
  it.each<[string | Uint8Array, number | undefined, string]>([
    ['{"kind":"offer"}', undefined, '{"kind":"offer"}'],
    ['v=0\r\no=-', undefined, 'v=0\\r\\no=-'],
    ['a\tb', undefined, 'a\\tb'],
    ['bell\u0007', undefined, 'bell\\u{7}'],
    ['rtl\u202eevil', undefined, 'rtl\\u{202e}evil'],
    ['abcdef', 3, 'abc…'],
    ['abc', 3, 'abc'],
    ['😀😀😀😀', 2, '😀😀…'],
    [new Uint8Array([0x68, 0x69, 0xff]), undefined, 'hi\ufffd'],
    [new TextEncoder().encode('x'.repeat(1000)), 10, `${'x'.repeat(10)}…`],
    ['', undefined, ''],
  ])('%j (max %s)', (payload, max, expected) => {
    expect(previewPayload(payload, max)).toBe(expected);
  });

  it('is always one line of at most max+1 characters (plus escapes)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array()), fc.integer({ min: 1, max: 50 }), (p, max) => {
        const preview = previewPayload(p, max);
        expect(preview).not.toMatch(/[\r\n\u2028\u2029]/);
        // Each shown character is at most one escape like \u{10ffff} (10 chars).
        expect(Array.from(preview).length).toBeLessThanOrEqual(max * 10 + 1);
      }),
    );
  });
});

describe('decodeSignal: chat over MQTT', () => {
  const chat = { ...base, kind: 'chat', to: 'bob', text: 'hello bob' } as const;

  it.each([
    ['plain text', chat],
    ['one character', { ...chat, text: '.' }],
    ['exactly the cap', { ...chat, text: 'x'.repeat(MAX_CHAT_CHARS) }],
    ['markup is just text (rendered as text later)', { ...chat, text: '<img src=x onerror=alert(1)>' }],
    ['emoji and newlines', { ...chat, text: 'hi 👋\nthere' }],
  ] as const)('accepts %s', (_name, signal) => {
    expect(decodeSignal(json(signal), INBOX)).toEqual({ ok: true, signal });
  });

  it.each<[string, unknown, typeof INBOX | typeof ALICE_STATUS, string | RegExp]>([
    ['empty text', { ...chat, text: '' }, INBOX, 'chat: field "text" must be at least 1 chars'],
    ['over the cap', { ...chat, text: 'x'.repeat(MAX_CHAT_CHARS + 1) }, INBOX, `chat: field "text" is ${MAX_CHAT_CHARS + 1} chars, over the ${MAX_CHAT_CHARS}-char limit`],
    ['text not a string', { ...chat, text: 42 }, INBOX, 'chat: field "text" must be a string'],
    ['text an object', { ...chat, text: { toString: 'x' } }, INBOX, 'chat: field "text" must be a string'],
    ['missing text', without(chat, 'text'), INBOX, 'chat: missing field "text"'],
    ['missing to', without(chat, 'to'), INBOX, 'chat: missing field "to"'],
    ['lone surrogate', { ...chat, text: 'a\uD800b' }, INBOX, 'chat: field "text" is not well-formed Unicode'],
    ['on a status topic', chat, ALICE_STATUS, 'chat on a status topic'],
    ['for someone else', { ...chat, to: 'carol' }, INBOX, /addressed to carol/],
    ['from and to the same', { ...chat, from: 'bob' }, INBOX, 'from and to are both bob'],
    ['another session', { ...chat, session: 'other' }, INBOX, 'addressed to session other, not s1'],
    ['hostile from', { ...chat, from: 'alice->>bob: x' }, INBOX, /^chat: field "from" must be 1–32 of/],
  ])('rejects %s', (_name, signal, ctx, reason) => {
    const result = decodeSignal(json(signal), ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(typeof reason === 'string' ? new RegExp(`^${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : reason);
  });

  it('round trips through encodeSignal', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: MAX_CHAT_CHARS, unit: 'grapheme' }), (text) => {
        fc.pre(text.length <= MAX_CHAT_CHARS);
        const signal = { ...chat, text };
        expect(decodeSignal(encodeSignal(signal), INBOX)).toEqual({ ok: true, signal });
      }),
    );
  });
});
