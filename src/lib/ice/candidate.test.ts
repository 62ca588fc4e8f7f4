import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CANDIDATE_FIELDS,
  candidateTokens,
  candidateTypeMeaning,
  explainCandidate,
  formatCandidate,
  isCandidateError,
  isMdnsCandidate,
  noExtensions,
  parseCandidate,
  type ParsedCandidate,
} from './candidate';
import { itReturns } from '../testing/table';

/** Defaults for the optional fields, so each case lists only what it has. */
const none = noExtensions();

describe('parseCandidate: real and RFC-shaped candidates', () => {
  it.each<[string, string, Partial<ParsedCandidate>]>([
    [
      'extensions named like Object members are just unknown extensions',
      'candidate:1 1 udp 1 192.0.2.1 9 typ host __proto__ x constructor y toString z',
      { extensions: [{ name: '__proto__', value: 'x' }, { name: 'constructor', value: 'y' }, { name: 'toString', value: 'z' }] },
    ],
    [
      'Chromium mDNS host (no media permission)',
      'candidate:1317930280 1 udp 2113937151 c37c161d-1920-4b1b-9ad3-86e05cc83833.local 55265 typ host generation 0 ufrag DYbT network-cost 999',
      { foundation: '1317930280', component: 1, transport: 'udp', priority: 2113937151, address: 'c37c161d-1920-4b1b-9ad3-86e05cc83833.local', addressKind: 'mdns', port: 55265, type: 'host', generation: 0, ufrag: 'DYbT', networkCost: 999 },
    ],
    [
      'Chromium raw IPv4 host (after getUserMedia)',
      'candidate:2603611956 1 udp 2122194687 192.0.2.2 58975 typ host generation 0 ufrag 9QhJ network-id 1',
      { address: '192.0.2.2', addressKind: 'ipv4', port: 58975, priority: 2122194687, networkId: 1, ufrag: '9QhJ', generation: 0 },
    ],
    [
      'Chromium raw IPv6 host',
      'candidate:1346975444 1 udp 2122265343 fd00::2 43130 typ host generation 0 ufrag 9QhJ network-id 2',
      { address: 'fd00::2', addressKind: 'ipv6', networkId: 2 },
    ],
    [
      'srflx with a hidden related address',
      'candidate:4125665015 1 udp 1677729535 127.0.0.1 53885 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag 1yZS network-cost 999',
      { type: 'srflx', raddr: '0.0.0.0', rport: 0, priority: 1677729535 },
    ],
    [
      'relay with raddr/rport',
      'candidate:2158578826 1 udp 50340095 127.0.0.1 52221 typ relay raddr 127.0.0.1 rport 53885 generation 0 ufrag 1yZS network-cost 999',
      { type: 'relay', raddr: '127.0.0.1', rport: 53885, priority: 50340095 },
    ],
    [
      'TCP active host on the discard port',
      'candidate:2980505417 1 tcp 1518214911 192.0.2.2 9 typ host tcptype active generation 0 ufrag kdey network-id 1',
      { transport: 'tcp', port: 9, tcptype: 'active' },
    ],
    ['TCP passive', 'candidate:1 1 TCP 1518280447 192.0.2.2 50000 typ host tcptype passive', { transport: 'tcp', tcptype: 'passive' }],
    ['TCP simultaneous-open', 'candidate:1 1 tcp 1518280447 192.0.2.2 50000 typ host tcptype so', { tcptype: 'so' }],
    ['a=candidate: prefix, Firefox style upper-case UDP', 'a=candidate:0 1 UDP 2122252543 192.168.1.2 49914 typ host', { foundation: '0', transport: 'udp', addressKind: 'ipv4' }],
    ['no prefix at all', '0 1 udp 2122252543 192.168.1.2 49914 typ host', { foundation: '0', port: 49914 }],
    ['RTCP component 2', 'candidate:1 2 udp 2122252542 192.168.1.2 49915 typ host', { component: 2 }],
    ['prflx', 'candidate:3 1 udp 1845501695 198.51.100.7 61000 typ prflx raddr 192.168.1.2 rport 49914', { type: 'prflx', raddr: '192.168.1.2', rport: 49914 }],
    ['foundation with + and /', 'candidate:a+b/C9 1 udp 1 203.0.113.1 1 typ relay raddr 0.0.0.0 rport 0', { foundation: 'a+b/C9', priority: 1 }],
    ['host name address', 'candidate:1 1 udp 1 turn.example.org 3478 typ relay', { address: 'turn.example.org', addressKind: 'hostname' }],
    ['IPv4-mapped IPv6', 'candidate:1 1 udp 1 ::ffff:192.0.2.1 1 typ host', { addressKind: 'ipv6' }],
    ['IPv6 with zone', 'candidate:1 1 udp 1 fe80::1%eth0 1 typ host', { addressKind: 'ipv6', address: 'fe80::1%eth0' }],
    ['surrounding white space, tabs and CRLF', '  candidate:1 1 udp 1 192.0.2.1\t1 typ host \r\n', { port: 1 }],
    ['unknown type token kept', 'candidate:1 1 udp 1 192.0.2.1 1 typ nat64', { type: 'nat64' }],
    ['maximum priority', 'candidate:1 1 udp 2147483647 192.0.2.1 1 typ host', { priority: 2147483647 }],
  ])('%s', (_name, text, expected) => {
    const c = parseCandidate(text);
    expect(isCandidateError(c), JSON.stringify(c)).toBe(false);
    expect(c).toMatchObject(expected);
  });

  it('fills every field of a full Chromium candidate', () => {
    expect(parseCandidate('candidate:2603611956 1 udp 2122194687 192.0.2.2 58975 typ host generation 0 ufrag 9QhJ network-id 1')).toEqual({
      ...none,
      foundation: '2603611956',
      component: 1,
      transport: 'udp',
      priority: 2122194687,
      address: '192.0.2.2',
      addressKind: 'ipv4',
      port: 58975,
      type: 'host',
      generation: 0,
      ufrag: '9QhJ',
      networkId: 1,
    });
  });

  it('keeps unknown extension pairs, in order, including a trailing name without a value', () => {
    const c = parseCandidate('candidate:1 1 udp 1 192.0.2.1 1 typ host foo bar ufrag u baz 7 lonely');
    expect(c).toMatchObject({
      ufrag: 'u',
      extensions: [
        { name: 'foo', value: 'bar' },
        { name: 'baz', value: '7' },
        { name: 'lonely', value: '' },
      ],
    });
  });
});

