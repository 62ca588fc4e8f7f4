import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NOT_FOUND, codecSummary, negotiate, type NegotiationItem } from './negotiation';
import { parseSdp } from './parse';

const fixture = (name: string) => readFileSync(new URL(`../../../tests/fixtures/sdp/${name}`, import.meta.url), 'utf8');
const pair = (kind: string) => negotiate(parseSdp(fixture(`chromium-${kind}-offer.sdp`)), parseSdp(fixture(`chromium-${kind}-answer.sdp`)));
const item = (items: NegotiationItem[], id: string) => {
  const found = items.find((i) => i.id === id);
  if (!found) throw new Error(`no item ${id} in ${items.map((i) => i.id).join(', ')}`);
  return found;
};

/** A one-section data-channel description; `extra` replaces or adds attributes by name. */
function dc(extra: Record<string, string | null> = {}, session: string[] = ['a=group:BUNDLE 0']): string {
  const attrs: Record<string, string | null> = {
    'ice-ufrag': 'abcd',
    'ice-pwd': 'abcdefghijklmnopqrstuvwx',
    'ice-options': 'trickle',
    fingerprint: 'sha-256 AB:CD',
    setup: 'actpass',
    mid: '0',
    'sctp-port': '5000',
    'max-message-size': '262144',
    ...extra,
  };
  return [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    ...session,
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    ...Object.entries(attrs)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `a=${k}:${v}`),
  ].join('\r\n');
}

describe('negotiate: real Chromium pairs', () => {
  it('data channel: roles, BUNDLE, SCTP, ICE, trickle, fingerprints', () => {
    const { items } = pair('datachannel');
    expect(items.map((i) => i.id)).toEqual(['sections', 'dtls-role', 'fingerprint', 'ice-credentials', 'trickle', 'ice-roles', 'bundle', 'sctp-0']);
    expect(items.every((i) => i.status === 'ok')).toBe(true);
    expect(item(items, 'dtls-role')).toMatchObject({
      offer: 'setup:actpass',
      answer: 'setup:active',
      outcome: 'The answerer is the DTLS client: it sends the ClientHello. The offerer is the DTLS server.',
      ref: 'RFC 8842 §5.3',
    });
    expect(item(items, 'fingerprint')).toMatchObject({ offer: 'sha-256', answer: 'sha-256', ref: 'RFC 8122 §5; RFC 8842 §5' });
    expect(item(items, 'trickle')).toMatchObject({ offer: 'ice-options:trickle', answer: 'ice-options:trickle', outcome: 'Both sides trickle: candidates may follow in separate messages' });
    expect(item(items, 'bundle')).toMatchObject({ offer: '0', answer: '0', outcome: 'Mid 0 is bundled alone' });
    expect(item(items, 'sctp-0')).toMatchObject({
      section: 'm=application (mid 0)',
      offer: 'port 5000, max-message-size 262144',
      answer: 'port 5000, max-message-size 262144',
      outcome: 'SCTP runs from port 5000 to port 5000 inside DTLS. The offerer may send messages up to 262,144 bytes; the answerer up to 262,144 bytes',
    });
    const ice = item(items, 'ice-credentials');
    const o = /ufrag (\S+),/.exec(ice.offer)?.[1];
    const a = /ufrag (\S+),/.exec(ice.answer)?.[1];
    expect(ice.outcome).toBe(`Checks from offerer to answerer use STUN username "${a}:${o}" and the answerer's password; checks the other way use "${o}:${a}" and the offerer's password`);
    // line numbers point at the deciding lines
    const offerLines = parseSdp(fixture('chromium-datachannel-offer.sdp')).lines;
    expect(offerLines[item(items, 'dtls-role').lines!.offer! - 1].raw).toBe('a=setup:actpass');
  });

  it('audio + video: codecs survive in the answer order, both directions send', () => {
    const { items } = pair('av');
    expect(item(items, 'bundle').outcome).toBe('Mids 0, 1, 2 share one transport, that of mid 0');
    const audio = item(items, 'codecs-0');
    expect(audio.section).toBe('m=audio (mid 0)');
    expect(audio.list?.[0]).toBe('Opus/48000/2 (111)');
    expect(audio.offer).toBe('8 formats: Opus, G.722, PCMU (G.711 µ-law), PCMA (G.711 A-law) + RED, Comfort Noise, telephone-event (DTMF) ×2');
    expect(item(items, 'codecs-1').offer).toBe('23 formats: VP8, H.264 ×6, AV1, VP9 ×2 + RTX ×11, RED, ULPFEC');
    expect(audio.outcome).toBe('8 in common; the first choice is Opus/48000/2 (111)');
    expect(item(items, 'codecs-1').list?.[0]).toBe('VP8/90000 (96)');
    expect(item(items, 'direction-0').outcome).toBe('Offerer sends: yes; answerer sends: yes.');
    expect(item(items, 'sctp-2').status).toBe('ok');
  });

  it('simulcast: the answer is recvonly and drops a=simulcast', () => {
    const { items } = pair('simulcast');
    expect(item(items, 'direction-0')).toMatchObject({
      offer: 'sendonly',
      answer: 'recvonly',
      status: 'warn',
      outcome: 'Offerer sends: yes; answerer sends: no. Simulcast offered but not in the answer: one stream will be sent (RFC 8853 §5.3).',
    });
  });

  it('Firefox 58 legacy data channel (sctpmap) against a Chromium answer', () => {
    const { items } = negotiate(parseSdp(fixture('firefox58-datachannel-offer.sdp')), parseSdp(fixture('chromium-datachannel-answer.sdp')));
    expect(item(items, 'sctp-0').offer).toBe('port 5000, max-message-size 1073741823');
    expect(item(items, 'bundle')).toMatchObject({ offer: 'sdparta_0', answer: '0', status: 'warn' });
  });
});

