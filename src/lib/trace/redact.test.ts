import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { eventBodyArb } from './arbitraries';
import { exportTrace, parseTraceJson } from './export';
import { redactText, redactTrace } from './redact';
import { itReturnsNamed } from '../testing/table';
import { Trace } from './trace';
import type { TraceEvent, TraceEventBody } from './types';

const ALL = { ips: true, iceCredentials: true };
const fixture = (name: string) => readFileSync(new URL(`../../../tests/fixtures/sdp/${name}`, import.meta.url), 'utf8');

function traceOf(bodies: TraceEventBody[]): TraceEvent[] {
  let t = 0;
  const trace = new Trace(() => (t += 5));
  for (const b of bodies) trace.append(b);
  return [...trace.events];
}

function publishHex(topic: string, payload: string, qos: 0 | 1 | 2 = 1): string {
  const buf = mqttPacket.generate({ cmd: 'publish', topic, payload, qos, messageId: qos ? 7 : undefined, retain: false, dup: false });
  return Buffer.from(buf).toString('hex');
}

describe('redactText', () => {
  itReturnsNamed((input: string) => redactText(input, ALL), [
    ['private IPv4 in a candidate', 'a=candidate:0 1 UDP 2122187007 192.168.99.58 45274 typ host', 'a=candidate:0 1 UDP 2122187007 192.0.2.1 45274 typ host'],
    ['raddr is redacted too, 0.0.0.0 kept', 'typ srflx raddr 10.0.0.7 rport 0 x 0.0.0.0', 'typ srflx raddr 192.0.2.1 rport 0 x 0.0.0.0'],
    ['loopback and documentation addresses kept', '127.0.0.1 192.0.2.9 ::1 2001:db8::5', '127.0.0.1 192.0.2.9 ::1 2001:db8::5'],
    ['the same address gets the same stand-in', '8.8.8.8 1.1.1.1 8.8.8.8', '192.0.2.1 192.0.2.2 192.0.2.1'],
    ['full IPv6', 'c=IN IP6 2a02:a03f:3eb0:e000:b0aa:d60a:cff2:933c', 'c=IN IP6 2001:db8::1'],
    ['compressed IPv6', 'udp 2122265343 fd00::2 33282 typ host', 'udp 2122265343 2001:db8::1 33282 typ host'],
    ['not an address: version, time, over 255', 'v1.2.3.4.5 03:04:05 300.1.1.1', 'v1.2.3.4.5 03:04:05 300.1.1.1'],
    ['a DTLS fingerprint is not IPv6', 'a=fingerprint:sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89', 'a=fingerprint:sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89'],
    ['mDNS names kept', '1461660818 1 udp 2113942271 88ad5f9e-0897-4696-91a5-5593bb3b9c97.local 39613 typ host', '1461660818 1 udp 2113942271 88ad5f9e-0897-4696-91a5-5593bb3b9c97.local 39613 typ host'],
    ['ice-ufrag and ice-pwd', 'a=ice-ufrag:Ab+/\r\na=ice-pwd:abcdefghijklmnopqrstuvwx', 'a=ice-ufrag:rdx1\r\na=ice-pwd:redactedpassword000001'],
    ['ufrag extension matches the SDP ufrag', 'a=ice-ufrag:Ab+/ x generation 0 ufrag Ab+/ network-id 1', 'a=ice-ufrag:rdx1 x generation 0 ufrag rdx1 network-id 1'],
    ['usernameFragment in JSON, and JSON inside JSON', '{"usernameFragment":"Ab+/"} "{\\"usernameFragment\\":\\"Ab+/\\"}"', '{"usernameFragment":"rdx1"} "{\\"usernameFragment\\":\\"rdx1\\"}"'],
  ]);

  it('IPs only', () => {
    expect(redactText('a=ice-ufrag:Ab+/ 10.1.1.1', { ips: true, iceCredentials: false })).toBe('a=ice-ufrag:Ab+/ 192.0.2.1');
  });

  it('is idempotent on real SDP', () => {
    for (const name of ['chromium-av-offer.sdp', 'firefox58-audio-offer.sdp', 'chromium-datachannel-offer.sdp', 'safari-av-offer.sdp']) {
      const once = redactText(fixture(name), ALL);
      expect(redactText(once, ALL)).toBe(once);
    }
  });
});

