import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventBodyArb } from './arbitraries';
import { clampStep, lastStep, linkToStep, parseStepHash, prefixAt, stepForMessage, stepHash, stepOfEvent } from './replay';
import { deliveredCount } from './selectors';
import { heldBody, traced } from './fixtures';
import type { TraceEventBody } from './types';
import { itReturns } from '../testing/table';

const held = (qid: string): TraceEventBody => heldBody({ qid, kind: 'offer', topic: 't', mid: qid });
const delivered = (qid: string): TraceEventBody => ({ type: 'delivered', qid, to: 'bob' });
const state = (value: string): TraceEventBody => ({ type: 'state', peer: 'bob', machine: 'signaling', value });

describe('prefixAt', () => {
  const events = traced(held('q1'), held('q2'), delivered('q1'), state('have-remote-offer'), delivered('q2'), state('stable'));

  itReturns('step %s shows the first %s events', (step: number) => prefixAt(events, step).length, [
    [0, 2],
    [1, 4],
    [2, 6],
    [3, 6],
    [-1, 2],
    [Number.NaN, 2],
  ]);

  it('knows the last step and the step of each event', () => {
    expect(lastStep(events)).toBe(2);
    expect(events.map((e) => stepOfEvent(events, e.i))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(clampStep(events, 99)).toBe(2);
  });

  it('property: step n has exactly n deliveries, prefixes grow, every event is visible from its step on', () => {
    fc.assert(
      fc.property(fc.array(eventBodyArb(), { maxLength: 40 }), (bodies) => {
        const evs = traced(...bodies);
        const last = lastStep(evs);
        let previous = -1;
        for (let n = 0; n <= last; n++) {
          const p = prefixAt(evs, n);
          expect(deliveredCount(p)).toBe(n);
          expect(p.length).toBeGreaterThan(previous);
          previous = p.length;
        }
        expect(prefixAt(evs, last)).toHaveLength(evs.length);
        for (const e of evs) {
          const s = stepOfEvent(evs, e.i);
          expect(prefixAt(evs, s).some((x) => x.i === e.i)).toBe(true);
          if (s > 0) expect(prefixAt(evs, s - 1).some((x) => x.i === e.i)).toBe(false);
        }
      }),
    );
  });
});

describe('step hash', () => {
  itReturns('%j → %s', parseStepHash, [
    ['#step=5', 5],
    ['step=0', 0],
    ['#step=12 ', 12],
    ['#step=-1', null],
    ['#step=abc', null],
    ['#step=', null],
    ['#other=5', null],
    ['#step=99999999', null],
  ]);

  it('round trips', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), (n) => {
        expect(parseStepHash(stepHash(n))).toBe(n);
      }),
    );
  });
});

describe('links to a message', () => {
  const events = traced(held('q1'), held('q2'), delivered('q2'), state('x'), delivered('q1'), held('q3'));

  itReturns('message at event %s opens step %s', (index: number) => stepForMessage(events, index), [
    [0, 2],
    [1, 1],
    [5, 2],
    [3, 1],
  ]);

  it('replaces the hash, keeps the query', () => {
    expect(linkToStep('http://127.0.0.1:4321/lab/?autoplay=1#step=9', 3)).toBe('http://127.0.0.1:4321/lab/?autoplay=1#step=3');
  });
});
