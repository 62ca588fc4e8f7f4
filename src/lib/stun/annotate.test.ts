import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annotateStun, type AnnotatedStun } from './annotate';
import { bytesToHex, hexToBytes } from '../bytes/hex';
import { FIXTURE_NAMES, fixtureMessage, loadFixture, type FixtureName } from './fixtures';
import { classOf, messageType, methodOf, xorMappedAddress } from './parse';
import { refUrl } from './tables';

const fixtures = Object.fromEntries(FIXTURE_NAMES.map((n) => [n, loadFixture(n)])) as Record<FixtureName, ReturnType<typeof loadFixture>>;
const ice = fixtures['chromium-ice'].ice!;
const msg = (f: FixtureName, id: string) => fixtureMessage(fixtures[f], id);
const allMessages = FIXTURE_NAMES.flatMap((f) => fixtures[f].messages.map((m) => ({ fixture: f, ...m })));

/** The invariant: ranges in order, none empty, together covering every byte exactly once. */
function expectEveryByteOnce(a: AnnotatedStun, size: number): void {
  let at = 0;
  for (const r of a.ranges) {
    expect(r.start, `${r.name} starts where the previous range ended`).toBe(at);
    expect(r.end, `${r.name} is not empty`).toBeGreaterThan(r.start);
    at = r.end;
  }
  expect(at).toBe(size);
  expect(a.parts.flatMap((p) => p.ranges)).toEqual(a.ranges);
}

const attrNames = (a: AnnotatedStun) => a.parts.filter((p) => p.kind === 'attribute').map((p) => p.title);
const range = (a: AnnotatedStun, part: string, name: string) => a.parts.find((p) => p.title === part)?.ranges.find((r) => r.name === name);