describe('parseCandidate: malformed input gives an error, never a throw', () => {
  it.each<[string, unknown, RegExp]>([
    ['not a string', 42, /not text/],
    ['empty string', '', /empty candidate/],
    ['end-of-candidates (empty attribute)', 'a=candidate:', /empty candidate/],
    ['too few fields', 'candidate:1 1 udp 1 192.0.2.1 1 typ', /at least 8 fields/],
    ['no typ keyword', 'candidate:1 1 udp 1 192.0.2.1 1 type host', /expected "typ"/],
    ['foundation too long', `candidate:${'a'.repeat(33)} 1 udp 1 192.0.2.1 1 typ host`, /foundation/],
    ['foundation with a hyphen', 'candidate:a-b 1 udp 1 192.0.2.1 1 typ host', /foundation/],
    ['component 0', 'candidate:1 0 udp 1 192.0.2.1 1 typ host', /component/],
    ['component 257', 'candidate:1 257 udp 1 192.0.2.1 1 typ host', /component/],
    ['priority 0', 'candidate:1 1 udp 0 192.0.2.1 1 typ host', /priority/],
    ['priority 2^31', 'candidate:1 1 udp 2147483648 192.0.2.1 1 typ host', /priority/],
    ['priority not a number', 'candidate:1 1 udp high 192.0.2.1 1 typ host', /priority/],
    ['port 65536', 'candidate:1 1 udp 1 192.0.2.1 65536 typ host', /port/],
    ['negative port', 'candidate:1 1 udp 1 192.0.2.1 -1 typ host', /port/],
    ['octet over 255', 'candidate:1 1 udp 1 999.1.1.1 1 typ host', /address/],
    ['garbage address', 'candidate:1 1 udp 1 <script> 1 typ host', /address/],
    ['bad IPv6', 'candidate:1 1 udp 1 1:2:3:4:5:6:7:8:9 1 typ host', /address/],
    ['transport is not a token', 'candidate:1 1 ud"p 1 192.0.2.1 1 typ host', /transport/],
    ['bad tcptype', 'candidate:1 1 tcp 1 192.0.2.1 9 typ host tcptype sideways', /tcptype/],
    ['bad rport', 'candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 0.0.0.0 rport x', /rport/],
    ['bad raddr', 'candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr ::: rport 0', /raddr/],
    ['raddr twice', 'candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr 0.0.0.0 raddr 0.0.0.0', /twice/],
    ['bad generation', 'candidate:1 1 udp 1 192.0.2.1 1 typ host generation -1', /generation/],
    ['bad network-id', 'candidate:1 1 udp 1 192.0.2.1 1 typ host network-id one', /network-id/],
    ['too long', `candidate:1 1 udp 1 192.0.2.1 1 typ host x ${'y'.repeat(5000)}`, /longer than/],
  ])('%s', (_name, text, message) => {
    const c = parseCandidate(text);
    expect(isCandidateError(c)).toBe(true);
    if (isCandidateError(c)) expect(c.error).toMatch(message);
  });
});

