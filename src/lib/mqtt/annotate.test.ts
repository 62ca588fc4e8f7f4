import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generate, type Packet } from 'mqtt-packet';
import { annotatePacket, summarizePacket, type AnnotatedPacket } from './annotate';
import { decodePacket } from './decode';
import { FIXTURE_NAMES, fixturePacket, loadFixture, type FixtureName } from './fixtures';
import { bytesToHex, hexToBytes } from '../bytes/hex';

const fixtures = Object.fromEntries(FIXTURE_NAMES.map((n) => [n, loadFixture(n)])) as Record<FixtureName, ReturnType<typeof loadFixture>>;
const ROOT = fixtures['aedes-session'].root;

const allPackets = FIXTURE_NAMES.flatMap((name) =>
  fixtures[name].packets.map((p) => ({ fixture: name, level: fixtures[name].protocolVersion, ...p })),
);

function annotate(name: FixtureName, id: string): AnnotatedPacket {
  const f = fixtures[name];
  const p = fixturePacket(f, id);
  return annotatePacket(p.bytes, { protocolVersion: f.protocolVersion, direction: p.direction });
}

/** The invariant: ranges in order, each [start, end), together covering every byte once. */
function expectEveryByteOnce(a: AnnotatedPacket, size: number): void {
  const counts = new Array<number>(size).fill(0);
  let at = 0;
  for (const r of a.ranges) {
    expect(r.start, `${r.name} starts where the previous range ended`).toBe(at);
    expect(r.end).toBeGreaterThanOrEqual(r.start);
    if (r.end === r.start) expect(r.problem ?? (r.field === 'publish.payload' ? 'empty payload' : undefined), `${r.name} is empty`).toBeDefined();
    for (let i = r.start; i < r.end; i++) counts[i]! += 1;
    at = r.end;
  }
  expect(at).toBe(size);
  expect(counts.every((c) => c === 1)).toBe(true);
  expect(a.parts.flatMap((p) => p.ranges)).toEqual(a.ranges);
}

/** "bit:Will flag" → that bit's value (first match); a field id → that range's value; "#n" picks the nth. */
function lookup(a: AnnotatedPacket, key: string): string | undefined {
  const [what, nth] = key.split('#') as [string, string | undefined];
  const n = nth ? Number(nth) - 1 : 0;
  if (what.startsWith('bit:')) return a.ranges.flatMap((r) => r.bits ?? []).filter((b) => b.name === what.slice(4))[n]?.value;
  if (what.startsWith('name:')) return a.ranges.filter((r) => r.name === what.slice(5))[n]?.value;
  return a.ranges.filter((r) => r.field === what)[n]?.value;
}

/** MQTT 5 acks that mqtt.js sent with an explicit "Success" reason code and no properties. */
const SHORTENED_V5 = new Set(['alice-offer-qos2:alice:out:PUBREL', 'alice-offer-qos2:bob:out:PUBREC', 'alice-offer-qos2:bob:out:PUBCOMP']);

