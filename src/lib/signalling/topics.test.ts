import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isValidPeerId,
  isValidRoot,
  rootProblem,
  mosquittoPubCommand,
  mosquittoSubCommand,
  parseTopic,
  randomRoot,
  randomToken,
  shellQuote,
  signalTopic,
  statusTopic,
  subscriptionsFor,
  utf8Length,
} from './topics';
import { itReturns } from '../testing/table';

const ROOT = 'webrtc-lab/ab12cd34';

describe('topic builders', () => {
  it('builds status and signal topics', () => {
    expect(statusTopic(ROOT, 'alice')).toBe('webrtc-lab/ab12cd34/alice/status');
    expect(signalTopic(ROOT, 'bob')).toBe('webrtc-lab/ab12cd34/bob/signal');
  });

  it('subscribes to everyone’s status and to its own inbox only', () => {
    expect(subscriptionsFor(ROOT, 'alice')).toEqual({
      'webrtc-lab/ab12cd34/+/status': { qos: 1 },
      'webrtc-lab/ab12cd34/alice/signal': { qos: 1 },
    });
  });
});

describe('parseTopic', () => {
  itReturns('%s', (topic: string) => parseTopic(ROOT, topic), [
    ['webrtc-lab/ab12cd34/alice/status', { kind: 'status', peer: 'alice' }],
    ['webrtc-lab/ab12cd34/bob/signal', { kind: 'signal', peer: 'bob' }],
    ['webrtc-lab/ab12cd34/B_0-b/signal', { kind: 'signal', peer: 'B_0-b' }],
  ]);

  it.each([
    'webrtc-lab/ab12cd34/alice/other',
    'webrtc-lab/ab12cd34/alice',
    'webrtc-lab/ab12cd34/alice/status/x',
    'webrtc-lab/ab12cd34//status',
    'webrtc-lab/ab12cd34/+/status',
    'webrtc-lab/ab12cd34/al ice/status',
    'webrtc-lab/other/alice/status',
    'webrtc-lab/ab12cd34x/alice/status',
    'webrtc-lab/ab12cd34',
    '',
    'webrtc-lab/ab12cd34/alice/Status',
    `webrtc-lab/ab12cd34/${'a'.repeat(33)}/status`,
  ])('%j is not a lab topic', (topic) => {
    expect(parseTopic(ROOT, topic)).toBeNull();
  });

  it('is the inverse of the builders for every valid peer id and root', () => {
    const peerId = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
    const root = fc.stringMatching(/^[a-z0-9]{1,8}(\/[a-z0-9-]{1,8}){0,3}$/);
    fc.assert(
      fc.property(root, peerId, (r, id) => {
        expect(parseTopic(r, statusTopic(r, id))).toEqual({ kind: 'status', peer: id });
        expect(parseTopic(r, signalTopic(r, id))).toEqual({ kind: 'signal', peer: id });
      }),
    );
  });

  it('never throws and only returns peers that are valid ids', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (root, topic) => {
        const parsed = parseTopic(root, topic);
        if (parsed) expect(isValidPeerId(parsed.peer)).toBe(true);
      }),
    );
  });
});

describe('isValidPeerId', () => {
  it.each([
    ['alice', true],
    ['bob', true],
    ['A_b-9', true],
    ['a'.repeat(32), true],
    ['a'.repeat(33), false],
    ['', false],
    ['al ice', false],
    ['alice/status', false],
    ['+', false],
    ['#', false],
    ['élise', false],
    ['alice\n', false],
    [42, false],
    [null, false],
  ])('%j → %s', (id, ok) => {
    expect(isValidPeerId(id)).toBe(ok);
  });
});

