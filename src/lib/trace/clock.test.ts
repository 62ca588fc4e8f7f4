import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clockSplit, connectClock, connecting, formatDuration, heldIntervals, playDone } from './clock';
import { parseTraceJson } from './export';
import { heldBody, timed } from './fixtures';
import { prefixAt, lastStep } from './replay';
import { timeToConnected } from './selectors';
import type { TraceEvent, TraceEventBody } from './types';

function recorded(id: string): TraceEvent[] {
  const parsed = parseTraceJson(readFileSync(new URL(`../../../tests/fixtures/traces/${id}.json`, import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.events as TraceEvent[];
}

const session: TraceEventBody = { type: 'session', session: 's', root: 'r', broker: 'in-page', peers: ['alice', 'bob'] };
const state = (peer: string, machine: 'connection' | 'iceGathering', value: string): TraceEventBody => ({ type: 'state', peer, machine, value });

/** A session where the offer waited 10 s for Step and everything else went at once. */
const slowReader = timed(
  [0, session],
  [100, { type: 'api', peer: 'alice', call: 'createOffer', ok: true }],
  [110, heldBody({ qid: 'q1', kind: 'offer' })],
  [10_110, { type: 'delivered', qid: 'q1', to: 'bob' }],
  [10_150, heldBody({ qid: 'q2', from: 'bob', to: 'alice', kind: 'answer' })],
  // Two messages held at once count once.
  [10_160, heldBody({ qid: 'q3', kind: 'candidate' })],
  [10_350, { type: 'delivered', qid: 'q2', to: 'alice' }],
  [10_400, { type: 'delivered', qid: 'q3', to: 'bob' }],
  [10_500, state('bob', 'connection', 'connected')],
  [10_600, state('alice', 'connection', 'connected')],
);

describe('connectClock', () => {
  it('splits the time to connect into the peers’ own work and the time messages waited', () => {
    expect(connectClock(slowReader)).toEqual({ totalMs: 10_500, heldMs: 10_000 + 250, ownMs: 250, signals: 0 });
  });

  it('is null until both peers are connected', () => {
    expect(connectClock(slowReader.slice(0, -1))).toBeNull();
  });

  it('on a recorded autoplay run, its total is timeToConnected and held time is a part of it', () => {
    for (const id of ['trickle', 'vanilla', 'srflx']) {
      const events = recorded(id);
      const clock = connectClock(events)!;
      expect(clock.totalMs).toBe(timeToConnected(events)!.ms);
      expect(clock.heldMs).toBeGreaterThan(0);
      expect(clock.heldMs + clock.ownMs).toBe(clock.totalMs);
      expect(clock.ownMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('counts a message still held at the end up to the moment of connecting', () => {
    expect(heldIntervals(timed([5, heldBody({ qid: 'q1' })]), 50)).toEqual([[5, 50]]);
  });

  it('says it in words', () => {
    expect(clockSplit({ totalMs: 11_017, heldMs: 10_611, ownMs: 406, signals: 9 })).toBe("406 ms of it the peers' own work, 10.6 s waiting in the queue for Step or Play");
    expect(formatDuration(999)).toBe('999 ms');
    expect(formatDuration(1000)).toBe('1.0 s');
  });
});

describe('playDone', () => {
  it('holds only after the last signal the peers sent has been delivered', () => {
    const events = recorded('trickle');
    // Alice's end-of-candidates is the last signal: published, then held, then delivered.
    const held = events.findLastIndex((e) => e.type === 'held');
    const published = events.findLastIndex((e) => e.type === 'published');
    expect(playDone(events.slice(0, published + 1))).toBe(false);
    expect(playDone(events.slice(0, held + 1))).toBe(false);
    expect(playDone(events)).toBe(true);
    expect(playDone(recorded('vanilla'))).toBe(true);
  });

  it('on a recorded session, holds at the last step and not before the connection', () => {
    const events = recorded('trickle');
    expect(playDone(events)).toBe(true);
    expect(playDone(prefixAt(events, 5))).toBe(false);
    expect(lastStep(events)).toBeGreaterThan(5);
  });

  it('never holds in a lab without peer connections (MQTT only)', () => {
    expect(playDone(recorded('mqtt-will'))).toBe(false);
  });
});

describe('connecting', () => {
  const peers = ['alice', 'bob'];
  const at = (events: TraceEvent[], type: string, pred: (e: TraceEvent) => boolean) => events.findIndex((e) => e.type === type && pred(e));

  it('on a recorded session: false before ICE checks, true from the first check until both are connected', () => {
    const events = recorded('trickle');
    const checking = at(events, 'state', (e) => e.type === 'state' && e.machine === 'iceConnection' && e.value === 'checking');
    const bothConnected = Math.max(
      ...peers.map((p) => at(events, 'state', (e) => e.type === 'state' && e.peer === p && e.machine === 'connection' && e.value === 'connected')),
    );
    expect(checking).toBeGreaterThan(0);
    expect(bothConnected).toBeGreaterThan(checking);
    expect(connecting(events.slice(0, checking), peers)).toBe(false);
    expect(connecting(events.slice(0, checking + 1), peers)).toBe(true);
    expect(connecting(events.slice(0, bothConnected), peers)).toBe(true);
    expect(connecting(events.slice(0, bothConnected + 1), peers)).toBe(false);
    expect(connecting(events, peers)).toBe(false);
  });

  it.each<[string, string, string, boolean]>([
    ['iceConnection', 'new', 'new', false],
    ['iceConnection', 'checking', 'new', true],
    ['iceConnection', 'connected', 'connecting', true],
    ['iceConnection', 'connected', 'connected', false],
    ['iceConnection', 'failed', 'failed', false],
    ['iceConnection', 'disconnected', 'disconnected', false],
  ])('%s %s with connection %s: %s', (machine, ice, connection, expected) => {
    const events = timed(
      [0, session],
      [1, { type: 'state', peer: 'bob', machine: machine as 'iceConnection', value: ice }],
      [2, { type: 'state', peer: 'bob', machine: 'connection', value: connection }],
    );
    expect(connecting(events, peers)).toBe(expected);
  });
});
