/**
 * Guided fault scenarios: each one is data (lab options and steps), played by runScenario
 * through the same queue actions a reader has (Step, Drop, Delay, Duplicate, Move, Edit,
 * Play). Nothing here says what the peers will do: the outcome is their real reaction,
 * read from the trace (reactionsSince).
 */
import type { SignalKind } from '../signalling/types';
import type { TraceEvent } from '../trace/types';
import { editableText, payloadFromEdit, tamperFingerprint } from '../session/tamper';

export type Role = 'offerer' | 'answerer';

/** A held message by kind and by the role of its recipient. */
export interface Match {
  kind: SignalKind;
  to: Role;
}

/** Named edits a scenario can make, as a reader would in the editor. */
export const EDITS = {
  /** Flip one hex digit of the first a=fingerprint. */
  fingerprint: tamperFingerprint,
} as const satisfies Record<string, (text: string) => string>;

export type ScenarioStep =
  /**
   * Press Step until a message matching `wait` is held. Never delivers that message, nor
   * one matching `keep`: with one of those at the head it waits for more to arrive instead.
   */
  | { wait: Match; keep?: Match[] }
  | { act: 'drop' | 'delay' | 'duplicate'; target: Match }
  /** Press Move up on `target` until it is held before `above`. */
  | { act: 'move-above'; target: Match; above: Match }
  | { act: 'edit'; target: Match; change: keyof typeof EDITS }
  | { act: 'play' };

export interface Scenario {
  id: string;
  /** The button's name. */
  title: string;
  /** What the scenario does, in the reader's terms. */
  does: string;
  /** Where to look; the lab shows what actually happened. */
  watch: string;
  options: { naivePeers?: boolean };
  steps: readonly ScenarioStep[];
}

const offerToAnswerer: Match = { kind: 'offer', to: 'answerer' };
const answerToOfferer: Match = { kind: 'answer', to: 'offerer' };
const candidateToAnswerer: Match = { kind: 'candidate', to: 'answerer' };

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'drop-answer',
    title: 'Drop the answer',
    does: 'Steps until the answer is held for the offerer, drops it, then plays the rest.',
    watch: "the offerer's signalling state, and whether the data channel opens",
    options: {},
    steps: [{ wait: answerToOfferer }, { act: 'drop', target: answerToOfferer }, { act: 'play' }],
  },
  {
    id: 'delay-offer',
    title: 'Delay the offer',
    does: "Holds the offer until the offerer's first candidate is held behind it, delays the offer behind it, then plays.",
    watch: "what the answerer does with a candidate that comes before any offer",
    options: {},
    steps: [
      { wait: candidateToAnswerer, keep: [offerToAnswerer] },
      { act: 'delay', target: offerToAnswerer },
      { act: 'play' },
    ],
  },
  {
    id: 'naive-candidate',
    title: 'Candidate before the offer (naive peers)',
    does: 'With naive peers (no candidate buffering), moves the first candidate above the offer, then plays.',
    watch: "the answerer's addIceCandidate call",
    options: { naivePeers: true },
    steps: [
      { wait: candidateToAnswerer, keep: [offerToAnswerer] },
      { act: 'move-above', target: candidateToAnswerer, above: offerToAnswerer },
      { act: 'play' },
    ],
  },
  {
    id: 'edit-fingerprint',
    title: 'Edit the fingerprint',
    does: 'Changes one hex digit of the a=fingerprint in the held offer, then plays.',
    watch: 'the ICE and connection states of both peers',
    options: {},
    steps: [{ wait: offerToAnswerer }, { act: 'edit', target: offerToAnswerer, change: 'fingerprint' }, { act: 'play' }],
  },
  {
    id: 'duplicate-offer',
    title: 'Duplicate the offer',
    does: 'Holds a second copy of the offer right after it, then plays.',
    watch: 'what each peer does with the second offer, and with what comes back',
    options: {},
    steps: [{ wait: offerToAnswerer }, { act: 'duplicate', target: offerToAnswerer }, { act: 'play' }],
  },
];

export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

/** What the runner sees of a held message. */
export interface HeldView {
  qid: string;
  kind: SignalKind;
  to: string;
  payload: string;
}

/** The lab as the runner drives it: the reader's own controls, nothing more. */
export interface ScenarioDriver {
  /** Held messages, head first. */
  held(): readonly HeldView[];
  roleOf(peer: string): Role | undefined;
  step(): void;
  drop(qid: string): boolean;
  delay(qid: string): boolean;
  duplicate(qid: string): boolean;
  move(qid: string, by: -1 | 1): boolean;
  edit(qid: string, payload: string): { ok: true } | { ok: false; reason: string };
  play(): void;
  /** Resolves true on the next change in the lab, false after `ms` without one (or if the lab went away). */
  changed(ms: number): Promise<boolean>;
}

export type ScenarioResult = { ok: true } | { ok: false; reason: string };

export interface RunOptions {
  /** Longest wait for the next message, ms. */
  waitMs?: number;
  /** Most Steps one wait may take. */
  maxSteps?: number;
}

