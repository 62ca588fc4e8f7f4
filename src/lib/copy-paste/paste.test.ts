import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PASTE_BYTES } from '../signalling/paste-limits';
import { copyText, readPastedDescription } from './paste';

const fixture = (name: string) => readFileSync(new URL(`../../../tests/fixtures/sdp/${name}`, import.meta.url), 'utf8');
const offer = fixture('chromium-datachannel-offer.sdp');
const answer = fixture('chromium-datachannel-answer.sdp');
const trickleOffer = fixture('chromium-datachannel-offer-trickle.sdp');

describe('readPastedDescription', () => {
  it.each([
    ['raw SDP', offer, 'offer'],
    ['the copy button\'s JSON', copyText({ type: 'offer', sdp: offer }), 'offer'],
    ['LF line endings from a chat app', offer.replaceAll('\r\n', '\n'), 'offer'],
    ['surrounding blank lines', `\n\n  ${offer}\n\n`, 'offer'],
    ['an answer where an answer is expected', copyText({ type: 'answer', sdp: answer }), 'answer'],
  ] as const)('accepts %s', (_name, text, expected) => {
    const result = readPastedDescription(text, expected);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.description.type).toBe(expected);
    expect(result.description.sdp.endsWith('\r\n')).toBe(true);
    expect(result.description.sdp).not.toMatch(/[^\r]\n/);
    expect(result.candidates).toBeGreaterThan(0);
    expect(result.warnings).toEqual([]);
  });

  it.each([
    ['nothing', '   ', 'offer', 'nothing was pasted'],
    ['cut-off JSON', copyText({ type: 'offer', sdp: offer }).slice(0, 50), 'offer', 'not valid JSON'],
    ['JSON without sdp', '{"type":"offer"}', 'offer', 'no "sdp"'],
    ['a wrong type', '{"type":"pranswer","sdp":"v=0"}', 'offer', '"offer" or "answer"'],
    ['an answer pasted where the offer belongs', copyText({ type: 'answer', sdp: answer }), 'offer', 'this is an answer, but an offer is expected'],
    ['a bare-SDP offer pasted where the answer belongs', offer, 'answer', 'a=setup:actpass, which only an offer says'],
    ['not SDP', 'hello there', 'offer', 'v=0'],
    ['a broken o= line', offer.replace(/^o=.*$/m, 'o=- x'), 'offer', 'o='],
    ['no fingerprint', offer.replace(/^a=fingerprint.*\r\n/m, ''), 'offer', 'a=fingerprint'],
    ['no ICE credentials', offer.replace(/^a=ice-pwd.*\r\n/m, ''), 'offer', 'ice-pwd'],
    ['no m= line', 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n', 'offer', 'no m= line'],
    ['too long', `v=0\r\n${'a=x\r\n'.repeat(MAX_PASTE_BYTES / 4)}`, 'offer', 'over the'],
  ] as const)('refuses %s, saying why', (_name, text, expected, reason) => {
    const result = readPastedDescription(text, expected);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('warns when the description has no candidates (copied before gathering finished)', () => {
    const result = readPastedDescription(trickleOffer, 'offer');
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.warnings[0]).toContain('no a=candidate lines');
  });

  it('never throws, on anything', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.json()), fc.constantFrom('offer' as const, 'answer' as const), (text, expected) => {
        const r = readPastedDescription(text, expected);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});
