/**
 * The two-device lab's phase and roster are trace events: the views read from the trace
 * agree with what the session decided on, and an exported trace carries them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DirectBus } from '../broker/direct-bus';
import type { BrokerConnection, ConnectOptions } from '../broker/types';
import { applyPresence, type PresenceEntry } from '../signalling/presence';
import { FakePeerConnection } from '../testing/fake-peer-connection';
import { exportTrace, parseTraceJson } from '../trace/export';
import type { TraceEvent, TraceEventBody } from '../trace/types';
import { SoloSession } from './solo-session';
import { phaseOf, presenceUpdate, rosterLeftOut, rosterOf, ROSTER_LIMIT } from './solo-view';

const ROOT = 'webrtc-lab/solo-view';

function stamp(bodies: TraceEventBody[]): TraceEvent[] {
  return bodies.map((b, i) => ({ ...b, i, at: i }) as TraceEvent);
}

function devices() {
  const bus = new DirectBus();
  const connectBroker = async (opts: ConnectOptions): Promise<BrokerConnection> => {
    const client = bus.connect({ clientId: opts.clientId, will: opts.will });
    await new Promise<void>((resolve) => client.on('connect', resolve));
    return { client, pullPlug: () => void client.end(true), close: () => new Promise<void>((resolve) => client.end(false, resolve)) };
  };
  const device = (self: string) =>
    new SoloSession({ broker: 'direct', root: ROOT, self, probeTimeoutMs: 200 }, { connectBroker, createPeerConnection: (c) => new FakePeerConnection(c) as unknown as RTCPeerConnection });
  const settle = async () => {
    for (let i = 0; i < 6; i++) {
      await bus.settled();
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { device, settle };
}

describe('phaseOf', () => {
  it.each([
    ['nothing yet', [], { phase: 'idle', detail: null }],
    ['joining', [{ type: 'phase', peer: 'dog1', phase: 'joining' }], { phase: 'joining', detail: null }],
    [
      'refused, with why',
      [
        { type: 'phase', peer: 'dog1', phase: 'joining' },
        { type: 'phase', peer: 'dog1', phase: 'refused', detail: 'dog1 is taken' },
      ],
      { phase: 'refused', detail: 'dog1 is taken' },
    ],
  ] as const)('%s', (_name, bodies, expected) => {
    expect(phaseOf(stamp([...bodies] as TraceEventBody[]))).toEqual(expected);
  });
});

describe('rosterOf', () => {
  const presence = fc.record({
    type: fc.constant('presence' as const),
    peer: fc.constant('dog1'),
    of: fc.constantFrom('cat2', 'owl3', 'dog1'),
    status: fc.constantFrom('online', 'offline', 'cleared' as const),
    will: fc.boolean(),
    retained: fc.boolean(),
    ts: fc.nat(),
  });

  it('is the fold of every presence event, whatever else the trace holds', () => {
    const noise = fc.constantFrom<TraceEventBody>({ type: 'api', peer: 'dog1', call: 'x', ok: true }, { type: 'phase', peer: 'dog1', phase: 'joined' });
    fc.assert(
      fc.property(fc.array(fc.oneof(presence, noise), { maxLength: 300 }), (bodies) => {
        let expected = new Map<string, PresenceEntry>();
        for (const b of bodies) if (b.type === 'presence') expected = applyPresence(expected, presenceUpdate(b));
        expect(rosterOf(stamp(bodies))).toEqual(expected);
      }),
    );
  });

  it('takes a cleared status off the list', () => {
    const events = stamp([
      { type: 'presence', peer: 'dog1', of: 'cat2', status: 'online', will: false, retained: true, ts: 5 },
      { type: 'presence', peer: 'dog1', of: 'cat2', status: 'cleared', will: false, retained: false, ts: 0 },
    ]);
    expect(rosterOf(events).size).toBe(0);
  });
});

describe('SoloSession traces its phase and roster', () => {
  it('joining, joined and who is online are in the trace, the same as the session has them, and survive export', async () => {
    const { device, settle } = devices();
    const cat = device('cat2');
    await cat.join();
    const dog = device('dog1');
    await dog.join();
    await settle();
    expect(dog.trace.events.filter((e) => e.type === 'phase').map((e) => (e.type === 'phase' ? e.phase : ''))).toEqual(['joining', 'joined']);
    expect(phaseOf(dog.trace.events)).toEqual({ phase: dog.phase, detail: null });
    expect(rosterOf(dog.trace.events)).toEqual(dog.roster);
    expect([...rosterOf(dog.trace.events).keys()]).toContain('cat2');
    const parsed = parseTraceJson(exportTrace(dog.trace));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(rosterOf(parsed.events)).toEqual(dog.roster);

    await cat.leave();
    await settle();
    expect(rosterOf(dog.trace.events).has('cat2')).toBe(false);
    await dog.leave();
    expect(phaseOf(dog.trace.events).phase).toBe('left');
  });

  it('a refused duplicate id says why, in the trace', async () => {
    const { device, settle } = devices();
    await device('cat2').join();
    await settle();
    const twin = device('cat2');
    await twin.join();
    expect(twin.phase).toBe('refused');
    expect(phaseOf(twin.trace.events)).toEqual({ phase: 'refused', detail: twin.error });
    expect(twin.error).toContain('already online');
  });
});

describe('rosterLeftOut', () => {
  it('counts the peers the bound left out, not those cleared', () => {
    const presence = (of: string, status: 'online' | 'cleared', i: number) => ({ type: 'presence', i, at: i, peer: 'dog111', of, status, will: false, retained: false, ts: 0 }) as TraceEvent;
    const events = [...Array.from({ length: ROSTER_LIMIT + 3 }, (_, i) => presence(`m${i}`, 'online', i)), presence('gone', 'online', 90), presence('gone', 'cleared', 91)];
    const roster = rosterOf(events);
    // The 3 beyond the limit and 'gone' each pushed one out; 'gone' was cleared since.
    expect(roster.size).toBe(ROSTER_LIMIT - 1);
    expect(rosterLeftOut(events, roster)).toBe(4);
    expect(rosterLeftOut(events.slice(0, 5), rosterOf(events.slice(0, 5)))).toBe(0);
  });
});
