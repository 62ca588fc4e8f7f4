import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NOT_RECOGNISED, annotateSdp, problemsOf, type AnnotatedLine } from './annotate';
import { parseSdp } from './parse';

export const FIXTURES = new URL('../../../tests/fixtures/sdp/', import.meta.url);
export const fixtureNames = () => readdirSync(FIXTURES).filter((f) => f.endsWith('.sdp')).sort();
export const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');

const HEAD = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0'];

/** Annotates `line` as the last line of a video section that also holds `context` lines. */
function annotateIn(line: string, context: string[] = []): AnnotatedLine {
  const lines = line.startsWith('o=')
    ? [HEAD[0], line, ...HEAD.slice(2)]
    : line.startsWith('m=')
      ? [...HEAD, line]
      : [...HEAD, 'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 63 111 101', 'c=IN IP4 0.0.0.0', ...context, line];
  const all = annotateSdp(parseSdp(lines.join('\r\n')));
  return all.find((l) => l.raw === line)!;
}

const CONTEXT = [
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:97 rtx/90000',
  'a=rtpmap:102 H264/90000',
  'a=rtpmap:111 opus/48000/2',
  'a=rtpmap:63 red/48000/2',
  'a=rtpmap:101 telephone-event/8000',
];

describe('annotateSdp: golden lines', () => {
  it.each<[line: string, meaning: RegExp, ref: string]>([
    ['a=setup:actpass', /either the DTLS client or the DTLS server \(actpass\).*the answer must pick active .* or passive/, 'RFC 8842 §5.2'],
    ['a=setup:active', /DTLS client \(active\): it sends the ClientHello/, 'RFC 8842 §5.3'],
    ['a=setup:passive', /DTLS server \(passive\)/, 'RFC 8842 §5.3'],
    ['a=rtpmap:111 opus/48000/2', /^Payload type 111 is Opus at 48 kHz stereo: /, 'RFC 8866 §6.6'],
    ['a=rtpmap:96 VP8/90000', /^Payload type 96 is VP8 \(90 kHz RTP clock, as for all video\)/, 'RFC 8866 §6.6'],
    ['a=rtpmap:0 PCMU/8000', /^Payload type 0 is PCMU \(G\.711 µ-law\) at 8 kHz: classic 64 kbit\/s telephone audio\.$/, 'RFC 8866 §6.6'],
    ['a=fmtp:97 apt=96', /^Payload type 97 \(RTX\) resends lost packets of payload type 96 \(VP8\)/, 'RFC 8866 §6.15'],
    ['a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f', /H\.264 Constrained Baseline profile, level 3\.1; packets may split or combine NAL units/, 'RFC 8866 §6.15'],
    ['a=fmtp:101 0-15', /the events it can send, 0-15 \(0–15 are the keys 0–9, \*, #, A–D/, 'RFC 8866 §6.15'],
    ['a=fmtp:63 111/111', /Payload type 63 \(RED\) carries payload type 111 \(Opus\) plus 1 redundant copy/, 'RFC 8866 §6.15'],
    ['a=rtcp-fb:96 nack pli', /^For payload type 96 \(VP8\): Picture Loss Indication/, 'RFC 4585 §4.2'],
    ['a=rtcp-fb:* transport-cc', /^For every payload type: transport-wide congestion control/, 'RFC 4585 §4.2'],
    ['a=group:BUNDLE 0 1 2', /^BUNDLE: the media sections with mid 0, 1, 2 share one transport.*Mid 0 is the tagged section/, 'RFC 8843 §5'],
    ['a=ice-options:trickle', /^Trickle ICE: .*Both sides must say so/, 'RFC 8839 §5.6'],
    ['a=ice-ufrag:LsCX', /STUN username "LsCX:<other peer's ufrag>"/, 'RFC 8839 §5.4'],
    ['a=fingerprint:sha-256 7C:29:6B:45:8E:DD:62:13:6E:6F:C6:2D:31:CF:57:ED:53:AE:87:A2:AC:74:9D:E2:86:01:E7:BE:85:3A:C0:4D', /SHA-256 fingerprint/, 'RFC 8122 §5'],
    ['a=mid:0', /called "0"/, 'RFC 5888 §4'],
    ['a=sctp-port:5000', /SCTP port 5000 inside DTLS/, 'RFC 8841 §5'],
    ['a=max-message-size:262144', /up to 262,144 bytes \(256 KiB\)/, 'RFC 8841 §6'],
    ['a=max-message-size:1073741823', /\(1\.0 GiB\)/, 'RFC 8841 §6'],
    ['a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid', /^Header extension 4 is "MID"/, 'RFC 8285 §5'],
    ['a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level', /^Header extension 2 is "mixer audio levels" \(this side: recvonly\): a mixer/, 'RFC 8285 §5'],
    ['a=ssrc-group:FID 3740713247 2121731754', /^Stream 2121731754 carries retransmissions \(RTX\) for stream 3740713247/, 'RFC 5576 §4.2'],
    ['a=ssrc:4122431129 cname:rqLo5rQ3+T1McgmP', /^RTP stream 4122431129: cname rqLo5rQ3\+T1McgmP — canonical name/, 'RFC 5576 §4.1'],
    ['a=simulcast:send q;h;f', /^This side will send 3 simulcast streams: q, h, f\. The answer must say recv/, 'RFC 8853 §5.1'],
    ['a=rid:q send', /^RTP stream "q" is one this side will send/, 'RFC 8851 §4'],
    ['a=extmap-allow-mixed', /one-byte and two-byte header extensions/, 'RFC 8285 §6'],
    ['a=msid-semantic: WMS', /no stream ids/, 'draft-ietf-mmusic-msid (early drafts; not in RFC 8830)'],
    ['a=end-of-candidates', /No more candidates/, 'RFC 8840 §8.1'],
    ['a=rtcp-mux', /share one port/, 'RFC 5761 §5.1.1; RFC 8035'],
    ['a=rtcp-rsize', /single report/, 'RFC 5506 §5'],
    ['a=recvonly', /only receive/, 'RFC 8866 §6.7.1'],
    ['a=candidate:2799140644 1 udp 2113937151 c27f22f7-3c33-4439-a25a-768569f38311.local 51310 typ host generation 0 network-cost 999', /^A host candidate: UDP c27f22f7-.*\.local \(an mDNS name that hides the real IP\) port 51310/, 'RFC 8839 §5.1'],
    ['a=candidate:842163049 1 udp 1677729535 82.64.133.208 61015 typ srflx raddr 192.168.0.87 rport 61015 generation 0 network-cost 999', /^A server reflexive candidate: UDP 82\.64\.133\.208 port 61015, the public side of 192\.168\.0\.87:61015/, 'RFC 8839 §5.1'],
    ['a=candidate:3 1 TCP 2105524479 2a02:a03f:3eb0:e000:b0aa:d60a:cff2:933c 9 typ host tcptype active', /TCP 2a02:.* port 9, component 1, .* TCP active\.$/, 'RFC 8839 §5.1'],
    ['o=mozilla...THIS_IS_SDPARTA-99.0 4408209549129620304 0 IN IP4 0.0.0.0', /^Written by Firefox 99\.0\. Session id 4408209549129620304, version 0/, 'RFC 8866 §5.2'],
    ['m=application 9 UDP/DTLS/SCTP webrtc-datachannel', /^A data channel section: it carries data channels over SCTP\. Port 9 is a placeholder/, 'RFC 8866 §5.14'],
    ['m=audio 0 UDP/TLS/RTP/SAVPF 111', /^An audio section, rejected or stopped \(port 0/, 'RFC 8866 §5.14'],
    ['c=IN IP4 0.0.0.0', /placeholder/, 'RFC 8866 §5.7'],
  ])('%s', (line, meaning, ref) => {
    const a = annotateIn(line, CONTEXT);
    expect(a.recognised).toBe(true);
    expect(a.errors).toEqual([]);
    expect(a.meaning).toMatch(meaning);
    expect(a.ref).toBe(ref);
  });

  it.each<[line: string, fields: Array<[string, string, RegExp?]>]>([
    ['a=rtpmap:111 opus/48000/2', [['payload type', '111'], ['encoding name', 'opus', /Opus/], ['clock rate', '48000', /48 kHz/], ['channels', '2', /stereo/]]],
    ['a=fmtp:111 minptime=10;useinbandfec=1', [['payload type', '111'], ['minptime', '10', /shortest audio frame/], ['useinbandfec', '1', /in-band FEC/]]],
    ['a=rtcp-fb:96 ccm fir', [['payload type', '96'], ['type', 'ccm'], ['parameter', 'fir']]],
    ['a=fingerprint:sha-256 AB:CD', [['hash-func', 'sha-256', /SHA-256/], ['fingerprint', 'AB:CD', /2 bytes/]]],
    ['a=group:BUNDLE 0 1', [['semantics', 'BUNDLE', /share one transport/], ['mids', '0 1']]],
    ['a=msid:- {73b368b6-4a66-409b-87ea-0ed7919bce82}', [['stream id', '-', /in no stream/], ['track id', '{73b368b6-4a66-409b-87ea-0ed7919bce82}']]],
    ['a=ssrc-group:FID 1 2', [['semantics', 'FID', /retransmissions/], ['ssrcs', '1 2']]],
    ['a=extmap:3 urn:ietf:params:rtp-hdrext:encrypt urn:ietf:params:rtp-hdrext:smpte-tc 25@600/24', [['id', '3'], ['uri', 'urn:ietf:params:rtp-hdrext:encrypt'], ['extensionattributes', 'urn:ietf:params:rtp-hdrext:smpte-tc 25@600/24']]],
    ['a=rid:f send max-width=1280;max-height=720', [['rid-id', 'f'], ['direction', 'send'], ['max-width', '1280', /width/], ['max-height', '720', /height/]]],
    ['a=sctp-port:5000', [['port', '5000']]],
    ['a=ice-options:trickle renomination', [['option', 'trickle', /trickle ICE/], ['option', 'renomination', /nominate/]]],
    ['o=- 4611731400430051336 2 IN IP4 127.0.0.1', [['username', '-'], ['sess-id', '4611731400430051336'], ['sess-version', '2'], ['nettype', 'IN'], ['addrtype', 'IP4'], ['unicast-address', '127.0.0.1', /placeholder/]]],
    ['m=audio 9 UDP/TLS/RTP/SAVPF 111 0', [['media', 'audio'], ['port', '9', /placeholder/], ['proto', 'UDP/TLS/RTP/SAVPF', /DTLS/], ['fmt', '111 0', /most preferred first/]]],
    ['c=IN IP6 ::1', [['nettype', 'IN'], ['addrtype', 'IP6'], ['connection-address', '::1']]],
    [
      'a=candidate:1 1 udp 1677729535 198.51.100.7 3478 typ srflx raddr 10.0.0.7 rport 50000 generation 0 ufrag abcd network-id 1 network-cost 10',
      [
        ['foundation', '1'],
        ['component', '1', /RTP/],
        ['transport', 'udp'],
        ['priority', '1677729535', /type preference 100, local preference 30, component 1/],
        ['address', '198.51.100.7', /documentation range/],
        ['port', '3478'],
        ['type', 'srflx', /server reflexive/],
        ['raddr', '10.0.0.7', /related address/],
        ['rport', '50000'],
        ['generation', '0'],
        ['ufrag', 'abcd', /ICE restart/],
        ['network-id', '1'],
        ['network-cost', '10', /lower is preferred/],
      ],
    ],
  ])('fields of %s', (line, fields) => {
    const a = annotateIn(line, CONTEXT);
    expect(a.fields?.map((f) => [f.name, f.value])).toEqual(fields.map(([n, v]) => [n, v]));
    fields.forEach(([, , meaning], i) => {
      if (meaning) expect(a.fields?.[i].meaning).toMatch(meaning);
    });
  });

  it.each([
    ['a=foo-bar:1', 'a=foo-bar'],
    ['a=x-unknown', 'a=x-unknown'],
  ])('keeps an unknown attribute (%s) as not recognised', (line, key) => {
    const a = annotateIn(line);
    expect(a).toMatchObject({ recognised: false, meaning: NOT_RECOGNISED, title: 'Not recognised', ref: '', key, raw: line });
  });

  it('keeps malformed lines, flagged and not recognised', () => {
    const lines = annotateSdp(parseSdp(['v=0', 'garbage', 'x=1', '', 'o=- 1 2 IN IP4 127.0.0.1'].join('\n')));
    expect(lines.map((l) => [l.n, l.recognised])).toEqual([
      [1, true],
      [2, false],
      [3, false],
      [4, false],
      [5, true],
    ]);
    expect(lines[1].errors).toEqual(['line 2: expected <type>=<value>']);
  });

  it.each<[string, string]>([
    ['a=rtpmap:abc', 'line 7: a=rtpmap value does not have the expected form: expected "<payload type> <encoding name>/<clock rate>[/<channels>]" (RFC 8866 §6.6)'],
    ['a=candidate:1 1 udp 5 1.2.3.4', 'line 7: a=candidate value does not have the expected form: expected "<foundation> <component> <transport> <priority> <address> <port> typ <type> [raddr <a> rport <p>] …" (RFC 8839 §5.1)'],
    ['a=fingerprint:sha-256 -', 'line 7: a=fingerprint value does not have the expected form: expected "<hash-func> <XX:XX:…:XX>" (RFC 8122 §5)'],
    ['a=ice-pwd:short', 'line 7: a=ice-pwd value does not have the expected form: expected "22 to 256 characters of A–Z a–z 0–9 + /" (RFC 8839 §5.4)'],
  ])('flags a malformed value: %s', (line, message) => {
    const a = annotateIn(line);
    expect(a.recognised).toBe(true);
    expect(a.errors).toEqual([message]);
  });

  it('lists problems from parsing and annotating, in line order, then whole-description ones', () => {
    const p = parseSdp(['v=1', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 'a=rtpmap:x'].join('\n'));
    expect(problemsOf(p, annotateSdp(p))).toEqual([
      { line: 1, message: 'line 1: v= must be 0 (the only SDP version, RFC 8866 §5.1)' },
      { line: 4, message: 'line 4: a=rtpmap value does not have the expected form: expected "<payload type> <encoding name>/<clock rate>[/<channels>]" (RFC 8866 §6.6)' },
      { message: 'missing the required t= line (RFC 8866 §5.9)' },
    ]);
  });
});

describe('fixtures: every line of every real SDP is recognised', () => {
  const names = fixtureNames();

  it('has Chromium, Firefox and Safari fixtures, each listed in the README', () => {
    const readme = readFileSync(new URL('README.md', FIXTURES), 'utf8');
    for (const browser of ['chromium', 'firefox', 'safari']) expect(names.some((n) => n.startsWith(browser))).toBe(true);
    for (const n of names) expect(readme, n).toContain(n);
  });

  it.each(names)('%s', (name) => {
    const parsed = parseSdp(fixture(name));
    const lines = annotateSdp(parsed);
    const unrecognised = lines.filter((l) => !l.recognised).map((l) => `${l.n}: ${l.raw}`);
    expect(unrecognised).toEqual([]);
    const problems = problemsOf(parsed, lines).map((p) => p.message);
    if (name.startsWith('safari')) {
      // The source redacted the ICE credentials and one fingerprint to "-"; everything else is clean.
      for (const p of problems) expect(p).toMatch(/a=(ice-ufrag|ice-pwd|fingerprint) value does not have the expected form/);
    } else {
      expect(problems).toEqual([]);
    }
  });
});