describe('redactTrace', () => {
  const sdp = fixture('firefox58-audio-offer.sdp');
  const candidate = 'candidate:0 1 UDP 2122187007 192.168.99.58 45274 typ host';
  const offerPayload = JSON.stringify({ v: 1, kind: 'offer', from: 'alice', to: 'bob', session: 's', mid: 'm1', ts: 1, sdp });
  const candPayload = JSON.stringify({ v: 1, kind: 'candidate', from: 'alice', to: 'bob', session: 's', mid: 'm2', ts: 2, candidate, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'a1b2c3d4' });
  const topic = 'webrtc-lab/x/bob/signal';
  const events = traceOf([
    { type: 'session', session: 's', root: 'webrtc-lab/x', broker: 'ws://10.0.0.2:9001', peers: ['alice', 'bob'] },
    { type: 'published', peer: 'alice', mid: 'm1', kind: 'offer', topic, payload: offerPayload, bytes: offerPayload.length, qos: 1, retain: false, packetHex: publishHex(topic, offerPayload) },
    { type: 'candidate-gathered', peer: 'alice', candidate },
    { type: 'held', qid: 'q1', to: 'bob', from: 'alice', kind: 'candidate', topic, payload: candPayload, bytes: candPayload.length, qos: 1, retain: false, will: false, mid: 'm2', packetHex: publishHex(topic, candPayload) },
    { type: 'api', peer: 'bob', call: 'onicecandidateerror', ok: false, detail: '701 unreachable (stun:203.0.114.7:3478)' },
  ]);
  const secrets = ['192.168.99.58', '10.0.0.2', '203.0.114.7', '2a02:a03f', 'a1b2c3d4'];
  const sdpSecrets = [...sdp.matchAll(/a=ice-(?:ufrag|pwd):(\S+)/g)].map((m) => m[1]!);

  it('removes every IP and ICE credential, including from the packet bytes', () => {
    const { events: out, replaced } = redactTrace(events, ALL);
    const text = JSON.stringify(out);
    const packets = out.flatMap((e) => ('packetHex' in e && e.packetHex ? [Buffer.from(e.packetHex, 'hex').toString('utf8')] : []));
    expect(packets).toHaveLength(2);
    for (const secret of [...secrets, ...sdpSecrets]) {
      expect(text).not.toContain(secret);
      for (const p of packets) expect(p).not.toContain(secret);
    }
    expect(replaced.ips).toBeGreaterThanOrEqual(4);
    expect(replaced.credentials).toBeGreaterThanOrEqual(3);
  });

  it('keeps the packets valid MQTT whose payload is the redacted payload, and fixes the byte counts', () => {
    const { events: out } = redactTrace(events, ALL);
    for (const e of out) {
      if (e.type !== 'published' && e.type !== 'held') continue;
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      const seen: mqttPacket.Packet[] = [];
      parser.on('packet', (p) => seen.push(p));
      parser.parse(Buffer.from(e.packetHex!, 'hex'));
      const p = seen[0] as mqttPacket.IPublishPacket;
      expect(p.cmd).toBe('publish');
      expect(p.messageId).toBe(7);
      expect(p.topic).toBe(e.topic);
      expect(String(p.payload)).toBe(e.payload);
      expect(e.bytes).toBe(Buffer.byteLength(e.payload));
    }
  });

  it('redacted traces still pass the importer, and do not change the input', () => {
    const before = JSON.stringify(events);
    const { events: out } = redactTrace(events, ALL);
    expect(JSON.stringify(events)).toBe(before);
    const parsed = parseTraceJson(exportTrace(out));
    expect(parsed.ok).toBe(true);
  });

  it('redacts a message in another dialect: its original and reading too, and counts the original\'s bytes', () => {
    const original = JSON.stringify(['0', 0, candidate]);
    const godotTopic = 'crumble77/dog111/ice';
    const held = traceOf([
      { type: 'held', qid: 'q1', to: 'dog111', from: 'cat222', kind: 'candidate', topic: godotTopic, payload: candPayload, bytes: original.length, qos: 0, retain: false, will: false, mid: 'g1', packetHex: publishHex(godotTopic, original), wire: { dialect: 'godot-demo', payload: original, reading: `from ${candidate}` } },
    ]);
    const { events: out } = redactTrace(held, ALL);
    const e = out[0] as Extract<(typeof out)[number], { type: 'held' }>;
    expect(JSON.stringify(e)).not.toContain('192.168.99.58');
    expect(e.wire?.payload).toMatch(/^\["0",0,"candidate:0 1 UDP 2122187007 192\.0\.2\.\d+ 45274 typ host"\]$/);
    expect(e.bytes).toBe(Buffer.byteLength(e.wire!.payload));
    expect(String(Buffer.from(e.packetHex!, 'hex'))).toContain(e.wire!.payload);
    expect(parseTraceJson(exportTrace(out)).ok).toBe(true);
  });

  it('with nothing selected, changes nothing', () => {
    expect(redactTrace(events, { ips: false, iceCredentials: false }).events).toEqual(events);
  });

  it('property: any valid trace stays importable and the same length after redaction', () => {
    fc.assert(
      fc.property(fc.array(eventBodyArb(), { maxLength: 20 }), (bodies) => {
        const out = redactTrace(traceOf(bodies), ALL).events;
        expect(out).toHaveLength(bodies.length);
        expect(parseTraceJson(exportTrace(out)).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
