import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits';
import { applyPresence, idTaken, onlinePeers, type PresenceEntry, type PresenceUpdate } from './presence';

function run(updates: PresenceUpdate[]): Map<string, PresenceEntry> {
  return updates.reduce((r, u) => applyPresence(r, u), new Map<string, PresenceEntry>());
}
const on = (peer: string, retained = false): PresenceUpdate => ({ peer, status: 'online', will: false, retained, ts: 1 });
const will = (peer: string): PresenceUpdate => ({ peer, status: 'offline', will: true, retained: false, ts: 2 });

describe('presence', () => {
  it.each([
    ['nobody', [], 'dog111', [], false],
    ['one retained peer', [on('cat222', true)], 'dog111', ['cat222'], false],
    ['sorted, self left out', [on('zed'), on('dog111'), on('cat222')], 'dog111', ['cat222', 'zed'], true],
    ['a will takes a peer offline', [on('cat222'), will('cat222')], 'dog111', [], false],
    ['back online after a will', [on('cat222'), will('cat222'), on('cat222')], 'dog111', ['cat222'], false],
    ['cleared retained status removes the entry', [on('cat222'), { peer: 'cat222', cleared: true }], 'dog111', [], false],
    ['our id retained online = taken', [on('dog111', true)], 'dog111', [], true],
    ['our id offline by will = free', [on('dog111', true), will('dog111')], 'dog111', [], false],
  ] as const)('%s', (_name, updates, self, online, taken) => {
    const roster = run([...updates]);
    expect(onlinePeers(roster, self).map((e) => e.id)).toEqual(online);
    expect(idTaken(roster, self)).toBe(taken);
  });

  it('never mutates the roster it is given', () => {
    const a = run([on('x')]);
    const b = applyPresence(a, will('x'));
    expect(a.get('x')?.status).toBe('online');
    expect(b.get('x')?.status).toBe('offline');
  });
});

describe('presence: the roster bound', () => {
  it(`keeps at most ${LIMITS.roster} peers: the first half stay, newcomers take turns in the rest`, () => {
    const roster = run(Array.from({ length: LIMITS.roster + 5 }, (_, i) => on(`m${i}`)));
    expect(roster.size).toBe(LIMITS.roster);
    const half = LIMITS.roster / 2;
    expect(Array.from({ length: half }, (_, i) => roster.has(`m${i}`)).every(Boolean)).toBe(true);
    expect(roster.has(`m${half}`)).toBe(false);
    expect(roster.has(`m${LIMITS.roster + 4}`)).toBe(true);
  });

  it('pushes out an offline peer first; a peer heard again keeps its place', () => {
    const bounded = [on('a'), on('b'), will('c'), on('a'), on('d')].reduce((r, u) => applyPresence(r, u, 3), new Map<string, PresenceEntry>());
    expect([...bounded.keys()]).toEqual(['a', 'b', 'd']);
    expect([...applyPresence(bounded, on('e'), 3).keys()]).toEqual(['a', 'd', 'e']);
  });

  it('property: any 20,000 updates over thousands of ids leave at most the limit, the last one heard listed, and a peer here before them too', () => {
    const update = fc.oneof(
      fc.record({ peer: fc.integer({ min: 0, max: 5000 }).map((i) => `m${i}`), status: fc.constantFrom('online' as const, 'offline' as const), will: fc.boolean(), retained: fc.boolean(), ts: fc.nat() }),
      fc.record({ peer: fc.integer({ min: 0, max: 5000 }).map((i) => `m${i}`), cleared: fc.constant(true as const) }),
    );
    fc.assert(
      fc.property(fc.array(update, { minLength: 1, maxLength: 20_000 }), (updates) => {
        let roster = applyPresence(new Map(), on('cat222'));
        for (const u of updates) {
          roster = applyPresence(roster, u);
          expect(roster.size).toBeLessThanOrEqual(LIMITS.roster);
          expect(roster.has(u.peer)).toBe(!('cleared' in u));
          expect(roster.get('cat222')?.status).toBe('online');
        }
      }),
      { numRuns: 10, endOnFailure: true },
    );
  });
});
