/**
 * The check that authenticates the peer: the certificate the other side presented in the DTLS
 * handshake, hashed, must equal the a=fingerprint its description carried (RFC 8122 §5,
 * RFC 8827 §6.5). Here both halves are read back from the browser: the fingerprints from each
 * side's SDP, the certificates from getStats() ('certificate' stats, webrtc-stats
 * RTCCertificateStats), so the reader can make the comparison DTLS made.
 */
import { parseSdp } from '../sdp/parse';
import { transportOf, type StatsList } from './in-page';

export interface Fingerprint {
  /** Hash function, lower case as RFC 8122 §5 writes it ('sha-256'). */
  algorithm: string;
  /** Upper-case hex bytes joined by ':'. */
  value: string;
}

function normal(algorithm: string, value: string): Fingerprint {
  return { algorithm: algorithm.toLowerCase(), value: value.toUpperCase() };
}

/** The first a=fingerprint of a description (session level or the first m= section), or null. */
export function sdpFingerprint(sdp: string): Fingerprint | null {
  const line = parseSdp(sdp).lines.find((l) => l.type === 'a' && l.name === 'fingerprint');
  const m = line && /^(\S+) ([0-9A-Fa-f:]+)$/.exec(line.value);
  return m ? normal(m[1]!, m[2]!) : null;
}

function certificate(stats: StatsList, id: string | null): Fingerprint | null {
  const c = id ? stats.find((s) => s.type === 'certificate' && s.id === id) : undefined;
  return c && typeof c.fingerprint === 'string' && typeof c.fingerprintAlgorithm === 'string' ? normal(c.fingerprintAlgorithm, c.fingerprint) : null;
}

/** The certificates this side's transport used: its own and the one the other side presented. */
export function certificateFingerprints(stats: StatsList): { local: Fingerprint | null; remote: Fingerprint | null } {
  const t = transportOf(stats);
  return { local: certificate(stats, t?.localCertificateId ?? null), remote: certificate(stats, t?.remoteCertificateId ?? null) };
}

export function sameFingerprint(a: Fingerprint | null, b: Fingerprint | null): boolean {
  return !!a && !!b && a.algorithm === b.algorithm && a.value === b.value;
}

/** What one side can compare once connected. */
export interface FingerprintCheck {
  /** a=fingerprint in this side's own description (what it told the other side). */
  announced: Fingerprint | null;
  /** Its own certificate, from getStats(). */
  ownCertificate: Fingerprint | null;
  /** a=fingerprint in the other side's description, as this side received it. */
  expected: Fingerprint | null;
  /** The certificate the other side presented in the handshake, from getStats(). */
  presented: Fingerprint | null;
  /** presented = expected: the check DTLS made before it said 'connected'. */
  matches: boolean;
  /** ownCertificate = announced: the side announced the certificate it uses. */
  ownMatches: boolean;
}

export function fingerprintCheck(localSdp: string, remoteSdp: string, stats: StatsList): FingerprintCheck {
  const { local, remote } = certificateFingerprints(stats);
  const expected = sdpFingerprint(remoteSdp);
  const announced = sdpFingerprint(localSdp);
  return { announced, ownCertificate: local, expected, presented: remote, matches: sameFingerprint(remote, expected), ownMatches: sameFingerprint(local, announced) };
}