const describe = (m: Match) => `${m.kind === 'offer' || m.kind === 'answer' ? 'an' : 'a'} ${m.kind} for the ${m.to}`;

export async function runScenario(scenario: Scenario, driver: ScenarioDriver, opts: RunOptions = {}): Promise<ScenarioResult> {
  const waitMs = opts.waitMs ?? 10_000;
  const maxSteps = opts.maxSteps ?? 200;
  const matches = (h: HeldView, m: Match) => h.kind === m.kind && driver.roleOf(h.to) === m.to;
  const find = (m: Match) => driver.held().find((h) => matches(h, m));

  for (const step of scenario.steps) {
    if ('wait' in step) {
      const keep = [step.wait, ...(step.keep ?? [])];
      for (let steps = 0; !find(step.wait); ) {
        const head = driver.held()[0];
        if (head && !keep.some((m) => matches(head, m)) && steps < maxSteps) {
          driver.step();
          steps += 1;
          continue;
        }
        if (steps >= maxSteps) return { ok: false, reason: `no ${step.wait.kind} after ${maxSteps} steps` };
        if (!(await driver.changed(waitMs))) return { ok: false, reason: `waited ${waitMs / 1000} s for ${describe(step.wait)}; none came` };
      }
      continue;
    }
    if (step.act === 'play') {
      driver.play();
      continue;
    }
    const target = find(step.target);
    if (!target) return { ok: false, reason: `${describe(step.target)} is no longer held` };
    switch (step.act) {
      case 'drop':
      case 'delay':
      case 'duplicate':
        if (!driver[step.act](target.qid)) return { ok: false, reason: `could not ${step.act} the ${target.kind}` };
        break;
      case 'move-above': {
        const position = (m: HeldView | undefined) => (m ? driver.held().findIndex((h) => h.qid === m.qid) : -1);
        const above = find(step.above);
        if (!above) return { ok: false, reason: `${describe(step.above)} is no longer held` };
        while (position(target) > position(above)) {
          if (!driver.move(target.qid, -1)) return { ok: false, reason: `could not move the ${target.kind} up` };
        }
        break;
      }
      case 'edit': {
        const text = EDITS[step.change](editableText(target.kind, target.payload));
        const result = driver.edit(target.qid, payloadFromEdit(target.kind, target.payload, text));
        if (!result.ok) return { ok: false, reason: `the edit was refused: ${result.reason}` };
        break;
      }
    }
  }
  return { ok: true };
}

/** One thing a peer did, as the trace recorded it. */
export interface Reaction {
  /** Trace index. */
  i: number;
  peer: string;
  /** e.g. "signalling state: have-local-offer", "addIceCandidate failed: InvalidStateError: …". */
  text: string;
  /** An error or a failure, shown as such. */
  bad: boolean;
}

const MACHINE_NAMES = { signaling: 'signalling state', connection: 'connection state', iceConnection: 'ICE connection state' } as const;
const BAD_STATES: ReadonlySet<string> = new Set(['failed', 'disconnected', 'closed']);

/**
 * The peers' real reactions from trace index `from` on: failed API calls with the browser's
 * error text, signals a peer refused, state changes, candidates buffered and flushed, the
 * data channel. ICE gathering and successful calls are left out: they are not reactions.
 */
export function reactionsSince(events: readonly TraceEvent[], from: number): Reaction[] {
  const out: Reaction[] = [];
  for (const e of events.slice(Math.max(0, from))) {
    switch (e.type) {
      case 'api':
        if (!e.ok && !e.call.startsWith('publish')) out.push({ i: e.i, peer: e.peer, text: `${e.call} failed${e.detail ? `: ${e.detail}` : ''}`, bad: true });
        else if (e.call === 'ignoreOffer') out.push({ i: e.i, peer: e.peer, text: `ignored the offer${e.detail ? `: ${e.detail}` : ''}`, bad: false });
        break;
      case 'state':
        if (e.machine in MACHINE_NAMES) {
          out.push({ i: e.i, peer: e.peer, text: `${MACHINE_NAMES[e.machine as keyof typeof MACHINE_NAMES]}: ${e.value}`, bad: BAD_STATES.has(e.value) });
        }
        break;
      case 'candidate-buffered':
        out.push({ i: e.i, peer: e.peer, text: `buffered ${e.candidate === '' ? 'an end-of-candidates' : 'a candidate'}: ${e.reason}`, bad: false });
        break;
      case 'candidates-flushed':
        out.push({ i: e.i, peer: e.peer, text: `added ${e.count} buffered candidate${e.count === 1 ? '' : 's'} once the description was set`, bad: false });
        break;
      case 'channel':
        out.push({ i: e.i, peer: e.peer, text: `data channel is now ${e.state}`, bad: false });
        break;
    }
  }
  return out;
}

/** Index of the reader's first tampering (a drop or any other action), or -1. */
export function firstTampering(events: readonly TraceEvent[]): number {
  return events.findIndex((e) => e.type === 'tampered' || e.type === 'dropped');
}
