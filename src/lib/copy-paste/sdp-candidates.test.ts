import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { candidatesInSdp } from './sdp-candidates';

const offer = readFileSync(new URL('../../../tests/fixtures/sdp/chromium-datachannel-offer.sdp', import.meta.url), 'utf8');

describe('candidatesInSdp', () => {
  it('lists every a=candidate line of a vanilla offer, parsed, with its line number and mid', () => {
    const list = candidatesInSdp(offer);
    expect(list).toHaveLength(2);
    const lines = offer.split('\r\n');
    for (const c of list) {
      expect(lines[c.line - 1]).toBe(`a=${c.text}`);
      expect(c).toMatchObject({ mid: '0', error: null, mdns: true });
      expect(c.parsed).toMatchObject({ type: 'host', transport: 'udp', component: 1 });
    }
  });

  it.each([
    ['no candidates', 'v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n', []],
    ['a raw IP', 'v=0\r\na=candidate:1 1 udp 2122260223 192.168.1.5 50000 typ host\r\n', [{ line: 2, mdns: false, error: null }]],
    ['a broken line (kept, with its error)', 'v=0\r\na=candidate:1 1 udp\r\n', [{ line: 2, parsed: null }]],
  ])('%s', (_name, sdp, expected) => {
    expect(candidatesInSdp(sdp)).toMatchObject(expected);
  });

  it('a broken line has an error message', () => {
    expect(candidatesInSdp('v=0\r\na=candidate:x\r\n')[0]?.error).toEqual(expect.any(String));
  });
});
