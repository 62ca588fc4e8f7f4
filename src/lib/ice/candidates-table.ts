/**
 * The candidates table: every candidate each peer gathered, from the trace, with the time
 * since that peer's gathering began and a "gathering complete" row for the null candidate
 * (W3C webrtc-pc: the icecandidate event with a null candidate). Pure; never throws.
 */
import type { EventOf, TraceEvent } from '../trace/types';
import { isCandidateError, isMdnsCandidate, parseCandidate, type ParsedCandidate } from './candidate';
import { candidateKey } from './key';

export { candidateKey, type CandidateKeyFields } from './key';

/** How the start of gathering was found for a row's round. */
export type GatheringStart =
  /** The peer's 'state' event iceGathering → gathering. */
  | 'state'
  /** A candidate came before that state event (Chromium can fire the state change late), so the first candidate. */
  | 'first-candidate';

interface RowBase {
  peer: string;
  /** Trace index of the 'candidate-gathered' event. */
  i: number;
  /** ms since the trace began. */
  at: number;
  /** ms since this peer’s gathering began (to the µs). */
  sinceGatheringMs: number;
  /** Trace index of the event that marks the start of gathering. */
  gatheringStartI: number;
  gatheringStart: GatheringStart;
  /** Queue id of the signal that carries it to the other peer, once it is held. */
  qid: string | null;
  /** Trace index of that signal's 'held' and 'delivered' events. */
  heldI: number | null;
  deliveredI: number | null;
}

export interface CandidateRow extends RowBase {
  kind: 'candidate';
  /** The candidate attribute exactly as gathered (untrusted when imported: render as text). */
  text: string;
  parsed: ParsedCandidate | null;
  error: string | null;
  /** candidateKey(parsed), null when it does not parse. */
  key: string | null;
  mdns: boolean;
  /** Trace index of the other peer's successful addIceCandidate of it. */
  addedI: number | null;
}

export interface GatheringCompleteRow extends RowBase {
  kind: 'complete';
  /** Candidates this peer gathered in this round. */
  count: number;
}

export type CandidateTableRow = CandidateRow | GatheringCompleteRow;

/** The candidate line inside a signal payload (a string, or RTCIceCandidateInit as JSON). */
function payloadCandidate(payload: string): string | null {
  try {
    const body = JSON.parse(payload) as unknown;
    let c = typeof body === 'object' && body !== null ? (body as { candidate?: unknown }).candidate : undefined;
    if (typeof c === 'string' && c.trimStart().startsWith('{')) c = (JSON.parse(c) as { candidate?: unknown }).candidate;
    return typeof c === 'string' ? c : null;
  } catch {
    return null;
  }
}

/** candidateKey of a candidate line, or null when it does not parse. */
export function candidateKeyOf(text: string): string | null {
  const c = parseCandidate(text);
  return isCandidateError(c) ? null : candidateKey(c);
}

/** candidateKey of the candidate a signal carries (for the diagram and the inspector), or null. */
export function messageCandidateKey(m: { kind: string; payload: string }): string | null {
  if (m.kind !== 'candidate') return null;
  const text = payloadCandidate(m.payload);
  return text === null ? null : candidateKeyOf(text);
}

interface Round {
  startI: number;
  startAt: number;
  source: GatheringStart;
  count: number;
  complete: boolean;
}

/** Rows for every peer, in trace order. */
export function candidateRows(trace: readonly TraceEvent[]): CandidateTableRow[] {
  // Where each gathered candidate (by sender + text) went next: held, delivered, added.
  const held = new Map<string, EventOf<'held'>>();
  const delivered = new Map<string, number>();
  const added = new Map<string, Array<{ peer: string; i: number }>>();
  for (const e of trace) {
    if (e.type === 'held' && (e.kind === 'candidate' || e.kind === 'end-of-candidates')) {
      const text = e.kind === 'candidate' ? payloadCandidate(e.payload) : '';
      const id = `${e.from}\n${text}`;
      if (text !== null && !held.has(id)) held.set(id, e);
    } else if (e.type === 'delivered' && !delivered.has(e.qid)) {
      delivered.set(e.qid, e.i);
    } else if (e.type === 'api' && e.call === 'addIceCandidate' && e.ok && e.detail !== undefined) {
      // LabPeer puts the candidate line in `detail` of a successful addIceCandidate.
      added.set(e.detail, [...(added.get(e.detail) ?? []), { peer: e.peer, i: e.i }]);
    }
  }

  const rounds = new Map<string, Round>();
  const rows: CandidateTableRow[] = [];
  for (const e of trace) {
    if (e.type === 'state' && e.machine === 'iceGathering' && e.value === 'gathering') {
      const r = rounds.get(e.peer);
      // A new round, unless one is under way (then the state event came after its first candidate).
      if (!r || r.complete) rounds.set(e.peer, { startI: e.i, startAt: e.at, source: 'state', count: 0, complete: false });
      continue;
    }
    if (e.type !== 'candidate-gathered') continue;
    let r = rounds.get(e.peer);
    if (!r || r.complete) {
      r = { startI: e.i, startAt: e.at, source: 'first-candidate', count: 0, complete: false };
      rounds.set(e.peer, r);
    }
    const text = e.candidate ?? '';
    const h = held.get(`${e.peer}\n${text}`);
    const base: RowBase = {
      peer: e.peer,
      i: e.i,
      at: e.at,
      sinceGatheringMs: Math.max(0, Math.round((e.at - r.startAt) * 1000) / 1000),
      gatheringStartI: r.startI,
      gatheringStart: r.source,
      qid: h?.qid ?? null,
      heldI: h?.i ?? null,
      deliveredI: h ? (delivered.get(h.qid) ?? null) : null,
    };
    if (e.candidate === null) {
      rows.push({ ...base, kind: 'complete', count: r.count });
      r.complete = true;
      continue;
    }
    r.count++;
    const parsed = parseCandidate(e.candidate);
    const ok = !isCandidateError(parsed);
    const addedBy = added.get(e.candidate)?.find((a) => a.peer !== e.peer && (h === undefined || a.peer === h.to));
    rows.push({
      ...base,
      kind: 'candidate',
      text: e.candidate,
      parsed: ok ? parsed : null,
      error: ok ? null : parsed.error,
      key: ok ? candidateKey(parsed) : null,
      mdns: ok && isMdnsCandidate(parsed),
      addedI: addedBy?.i ?? null,
    });
  }
  return rows;
}