describe('isValidRoot', () => {
  it.each([
    ['webrtc-lab/ab12cd34', true],
    ['a', true],
    ['my lab/room 1', true],
    ['ünïcödé/ok', true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['é'.repeat(64), true], // 128 bytes of UTF-8
    ['é'.repeat(65), false], // 130 bytes: the cap counts bytes, as MQTT does (§1.5.3)
    ['', false],
    ['/webrtc-lab', false],
    ['webrtc-lab/', false],
    ['webrtc//lab', false],
    ['/', false],
    ['webrtc-lab/+', false],
    ['webrtc-lab/#', false],
    ['a+b', false],
    ['a#b', false],
    ['a\u0000b', false],
    ['a\nb', false],
    ['a\u007fb', false],
    ['$SYS/lab', false],
    ['lab\ud800', false],
    ['lab/\u202eevil', false], // RIGHT-TO-LEFT OVERRIDE (Cf)
    ['lab/\u200bx', false], // ZERO WIDTH SPACE (Cf)
    ['lab/\u2066x\u2069', false], // LEFT-TO-RIGHT ISOLATE … POP (Cf)
    ['lab/\u200fx', false], // RIGHT-TO-LEFT MARK (Cf)
    ['lab/\u061cx', false], // ARABIC LETTER MARK (Cf)
    ['\ufefflab', false], // BYTE ORDER MARK (Cf)
    ['lab/\u{e0041}', false], // TAG LATIN CAPITAL LETTER A (Cf, astral)
    ['lab/\u2028x', false], // LINE SEPARATOR (Zl)
    ['lab/\ufffe', false], // a noncharacter (§1.5.3 says SHOULD NOT)
    ['lab/שלום/عربي', true], // right-to-left letters are letters
    ['lab/e\u0301', true], // a combining accent (Mn) is visible
    [7, false],
    [undefined, false],
  ])('%j → %s', (root, ok) => {
    expect(isValidRoot(root)).toBe(ok);
  });

  it.each([
    ['', /empty/],
    ['lab\ud800', /lone surrogate/],
    ['a'.repeat(129), /over 128 bytes/],
    ['a/+/b', /wildcard/],
    ['a\u0007b', /control character/],
    ['lab/\u202eevil', /invisible format character .*U\+202E/],
    ['$SYS/lab', /starts with \$/],
    ['lab//x', /empty level/],
    [7, /not text/],
  ])('says why %j is refused', (root, reason) => {
    expect(rootProblem(root)).toMatch(reason);
  });

  it('accepts every root randomRoot makes', () => {
    for (let i = 0; i < 50; i++) expect(isValidRoot(randomRoot())).toBe(true);
  });
});

describe('randomRoot', () => {
  it('is webrtc-lab/ + 8 lowercase alphanumerics', () => {
    for (let i = 0; i < 50; i++) expect(randomRoot()).toMatch(/^webrtc-lab\/[a-z0-9]{8}$/);
  });

  it('differs between calls', () => {
    const roots = new Set(Array.from({ length: 100 }, () => randomRoot()));
    expect(roots.size).toBe(100);
  });

  it('uses the injected source and skips biased bytes', () => {
    // 252..255 would favour a–d (256 % 36 = 4), so they are thrown away.
    const bytes = [255, 0, 252, 1, 35, 36, 71, 253, 2, 3, 4];
    let at = 0;
    const fill = (b: Uint8Array) => {
      for (let i = 0; i < b.length; i++) b[i] = bytes[at++ % bytes.length]!;
      return b;
    };
    expect(randomRoot(fill)).toBe('webrtc-lab/ab9a9cde');
  });

  it('randomToken honours length and alphabet', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.constantFrom('01', 'abc', 'xyz0123456789'), (n, alphabet) => {
        const token = randomToken(n, alphabet);
        expect(token).toHaveLength(n);
        for (const ch of token) expect(alphabet).toContain(ch);
      }),
    );
  });
});

