import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/types';
import { candidateErrors, explainIceError, groupCandidateErrors, ICE_ERROR_CODES, parseIceErrorDetail } from './candidate-error';
import { loadSession } from './fixtures';

describe('ICE_ERROR_CODES', () => {
  it('lists every STUN/TURN code a browser may report, and 701', () => {
    expect(Object.keys(ICE_ERROR_CODES).map(Number)).toEqual(
      expect.arrayContaining([300, 400, 401, 403, 420, 437, 438, 440, 441, 442, 486, 487, 500, 508, 701]),
    );
  });

  it.each(Object.values(ICE_ERROR_CODES).map((c) => [c.code, c] as const))('%d has a name, meaning, advice and reference', (code, c) => {
    expect(c.code).toBe(code);
    expect(c.name).not.toBe('');
    expect(c.meaning.length).toBeGreaterThan(20);
    expect(c.todo.length).toBeGreaterThan(5);
    expect(c.ref).toMatch(/RFC \d+|webrtc-pc/);
  });

  it('says 701 is browser-specific and often not fatal', () => {
    const c = explainIceError({ errorCode: 701 });
    expect(c.meaning).toMatch(/Not a STUN code/);
    expect(c.todo).toMatch(/Often not fatal/);
    expect(c.severity).toBe('server-lost');
  });
});

describe('explainIceError', () => {
  it.each<[string, number, string | undefined, Partial<ReturnType<typeof explainIceError>>]>([
    ['TURN wrong password', 401, 'Unauthorized.', { name: expect.stringMatching(/Unauthenticated/), severity: 'config', known: true, textNote: null }],
    ['stale nonce', 438, undefined, { severity: 'harmless' }],
    ['DNS failure', 701, 'STUN host lookup received error.', { textNote: expect.stringMatching(/did not resolve/) }],
    ['timeout', 701, 'STUN binding request timed out.', { textNote: expect.stringMatching(/40 s/) }],
    ['unlisted 4xx', 499, 'x', { known: false, meaning: expect.stringMatching(/problem with the request/) }],
    ['unlisted 6xx', 600, undefined, { known: false, meaning: expect.stringMatching(/global failure/) }],
    ['nonsense', 42, undefined, { known: false, meaning: expect.stringMatching(/Not a STUN error code/) }],
  ])('%s', (_name, errorCode, errorText, expected) => {
    expect(explainIceError({ errorCode, ...(errorText ? { errorText } : {}) })).toMatchObject(expected);
  });

  it('explains every error captured from Chromium', () => {
    const { errors } = loadSession('errors');
    expect(errors.map((e) => e.errorCode).sort()).toEqual([401, 401, 701, 701, 701, 701, 701, 701]);
    for (const e of errors) {
      const x = explainIceError(e);
      expect(x.known).toBe(true);
      if (e.errorCode === 701) expect(x.textNote).not.toBeNull();
    }
  });
});

describe('parseIceErrorDetail (LabPeer: `${errorCode} ${errorText} (${url})`)', () => {
  it.each<[string, ReturnType<typeof parseIceErrorDetail>]>([
    ['701 STUN binding request timed out. (stun:127.0.0.1:3478)', { errorCode: 701, errorText: 'STUN binding request timed out.', url: 'stun:127.0.0.1:3478' }],
    ['401 Unauthorized. (turn:127.0.0.1:3478?transport=udp)', { errorCode: 401, errorText: 'Unauthorized.', url: 'turn:127.0.0.1:3478?transport=udp' }],
    ['701 (stun:x)', { errorCode: 701, errorText: '', url: 'stun:x' }],
    ['600 Something (odd) happened (stun:x)', { errorCode: 600, errorText: 'Something (odd) happened', url: 'stun:x' }],
    ['500 no url', { errorCode: 500, errorText: 'no url', url: '' }],
    ['Unauthorized', null],
    ['', null],
  ])('%s', (detail, expected) => {
    expect(parseIceErrorDetail(detail)).toEqual(expected);
  });
});

describe('candidateErrors', () => {
  it('turns the onicecandidateerror api events of a trace into explained rows, in order', () => {
    const { errors } = loadSession('errors');
    const trace = errors.map(
      (e, i): TraceEvent => ({ i, at: e.at, type: 'api', peer: e.peer, call: 'onicecandidateerror', ok: false, detail: `${e.errorCode} ${e.errorText} (${e.url})` }),
    );
    trace.push({ i: trace.length, at: 1e6, type: 'api', peer: 'alice', call: 'addIceCandidate', ok: true, detail: 'x' });
    const rows = candidateErrors(trace);
    expect(rows.map((r) => [r.i, r.peer, r.code, r.url])).toEqual(errors.map((e, i) => [i, e.peer, e.errorCode, e.url]));
    expect(rows.every((r) => r.known)).toBe(true);
  });

  it('keeps an event whose detail it cannot read, as code 0', () => {
    const rows = candidateErrors([{ i: 0, at: 1, type: 'api', peer: 'bob', call: 'onicecandidateerror', ok: false, detail: 'weird' }]);
    expect(rows).toMatchObject([{ code: 0, errorText: 'weird', known: false }]);
  });
});

describe('groupCandidateErrors', () => {
  it('folds the captured errors into one group per code, server and text, in first-seen order', () => {
    const { errors } = loadSession('errors');
    const trace = errors.map(
      (e, i): TraceEvent => ({ i, at: e.at, type: 'api', peer: e.peer, call: 'onicecandidateerror', ok: false, detail: `${e.errorCode} ${e.errorText} (${e.url})` }),
    );
    const groups = groupCandidateErrors(candidateErrors(trace));
    expect(groups.map((g) => [g.code, g.errorText, g.occurrences.length])).toEqual([
      [701, 'STUN host lookup received error.', 4],
      [401, 'Unauthorized.', 2],
      [701, 'STUN binding request timed out.', 2],
    ]);
    expect(groups[0]!.occurrences.map((o) => o.peer)).toEqual(['alice', 'alice', 'bob', 'bob']);
    expect(groups.flatMap((g) => g.occurrences.map((o) => o.i)).sort((a, b) => a - b)).toEqual(trace.map((e) => e.i));
  });
});

describe('parseIceErrorDetail: property', () => {
  it('never throws, and reads back what LabPeer writes', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => void parseIceErrorDetail(s)), { numRuns: 3000 });
    fc.assert(
      fc.property(fc.integer({ min: 300, max: 799 }), fc.stringMatching(/^[A-Za-z .]{0,30}$/), fc.stringMatching(/^(stun|turn):[a-z0-9.:?=]{1,30}$/), (code, text, url) => {
        expect(parseIceErrorDetail(`${code} ${text} (${url})`.trim())).toEqual({ errorCode: code, errorText: text.trim(), url });
      }),
    );
  });
});
