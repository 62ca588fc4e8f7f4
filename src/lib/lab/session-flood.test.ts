/**
 * A second client floods the session's root: the rate limit drops the flood before decoding
 * and records one summary per window, while the other topics carry on untouched.
 */
import { describe, expect, it } from 'vitest';
import { FakeTimers } from '../testing/fake-timers';
import { directLab } from './fixtures';
import { heldApart, heldMessages } from '../trace/selectors';
import { LAB_RATE_LIMIT } from '../signalling/rate-limit';
import { LIMITS } from '../signalling/limits';

const ROOT = 'webrtc-lab/flood';

/** A started webrtc:false lab on fake time, and mallory, a second client on its bus. */
async function started() {
  const timers = new FakeTimers();
  timers.now = 1_000_000;
  const scheduler = timers as unknown as { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
  const noWebRtc = () => {
    throw new Error('no WebRTC here');
  };
  const { bus, session, settle } = directLab(
    { root: ROOT, webrtc: false },
    { createPeerConnection: noWebRtc, now: () => timers.now, scheduler },
  );
  const mallory = bus.connect({ clientId: 'mallory' });
  /** n messages on `topic`, `gapMs` of fake time apart. */
  const flood = async (topic: string, n: number, gapMs: number, payload: (i: number) => string) => {
    for (let i = 0; i < n; i++) {
      mallory.publish(topic, payload(i), { qos: 0, retain: false });
      await bus.settled();
      timers.now += gapMs;
    }
    await settle();
  };
  await session.start();
  await settle();
  /** `n` messages, one on each topic `topic(i)`, `gapMs` of fake time apart, settled in batches. */
  const spread = async (n: number, gapMs: number, topic: (i: number) => string, payload: (i: number) => string) => {
    for (let i = 0; i < n; i++) {
      mallory.publish(topic(i), payload(i), { qos: 0, retain: false });
      timers.now += gapMs;
      if (i % 100 === 99) await bus.settled();
    }
    await settle();
  };
  return { session, settle, flood, spread, advance: (ms: number) => timers.advance(ms) };
}

describe('LabSession under a flood', () => {
  it('drops 1,000 messages a second on one topic undecoded, with one summary, and keeps the rest', async () => {
    const { session, settle, flood, advance } = await started();
    const hostile = (i: number) => (i % 2 ? '<img src=x onerror=alert(1)>' : '['.repeat(20_000) + ']'.repeat(20_000));
    await flood(`${ROOT}/bob/signal`, 1000, 1, hostile);
    const rejected = () => session.trace.events.filter((e) => e.type === 'rejected');
    // The burst got through the limit and was decoded (and rejected) one by one; the rest waits for the window.
    const { burst, ratePerS } = LAB_RATE_LIMIT;
    const decoded = rejected().length;
    expect(decoded).toBeGreaterThanOrEqual(burst);
    expect(decoded).toBeLessThanOrEqual(burst + ratePerS);
    expect(rejected().every((e) => e.dropped === undefined)).toBe(true);

    advance(LIMITS.mqtt.windowMs);
    const summaries = rejected().filter((e) => e.dropped !== undefined);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ to: 'bob', topic: `${ROOT}/bob/signal`, dropped: 1000 - decoded });
    expect(summaries[0]!.reason).toMatch(/^rate limit: \d+ messages on this topic dropped in 1 s \(over 10\/s, bursts of 20 from one sender\)$/);
    expect(summaries[0]!.preview.length).toBeLessThanOrEqual(121);

    // Another topic was never limited: both statuses are held, and a chat still arrives at once.
    expect(heldMessages(session.trace.events).map((m) => m.kind)).toEqual(['status', 'status']);
    session.publishChat('bob', 'still here', { qos: 1, retain: false });
    await settle();
    expect(heldMessages(session.trace.events).map((m) => m.kind)).toEqual(['status', 'status', 'chat']);
    await session.close();
  });

  it('the flooded topic recovers once the flood stops', async () => {
    const { session, settle, flood, advance } = await started();
    await flood(`${ROOT}/bob/signal`, 200, 0, () => 'junk');
    advance(5000);
    expect(session.trace.events.filter((e) => e.type === 'rejected' && e.dropped)).toHaveLength(1);
    session.publishChat('alice', 'after the flood', { qos: 1, retain: false });
    await settle();
    expect(heldMessages(session.trace.events).at(-1)).toMatchObject({ kind: 'chat', from: 'alice', to: 'bob' });
    await session.close();
  });

  it('a summary that comes due after close is not recorded', async () => {
    const { session, flood, advance } = await started();
    await flood(`${ROOT}/bob/signal`, 100, 0, () => 'junk');
    await session.close();
    const before = session.trace.events.length;
    advance(5000);
    expect(session.trace.events.length).toBe(before);
  });
});

describe('LabSession under a flood spread over thousands of topics', () => {
  it('5,000 statuses, each from its own id on its own topic: the queue stays bounded, the drop is told once a second, and the session completes', async () => {
    const { session, settle, spread, advance } = await started();
    const status = (i: number) => JSON.stringify({ v: 1, kind: 'status', from: `m${i}`, session: 's1', mid: `m${i}-1`, ts: 1, status: 'online' });
    // Both peers hear each one through <root>/+/status; once they were all held (10,000).
    await spread(5000, 0.5, (i) => `${ROOT}/m${i}/status`, status);
    advance(LIMITS.mqtt.windowMs);
    // What got past the limits: the lab published none of it, so it is held apart as foreign,
    // never queued for Step.
    const held = heldMessages(session.trace.events);
    expect(held.filter((m) => !['alice', 'bob'].includes(m.from))).toEqual([]);
    const strangers = heldApart(session.trace.events);
    expect(strangers.length).toBeLessThanOrEqual(2 * LIMITS.mqtt.held);
    expect(strangers.length).toBeGreaterThan(0);
    const summaries = session.trace.events.filter((e) => e.type === 'rejected' && e.dropped !== undefined);
    // 2.5 s of flood: a few summaries per peer, each naming the spread.
    expect(summaries.length).toBeLessThanOrEqual(2 * 4);
    expect(summaries.reduce((n, e) => n + (e.type === 'rejected' ? e.dropped! : 0), 0) + strangers.length).toBe(10_000);
    expect(summaries[0]!.type === 'rejected' && summaries[0]!.reason).toMatch(/^rate limit: \d+ messages on \d+\+? topics from \d+\+? senders dropped/);

    // The peers still talk: a chat from alice arrives at bob at once, flood or not.
    session.publishChat('alice', 'still here', { qos: 1, retain: false });
    await settle();
    expect(heldMessages(session.trace.events).at(-1)).toMatchObject({ kind: 'chat', from: 'alice', to: 'bob' });
    await session.close();
  });
});