describe('annotatePacket on captured sessions', () => {
  it('has the fixtures', () => {
    expect(fixtures['aedes-session'].packets.length).toBeGreaterThan(40);
    expect(new Set(allPackets.map((p) => p.type))).toEqual(
      new Set(['CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT']),
    );
  });

  it.each(allPackets.map((p) => [`${p.fixture} ${p.id}`, p] as const))('%s: every byte once, no problems, agrees with mqtt-packet', (_, p) => {
    const a = annotatePacket(p.bytes, { protocolVersion: p.level, direction: p.direction });
    expectEveryByteOnce(a, p.bytes.length);
    expect(a.problems).toEqual([]);
    expect(a.type).toBe(p.type);
    expect(a.level).toBe(p.level);
    expect(a.parts[0]!.kind).toBe('fixed-header');
    expect(a.parts[1]!.kind).toBe('remaining-length');
    expect(a.parts.map((x) => x.kind).filter((k) => k === 'variable-header' || k === 'payload')).toEqual(
      [...new Set(a.ranges.slice(2).map((r) => r.part))],
    );
    expect(a.summary.startsWith(p.type)).toBe(true);
    expect(summarizePacket(p.bytes, { protocolVersion: p.level })).toBe(a.summary);

    // The walk and mqtt-packet read the same values.
    const d = a.decoded as Packet;
    expect(d.cmd.toUpperCase()).toBe(p.type);
    if ('messageId' in d && d.messageId !== undefined) expect(lookup(a, `name:Packet identifier`)).toBe(String(d.messageId));
    if (d.cmd === 'publish') {
      expect(lookup(a, 'publish.topic')).toBe(d.topic);
      expect(lookup(a, 'publish.payload')).toBe(String(d.payload));
      expect(lookup(a, 'bit:RETAIN')).toBe(d.retain ? '1' : '0');
    }
    if (d.cmd === 'connect') {
      expect(lookup(a, 'connect.client-id')).toBe(d.clientId);
      expect(lookup(a, 'connect.will-topic')).toBe(d.will?.topic);
      expect(lookup(a, 'connect.will-message')).toBe(d.will ? String(d.will.payload) : undefined);
    }
    if (d.cmd === 'subscribe') {
      expect(a.ranges.filter((r) => r.field === 'subscribe.filter').map((r) => r.value)).toEqual(d.subscriptions.map((s) => s.topic));
    }
    if (d.cmd === 'suback') expect(a.ranges.filter((r) => r.field === 'suback.return-code')).toHaveLength(d.granted.length);
  });

  it.each(allPackets.map((p) => [`${p.fixture} ${p.id}`, p] as const))('%s: mqtt-packet generate(parse(bytes)) gives the bytes back', (_, p) => {
    const d = decodePacket(p.bytes, p.level);
    expect(d.error).toBeNull();
    const again = bytesToHex(new Uint8Array(generate(d.packet!, { protocolVersion: p.level })), '');
    if (p.level === 5 && SHORTENED_V5.has(p.id)) {
      // MQTT 5 §3.4.2.1 ff.: reason code 0x00 with no properties may be left out, and
      // mqtt-packet does; mqtt.js sent the long form. Same packet, 2 bytes shorter.
      expect(p.hex.endsWith('0000')).toBe(true);
      expect(again).toBe(`${p.hex.slice(0, 2)}02${p.hex.slice(4, 8)}`);
    } else {
      expect(again).toBe(p.hex);
    }
  });
});