describe('annotateStun on the captured messages', () => {
  it('has every capture', () => {
    expect(allMessages.map((m) => `${m.fixture}:${m.id}`)).toHaveLength(12);
  });

  // [fixture, id, kind, attributes in order, password for MESSAGE-INTEGRITY]
  const CASES: [FixtureName, string, string, string[], string?][] = [
    ['coturn', 'binding-ipv4-request', 'Binding request', ['FINGERPRINT']],
    ['coturn', 'binding-ipv4-response', 'Binding success response', ['XOR-MAPPED-ADDRESS', 'MAPPED-ADDRESS', 'RESPONSE-ORIGIN', 'OTHER-ADDRESS', 'SOFTWARE', 'FINGERPRINT']],
    ['coturn', 'binding-ipv6-request', 'Binding request', ['FINGERPRINT']],
    ['coturn', 'binding-ipv6-response', 'Binding success response', ['XOR-MAPPED-ADDRESS', 'MAPPED-ADDRESS', 'RESPONSE-ORIGIN', 'OTHER-ADDRESS', 'SOFTWARE', 'FINGERPRINT']],
    ['coturn', 'unknown-attribute-response', 'Binding error response', ['ERROR-CODE', 'UNKNOWN-ATTRIBUTES', 'SOFTWARE', 'FINGERPRINT']],
    ['coturn', 'allocate-401-request', 'Allocate request', ['REQUESTED-TRANSPORT', 'FINGERPRINT']],
    ['coturn', 'allocate-401-response', 'Allocate error response', ['ERROR-CODE', 'NONCE', 'REALM', 'SOFTWARE', 'FINGERPRINT']],
    ['chromium-ice', 'chromium-request', 'Binding request', ['USERNAME', 'GOOG-NETWORK-INFO', 'ICE-CONTROLLING', 'USE-CANDIDATE', 'PRIORITY', 'MESSAGE-INTEGRITY', 'FINGERPRINT'], ice.node.pwd],
    ['chromium-ice', 'node-response', 'Binding success response', ['XOR-MAPPED-ADDRESS', 'MESSAGE-INTEGRITY', 'FINGERPRINT'], ice.node.pwd],
    ['chromium-ice', 'node-request', 'Binding request', ['USERNAME', 'PRIORITY', 'ICE-CONTROLLED', 'MESSAGE-INTEGRITY', 'FINGERPRINT'], ice.chromium.pwd],
    ['chromium-ice', 'chromium-response', 'Binding success response', ['XOR-MAPPED-ADDRESS', 'MESSAGE-INTEGRITY', 'FINGERPRINT'], ice.chromium.pwd],
  ];

  it.each(CASES)('%s %s: a %s with %j; every byte once, FINGERPRINT verified, no problems', (f, id, kind, names, password) => {
    const m = msg(f, id);
    const a = annotateStun(m.bytes, password ? { password } : {});
    expectEveryByteOnce(a, m.bytes.length);
    expect(a.problems).toEqual([]);
    expect(a.isStun).toBe(true);
    expect(a.kind).toBe(kind);
    expect(attrNames(a)).toEqual(names);
    expect(a.fingerprint).toBe('ok');
    expect(a.integrity).toBe(password ? 'ok' : 'absent');
    expect(a.parts[0]!.ranges.map((r) => r.name)).toEqual(['Message type', 'Message length', 'Magic cookie', 'Transaction ID']);
    expect(a.transactionId).toBe(m.hex.slice(16, 40));
    expect(a.summary.startsWith(kind)).toBe(true);
  });

  it('annotates the 420 request\'s unknown attribute as not recognised, comprehension-required', () => {
    const a = annotateStun(msg('coturn', 'unknown-attribute-request').bytes);
    expect(attrNames(a)).toEqual(['Unknown attribute 0x7777', 'FINGERPRINT']);
    expect(range(a, 'Unknown attribute 0x7777', 'Attribute type')!.meaning).toMatch(/Not recognised.*comprehension-required/);
    expect(range(a, 'Unknown attribute 0x7777', 'Value')!.value).toBe('de ad be ef');
    expect(a.problems).toEqual([]);
  });

  // The XOR-MAPPED-ADDRESS of each response is where its request came from (RFC 8489 §14.2).
  it.each([
    ['coturn', 'binding-ipv4-response', 'binding-ipv4-request'],
    ['coturn', 'binding-ipv6-response', 'binding-ipv6-request'],
    ['chromium-ice', 'node-response', 'chromium-request'],
    ['chromium-ice', 'chromium-response', 'node-request'],
  ] as [FixtureName, string, string][])('%s %s: XOR-MAPPED-ADDRESS un-XORs to the source of %s', (f, resId, reqId) => {
    const res = msg(f, resId);
    const req = msg(f, reqId);
    const a = annotateStun(res.bytes);
    expect(a.mapped).toMatchObject({ address: req.from.address, port: req.from.port });
    expect(xorMappedAddress(res.bytes)).toMatchObject({ address: req.from.address, port: req.from.port });
    expect(range(a, 'XOR-MAPPED-ADDRESS', 'X-Port')!.value).toBe(String(req.from.port));
    expect(range(a, 'XOR-MAPPED-ADDRESS', 'X-Address')!.value).toBe(req.from.address);
    // The raw port bytes differ from the port: it really is XOR-ed.
    expect(range(a, 'XOR-MAPPED-ADDRESS', 'X-Port')!.meaning).toContain('XOR 0x2112');
  });

  it.each([
    ['binding-ipv4-response', 'binding-ipv4-request', 'IPv4', 'the magic cookie 0x2112A442'],
    ['binding-ipv6-response', 'binding-ipv6-request', 'IPv6', 'the magic cookie and the transaction ID'],
  ])('coturn %s: MAPPED-ADDRESS (not XOR-ed) agrees; the %s address is XOR-ed with %s; RESPONSE-ORIGIN is the server, OTHER-ADDRESS its port + 1', (resId, reqId, fam, xorWith) => {
    const req = msg('coturn', reqId);
    const a = annotateStun(msg('coturn', resId).bytes);
    expect(a.parts.find((p) => p.title === 'MAPPED-ADDRESS')!.summary).toBe(a.parts.find((p) => p.title === 'XOR-MAPPED-ADDRESS')!.summary);
    expect(range(a, 'XOR-MAPPED-ADDRESS', 'Family')!.value).toContain(fam);
    expect(range(a, 'XOR-MAPPED-ADDRESS', 'X-Address')!.meaning).toContain(xorWith);
    const server = req.to;
    const endpoint = (p: number) => (server.address.includes(':') ? `[${server.address}]:${p}` : `${server.address}:${p}`);
    expect(a.parts.find((p) => p.title === 'RESPONSE-ORIGIN')!.summary).toBe(endpoint(server.port));
    expect(a.parts.find((p) => p.title === 'OTHER-ADDRESS')!.summary).toBe(endpoint(server.port + 1));
  });

  // [fixture, id, part, range name, value]
  const VALUES: [FixtureName, string, string, string, string][] = [
    ['coturn', 'binding-ipv4-request', 'Header', 'Message type', '0x0001: Binding request'],
    ['coturn', 'binding-ipv4-request', 'Header', 'Message length', '8 bytes'],
    ['coturn', 'binding-ipv4-request', 'Header', 'Magic cookie', '0x2112A442'],
    ['coturn', 'binding-ipv4-response', 'Header', 'Message type', '0x0101: Binding success response'],
    ['coturn', 'binding-ipv4-response', 'SOFTWARE', 'Text', "Coturn-4.6.1 'Gorst'"],
    ['coturn', 'unknown-attribute-response', 'Header', 'Message type', '0x0111: Binding error response'],
    ['coturn', 'unknown-attribute-response', 'ERROR-CODE', 'Class', '4'],
    ['coturn', 'unknown-attribute-response', 'ERROR-CODE', 'Number', '20'],
    ['coturn', 'unknown-attribute-response', 'ERROR-CODE', 'Reason phrase', 'Unknown Attribute'],
    // coturn pads the reason phrase inside the attribute's length: 24 bytes, no padding after.
    ['coturn', 'unknown-attribute-response', 'ERROR-CODE', 'Attribute length', '24 bytes'],
    ['coturn', 'unknown-attribute-response', 'ERROR-CODE', 'Zero bytes inside the value', '00 00 00'],
    ['coturn', 'unknown-attribute-response', 'UNKNOWN-ATTRIBUTES', 'Unknown type', '0x7777 (not recognised here either)'],
    ['coturn', 'unknown-attribute-response', 'UNKNOWN-ATTRIBUTES', 'Padding', '00 00'],
    ['coturn', 'allocate-401-request', 'Header', 'Message type', '0x0003: Allocate request'],
    ['coturn', 'allocate-401-request', 'REQUESTED-TRANSPORT', 'Protocol', '17 = UDP'],
    ['coturn', 'allocate-401-response', 'Header', 'Message type', '0x0113: Allocate error response'],
    ['coturn', 'allocate-401-response', 'ERROR-CODE', 'Reason phrase', 'Unauthorized'],
    ['coturn', 'allocate-401-response', 'REALM', 'Text', 'example.org'],
    ['coturn', 'allocate-401-response', 'REALM', 'Padding', '00'],
    ['chromium-ice', 'chromium-request', 'USERNAME', 'Username', `${ice.node.ufrag}:${ice.chromium.ufrag}`],
    ['chromium-ice', 'chromium-request', 'USERNAME', 'Padding', '00 00 00'],
    ['chromium-ice', 'chromium-request', 'PRIORITY', 'Type preference', '110 (peer-reflexive)'],
    ['chromium-ice', 'chromium-request', 'PRIORITY', 'Component', '0xFF → component 1'],
    ['chromium-ice', 'chromium-request', 'GOOG-NETWORK-INFO', 'Network cost', '999'],
    ['chromium-ice', 'node-request', 'USERNAME', 'Username', `${ice.chromium.ufrag}:${ice.node.ufrag}`],
  ];
  it.each(VALUES)('%s %s: %s › %s = %j', (f, id, part, name, value) => {
    const a = annotateStun(msg(f, id).bytes);
    expect(range(a, part, name)?.value).toBe(value);
  });

  it('reads the 401 code as 4 × 100 + 1 and explains REALM/NONCE', () => {
    const a = annotateStun(msg('coturn', 'allocate-401-response').bytes);
    expect(range(a, 'ERROR-CODE', 'Number')!.meaning).toContain('4 × 100 + 1 = 401');
    expect(a.parts.find((p) => p.title === 'ERROR-CODE')!.summary).toBe('401 Unauthorized');
    expect(a.parts.find((p) => p.title === 'NONCE')!.about).toMatch(/one-off value/);
  });

  it('reads USERNAME the ICE way: receiver ufrag first (RFC 8445 §7.2.2)', () => {
    const a = annotateStun(msg('chromium-ice', 'chromium-request').bytes);
    const r = range(a, 'USERNAME', 'Username')!;
    expect(r.text).toBe(true);
    expect(r.meaning).toContain(`ice-ufrag is "${ice.node.ufrag}", from the one whose ice-ufrag is "${ice.chromium.ufrag}"`);
    expect(r.ref).toBe('RFC 8445 §7.2.2');
  });

  it.each([
    ['chromium-request', ice.chromium.pwd],
    ['node-response', 'wrong-password-wrong-password'],
    ['node-request', ice.node.pwd],
  ])('%s: MESSAGE-INTEGRITY with the wrong password is a problem, and unchecked without one', (id, wrong) => {
    const m = msg('chromium-ice', id);
    const bad = annotateStun(m.bytes, { password: wrong });
    expect(bad.integrity).toBe('bad');
    expect(bad.problems.join(' ')).toMatch(/MESSAGE-INTEGRITY: Does not match/);
    expect(annotateStun(m.bytes).integrity).toBe('unchecked');
  });
});

