/**
 * The candidates inside a description (vanilla ICE carries them all as a=candidate lines,
 * RFC 8839 §5.1), each parsed, with its line number so the SDP view can point at it.
 * Pure; never throws: a line that does not parse keeps its error.
 */
import { isCandidateError, isMdnsCandidate, parseCandidate, type ParsedCandidate } from '../ice/candidate';
import { parseSdp } from '../sdp/parse';

export interface SdpCandidate {
  /** 1-based line number in the SDP. */
  line: number;
  /** a=mid of its m-section, if any. */
  mid: string | null;
  /** The attribute as written, without "a=". */
  text: string;
  parsed: ParsedCandidate | null;
  error: string | null;
  mdns: boolean;
}

export function candidatesInSdp(sdp: string): SdpCandidate[] {
  return parseSdp(sdp)
    .lines.filter((l) => l.type === 'a' && l.name === 'candidate')
    .map((l) => {
      const text = `candidate:${l.value}`;
      const c = parseCandidate(text);
      const parsed = isCandidateError(c) ? null : c;
      return {
        line: l.n,
        mid: l.mid ?? null,
        text,
        parsed,
        error: isCandidateError(c) ? c.error : null,
        mdns: parsed ? isMdnsCandidate(parsed) : false,
      };
    });
}