describe('field values', () => {
  const will = `${ROOT}/alice/status`;
  // [fixture, packet id, { lookup key: expected value }]
  const cases: [FixtureName, string, Record<string, string | undefined>][] = [
    [
      'aedes-session',
      'alice-connect:alice:out:CONNECT',
      {
        'header.byte': '0x10 = CONNECT, flags 0000',
        'header.remaining-length': '196 bytes follow (0xC4 0x01)',
        'connect.protocol-name': 'MQTT',
        'connect.level': '4 = MQTT 3.1.1',
        'connect.flags': '0x2E = 00101110: will retain, will QoS 1, will flag, clean session',
        'bit:User name flag': '0',
        'bit:Password flag': '0',
        'bit:Will retain': '1',
        'bit:Will QoS': '1',
        'bit:Will flag': '1',
        'bit:Clean session': '1',
        'bit:Reserved': '0',
        'connect.keep-alive': '30 seconds',
        'connect.client-id': 'lab-q7m2xk-alice',
        'connect.will-topic': will,
        'connect.will-message-length': '132 bytes',
        'connect.username': undefined,
      },
    ],
    ['aedes-session', 'alice-connect:alice:in:CONNACK', { 'bit:Session present': '0', 'connack.return-code': '0 = Connection accepted' }],
    [
      'aedes-session',
      'alice-subscribe:alice:out:SUBSCRIBE',
      {
        'header.byte': '0x82 = SUBSCRIBE, flags 0010',
        'subscribe.packet-id': '49161',
        'subscribe.filter': `${ROOT}/+/status`,
        'subscribe.filter#2': `${ROOT}/alice/signal`,
        'subscribe.options': '0x01: QoS 1 (at least once)',
        'subscribe.options#2': '0x01: QoS 1 (at least once)',
      },
    ],
    [
      'aedes-session',
      'alice-subscribe:alice:in:SUBACK',
      { 'suback.packet-id': '49161', 'suback.return-code': '0x01 = Success, maximum QoS 1', 'suback.return-code#2': '0x01 = Success, maximum QoS 1' },
    ],
    [
      'aedes-session',
      'alice-status:alice:out:PUBLISH',
      {
        'header.byte': '0x33 = PUBLISH, DUP 0, QoS 1, RETAIN 1',
        'bit:RETAIN': '1',
        'bit:QoS': '1 (at least once)',
        'bit:DUP': '0',
        'publish.topic-length': '32 bytes',
        'publish.topic': will,
        'publish.packet-id': '49162',
      },
    ],
    ['aedes-session', 'alice-status:alice:in:PUBACK', { 'header.byte': '0x40 = PUBACK, flags 0000', 'puback.packet-id': '49162' }],
    // aedes clears RETAIN on a live delivery; a late subscriber gets RETAIN 1.
    ['aedes-session', 'alice-status:alice:in:PUBLISH', { 'bit:RETAIN': '0', 'publish.topic': will }],
    ['aedes-session', 'bob-subscribe:bob:in:SUBACK', { 'suback.return-code': '0x01 = Success, maximum QoS 1', 'suback.return-code#2': '0x02 = Success, maximum QoS 2' }],
    ['aedes-session', 'bob-subscribe:bob:in:PUBLISH', { 'bit:RETAIN': '1', 'publish.topic': will, 'bit:QoS': '1 (at least once)' }],
    ['aedes-session', 'alice-offer-qos2:alice:out:PUBLISH', { 'bit:QoS': '2 (exactly once)', 'publish.packet-id': '49163', 'publish.topic': `${ROOT}/bob/signal` }],
    ['aedes-session', 'alice-offer-qos2:alice:in:PUBREC', { 'pubrec.packet-id': '49163' }],
    ['aedes-session', 'alice-offer-qos2:alice:out:PUBREL', { 'pubrel.packet-id': '49163', 'bit:Reserved flags': '0010' }],
    ['aedes-session', 'alice-offer-qos2:alice:in:PUBCOMP', { 'pubcomp.packet-id': '49163' }],
    ['aedes-session', 'alice-offer-qos2:bob:in:PUBLISH', { 'bit:QoS': '2 (exactly once)', 'publish.packet-id': '43657' }],
    ['aedes-session', 'alice-offer-qos2:bob:out:PUBREC', { 'pubrec.packet-id': '43657' }],
    ['aedes-session', 'alice-offer-qos2:bob:in:PUBREL', { 'pubrel.packet-id': '43657' }],
    ['aedes-session', 'alice-offer-qos2:bob:out:PUBCOMP', { 'pubcomp.packet-id': '43657' }],
    ['aedes-session', 'alice-ping:alice:out:PINGREQ', { 'header.byte': '0xC0 = PINGREQ, flags 0000', 'header.remaining-length': '0 bytes follow' }],
    ['aedes-session', 'alice-ping:alice:in:PINGRESP', { 'header.byte': '0xD0 = PINGRESP, flags 0000' }],
    ['aedes-session', 'alice-forbidden-subscribe:alice:in:SUBACK', { 'suback.return-code': '0x80 = Failure' }],
    // The will, as the broker fires it: a live delivery to alice, then retained for carol.
    ['aedes-session', 'bob-pulls-plug:alice:in:PUBLISH', { 'publish.topic': `${ROOT}/bob/status`, 'bit:RETAIN': '0', 'bit:QoS': '1 (at least once)' }],
    ['aedes-session', 'carol-subscribe:carol:in:PUBLISH#2', { 'publish.topic': `${ROOT}/bob/status`, 'bit:RETAIN': '1' }],
    ['aedes-session', 'alice-unsubscribe:alice:out:UNSUBSCRIBE', { 'bit:Reserved flags': '0010', 'unsubscribe.packet-id': '49165', 'unsubscribe.filter': `${ROOT}/alice/signal` }],
    ['aedes-session', 'alice-unsubscribe:alice:in:UNSUBACK', { 'unsuback.packet-id': '49165' }],
    ['aedes-session', 'alice-disconnect:alice:out:DISCONNECT', { 'header.byte': '0xE0 = DISCONNECT, flags 0000' }],
    [
      'aedes-session',
      'dave-refused:dave:out:CONNECT',
      { 'bit:User name flag': '1', 'bit:Password flag': '1', 'connect.username': 'reader', 'connect.password': '(5 bytes, hidden)' },
    ],
    ['aedes-session', 'dave-refused:dave:in:CONNACK', { 'connack.return-code': '4 = Refused: bad user name or password' }],
    // MQTT 5, from mosquitto
    ['mosquitto-session-v5', 'alice-connect:alice:out:CONNECT', { 'connect.level': '5 = MQTT 5.0', 'bit:Clean session': '1', 'name:CONNECT properties: length': '0 (none)', 'name:Will properties: length': '0 (none)' }],
    [
      'mosquitto-session-v5',
      'alice-connect:alice:in:CONNACK',
      { 'connack.return-code': '0x00 = Success', 'name:CONNACK properties: length': '6 bytes', 'name:Topic Alias Maximum': '10', 'name:Receive Maximum': '20' },
    ],
    ['mosquitto-session-v5', 'bob-subscribe:bob:out:SUBSCRIBE', { 'subscribe.options#2': '0x02: QoS 2', 'bit:Retain Handling': '0', 'bit:No Local': '0' }],
    ['mosquitto-session-v5', 'bob-subscribe:bob:in:SUBACK', { 'suback.return-code': '0x01 = Granted QoS 1', 'suback.return-code#2': '0x02 = Granted QoS 2' }],
    ['mosquitto-session-v5', 'alice-offer-qos2:bob:out:PUBREC', { 'pubrec.reason-code': '0x00 = Success', 'name:PUBREC properties: length': '0 (none)' }],
    ['mosquitto-session-v5', 'alice-offer-qos2:alice:in:PUBREC', { 'pubrec.reason-code': undefined }],
    ['mosquitto-session-v5', 'alice-unsubscribe:alice:in:UNSUBACK', { 'unsuback.reason-code': '0x00 = Success' }],
    ['mosquitto-session-v5', 'alice-disconnect:alice:out:DISCONNECT', { 'disconnect.reason-code': '0x00 = Normal disconnection' }],
    ['mosquitto-session', 'bob-subscribe:bob:in:PUBLISH', { 'bit:RETAIN': '1' }],
    ['mosquitto-session', 'bob-pulls-plug:alice:in:PUBLISH', { 'publish.topic': `${ROOT}/bob/status`, 'bit:RETAIN': '0' }],
  ];

  it.each(cases)('%s %s', (fixture, id, expected) => {
    const a = annotate(fixture, id);
    for (const [key, value] of Object.entries(expected)) expect(lookup(a, key), key).toBe(value);
  });

  it('explains the will: its message is the offline status, and bob’s will arrives as a PUBLISH', () => {
    const connect = annotate('aedes-session', 'alice-connect:alice:out:CONNECT');
    const msg = JSON.parse(lookup(connect, 'connect.will-message')!) as Record<string, unknown>;
    expect(msg).toMatchObject({ kind: 'status', from: 'alice', status: 'offline', reason: 'will' });
    expect(connect.ranges.find((r) => r.field === 'connect.will-message')!.meaning).toMatch(/without a DISCONNECT/);
    const fired = annotate('aedes-session', 'bob-pulls-plug:alice:in:PUBLISH');
    expect(JSON.parse(lookup(fired, 'publish.payload')!)).toMatchObject({ from: 'bob', status: 'offline', reason: 'will' });
    expect(fired.ranges.find((r) => r.field === 'publish.payload')!.text).toBe(true);
    expect(annotate('aedes-session', 'alice-disconnect:alice:out:DISCONNECT').about).toMatch(/discards the will/);
  });

  it('explains the remaining length byte by byte', () => {
    const r = annotate('aedes-session', 'alice-connect:alice:out:CONNECT').ranges[1]!;
    expect([r.start, r.end, r.part]).toEqual([1, 3, 'remaining-length']);
    expect(r.bits!.map((b) => b.value)).toEqual(['0xC4: 68 × 1 = 68', '0x01: 1 × 128 = 128']);
    expect(r.ref).toBe('MQTT 3.1.1 §2.2.3');
  });

  it('tailors RETAIN to the direction', () => {
    const p = fixturePacket(fixtures['aedes-session'], 'bob-subscribe:bob:in:PUBLISH');
    const retain = (d?: 'in' | 'out') => annotatePacket(p.bytes, d ? { direction: d } : {}).ranges[0]!.bits!.find((b) => b.name === 'RETAIN')!.meaning;
    expect(retain('in')).toMatch(/stored it earlier/);
    expect(retain('out')).toMatch(/stores this message/);
    expect(retain()).toMatch(/From a client.*From the broker/);
  });

  it('cites MQTT 5.0 sections for a level 5 connection', () => {
    const a = annotate('mosquitto-session-v5', 'alice-connect:alice:out:CONNECT');
    expect(a.ranges.find((r) => r.field === 'connect.will-topic')!.ref).toBe('MQTT 5.0 §3.1.3.3');
    expect(a.ranges[0]!.ref).toBe('MQTT 5.0 §2.1.1');
    expect(annotate('aedes-session', 'alice-connect:alice:out:CONNECT').ranges.find((r) => r.field === 'connect.will-topic')!.ref).toBe('MQTT 3.1.1 §3.1.3.2');
  });
});

