import { describe, expect, it } from 'vitest';
import { SCENARIOS, firstTampering, reactionsSince, runScenario, scenarioById, type HeldView, type ScenarioDriver } from './scenarios';
import type { SignalKind } from '../signalling/types';
import type { TraceEvent, TraceEventBody } from '../trace/types';

/**
 * A fake lab: a queue of held messages, and a script of arrivals, one batch per change().
 * Every action is logged as the reader's button would be.
 */
function fakeLab(initial: Array<[SignalKind, string]>, arrivals: Array<Array<[SignalKind, string]>> = []) {
  let n = 0;
  const make = ([kind, to]: [SignalKind, string]): HeldView => ({ qid: `q${++n}`, kind, to, payload: kind === 'offer' ? '{"sdp":"v=0\\r\\na=fingerprint:sha-256 AB:CD\\r\\n"}' : '{}' });
  let held = initial.map(make);
  const log: string[] = [];
  const label = (qid: string) => held.find((h) => h.qid === qid)!.kind;
  const driver: ScenarioDriver = {
    held: () => held,
    roleOf: (peer) => (peer === 'alice' ? 'offerer' : peer === 'bob' ? 'answerer' : undefined),
    step: () => {
      log.push(`step ${held[0]!.kind}`);
      held = held.slice(1);
    },
    drop: (qid) => {
      log.push(`drop ${label(qid)}`);
      held = held.filter((h) => h.qid !== qid);
      return true;
    },
    delay: (qid) => {
      log.push(`delay ${label(qid)}`);
      const m = held.find((h) => h.qid === qid)!;
      held = [...held.filter((h) => h !== m), m];
      return true;
    },
    duplicate: (qid) => {
      log.push(`duplicate ${label(qid)}`);
      const k = held.findIndex((h) => h.qid === qid);
      held = [...held.slice(0, k + 1), { ...held[k]!, qid: `q${++n}` }, ...held.slice(k + 1)];
      return true;
    },
    move: (qid, by) => {
      log.push(`move ${label(qid)} ${by}`);
      const k = held.findIndex((h) => h.qid === qid);
      const next = [...held];
      [next[k], next[k + by]] = [next[k + by]!, next[k]!];
      held = next;
      return true;
    },
    edit: (qid, payload) => {
      log.push(`edit ${label(qid)} ${payload}`);
      return { ok: true };
    },
    play: () => log.push('play'),
    changed: async () => {
      const batch = arrivals.shift();
      if (!batch) return false;
      held = [...held, ...batch.map(make)];
      return true;
    },
  };
  return { driver, log, held: () => held };
}

const scenario = (id: string) => scenarioById(id)!;

describe('runScenario', () => {
  it('Drop the answer: steps until the answer is held for alice, drops it, plays', async () => {
    const lab = fakeLab(
      [['status', 'bob'], ['status', 'alice']],
      [[['offer', 'bob'], ['candidate', 'bob']], [['answer', 'alice']]],
    );
    expect(await runScenario(scenario('drop-answer'), lab.driver)).toEqual({ ok: true });
    expect(lab.log).toEqual(['step status', 'step status', 'step offer', 'step candidate', 'drop answer', 'play']);
  });

  it('Candidate before the offer: never delivers the offer, waits for a candidate, moves it above', async () => {
    const lab = fakeLab([['status', 'bob'], ['status', 'alice'], ['offer', 'bob']], [[['candidate', 'alice']], [['candidate', 'bob'], ['candidate', 'bob']]]);
    expect(await runScenario(scenario('naive-candidate'), lab.driver)).toEqual({ ok: true });
    // It passes alice's own candidate, then the offer: one Move up each.
    expect(lab.log).toEqual(['step status', 'step status', 'move candidate -1', 'move candidate -1', 'play']);
    expect(lab.held().map((h) => `${h.kind}>${h.to}`)).toEqual(['candidate>bob', 'offer>bob', 'candidate>alice', 'candidate>bob']);
    expect(scenario('naive-candidate').options.naivePeers).toBe(true);
  });

  it('keeps a message it must not deliver even when a candidate to the other peer is behind it', async () => {
    const lab = fakeLab([['offer', 'bob'], ['candidate', 'alice']], [[['candidate', 'bob']]]);
    expect(await runScenario(scenario('delay-offer'), lab.driver)).toEqual({ ok: true });
    expect(lab.log).toEqual(['delay offer', 'play']);
  });

  it('Edit the fingerprint: edits the held offer through the editor path', async () => {
    const lab = fakeLab([['offer', 'bob']]);
    expect(await runScenario(scenario('edit-fingerprint'), lab.driver)).toEqual({ ok: true });
    expect(lab.log).toEqual(['edit offer {"sdp":"v=0\\r\\na=fingerprint:sha-256 2B:CD\\r\\n"}', 'play']);
  });

  it('Duplicate the offer', async () => {
    const lab = fakeLab([['offer', 'bob']]);
    expect(await runScenario(scenario('duplicate-offer'), lab.driver)).toEqual({ ok: true });
    expect(lab.log).toEqual(['duplicate offer', 'play']);
    expect(lab.held().map((h) => h.kind)).toEqual(['offer', 'offer']);
  });

  it('gives up with a reason when the message never comes', async () => {
    const lab = fakeLab([['status', 'bob']]);
    expect(await runScenario(scenario('drop-answer'), lab.driver, { waitMs: 5 })).toEqual({ ok: false, reason: 'waited 0.005 s for an answer for the offerer; none came' });
  });

  it('reports a refused edit', async () => {
    const lab = fakeLab([['offer', 'bob']]);
    lab.driver.edit = () => ({ ok: false, reason: 'nope' });
    expect(await runScenario(scenario('edit-fingerprint'), lab.driver)).toEqual({ ok: false, reason: 'the edit was refused: nope' });
  });

  it('has at least four scenarios with unique ids and titles', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(4);
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
    expect(new Set(SCENARIOS.map((s) => s.title)).size).toBe(SCENARIOS.length);
  });
});

describe('reactionsSince', () => {
  const trace = (bodies: TraceEventBody[]): TraceEvent[] => bodies.map((b, i) => ({ ...b, i, at: i }) as TraceEvent);
  const events = trace([
    { type: 'state', peer: 'alice', machine: 'signaling', value: 'have-local-offer' },
    { type: 'dropped', qid: 'q5', to: 'alice', by: 'reader' },
    { type: 'api', peer: 'bob', call: 'addIceCandidate', ok: false, detail: 'InvalidStateError: The remote description was null' },
    { type: 'api', peer: 'bob', call: 'setRemoteDescription', ok: true },
    { type: 'api', peer: 'bob', call: 'publish answer', ok: false, detail: 'x' },
    { type: 'state', peer: 'bob', machine: 'iceGathering', value: 'gathering' },
    { type: 'state', peer: 'bob', machine: 'connection', value: 'failed' },
    { type: 'candidate-buffered', peer: 'bob', candidate: 'candidate:1', reason: 'no remote description yet' },
    { type: 'channel', peer: 'alice', state: 'open' },
  ]);

  it('starts at the first tampering and lists real reactions only', () => {
    expect(firstTampering(events)).toBe(1);
    expect(reactionsSince(events, firstTampering(events)).map((r) => [r.peer, r.text, r.bad])).toEqual([
      ['bob', 'addIceCandidate failed: InvalidStateError: The remote description was null', true],
      ['bob', 'connection state: failed', true],
      ['bob', 'buffered a candidate: no remote description yet', false],
      ['alice', 'data channel is now open', false],
    ]);
    expect(firstTampering(events.slice(0, 1))).toBe(-1);
  });
});
