/**
 * What the copy-and-paste lab shows, as a pure function of its trace: the 'paste' events
 * (role, own description, pastes accepted or refused, work settled) and the peer's own
 * events (states, candidates, channel, failed calls). Live tab and replay read it alike.
 */
import { INITIAL_PEER_STATES, peerStates, type PeerStates } from '../trace/selectors';
import type { EventOf, TraceEvent } from '../trace/types';
import { copyText } from './paste';

export type PasteRole = 'offerer' | 'answerer';

/** The names the rest of the site uses: alice offers, bob answers. */
export const PEER_IDS: Readonly<Record<PasteRole, { me: string; other: string }>> = {
  offerer: { me: 'alice', other: 'bob' },
  answerer: { me: 'bob', other: 'alice' },
};

/**
 * Where this tab is:
 * - choose: no role yet;
 * - wait-offer: the answerer waits for the offer to be pasted;
 * - gathering: our description is made, and we wait for ICE gathering to complete;
 * - wait-answer: the offerer's offer is ready to copy, and it waits for the answer;
 * - connecting: both descriptions are set (offerer), or our answer is out (answerer);
 * - open: the data channel is open.
 */
export type PastePhase = 'choose' | 'wait-offer' | 'gathering' | 'wait-answer' | 'connecting' | 'open';

export interface OwnDescription {
  type: 'offer' | 'answer';
  sdp: string;
  /** What the copy button and the QR code carry. */
  text: string;
  candidates: number;
}

export interface PastedDescription {
  type: 'offer' | 'answer';
  sdp: string;
  candidates: number;
  warnings: string[];
}

export interface PasteSnapshot {
  role: PasteRole | null;
  me: string | null;
  other: string | null;
  phase: PastePhase;
  own: OwnDescription | null;
  pasted: PastedDescription | null;
  /** The last problem: a refused paste (with its reason) or a failed API call (as the browser put it). */
  error: string | null;
  /** Local candidates gathered so far. */
  gathered: number;
  states: PeerStates;
  channelOpen: boolean;
  /** The connection reached 'failed'. */
  failed: boolean;
  /** A paste is being applied. */
  busy: boolean;
  /** Work is under way: the offerer's start (its offer) or a paste. */
  working: boolean;
}

/** What a tab shows before the reader picks a part. */
export function initialSnapshot(): PasteSnapshot {
  return {
    role: null,
    me: null,
    other: null,
    phase: 'choose',
    own: null,
    pasted: null,
    error: null,
    gathered: 0,
    states: { ...INITIAL_PEER_STATES },
    channelOpen: false,
    failed: false,
    busy: false,
    working: false,
  };
}

/** The tab as of events[0..n]. Events of other peers, and a second role, are ignored. */
export function pasteView(events: readonly TraceEvent[]): PasteSnapshot {
  const view = initialSnapshot();
  let me: string | null = null;
  /** The work started by the last 'role' or 'accepted' has had its first failure. */
  let failedInWork = false;
  let applied = false;
  for (const e of events) {
    if (e.type === 'paste' && e.what === 'role' && me === null && e.role && PEER_IDS[e.role].me === e.peer) {
      me = e.peer;
      Object.assign(view, { role: e.role, me, other: PEER_IDS[e.role].other, working: true });
      failedInWork = false;
      continue;
    }
    if (me === null || !('peer' in e) || e.peer !== me) continue;
    if (e.type === 'paste') failedInWork = step(view, e, failedInWork);
    else if (e.type === 'api' && !e.ok && view.working && !failedInWork && e.call !== 'onicecandidateerror') {
      // onicecandidateerror is not fatal (ICE goes on with other servers), so it is not a failure here.
      view.error = failureText(e);
      failedInWork = true;
    } else if (e.type === 'api' && e.ok && e.call === 'setRemoteDescription') applied = true;
    else if (e.type === 'candidate-gathered' && e.candidate !== null) view.gathered += 1;
    else if (e.type === 'channel') view.channelOpen = e.state === 'open';
  }
  if (me === null) return view;
  view.states = peerStates(events, me);
  view.failed = view.states.connection === 'failed';
  view.phase = phaseOf(view, applied);
  return view;
}

/** Applies one 'paste' event of this tab; returns whether the current work has failed. */
function step(view: PasteSnapshot, e: EventOf<'paste'>, failedInWork: boolean): boolean {
  switch (e.what) {
    case 'own':
      if (e.sdpType && e.sdp !== undefined) view.own = { type: e.sdpType, sdp: e.sdp, text: copyText({ type: e.sdpType, sdp: e.sdp }), candidates: e.candidates ?? 0 };
      return failedInWork;
    case 'accepted':
      if (!e.sdpType || e.sdp === undefined) return failedInWork;
      view.pasted = { type: e.sdpType, sdp: e.sdp, candidates: e.candidates ?? 0, warnings: [...(e.warnings ?? [])] };
      Object.assign(view, { error: null, busy: true, working: true });
      return false;
    case 'refused':
      view.error = e.reason ?? 'refused';
      return failedInWork;
    case 'settled':
      Object.assign(view, { busy: false, working: false });
      return failedInWork;
    case 'role':
      return failedInWork;
  }
}

function phaseOf(view: PasteSnapshot, applied: boolean): PastePhase {
  if (view.channelOpen) return 'open';
  if (view.role === 'offerer') {
    if (!view.own) return 'gathering';
    return applied ? 'connecting' : 'wait-answer';
  }
  if (!applied) return 'wait-offer';
  return view.own ? 'connecting' : 'gathering';
}

/** "setRemoteDescription failed: InvalidStateError: …" */
function failureText(e: EventOf<'api'>): string {
  return `${e.call} failed: ${e.detail ?? 'no reason given'}`;
}
