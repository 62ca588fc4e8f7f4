import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { eventBodyArb } from './arbitraries';
import { Trace } from './trace';
import type { TraceEventBody } from './types';

const plug = (peer: string): TraceEventBody => ({ type: 'plug-pulled', peer });

function clock(...times: number[]) {
  let k = 0;
  return () => times[Math.min(k++, times.length - 1)]!;
}

describe('Trace', () => {
  it('numbers events and stamps ms since it began', () => {
    const trace = new Trace(clock(1000, 1000, 1012.5, 1100));
    const a = trace.append(plug('alice'));
    const b = trace.append(plug('bob'));
    const c = trace.append({ type: 'delivered', qid: 'q1', to: 'bob' });
    expect([a.i, a.at, b.i, b.at, c.i, c.at]).toEqual([0, 0, 1, 12.5, 2, 100]);
    expect(trace.events).toEqual([a, b, c]);
    expect(trace.length).toBe(3);
  });

  it('never lets time run backwards', () => {
    const trace = new Trace(clock(0, 50, 20, 70));
    expect([1, 2, 3].map(() => trace.append(plug('a')).at)).toEqual([50, 50, 70]);
  });

  it('defaults to a monotonic clock', () => {
    const trace = new Trace();
    const e = trace.append(plug('a'));
    expect(e.at).toBeGreaterThanOrEqual(0);
    expect(e.at).toBeLessThan(1000);
  });

  it('stores frozen copies: neither the caller nor a reader can rewrite history', () => {
    const trace = new Trace(() => 0);
    const peers: [string, string] = ['alice', 'bob'];
    const event = trace.append({ type: 'session', session: 's', root: 'r', broker: 'in-page', peers });
    peers[0] = 'mallory';
    expect(trace.events[0]).toMatchObject({ peers: ['alice', 'bob'] });
    expect(Object.isFrozen(event)).toBe(true);
    expect(() => {
      (event as { type: string }).type = 'chat';
    }).toThrow(TypeError);
    expect(Object.isFrozen(peers)).toBe(false);
  });

  it('tells subscribers about each new event until they unsubscribe', () => {
    const trace = new Trace(() => 0);
    const seen: number[] = [];
    const off = trace.subscribe((e) => seen.push(e.i));
    trace.append(plug('a'));
    trace.append(plug('b'));
    off();
    trace.append(plug('c'));
    expect(seen).toEqual([0, 1]);
  });

  it('a failing subscriber neither stops the log nor the others', () => {
    const trace = new Trace(() => 0);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const seen: number[] = [];
    trace.subscribe(() => {
      throw new Error('view broke');
    });
    trace.subscribe((e) => seen.push(e.i));
    trace.append(plug('a'));
    expect(seen).toEqual([0]);
    expect(trace.length).toBe(1);
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
  });

  it('a subscriber may append: every subscriber still sees events in order', () => {
    const trace = new Trace(() => 0);
    const seen: number[] = [];
    trace.subscribe((e) => {
      if (e.type === 'plug-pulled') trace.append({ type: 'broker', peer: e.peer, state: 'lost' });
    });
    trace.subscribe((e) => seen.push(e.i));
    trace.append(plug('bob'));
    expect(seen).toEqual([0, 1]);
    expect(trace.events.map((e) => [e.i, e.type])).toEqual([
      [0, 'plug-pulled'],
      [1, 'broker'],
    ]);
  });

  it('Trace.from replays imported events and continues their timeline', () => {
    const source = new Trace(clock(0, 5, 40));
    source.append(plug('a'));
    source.append(plug('b'));
    const now = clock(1000, 1010);
    const copy = Trace.from(source.events, now);
    expect(copy.events).toEqual(source.events);
    expect(copy.append(plug('c'))).toMatchObject({ i: 2, at: 50 });
  });

  it('indexes are always 0..n-1 and times never decrease, whatever is appended', () => {
    fc.assert(
      fc.property(fc.array(eventBodyArb(), { maxLength: 30 }), fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1 }), (bodies, times) => {
        const trace = new Trace(clock(...times));
        for (const b of bodies) trace.append(b);
        trace.events.forEach((e, k) => {
          expect(e.i).toBe(k);
          expect(e).toMatchObject(bodies[k]!);
          if (k) expect(e.at).toBeGreaterThanOrEqual(trace.events[k - 1]!.at);
        });
      }),
    );
  });
});