// ------------------------------------------------------------------ properties

const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/).filter((s) => !['raddr', 'rport', 'tcptype', 'generation', 'ufrag', 'network-id', 'network-cost'].includes(s));
const address = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.uuid().map((u) => `${u}.local`),
  fc.domain().filter((d) => !/\.\d+$/.test(d)),
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });

const candidateArb: fc.Arbitrary<ParsedCandidate> = fc
  .record({
    foundation: fc.stringMatching(/^[A-Za-z0-9+/]{1,32}$/),
    component: fc.integer({ min: 1, max: 256 }),
    transport: fc.constantFrom('udp', 'tcp'),
    priority: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    address,
    port: fc.integer({ min: 0, max: 65535 }),
    type: fc.constantFrom('host', 'srflx', 'prflx', 'relay'),
    raddr: maybe(fc.ipV4()),
    rport: maybe(fc.integer({ min: 0, max: 65535 })),
    tcptype: maybe(fc.constantFrom('active' as const, 'passive' as const, 'so' as const)),
    generation: maybe(fc.nat()),
    ufrag: maybe(fc.stringMatching(/^[A-Za-z0-9+/]{4,8}$/)),
    networkId: maybe(fc.nat()),
    networkCost: maybe(fc.nat({ max: 999 })),
    extensions: fc.array(fc.record({ name: token, value: fc.stringMatching(/^[!-~]{1,10}$/) }), { maxLength: 3 }),
  })
  .map((c) => {
    const parsed = parseCandidate(formatCandidate({ ...c, addressKind: 'ipv4' }));
    return { ...c, addressKind: isCandidateError(parsed) ? 'invalid' : parsed.addressKind };
  });