describe('negotiate: crafted cases', () => {
  it.each<[string, Record<string, string | null>, Record<string, string | null>, Partial<NegotiationItem>]>([
    ['answer passive', {}, { setup: 'passive' }, { status: 'ok', outcome: 'The answerer is the DTLS server: it waits for the ClientHello. The offerer is the DTLS client.' }],
    ['answer actpass', {}, { setup: 'actpass' }, { status: 'error', outcome: 'Invalid answer' }],
    ['both active', { setup: 'active' }, { setup: 'active' }, { status: 'error', outcome: 'Both sides said active: no DTLS handshake can start' }],
    ['offer active, answer passive', { setup: 'active' }, { setup: 'passive' }, { status: 'warn' }],
    ['no setup in the answer', {}, { setup: null }, { status: 'missing', answer: NOT_FOUND, outcome: 'Not decided' }],
  ])('DTLS role: %s', (_name, offer, answer, expected) => {
    expect(item(negotiate(parseSdp(dc(offer)), parseSdp(dc({ setup: 'active', ...answer }))).items, 'dtls-role')).toMatchObject(expected);
  });

  it('trickle needs both sides', () => {
    const t = item(negotiate(parseSdp(dc()), parseSdp(dc({ setup: 'active', 'ice-options': null }))).items, 'trickle');
    expect(t).toMatchObject({ offer: 'ice-options:trickle', answer: NOT_FOUND, status: 'warn', outcome: 'Not agreed: candidates must travel inside the descriptions' });
  });

  it('session-level attributes count for every section', () => {
    const offer = dc({ fingerprint: null, 'ice-options': null }, ['a=fingerprint:sha-384 AB:CD', 'a=ice-options:trickle', 'a=group:BUNDLE 0']);
    const n = negotiate(parseSdp(offer), parseSdp(dc({ setup: 'active', fingerprint: 'sha-512 AB' })));
    expect(item(n.items, 'fingerprint')).toMatchObject({ offer: 'sha-384', answer: 'sha-512', status: 'ok' });
    expect(item(n.items, 'trickle').status).toBe('ok');
  });

  it('BUNDLE refused by the answer', () => {
    const b = item(negotiate(parseSdp(dc()), parseSdp(dc({ setup: 'active' }, []))).items, 'bundle');
    expect(b).toMatchObject({ offer: '0', answer: NOT_FOUND, status: 'warn', outcome: 'BUNDLE refused: each media section has its own transport' });
  });

  it('ICE lite answerer: the offerer controls; ICE lite offerer: the answerer controls', () => {
    const lite = ['a=ice-lite', 'a=group:BUNDLE 0'];
    expect(item(negotiate(parseSdp(dc()), parseSdp(dc({ setup: 'active' }, lite))).items, 'ice-roles').outcome).toMatch(/^The offerer is the controlling agent/);
    expect(item(negotiate(parseSdp(dc({}, lite)), parseSdp(dc({ setup: 'active' }))).items, 'ice-roles').outcome).toMatch(/^The answerer is the controlling agent/);
  });

  it('a rejected media section and a missing one', () => {
    const head = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0'];
    const offer = [...head, 'm=audio 9 UDP/TLS/RTP/SAVPF 111 0', 'c=IN IP4 0.0.0.0', 'a=rtpmap:111 opus/48000/2', 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0', 'a=rtpmap:96 VP8/90000'].join('\n');
    const answer = [...head, 'm=audio 0 UDP/TLS/RTP/SAVPF 0', 'c=IN IP4 0.0.0.0', 'a=rtpmap:0 PCMU/8000'].join('\n');
    const n = negotiate(parseSdp(offer), parseSdp(answer));
    expect(item(n.items, 'sections')).toMatchObject({ offer: '2', answer: '1', status: 'error' });
    expect(item(n.items, 'codecs-0')).toMatchObject({ status: 'error', outcome: 'Rejected (port 0): no codecs' });
    expect(item(n.items, 'codecs-1')).toMatchObject({ answer: NOT_FOUND, outcome: 'The answer has no matching section' });
  });

  it('codecs: only the common ones survive, in the answer order', () => {
    const head = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0'];
    const offer = [...head, 'm=audio 9 UDP/TLS/RTP/SAVPF 111 9 0', 'c=IN IP4 0.0.0.0', 'a=rtpmap:111 opus/48000/2', 'a=rtpmap:9 G722/8000', 'a=rtpmap:0 PCMU/8000'].join('\n');
    const answer = [...head, 'm=audio 9 UDP/TLS/RTP/SAVPF 0 111 8', 'c=IN IP4 0.0.0.0', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:111 opus/48000/2', 'a=rtpmap:8 PCMA/8000', 'a=recvonly'].join('\n');
    const n = negotiate(parseSdp(offer), parseSdp(answer));
    expect(item(n.items, 'codecs-0')).toMatchObject({
      list: ['PCMU (G.711 µ-law)/8000 (0)', 'Opus/48000/2 (111)'],
      status: 'warn',
      outcome: '2 in common; the first choice is PCMU (G.711 µ-law)/8000 (0); the answer also lists PCMA (G.711 A-law)/8000 (8), which the offer did not',
    });
    expect(item(n.items, 'direction-0')).toMatchObject({ offer: 'sendrecv (default)', answer: 'recvonly', outcome: 'Offerer sends: yes; answerer sends: no.' });
  });

  it.each([
    ['empty strings', '', ''],
    ['garbage', 'hello', '\u0000\uFFFF'],
    ['an offer without its answer', fixture('chromium-av-offer.sdp'), ''],
  ])('reports "not found" instead of throwing: %s', (_name, offer, answer) => {
    const n = negotiate(parseSdp(offer), parseSdp(answer));
    expect(n.items.length).toBeGreaterThan(0);
    expect(item(n.items, 'dtls-role').answer).toBe(NOT_FOUND);
  });
});

describe('codecSummary', () => {
  it.each<[string[], string]>([
    [['opus'], '1 format: Opus'],
    [['rtx', 'rtx'], '2 formats: RTX ×2'],
    [['VP8', 'rtx', 'VP8', 'foo'], '4 formats: VP8 ×2, foo + RTX'],
  ])('%j → %s', (names, text) => {
    expect(codecSummary(names.map((name) => ({ name })))).toBe(text);
  });
});
