/**
 * One key per candidate, the same wherever the candidate shows up: its a=candidate line, the
 * signalling message that carried it, the candidates table, and getStats() candidate pairs.
 *
 * The address is deliberately NOT part of the key: Chromium's getStats() reports an empty
 * address for mDNS host candidates, local and remote (draft-ietf-mmusic-mdns-ice-candidates
 * §3.1 keeps the IP from the page). Foundation + component + transport + port is what every
 * view has. getStats() has no component: with rtcp-mux and BUNDLE it is always 1.
 */

export interface CandidateKeyFields {
  foundation: string;
  component: number;
  /** 'udp' / 'tcp' (any case), called `protocol` in getStats(). */
  transport: string;
  port: number;
}

/** e.g. "1317930280|1|udp|55265". */
export function candidateKey(c: CandidateKeyFields): string {
  return `${c.foundation}|${c.component}|${c.transport.toLowerCase()}|${c.port}`;
}
