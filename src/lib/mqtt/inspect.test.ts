import { describe, expect, it } from 'vitest';
import { qosMeaning, republishRetained, retainNote, type InspectedFlags } from './inspect';
import { itReturns } from '../testing/table';

describe('qosMeaning', () => {
  itReturns('%i → %s', qosMeaning, [
    [0, 'at most once: no acknowledgement'],
    [1, 'at least once: acknowledged by PUBACK'],
    [2, 'exactly once: PUBREC, PUBREL, PUBCOMP'],
    [3, 'QoS 3 does not exist'],
  ]);
});

describe('retain', () => {
  const stored = 'the broker stored this message and replayed it to a subscriber that joined later.';
  it.each<[string, InspectedFlags, boolean, string | null]>([
    ['a retained status, received', { held: true, retain: true, kind: 'status' }, true, stored],
    ['a will: a status received live', { held: true, retain: false, kind: 'status' }, true, null],
    ['an offer received live', { held: true, retain: false, kind: 'offer' }, false, null],
    ['a retained offer, received', { held: true, retain: true, kind: 'offer' }, true, stored],
    ['a status as published, not retained', { held: false, retain: false, kind: 'status' }, false, null],
    ['a retained status as published', { held: false, retain: true, kind: 'status' }, true, null],
  ])('%s', (_name, m, republish, note) => {
    expect(republishRetained(m)).toBe(republish);
    expect(retainNote(m)).toBe(note);
  });
});
