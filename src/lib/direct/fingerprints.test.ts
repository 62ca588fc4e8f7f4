import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { certificateFingerprints, fingerprintCheck, sameFingerprint, sdpFingerprint } from './fingerprints';
import { transportOf, type StatsList } from './in-page';

interface Side {
  localSdp: string;
  remoteSdp: string;
  stats: StatsList;
}
const capture = JSON.parse(readFileSync(new URL('../../../tests/fixtures/direct/chromium-156-fingerprints.json', import.meta.url), 'utf8')) as Record<'alice' | 'bob', Side>;
const { alice, bob } = capture;

describe('sdpFingerprint', () => {
  it('reads the hash and the value of a real a=fingerprint line', () => {
    const fp = sdpFingerprint(alice.localSdp)!;
    expect(fp.algorithm).toBe('sha-256');
    expect(fp.value).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(alice.localSdp).toContain(`a=fingerprint:sha-256 ${fp.value}`);
  });

  it('compares hex without regard to case, and the hash name too (RFC 8122 §5)', () => {
    const lower = sdpFingerprint('v=0\r\na=fingerprint:SHA-256 ab:cd\r\n');
    expect(lower).toEqual({ algorithm: 'sha-256', value: 'AB:CD' });
    expect(sameFingerprint(lower, { algorithm: 'sha-256', value: 'AB:CD' })).toBe(true);
    expect(sameFingerprint(lower, { algorithm: 'sha-1', value: 'AB:CD' })).toBe(false);
    expect(sameFingerprint(lower, null)).toBe(false);
  });

  it('is null for a description without one, or with a malformed one', () => {
    expect(sdpFingerprint('v=0\r\ns=-\r\n')).toBeNull();
    expect(sdpFingerprint('v=0\r\na=fingerprint:sha-256\r\n')).toBeNull();
  });
});

describe('the certificates in getStats(), against the descriptions (Chromium 156)', () => {
  it('each side’s local certificate is the one its own description announced', () => {
    for (const side of [alice, bob]) expect(certificateFingerprints(side.stats).local).toEqual(sdpFingerprint(side.localSdp));
  });

  it('each side saw the certificate the other announced: the check DTLS made passes', () => {
    for (const side of [alice, bob]) {
      const check = fingerprintCheck(side.localSdp, side.remoteSdp, side.stats);
      expect(check.matches).toBe(true);
      expect(check.presented).toEqual(check.expected);
      expect(check.ownCertificate).toEqual(check.announced);
      expect(check.ownMatches).toBe(true);
    }
    expect(fingerprintCheck(alice.localSdp, alice.remoteSdp, alice.stats).presented).toEqual(sdpFingerprint(bob.localSdp));
  });

  it('a fingerprint changed by one digit no longer matches', () => {
    const fp = sdpFingerprint(bob.localSdp)!.value;
    const digit = fp[0] === 'A' ? 'B' : 'A';
    const tampered = alice.remoteSdp.replace(fp, digit + fp.slice(1));
    expect(fingerprintCheck(alice.localSdp, tampered, alice.stats).matches).toBe(false);
  });

  it('reads the DTLS roles: bob said a=setup:active, so he is the client', () => {
    expect(bob.localSdp).toMatch(/^a=setup:active\r?$/m);
    expect(transportOf(bob.stats)?.dtlsRole).toBe('client');
    expect(transportOf(alice.stats)?.dtlsRole).toBe('server');
  });

  it('knows nothing before there is a transport or a certificate', () => {
    expect(transportOf([])).toBeNull();
    expect(certificateFingerprints([])).toEqual({ local: null, remote: null });
    const noCerts = alice.stats.filter((s) => s.type !== 'certificate');
    expect(fingerprintCheck(alice.localSdp, alice.remoteSdp, noCerts).matches).toBe(false);
  });
});
