import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { restartText, sdpUfrag, sdpUfrags } from './credentials';

const sdp = (...ufrags: string[]) => ['v=0', ...ufrags.flatMap((u) => ['m=application 9 UDP/DTLS/SCTP webrtc-datachannel', `a=ice-ufrag:${u}`, 'a=ice-pwd:p'])].join('\r\n') + '\r\n';

describe('ICE credentials in an SDP', () => {
  it('reads every section\'s ufrag, in order, with CRLF or LF', () => {
    expect(sdpUfrags(sdp('a1b2', 'c3d4'))).toEqual(['a1b2', 'c3d4']);
    expect(sdpUfrags('v=0\na=ice-ufrag:LsCX\n')).toEqual(['LsCX']);
    expect(sdpUfrags('v=0\r\n')).toEqual([]);
  });

  it('takes the first section\'s ufrag, or null', () => {
    expect(sdpUfrag(sdp('a1b2', 'zzzz'))).toBe('a1b2');
    expect(sdpUfrag('v=0\r\n')).toBeNull();
    expect(sdpUfrag(null)).toBeNull();
  });

  it('reads back any ufrag it is given (RFC 8839 §5.4 ice-char)', () => {
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[A-Za-z0-9+/]{4,32}$/), { minLength: 1, maxLength: 4 }), (ufrags) => {
      expect(sdpUfrags(sdp(...ufrags))).toEqual(ufrags);
    }));
  });

  it('says a restart with the old ufrag when there was one', () => {
    expect(restartText('abcd', 'wxyz')).toBe('new ufrag abcd (was wxyz)');
    expect(restartText('abcd', null)).toBe('new ufrag abcd');
  });
});
