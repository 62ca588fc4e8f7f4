/**
 * Candidate and pair priority arithmetic (RFC 8445 §5.1.2.1, §6.1.2.3).
 *
 *   candidate priority = 2^24 · type preference + 2^8 · local preference + (256 − component)
 *   pair priority      = 2^32 · MIN(G, D) + 2 · MAX(G, D) + (G > D ? 1 : 0)
 *
 * A pair priority needs up to 63 bits, more than a JS number holds exactly (2^53), so it
 * is a BigInt. (Chromium's getStats() reports it as a double, rounded.)
 */
import type { CandidateType } from './candidate';

export interface DecodedPriority {
  /** Bits 24–31: how much ICE likes this candidate type (0–126). */
  typePreference: number;
  /** Bits 8–23: the agent's preference among candidates of one type (0–65535), e.g. by interface. */
  localPreference: number;
  /** 256 minus bits 0–7: the component id (1 = RTP, 2 = RTCP). */
  component: number;
}

/** RFC 8445 §5.1.2.2 recommended type preferences. */
export const RECOMMENDED_TYPE_PREFERENCE: Readonly<Record<CandidateType, number>> = {
  host: 126,
  prflx: 110,
  srflx: 100,
  relay: 0,
};

/** Names for the recommended values, for explanations. */
export const TYPE_PREFERENCE_NAMES: Readonly<Record<number, string>> = {
  126: 'host',
  110: 'peer reflexive',
  100: 'server reflexive',
  0: 'relayed',
};

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer ${min}–${max}, got ${v}`);
}

/** Splits a candidate priority (an integer 0 … 2^32−1) into its three parts. */
export function decodePriority(p: number): DecodedPriority {
  checkInt('priority', p, 0, 2 ** 32 - 1);
  return {
    typePreference: Math.floor(p / 2 ** 24) & 0xff,
    localPreference: Math.floor(p / 2 ** 8) & 0xffff,
    component: 256 - (p % 256),
  };
}

// #region candidate-priority
/** The candidate priority for a type preference (0–126), local preference (0–65535) and component (1–256). */
export function candidatePriority(typePreference: number, localPreference: number, component: number): number {
  checkInt('type preference', typePreference, 0, 126);
  checkInt('local preference', localPreference, 0, 65535);
  checkInt('component', component, 1, 256);
  return typePreference * 2 ** 24 + localPreference * 2 ** 8 + (256 - component);
}
// #endregion candidate-priority

// #region pair-priority
/**
 * Pair priority (RFC 8445 §6.1.2.3): G is the priority of the controlling agent's candidate,
 * D the controlled agent's. The check list is sorted by it, highest first.
 */
export function pairPriority(G: number | bigint, D: number | bigint): bigint {
  const g = BigInt(G);
  const d = BigInt(D);
  const min = g < d ? g : d;
  const max = g < d ? d : g;
  return (1n << 32n) * min + 2n * max + (g > d ? 1n : 0n);
}
// #endregion pair-priority

/** The pair priority from one agent's point of view: its own candidate is G when it controls. */
export function pairPriorityFor(controlling: boolean, localPriority: number, remotePriority: number): bigint {
  return controlling ? pairPriority(localPriority, remotePriority) : pairPriority(remotePriority, localPriority);
}
