import { describe, expect, it } from 'vitest';
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
