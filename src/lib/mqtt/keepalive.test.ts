import { describe, expect, it } from 'vitest';
import type { TraceEventBody } from '../trace/types';
import { countdown, seconds, silentPlugs } from './keepalive';
import { heldBody, timed } from '../trace/fixtures';

const will = (from: string, to: string): TraceEventBody =>
  heldBody({ qid: `q-${from}`, from, to, topic: `r/${from}/status`, will: true, mid: 'm' });

describe('silentPlugs', () => {
  it.each([
    {
      name: 'an immediate pull has no countdown',
      trace: timed([1000, { type: 'plug-pulled', peer: 'bob' }]),
      expected: [],
    },
    {
      name: 'the deadline counts from the last packet, not from the pull',
      trace: timed([10_000, { type: 'plug-pulled', peer: 'bob', keepaliveS: 5, quietMs: 3000 }]),
      expected: [{ peer: 'bob', pulledAt: 10_000, lastSentAt: 7000, deadlineAt: 14_500, keepaliveS: 5 }],
    },
    {
      name: 'a pull right after a packet waits the full 1.5 × keep-alive',
      trace: timed([2000, { type: 'plug-pulled', peer: 'bob', keepaliveS: 30, quietMs: 0 }]),
      expected: [{ lastSentAt: 2000, deadlineAt: 47_000 }],
    },
    {
      name: 'the will of that peer ends it; another peer’s will does not',
      trace: timed(
        [1000, { type: 'plug-pulled', peer: 'bob', keepaliveS: 5, quietMs: 500 }],
        [2000, will('alice', 'bob')],
        [8000, will('bob', 'alice')],
      ),
      expected: [{ peer: 'bob', will: expect.objectContaining({ from: 'bob', at: 8000 }) }],
    },
    {
      name: 'a will from before the pull does not count',
      trace: timed([500, will('bob', 'alice')], [1000, { type: 'plug-pulled', peer: 'bob', keepaliveS: 5 }]),
      expected: [{ peer: 'bob', lastSentAt: 1000 }],
    },
  ])('$name', ({ trace, expected }) => {
    const plugs = silentPlugs(trace);
    expect(plugs).toHaveLength(expected.length);
    expected.forEach((e, k) => expect(plugs[k]).toMatchObject(e));
    if (expected.length > 0 && !('will' in expected[0]!)) expect(plugs[0]!.will).toBeUndefined();
  });
});

describe('countdown', () => {
  const [plug] = silentPlugs(timed([10_000, { type: 'plug-pulled', peer: 'bob', keepaliveS: 5, quietMs: 3000 }]));
  it.each([
    [10_000, { phase: 'counting', remainingMs: 4500 }],
    [14_499, { phase: 'counting', remainingMs: 1 }],
    [14_500, { phase: 'overdue', overdueMs: 0 }],
    [15_300, { phase: 'overdue', overdueMs: 800 }],
  ])('at %i ms', (now, view) => {
    expect(countdown(plug!, now)).toEqual(view);
  });

  it('once the will is held, says how long after the last packet it came', () => {
    const [done] = silentPlugs(
      timed([10_000, { type: 'plug-pulled', peer: 'bob', keepaliveS: 5, quietMs: 3000 }], [14_700, will('bob', 'alice')]),
    );
    expect(countdown(done!, 99_999)).toEqual({ phase: 'will', afterMs: 7700 });
  });

  it.each([
    [4200, '4.2 s'],
    [7500, '7.5 s'],
    [-5, '0.0 s'],
  ])('seconds(%i) = %s', (ms, text) => {
    expect(seconds(ms)).toBe(text);
  });
});
