import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventBodyArb } from './arbitraries';
import { heldBody, traced } from './fixtures';
import { diagramRows, tamperings } from './selectors';
import { stableDiagramRows, stableTamperings } from './stable-views';
import type { TraceEventBody } from './types';

const PEERS: [string, string] = ['alice', 'bob'];

const held = (qid: string, text: string): TraceEventBody => heldBody({ qid, topic: 't', payload: JSON.stringify({ status: text }), bytes: 1 });

describe('stableDiagramRows', () => {
  it('keeps untouched rows and replaces the changed one', () => {
    const rowsOf = stableDiagramRows();
    const cases: Array<{ add: TraceEventBody[]; same: number[]; changed: number[] }> = [
      { add: [held('q1', 'online'), held('q2', 'online')], same: [], changed: [0, 1] },
      { add: [{ type: 'delivered', qid: 'q1', to: 'bob' }], same: [1], changed: [0] },
      { add: [{ type: 'tampered', qid: 'q2', to: 'bob', action: 'delay' }], same: [0], changed: [1] },
      { add: [{ type: 'state', peer: 'alice', machine: 'connection', value: 'connected' }], same: [0, 1], changed: [] },
    ];
    const bodies: TraceEventBody[] = [];
    let before = rowsOf([], PEERS);
    for (const { add, same, changed } of cases) {
      bodies.push(...add);
      const evs = traced(...bodies);
      const rows = rowsOf(evs, PEERS);
      expect(rows).toEqual(diagramRows(evs, PEERS));
      for (const k of same) expect(rows[k]).toBe(before[k]);
      for (const k of changed) expect(rows[k]).not.toBe(before[k]);
      before = rows;
    }
  });

  it('equals diagramRows for every prefix of any trace, and reuses every equal row', () => {
    const peer = fc.constantFrom('alice', 'bob', 'carol');
    fc.assert(
      fc.property(fc.array(eventBodyArb(peer), { maxLength: 40 }), fc.constantFrom<[string, string][]>(PEERS, ['bob', 'carol']), (bodies, peers) => {
        const all = traced(...bodies);
        const rowsOf = stableDiagramRows();
        let before = new Map<number, unknown>();
        for (let n = 0; n <= all.length; n++) {
          const prefix = all.slice(0, n);
          const rows = rowsOf(prefix, peers);
          const model = diagramRows(prefix, peers);
          expect(rows).toEqual(model);
          for (const row of rows) {
            const old = before.get(row.eventIndex);
            if (old !== undefined && JSON.stringify(old) === JSON.stringify(row)) expect(row).toBe(old);
          }
          before = new Map(rows.map((r) => [r.eventIndex, r]));
        }
      }),
    );
  });
});

describe('stableTamperings', () => {
  it('equals tamperings for every prefix, and is the same map until a tampering is added', () => {
    const peer = fc.constantFrom('alice', 'bob');
    fc.assert(
      fc.property(fc.array(eventBodyArb(peer), { maxLength: 40 }), (bodies) => {
        const all = traced(...bodies);
        const of = stableTamperings();
        let before = of([]);
        for (let n = 1; n <= all.length; n++) {
          const prefix = all.slice(0, n);
          const map = of(prefix);
          expect(map).toEqual(tamperings(prefix));
          if (all[n - 1]!.type === 'tampered') expect(map).not.toBe(before);
          else expect(map).toBe(before);
          before = map;
        }
      }),
    );
  });

  it('starts over for a new trace with as many tamperings', () => {
    const of = stableTamperings();
    const tamper = (qid: string): TraceEventBody => ({ type: 'tampered', qid, to: 'bob', action: 'delay' });
    const a = of(traced(tamper('q1')));
    const b = of(traced(tamper('q2')));
    expect(b).not.toBe(a);
    expect([...b.keys()]).toEqual(['q2']);
  });
});
