/**
 * The reader's standing "discard <sender>'s <type> candidates" switches. The session asks
 * it about every held message; a match is dropped (and traced) instead of delivered.
 *
 * prflx is a type too, but no browser signals one: a peer-reflexive candidate is learnt
 * from a connectivity check that arrives from an unsignalled address (RFC 8445 §7.3.1.3),
 * so the UI offers host, srflx and relay only.
 */
import { isCandidateError, isCandidateType, parseCandidate, type CandidateType } from '../ice/candidate';
import type { WireSignal } from '../signalling/types';

export type { CandidateType } from '../ice/candidate';

/** The candidate type a signal carries, or null for other signals and unparsable lines. */
export function signalCandidateType(signal: WireSignal): CandidateType | null {
  if (signal.kind !== 'candidate') return null;
  const parsed = parseCandidate(signal.candidate);
  if (isCandidateError(parsed)) return null;
  return isCandidateType(parsed.type) ? parsed.type : null;
}

export class CandidateFilter {
  /** `${sender}\n${type}` for every switch that is on. */
  private readonly on = new Set<string>();

  set(from: string, type: CandidateType, discard: boolean): void {
    if (discard) this.on.add(`${from}\n${type}`);
    else this.on.delete(`${from}\n${type}`);
  }

  has(from: string, type: CandidateType): boolean {
    return this.on.has(`${from}\n${type}`);
  }

  /** Why this message should be discarded (a trace reason), or null to let it through. */
  reasonFor(message: { from: string; signal: WireSignal }): string | null {
    if (this.on.size === 0) return null;
    const type = signalCandidateType(message.signal);
    return type && this.has(message.from, type) ? discardReason(message.from, type) : null;
  }
}

export function discardReason(from: string, type: CandidateType): string {
  return `discarding ${from}'s ${type} candidates`;
}
