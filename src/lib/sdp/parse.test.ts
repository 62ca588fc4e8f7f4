import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attr, linesOf, parseSdp, sdpLines, sectionTitle } from './parse';

const crlf = (...lines: string[]) => lines.join('\r\n') + '\r\n';

const MINIMAL = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0'];
const DATA = [
  ...MINIMAL,
  'a=group:BUNDLE 0',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=sctp-port:5000',
  'a=msid-semantic: WMS',
];

describe('parseSdp: lines', () => {
  it('numbers lines from 1 and splits type, name and value', () => {
    const p = parseSdp(crlf(...DATA));
    expect(p.errors).toEqual([]);
    expect(p.lines).toHaveLength(DATA.length);
    expect(p.lines[0]).toMatchObject({ n: 1, raw: 'v=0', type: 'v', name: '', value: '0', section: 'session', errors: [] });
    expect(p.lines[4]).toMatchObject({ n: 5, type: 'a', name: 'group', value: 'BUNDLE 0', section: 'session' });
    expect(p.lines[5]).toMatchObject({ n: 6, type: 'm', value: 'application 9 UDP/DTLS/SCTP webrtc-datachannel', section: 0, mid: '0' });
    // value keeps what follows the first colon, including a leading space (Chrome writes "msid-semantic: WMS")
    expect(p.lines[9]).toMatchObject({ name: 'msid-semantic', value: ' WMS', section: 0, mid: '0' });
  });

  it.each([
    ['CRLF', crlf(...DATA)],
    ['LF', DATA.join('\n') + '\n'],
    ['no final line ending', DATA.join('\r\n')],
    ['lone CR', DATA.join('\r')],
  ])('gives the same lines with %s', (_name, text) => {
    const p = parseSdp(text);
    expect(p.lines.map((l) => l.raw)).toEqual(DATA);
    expect(p.errors).toEqual([]);
  });

  it('describes sections: session, then each m= with kind, port, proto, fmts and mid', () => {
    const p = parseSdp(
      crlf(...MINIMAL, 'm=audio 9 UDP/TLS/RTP/SAVPF 111 0', 'c=IN IP4 0.0.0.0', 'a=mid:a', 'm=video 0 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0'),
    );
    expect(p.sections).toEqual([
      { index: 'session', first: 1, last: 4, fmts: [] },
      { index: 0, first: 5, last: 7, kind: 'audio', port: 9, proto: 'UDP/TLS/RTP/SAVPF', fmts: ['111', '0'], mid: 'a' },
      { index: 1, first: 8, last: 9, kind: 'video', port: 0, proto: 'UDP/TLS/RTP/SAVPF', fmts: ['96'] },
    ]);
    expect(p.sections.map(sectionTitle)).toEqual(['Session', 'm=audio (mid a)', 'm=video']);
    expect(linesOf(p, 1).map((l) => l.n)).toEqual([8, 9]);
    expect(attr(p, 0, 'mid')?.n).toBe(7);
    expect(attr(p, 1, 'mid')).toBeUndefined();
  });

  it('attaches sdp-transform structure', () => {
    const p = parseSdp(crlf(...MINIMAL, 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', 'a=rtpmap:111 opus/48000/2'));
    expect(p.structure?.media[0].rtp).toEqual([{ payload: 111, codec: 'opus', rate: 48000, encoding: 2 }]);
  });
});

describe('parseSdp: problems with line numbers', () => {
  it.each<[string, string[], string]>([
    ['a line without "="', [...MINIMAL.slice(0, 3), 'hello', 't=0 0'], 'line 4: expected <type>=<value>'],
    ['an upper-case type', [...MINIMAL, 'A=foo'], 'line 5: expected <type>=<value> with a lower-case type letter, found "A="'],
    ['leading whitespace', [...MINIMAL, '  a=rtcp-mux'], 'line 5: expected <type>=<value> at the start of the line, found leading whitespace'],
    ['an empty line', [...MINIMAL.slice(0, 2), '', ...MINIMAL.slice(2)], 'line 3: empty line (SDP has no blank lines, RFC 8866 §5)'],
    ['v=1', ['v=1', ...MINIMAL.slice(1)], 'line 1: v= must be 0 (the only SDP version, RFC 8866 §5.1)'],
    ['o= not after v=', ['v=0', 's=-', 'o=- 1 2 IN IP4 127.0.0.1', 't=0 0'], 'line 3: o= must follow v='],
    ['s= not after o=', ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 't=0 0', 's=-'], 'line 4: s= must follow o='],
    ['no v= first', ['o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0'], 'line 1: an SDP must start with v=0 (RFC 8866 §5.1)'],
    ['an unknown type letter', [...MINIMAL, 'x=1'], 'line 5: unknown line type "x=" (RFC 8866 §5 defines v o s i u e p c b t r z k a m)'],
    ['a short o= line', ['v=0', 'o=- 1 IN IP4', 's=-', 't=0 0'], 'line 2: o= needs 6 fields "<username> <sess-id> <sess-version> IN IP4|IP6 <address>", found 4 (RFC 8866 §5.2)'],
    ['an empty s=', ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=', 't=0 0'], 'line 3: s= must not be empty; use "s=-" (RFC 8866 §5.3)'],
    ['a bad t=', [...MINIMAL.slice(0, 3), 't=now'], 'line 4: t= must be two numbers "<start> <stop>", usually "0 0" (RFC 8866 §5.9)'],
    ['a bad c=', [...MINIMAL, 'c=IN IP5 x'], 'line 5: c= must be "IN IP4|IP6 <address>" (RFC 8866 §5.7)'],
    ['a bad m=', [...MINIMAL, 'm=audio'], 'line 5: m= must be "<media> <port> <proto> <fmt> …" (RFC 8866 §5.14)'],
    ['an attribute name that is not a token', [...MINIMAL, 'a=bad name:1'], 'line 5: attribute name "bad name" is not a token (RFC 8866 §5.13)'],
    ['a session-only line in a media section', [...MINIMAL, 'm=audio 9 RTP/AVP 0', 'c=IN IP4 0.0.0.0', 's=again'], 'line 7: s= belongs to the session section, before the first m= line (RFC 8866 §5)'],
    ['c= after a= in a media section', [...MINIMAL, 'm=audio 9 RTP/AVP 0', 'a=rtcp-mux', 'c=IN IP4 0.0.0.0'], 'line 7: c= is out of order (media lines go m i c b k a, RFC 8866 §5)'],
    ['t= after a= in the session', ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 'a=ice-lite', 't=0 0'], 'line 5: t= is out of order (session lines go v o s i u e p c b t r z k a, RFC 8866 §5)'],
    ['two o= lines', [...MINIMAL.slice(0, 2), 's=-', 'o=- 1 2 IN IP4 127.0.0.1', 't=0 0'], 'line 4: a second o= line (the first is line 2); only one is allowed'],
    ['two a=mid in one section', [...MINIMAL, 'm=audio 9 RTP/AVP 0', 'c=IN IP4 0.0.0.0', 'a=mid:0', 'a=mid:1'], 'line 8: a second a=mid in this media section (RFC 5888 §4)'],
  ])('reports %s', (_name, lines, message) => {
    const p = parseSdp(crlf(...lines));
    expect(p.errors).toContain(message);
    const n = Number(/^line (\d+):/.exec(message)?.[1]);
    expect(p.lines[n - 1].errors).toContain(message);
  });

  it.each<[string, string, string]>([
    ['v', 'o=- 1 2 IN IP4 127.0.0.1\ns=-\nt=0 0', 'missing the required v= line (RFC 8866 §5.1)'],
    ['o', 'v=0\ns=-\nt=0 0', 'missing the required o= line (RFC 8866 §5.2)'],
    ['s', 'v=0\no=- 1 2 IN IP4 127.0.0.1\nt=0 0', 'missing the required s= line (RFC 8866 §5.3)'],
    ['t', 'v=0\no=- 1 2 IN IP4 127.0.0.1\ns=-', 'missing the required t= line (RFC 8866 §5.9)'],
  ])('reports a missing %s= line without a line number', (_type, text, message) => {
    expect(parseSdp(text).errors).toContain(message);
  });

  it('reports a media section without c= when the session has none', () => {
    const p = parseSdp(crlf(...MINIMAL, 'm=audio 9 RTP/AVP 0'));
    expect(p.errors).toContain('line 5: this m= section has no c= line and the session has none (RFC 8866 §5.7)');
  });

  it('reports an empty SDP', () => {
    expect(parseSdp('').errors).toEqual(['the SDP is empty: it needs at least v=, o=, s= and t= lines (RFC 8866 §5)']);
  });

  it.each([[undefined], [null], [42], [{}]])('never throws on a non-string (%s)', (input) => {
    expect(() => parseSdp(input as unknown as string)).not.toThrow();
  });

  it('ignores a byte-order mark', () => {
    expect(parseSdp('\uFEFF' + crlf(...MINIMAL)).errors).toEqual([]);
  });
});

describe('sdpLines', () => {
  it.each<[string, string[]]>([
    ['v=0', ['v=0']],
    ['v=0\r\ns=-\r\n', ['v=0', 's=-']],
    ['\uFEFFv=0\ns=-', ['v=0', 's=-']],
    ['v=0\rs=-', ['v=0', 's=-']],
    ['v=0\n\ns=-\n', ['v=0', '', 's=-']],
    ['\n', ['']],
  ])('%j', (text, lines) => {
    expect(sdpLines(text)).toEqual(lines);
  });

  it('gives back the lines joined with any line ending', () => {
    const line = fc.stringMatching(/^[a-z]=[^\r\n]{0,20}$/);
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), fc.constantFrom('\r\n', '\n', '\r'), fc.boolean(), (lines, eol, final) => {
        expect(sdpLines(lines.join(eol) + (final ? eol : ''))).toEqual(lines);
      }),
    );
  });
});