describe('mosquittoSubCommand', () => {
  it.each([
    [[ROOT], `mosquitto_sub -h localhost -p 1883 -t 'webrtc-lab/ab12cd34/#' -v`],
    [[ROOT, 'test.mosquitto.org'], `mosquitto_sub -h test.mosquitto.org -p 1883 -t 'webrtc-lab/ab12cd34/#' -v`],
    [[ROOT, '192.168.1.20', 1884], `mosquitto_sub -h 192.168.1.20 -p 1884 -t 'webrtc-lab/ab12cd34/#' -v`],
    [["it's mine", 'localhost'], `mosquitto_sub -h localhost -p 1883 -t 'it'\\''s mine/#' -v`],
    [['a b', 'evil;rm -rf ~'], `mosquitto_sub -h 'evil;rm -rf ~' -p 1883 -t 'a b/#' -v`],
  ] as Array<[[string, string?, number?], string]>)('%j', (args, expected) => {
    expect(mosquittoSubCommand(...args)).toBe(expected);
  });

  it('rejects a port that is not a port', () => {
    expect(() => mosquittoSubCommand(ROOT, 'localhost', 0)).toThrow(RangeError);
    expect(() => mosquittoSubCommand(ROOT, 'localhost', 1.5)).toThrow(RangeError);
    expect(() => mosquittoSubCommand(ROOT, 'localhost', 70000)).toThrow(RangeError);
  });

  it('shellQuote survives a real POSIX shell for any string', () => {
    // One sh process checks many strings: each argument must come back byte for byte.
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }).map((s) => s.replace(/\0/g, '')), { maxLength: 20 }), (args) => {
        const wellFormed = args.map((s) => s.toWellFormed());
        const script = `printf '%s\\0' ${wellFormed.map((a) => shellQuote(a, true)).join(' ')}`;
        const out = wellFormed.length ? execFileSync('sh', ['-c', script], { encoding: 'utf8' }) : '';
        expect(out).toBe(wellFormed.map((a) => `${a}\0`).join(''));
      }),
      { numRuns: 30 },
    );
  });

  it('leaves plain words bare and quotes the rest', () => {
    expect(shellQuote('localhost')).toBe('localhost');
    expect(shellQuote('a b')).toBe(`'a b'`);
    expect(shellQuote('$HOME')).toBe(`'$HOME'`);
    expect(shellQuote('')).toBe(`''`);
    expect(shellQuote('=ls')).toBe(`'=ls'`);
  });
});

describe('utf8Length', () => {
  it('matches TextEncoder for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
      }),
    );
  });

  it('counts a lone surrogate as the 3 bytes of U+FFFD, as TextEncoder writes it (the lobby counts frames with it)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd800, max: 0xdfff })), { maxLength: 40 }), (units) => {
        const s = String.fromCharCode(...units);
        expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length);
      }),
    );
  });
});

describe('mosquittoPubCommand', () => {
  const status = { topic: 'webrtc-lab/ab12/alice/status', payload: '{"v":1,"kind":"status"}', qos: 1 as const, retain: true };
  it.each([
    [status, undefined, undefined, `mosquitto_pub -h localhost -p 1883 -t 'webrtc-lab/ab12/alice/status' -q 1 -r -m '{"v":1,"kind":"status"}'`],
    [{ ...status, retain: false, qos: 0 as const }, 'test.mosquitto.org', 1883, `mosquitto_pub -h test.mosquitto.org -p 1883 -t 'webrtc-lab/ab12/alice/status' -q 0 -m '{"v":1,"kind":"status"}'`],
    [{ ...status, payload: "it's" }, '127.0.0.1', 1884, `mosquitto_pub -h 127.0.0.1 -p 1884 -t 'webrtc-lab/ab12/alice/status' -q 1 -r -m 'it'\\''s'`],
    [{ ...status, payload: '$(rm -rf /) `x` \n' }, undefined, undefined, `mosquitto_pub -h localhost -p 1883 -t 'webrtc-lab/ab12/alice/status' -q 1 -r -m '$(rm -rf /) \`x\` \n'`],
  ])('%j on %s:%s', (message, host, port, expected) => {
    expect(mosquittoPubCommand(message, host, port)).toBe(expected);
  });
  it('refuses a bad port and a NUL in the payload', () => {
    expect(() => mosquittoPubCommand(status, 'h', 0)).toThrow(RangeError);
    expect(() => mosquittoPubCommand({ ...status, payload: 'a\0b' })).toThrow(RangeError);
  });
});