describe('parseCandidate: properties', () => {
  it('round-trips: format then parse gives the same fields', () => {
    fc.assert(
      fc.property(candidateArb, fc.constantFrom('', 'candidate:', 'a=candidate:'), (c, prefix) => {
        expect(parseCandidate(prefix + formatCandidate(c))).toEqual(c);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (s) => {
        const r = parseCandidate(s);
        expect(typeof r).toBe('object');
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on mutated candidates (tokens dropped, swapped, duplicated or replaced)', () => {
    const mutate = fc.tuple(
      candidateArb.map(formatCandidate),
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('drop', 'swap', 'dup', 'replace'), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 4 }),
    );
    fc.assert(
      fc.property(mutate, ([text, edits]) => {
        const t = text.split(' ');
        for (const [i, j, op, s] of edits) {
          const a = i % t.length;
          const b = j % t.length;
          if (op === 'drop') t.splice(a, 1);
          if (op === 'swap') [t[a], t[b]] = [t[b]!, t[a]!];
          if (op === 'dup') t.splice(a, 0, t[b]!);
          if (op === 'replace') t[a] = s;
          if (t.length === 0) t.push('');
        }
        const r = parseCandidate(`candidate:${t.join(' ')}`);
        expect(isCandidateError(r) ? typeof r.error : typeof r.foundation).toBe('string');
      }),
      { numRuns: 5000 },
    );
  });
});

describe('candidateTokens', () => {
  it.each<[string, boolean, string[]]>([
    ['a=candidate:1 1 UDP 5 192.0.2.1 9 typ host', true, ['1', '1', 'UDP', '5', '192.0.2.1', '9', 'typ', 'host']],
    ['  CANDIDATE:x\t y  ', true, ['x', 'y']],
    ['candidate: 1 2', true, ['', '1', '2']],
    ['1 1 udp', false, ['1', '1', 'udp']],
    ['a=candidate:', true, []],
    ['a=', false, []],
    ['', false, []],
  ])('%j', (text, named, tokens) => {
    expect(candidateTokens(text)).toEqual({ named, tokens });
  });

  it('gives back the fields it was built from, with or without the prefixes', () => {
    const field = fc.stringMatching(/^[0-9A-Za-z+/.-]{1,12}$/); // no ":" or "=", so no prefix by chance
    fc.assert(
      fc.property(fc.array(field, { maxLength: 12 }), fc.constantFrom('', 'candidate:', 'a=candidate:'), (fields, prefix) => {
        expect(candidateTokens(prefix + fields.join(' '))).toEqual({ named: prefix !== '', tokens: fields });
      }),
    );
  });
});

describe('candidateTypeMeaning', () => {
  itReturns('%j → %s', (type: string) => candidateTypeMeaning(type)?.label, [
    ['host', 'host'],
    ['srflx', 'server reflexive'],
    ['prflx', 'peer reflexive'],
    ['relay', 'relayed'],
    ['HOST', undefined], // parseCandidate lower-cases first
    ['constructor', undefined],
    ['__proto__', undefined],
    ['', undefined],
  ]);
});

describe('explainCandidate', () => {
  const explain = (text: string) => {
    const c = parseCandidate(text);
    if (isCandidateError(c)) throw new Error(c.error);
    return explainCandidate(c);
  };

  it('gives one row per field present, in wire order, each with a meaning and a reference', () => {
    const rows = explain('candidate:4125665015 1 udp 1677729535 127.0.0.1 53885 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag 1yZS network-cost 999 foo bar');
    expect(rows.map((r) => r.field)).toEqual([
      'foundation', 'component', 'transport', 'priority', 'address', 'port', 'typ', 'raddr', 'rport', 'generation', 'ufrag', 'network-cost', 'foo',
    ]);
    for (const r of rows) {
      expect(r.meaning.length).toBeGreaterThan(10);
      expect(r.ref).toMatch(/RFC|draft|libwebrtc/);
    }
    expect(rows.at(-1)).toMatchObject({ field: 'foo', value: 'bar', unknown: true });
  });

  it.each<[string, string, string, RegExp]>([
    ['decoded priority', 'candidate:1 1 udp 2122260223 192.0.2.1 1 typ host', 'priority', /type preference 126, the value RFC 8445 §5.1.2\.2 recommends for host; local preference 32542; component 1/],
    ['Chromium relay type preference', 'candidate:1 1 udp 50340095 127.0.0.1 1 typ relay', 'priority', /type preference 3; RFC 8445 §5.1.2\.2 recommends 0 for relay/],
    ['mDNS address', 'candidate:1 1 udp 1 c37c161d-1920-4b1b-9ad3-86e05cc83833.local 1 typ host', 'address', /\.local.*multicast DNS/],
    ['loopback', 'candidate:1 1 udp 1 127.0.0.1 1 typ relay', 'address', /loopback address \(RFC 1122/],
    ['private', 'candidate:1 1 udp 1 192.168.1.2 1 typ host', 'address', /private address \(RFC 1918/],
    ['unique local IPv6', 'candidate:1 1 udp 1 fd00::2 1 typ host', 'address', /unique-local address \(RFC 4193/],
    ['hidden raddr', 'candidate:1 1 udp 1 127.0.0.1 1 typ srflx raddr 0.0.0.0 rport 0', 'raddr', /hides the real one/],
    ['hidden rport', 'candidate:1 1 udp 1 127.0.0.1 1 typ srflx raddr 0.0.0.0 rport 0', 'rport', /Port 0: hidden/],
    ['server reflexive', 'candidate:1 1 udp 1 127.0.0.1 1 typ srflx', 'typ', /server reflexive: .*STUN server/],
    ['TCP active placeholder port', 'candidate:1 1 tcp 1 192.0.2.2 9 typ host tcptype active', 'port', /placeholder/],
    ['TCP active', 'candidate:1 1 tcp 1 192.0.2.2 9 typ host tcptype active', 'tcptype', /opens the TCP connection/],
    ['unknown type', 'candidate:1 1 udp 1 192.0.2.2 9 typ nat64', 'typ', /does not know/],
    ['RTCP', 'candidate:1 2 udp 1 192.0.2.2 9 typ host', 'component', /RTCP/],
  ])('%s', (_name, text, field, meaning) => {
    const row = explain(text).find((r) => r.field === field);
    expect(row?.meaning).toMatch(meaning);
  });

  it('has a meaning for every named field', () => {
    for (const f of Object.values(CANDIDATE_FIELDS)) expect(f.meaning).not.toBe('');
  });
});

describe('isMdnsCandidate', () => {
  it.each<[string, boolean]>([
    ['c37c161d-1920-4b1b-9ad3-86e05cc83833.local', true],
    ['C37C161D-1920-4B1B-9AD3-86E05CC83833.LOCAL', true],
    ['c37c161d-1920-4b1b-9ad3-86e05cc83833.local.', true],
    ['printer.local', false],
    ['c37c161d-1920-4b1b-9ad3-86e05cc83833.example', false],
    ['192.0.2.2', false],
  ])('%s -> %s', (address, expected) => {
    expect(isMdnsCandidate({ address })).toBe(expected);
  });
});