describe('message type: class and method bits (RFC 8489 §5)', () => {
  it.each([
    [0x0001, 'request', 0x001],
    [0x0011, 'indication', 0x001],
    [0x0101, 'success response', 0x001],
    [0x0111, 'error response', 0x001],
    [0x0003, 'request', 0x003],
    [0x0113, 'error response', 0x003],
    [0x0016, 'indication', 0x006],
    [0x0017, 'indication', 0x007],
    [0x0109, 'success response', 0x009],
  ] as const)('%#: type %i is a %s of method %i', (type, cls, method) => {
    expect(classOf(type)).toBe(cls);
    expect(methodOf(type)).toBe(method);
    expect(messageType(method, cls)).toBe(type);
  });

  it('messageType() inverts classOf/methodOf for every 14-bit type', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x3fff }), (t) => {
        expect(messageType(methodOf(t), classOf(t))).toBe(t);
      }),
    );
  });

  it('shows the type bits in the groups of the RFC figure', () => {
    const a = annotateStun(msg('coturn', 'binding-ipv4-response').bytes);
    expect(a.ranges[0]!.bits!.map((b) => `${b.bits}:${b.value}`)).toEqual(['15–14:00', '13–9:00000', '8:1', '7–5:000', '4:0', '3–0:0001']);
  });
});