describe('summarizePacket', () => {
  const cases: [FixtureName, string, string][] = [
    ['aedes-session', 'alice-connect:alice:out:CONNECT', `CONNECT lab-q7m2xk-alice, clean, keep-alive 30 s, will QoS 1 retain on ${ROOT}/alice/status`],
    ['aedes-session', 'alice-connect:alice:in:CONNACK', 'CONNACK accepted'],
    ['aedes-session', 'alice-status:alice:out:PUBLISH', `PUBLISH QoS 1 retain ${ROOT}/alice/status (115 B payload)`],
    ['aedes-session', 'alice-status:alice:in:PUBLISH', `PUBLISH QoS 1 ${ROOT}/alice/status (115 B payload)`],
    ['aedes-session', 'alice-status:alice:in:PUBACK', 'PUBACK id 49162'],
    ['aedes-session', 'alice-subscribe:alice:out:SUBSCRIBE', `SUBSCRIBE id 49161: ${ROOT}/+/status QoS 1, ${ROOT}/alice/signal QoS 1`],
    ['aedes-session', 'alice-subscribe:alice:in:SUBACK', 'SUBACK id 49161: QoS 1, QoS 1'],
    ['aedes-session', 'alice-forbidden-subscribe:alice:in:SUBACK', 'SUBACK id 49164: failure'],
    ['aedes-session', 'alice-offer-qos2:alice:out:PUBREL', 'PUBREL id 49163'],
    ['aedes-session', 'alice-unsubscribe:alice:out:UNSUBSCRIBE', `UNSUBSCRIBE id 49165: ${ROOT}/alice/signal`],
    ['aedes-session', 'alice-ping:alice:out:PINGREQ', 'PINGREQ (keep-alive)'],
    ['aedes-session', 'alice-disconnect:alice:out:DISCONNECT', 'DISCONNECT (will discarded)'],
    ['aedes-session', 'dave-refused:dave:out:CONNECT', 'CONNECT lab-q7m2xk-dave, clean, keep-alive 30 s, will QoS 1 retain on webrtc-lab/fx7k2m9q/dave/status, user reader'],
    ['aedes-session', 'dave-refused:dave:in:CONNACK', 'CONNACK refused: bad user name or password (4)'],
    ['mosquitto-session-v5', 'alice-disconnect:alice:out:DISCONNECT', 'DISCONNECT (will discarded)'],
    ['mosquitto-session-v5', 'bob-subscribe:bob:in:SUBACK', 'SUBACK id 1764: QoS 1, QoS 2'],
  ];
  it.each(cases)('%s %s', (fixture, id, expected) => {
    const f = fixtures[fixture];
    expect(summarizePacket(fixturePacket(f, id).bytes, { protocolVersion: f.protocolVersion })).toBe(expected);
  });

  it('says a packet cut to its head by the lab was cut, not malformed', () => {
    const whole = fixturePacket(fixtures['aedes-session'], 'alice-status:alice:out:PUBLISH').bytes;
    const head = whole.slice(0, 20);
    expect(summarizePacket(head, { size: whole.length })).toBe(`PUBLISH (${whole.length} B; the lab kept only its first 20 B)`);
    expect(summarizePacket(head)).toMatch(/^PUBLISH \(malformed: /);
    expect(summarizePacket(whole, { size: whole.length })).toBe(`PUBLISH QoS 1 retain ${ROOT}/alice/status (115 B payload)`);
  });
});

describe('malformed input: reported as an annotation, never thrown', () => {
  // [what, hex, a problem matching]
  const cases: [string, string, RegExp][] = [
    ['no bytes', '', /No bytes/],
    ['only the type byte', '30', /ends after its first byte/],
    ['remaining length cut short', '3080', /inside its remaining length/],
    ['a 5th remaining length byte', '30ffffffff7f', /at most 4/],
    ['reserved type 0', '0000', /Type 0 is reserved/],
    ['reserved type 15 in 3.1.1', 'f000', /Type 15 is reserved/],
    ['QoS 3', '3605000161000102', /QoS 3/],
    ['DUP at QoS 0', '38030001 61', /DUP must be 0/],
    ['PUBACK with wrong flags', '41020001', /flags must be 0000/],
    ['PUBREL without its 0010 flags', '60020001', /flags must be 0010/],
    ['packet id 0', '40020000', /identifier 0/],
    ['PUBACK with an extra byte', '4003000107', /left over/],
    ['PUBACK cut short', '400200', /capture ends/],
    ['PUBLISH topic longer than the packet', '3005000a612f62', /capture ends|remaining length/],
    ['PUBLISH payload cut short', '300a0003612f62414243', /promises/],
    ['PUBLISH topic with a wildcard', '3006000361 2f23 58', /wildcards/],
    ['SUBSCRIBE without a filter', '82020001', /at least one topic filter/],
    ['SUBSCRIBE with a bad filter', '82090001000461 2f 23 62 01', /"#" must be a whole level/],
    ['SUBSCRIBE with reserved option bits', '8208000100036 12f2b 05', /Reserved bits 7–2/],
    ['SUBACK with an unknown code', '9003000103', /0x00, 0x01, 0x02 and 0x80/],
    ['CONNACK with a reserved code', '20020006', /reserved/],
    ['CONNACK with flag bits set', '20020200', /Bits 7–1/],
    ['CONNECT, not MQTT', '100c00044d51545804020000000000', /Not "MQTT"/],
    ['CONNECT with the reserved flag', '100d00044d5154540403003c000161', /reserved bit must be 0/],
    ['CONNECT with will QoS but no will', '100d00044d5154540408003c000161', /Must be 0 when the will flag is 0/],
    ['CONNECT password without user name', '101000044d5154540442003c00016100016b', /needs a user name/],
    ['CONNECT with an unknown level', '100a00044d5154540902003c', /Unknown protocol level/],
    ['CONNECT client id not UTF-8', '100d00044d5154540402003c0001ff', /UTF-8/],
    ['two packets in one buffer', 'c000c000', /after the end of this packet/],
    ['a PINGREQ with a body', 'c00100', /left over/],
    ['MQTT 5 property that does not exist', '20050000027f00', /not a property identifier/],
  ];

  it.each(cases)('%s', (_, hex, problem) => {
    const bytes = hexToBytes(hex);
    const level = /MQTT 5/.test(_) ? 5 : 4;
    const a = annotatePacket(bytes, { protocolVersion: level });
    expectEveryByteOnce(a, bytes.length);
    expect(a.problems.join('\n')).toMatch(problem);
    expect(typeof summarizePacket(bytes)).toBe('string');
  });

  it('keeps a zero-length payload and explains a retained delete', () => {
    const bytes = new Uint8Array(generate({ cmd: 'publish', topic: 'a/b', payload: '', qos: 1, messageId: 9, retain: true, dup: false }));
    const a = annotatePacket(bytes);
    expectEveryByteOnce(a, bytes.length);
    expect(a.problems).toEqual([]);
    const payload = a.ranges.at(-1)!;
    expect([payload.field, payload.start, payload.end, payload.value]).toEqual(['publish.payload', bytes.length, bytes.length, '(empty)']);
    expect(payload.meaning).toMatch(/deletes the retained message/);
  });

  it('shows binary payloads as bytes and escapes control characters in topics', () => {
    const bytes = new Uint8Array(generate({ cmd: 'publish', topic: 'a\u202eb', payload: Buffer.from([0xff, 0x00, 0x01]), qos: 0, retain: false, dup: false }));
    const a = annotatePacket(bytes);
    expect(lookup(a, 'publish.topic')).toBe('a\\u{202E}b');
    expect(lookup(a, 'publish.payload')).toBe('3 bytes of binary data');
    expect(a.ranges.at(-1)!.text).toBeUndefined();
    expect(a.summary).toBe('PUBLISH QoS 0 a\\u{202E}b (3 B payload)');
  });

  it('stops at a problem and leaves the rest "Not decoded"', () => {
    const a = annotatePacket(hexToBytes('100a00044d5154540902003c'));
    expect(a.ranges.map((r) => r.field)).toEqual(['header.byte', 'header.remaining-length', 'connect.protocol-name-length', 'connect.protocol-name', 'connect.level', 'body.undecoded']);
  });
});

describe('fast-check: never throws, always covers every byte once', () => {
  const check = (bytes: Uint8Array, level: 3 | 4 | 5 = 4): void => {
    const a = annotatePacket(bytes, { protocolVersion: level });
    let at = 0;
    for (const r of a.ranges) {
      if (r.start !== at || r.end < r.start) throw new Error(`bad range ${r.name} [${r.start}, ${r.end}) at ${at} in ${bytesToHex(bytes, '')}`);
      at = r.end;
    }
    if (at !== bytes.length) throw new Error(`ranges end at ${at}, not ${bytes.length}, in ${bytesToHex(bytes, '')}`);
    if (typeof a.summary !== 'string' || typeof summarizePacket(bytes, { protocolVersion: level }) !== 'string') throw new Error('no summary');
  };
  const level = fc.constantFrom<3 | 4 | 5>(4, 5);

  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), level, (b, l) => check(b, l)), { numRuns: 4000 });
  });

  it('a valid fixed header over a random body', () => {
    const arb = fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 200 }), fc.integer({ min: -3, max: 3 }))
      .map(([b0, body, skew]) => {
        const len = Math.max(0, body.length + skew);
        const rl = len < 128 ? [len] : [(len & 0x7f) | 0x80, len >> 7];
        return Uint8Array.from([b0, ...rl, ...body]);
      });
    fc.assert(fc.property(arb, level, (b, l) => check(b, l)), { numRuns: 4000 });
  });

  it('mutated fixtures', () => {
    const packets = allPackets.map((p) => p.bytes);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    );
    const arb = fc.tuple(fc.constantFrom(...packets), fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([orig, muts]) => {
      let b = Array.from(orig);
      for (const m of muts) {
        const at = b.length ? m.at % b.length : 0;
        if (m.kind === 'flip') b[at] = m.value;
        else if (m.kind === 'cut') b = b.slice(0, at);
        else if (m.kind === 'insert') b.splice(at, 0, m.value);
        else b.splice(at, 1);
      }
      return Uint8Array.from(b);
    });
    fc.assert(fc.property(arb, level, (b, l) => check(b, l)), { numRuns: 6000 });
  });
});
