/**
 * A description's ICE credentials (RFC 8839 §5.4: a=ice-ufrag, a=ice-pwd), read from its SDP.
 * A new pair of them in a later offer is an ICE restart (RFC 8445 §9, RFC 8839 §4.4.1.1.1):
 * the lab, its narration and the two-device lab's conversation binding all read them here.
 */

/** `a=ice-ufrag:<ufrag>` of every section of an SDP, in order. */
export function sdpUfrags(sdp: string): string[] {
  const out: string[] = [];
  for (const line of sdp.split('\n')) {
    if (line.startsWith('a=ice-ufrag:')) out.push(line.slice('a=ice-ufrag:'.length).trim());
  }
  return out;
}

/** The first section's ufrag (with BUNDLE every section shares it, RFC 8843 §7.1.3), or null. */
export function sdpUfrag(sdp: string | null | undefined): string | null {
  return sdp ? (sdpUfrags(sdp)[0] ?? null) : null;
}

/**
 * How an ICE restart reads: "new ufrag abcd (was wxyz)". The password changes with it, but it
 * is a secret of the connectivity checks (RFC 8445 §7.2.2), so only its change is said.
 */
export function restartText(ufrag: string, was: string | null): string {
  return `new ufrag ${ufrag}${was ? ` (was ${was})` : ''}`;
}