describe('malformed input: problems, never an exception, every byte once', () => {
  const good = msg('coturn', 'binding-ipv4-response');
  const withByte = (hex: string, at: number, value: number) => {
    const b = hexToBytes(hex);
    b[at] = value;
    return b;
  };
  // [what, bytes, a problem matching]
  const BAD: [string, Uint8Array, RegExp][] = [
    ['no bytes', new Uint8Array(0), /Only 0 bytes/],
    ['a header cut at 7 bytes', hexToBytes('00010008211 2a4'), /Only \d bytes/],
    ['wrong magic cookie', withByte(good.hex, 4, 0x22), /not the magic cookie/],
    ['first two bits set (an RTP packet)', hexToBytes('8060000100000000000000010001'), /not a STUN message/],
    ['a DTLS record: first bits 00 but no magic cookie', hexToBytes('16fefd000000000000000000010001000000000000'), /not the magic cookie/],
    ['length longer than the bytes', hexToBytes(good.hex).subarray(0, 60), /length field says 80 bytes follow the header, but 40 do/],
    ['length not a multiple of 4', withByte(good.hex, 3, 0x51), /not a multiple of 4/],
    ['bytes after the message', hexToBytes(`${good.hex}deadbeef`), /follow the header/],
    ['a flipped bit in SOFTWARE breaks FINGERPRINT', withByte(good.hex, 75, 0x41), /FINGERPRINT: Does not match/],
    ['an attribute after FINGERPRINT', hexToBytes('0001000c2112a442000000000000000000000000802800040000000080220000'), /after FINGERPRINT/],
    ['an attribute header cut short', hexToBytes('000100042112a442000000000000000000000000'+'8022'), /too few bytes left|length field says/],
    ['XOR-MAPPED-ADDRESS with an unknown family', withByte(good.hex, 25, 0x07), /Unknown address family/],
  ];
  it.each(BAD)('%s', (_, bytes, problem) => {
    const a = annotateStun(bytes);
    expectEveryByteOnce(a, bytes.length);
    expect(a.problems.join(' ')).toMatch(problem);
  });

  it('a non-STUN packet is one header-sized range plus "Not decoded"', () => {
    const a = annotateStun(hexToBytes('80600001000000000000000100010000000000000000000000'));
    expect(a.kind).toBe('Not STUN');
    expect(a.parts.map((p) => p.title)).toEqual(['Header', 'Not decoded']);
  });

  it('never throws and covers every byte once, for any bytes (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.option(fc.string({ maxLength: 30 }), { nil: undefined }), (bytes, password) => {
        const a = annotateStun(bytes, password === undefined ? {} : { password });
        expectEveryByteOnce(a, bytes.length);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on captured messages with bytes changed or cut (fast-check)', () => {
    const sources = allMessages.map((m) => m.bytes);
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (src, edits, cut) => {
          const b = src.slice(0, src.length - (cut % (src.length + 1)));
          for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
          const a = annotateStun(b, { password: 'x' });
          expectEveryByteOnce(a, b.length);
          if (bytesToHex(b) !== bytesToHex(src)) expect(a.problems.length + (a.fingerprint === 'ok' ? 0 : 1)).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('refUrl', () => {
  it.each([
    ['RFC 8489 §14.2', 'https://www.rfc-editor.org/rfc/rfc8489#section-14.2'],
    ['RFC 7983', 'https://www.rfc-editor.org/rfc/rfc7983'],
    ['libwebrtc', null],
  ])('%s → %s', (ref, url) => {
    expect(refUrl(ref)).toBe(url);
  });
});
