/**
 * What the dialects share: the limits a payload must keep whatever its format (the lab's
 * own, ../signalling/codec.ts), and small readers that never throw.
 */
import { MAX_CANDIDATE_CHARS, MAX_CHAT_CHARS, MAX_MID_CHARS, MAX_SDP_CHARS, MAX_JSON_DEPTH } from '../signalling/codec';
import { jsonDepthOver } from '../signalling/json-depth';
import { clip } from '../signalling/shape';
import { isValidPeerId, utf8Length } from '../signalling/topics';
import type { DialectMessage, ReadResult, WireMessage } from './types';

export { clip, isValidPeerId };
export const LIMITS = { sdp: MAX_SDP_CHARS, candidate: MAX_CANDIDATE_CHARS, mid: MAX_MID_CHARS, chat: MAX_CHAT_CHARS } as const;

export const refuse = (reason: string): ReadResult => ({ ok: false, reason });

/** A message as both Godot apps publish everything: QoS 0. */
export const qos0 = (topic: string, payload: string, retain = false): WireMessage => ({ topic, payload, qos: 0, retain });

/**
 * Why a payload is too big to read at all, or null: checked before any parsing, as the lab's
 * codec does, so a huge payload costs no JSON.parse. `whose` names the limit ("the demo's").
 */
export function sizeProblem(payload: string, maxBytes: number, whose: string): string | null {
  // A UTF-16 unit is at least one byte of UTF-8: a string longer than the limit is over it uncounted.
  if (payload.length > maxBytes) return `payload of ${payload.length} characters, over ${whose} ${maxBytes}-byte limit`;
  const bytes = utf8Length(payload);
  return bytes > maxBytes ? `payload of ${bytes} bytes, over ${whose} ${maxBytes}-byte limit` : null;
}

/** An SDP must start with its version line (RFC 8866 §5.1) and keep the lab's size limit. */
export function sdpProblem(sdp: unknown): string | null {
  if (typeof sdp !== 'string') return 'the SDP is not text';
  if (sdp.length > LIMITS.sdp) return `the SDP is ${sdp.length} chars, over the ${LIMITS.sdp}-char limit`;
  if (!sdp.startsWith('v=0')) return `an SDP starts with "v=0", this starts "${clip(sdp, 12)}"`;
  return null;
}

/** The parts of a candidate, checked as the lab's codec checks them. */
export function candidateProblem(mid: unknown, index: unknown, line: unknown): string | null {
  if (typeof line !== 'string') return 'the candidate line is not text';
  if (line.length > LIMITS.candidate) return `the candidate line is ${line.length} chars, over the ${LIMITS.candidate}-char limit`;
  if (typeof mid !== 'string') return 'the mid is not text';
  if (mid.length > LIMITS.mid) return `the mid is ${mid.length} chars, over the ${LIMITS.mid}-char limit`;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 65535) return 'the m-line index is not a whole number 0–65535';
  return null;
}

/** JSON of a flat object or array, or the reason it is not. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (jsonDepthOver(text, MAX_JSON_DEPTH)) return { ok: false, reason: `JSON nested more than ${MAX_JSON_DEPTH} levels deep` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: `not JSON: ${clip(err instanceof Error ? err.message : String(err), 60)}` };
  }
}

/**
 * JSON with its keys sorted, no spaces: what Godot 4's JSON.stringify writes by default
 * (sort_keys = true), so the bytes match a Godot peer's.
 */
export function sortedJson(value: Record<string, string | number>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]])));
}

/** The levels of `topic` below `root/`, or null when it is not under the root. */
export function levelsUnder(root: string, topic: string): string[] | null {
  return topic.startsWith(`${root}/`) ? topic.slice(root.length + 1).split('/') : null;
}

/** What a reader would refuse in a message the lab is about to write, or null. */
export function writeProblem(m: DialectMessage): string | null {
  if (m.kind === 'offer' || m.kind === 'answer') return sdpProblem(m.sdp);
  // Both Godot apps pass mid and index to add_ice_candidate as they are (Control.gd:221 even
  // joins them as text): a candidate must carry both.
  if (m.kind === 'candidate') return m.sdpMid === null || m.sdpMLineIndex === null ? 'the Godot apps need both a mid and an m-line index' : candidateProblem(m.sdpMid, m.sdpMLineIndex, m.candidate);
  if (m.kind === 'chat' && (m.text.length === 0 || m.text.length > LIMITS.chat)) return `a chat of ${m.text.length} chars, not 1–${LIMITS.chat}`;
  return null;
}
