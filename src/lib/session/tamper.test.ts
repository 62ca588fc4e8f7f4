import { describe, expect, it } from 'vitest';
import { changedLines, checkEdit, editableText, editModeOf, payloadFromEdit, sdpLineError, tamperFingerprint } from './tamper';
import type { WireSignal } from '../signalling/types';

const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\na=fingerprint:sha-256 AB:CD:EF\r\n';
const offer = JSON.stringify({ v: 1, kind: 'offer', from: 'alice', to: 'bob', session: 's', mid: 'm', ts: 1, sdp: SDP });

describe('tamper', () => {
  it('edits offers and answers as SDP, everything else as JSON', () => {
    expect(editModeOf('offer')).toBe('sdp');
    expect(editModeOf('answer')).toBe('sdp');
    expect(editModeOf('candidate')).toBe('json');
    expect(editableText('offer', offer)).toBe(SDP.replace(/\r\n/g, '\n'));
    expect(editableText('status', '{"a":1}')).toBe('{\n  "a": 1\n}');
  });

  it('round-trips: the unchanged editor text gives back the same payload', () => {
    expect(payloadFromEdit('offer', offer, editableText('offer', offer))).toBe(offer);
    expect(payloadFromEdit('status', '{"a":1}', editableText('status', '{"a":1}'))).toBe('{"a":1}');
    // Text that is not JSON is passed on as typed, for the decoder to refuse.
    expect(payloadFromEdit('candidate', '{}', '{oops')).toBe('{oops');
  });

  it.each([
    ['v=0\no=x\n', null],
    ['v=0\r\ns=-\r\n', null],
    ['o=x\n', /line 1 must be "v=0"/],
    ['v=0\nhello\n', /SDP line 2 "hello" is not <type>=<value>/],
    ['v=0\nA=1\n', /line 2/],
    ['v=0\n\nv=0\n', /line 2 "" /],
  ])('sdpLineError(%j)', (sdp, expected) => {
    const r = sdpLineError(sdp);
    if (expected === null) expect(r).toBeNull();
    else expect(r).toMatch(expected);
  });

  it('checkEdit keeps the kind and checks SDP lines', () => {
    const base = { v: 1, from: 'alice', to: 'bob', session: 's', mid: 'm', ts: 1 } as const;
    const o = { ...base, kind: 'offer', sdp: SDP } as WireSignal;
    expect(checkEdit(o, { ...o, sdp: SDP.replace('s=-', 's=x') } as WireSignal)).toBeNull();
    expect(checkEdit(o, { ...base, kind: 'answer', sdp: SDP } as WireSignal)).toMatch(/keeps the kind/);
    expect(checkEdit(o, { ...o, sdp: 'nonsense' } as WireSignal)).toMatch(/line 1/);
  });

  it('changedLines lists the lines that differ, by index', () => {
    expect([...changedLines('a\nb\nc', 'a\nB\nc\nd')]).toEqual([1, 3]);
    expect([...changedLines('a', 'a')]).toEqual([]);
  });

  it('tamperFingerprint flips one hex digit of the first fingerprint and nothing else', () => {
    const out = tamperFingerprint(SDP);
    expect(out).toBe(SDP.replace('sha-256 AB', 'sha-256 2B'));
    expect(changedLines(SDP, out).size).toBe(1);
    expect(sdpLineError(out)).toBeNull();
    expect(tamperFingerprint('v=0\r\n')).toBe('v=0\r\n');
  });
});
