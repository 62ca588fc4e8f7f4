/**
 * The flood gate against floods spread over thousands of topics and claimed senders, big
 * enough to find cost (20,000 messages), on a fake clock: what passes and what is held stay
 * bounded whatever the spread, every message is either let through or counted in exactly one
 * summary, a flood is told once per recipient and window, and the expected sender's signals
 * still pass.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeTimers } from '../testing/fake-timers';
import { FloodGate, floodReason, type DropCause, type FloodReport } from './flood-gate';
import { LIMITS } from './limits';

const L = LIMITS.mqtt;
const ROOT = 'webrtc-lab/gate';
const payload = new Uint8Array(100);

/**
 * A gate for alice and bob, each expecting the other, on fake time. `held` counts what was
 * let through and not yet taken (as a queue nobody steps); `step()` empties it.
 */
function gated() {
  const timers = new FakeTimers();
  timers.now = 1_000_000;
  const reports: FloodReport[] = [];
  const held = new Map<string, number>();
  const key = (to: string, expected: boolean) => `${to}/${expected}`;
  const expects = (to: string, sender: string) => (to === 'bob' && sender === 'alice') || (to === 'alice' && sender === 'bob');
  const gate = new FloodGate({ now: () => timers.now, scheduler: timers, report: (r) => reports.push(r), expects, held: (to, e) => held.get(key(to, e)) ?? 0 });
  const admit = (to: string, sender: string, topic = `${ROOT}/${sender}/status`) => {
    const ok = gate.admit(to, sender, topic, payload);
    if (ok) held.set(key(to, expects(to, sender)), (held.get(key(to, expects(to, sender))) ?? 0) + 1);
    return ok;
  };
  return { gate, timers, reports, held, admit, step: () => held.clear() };
}

describe('FloodGate', () => {
  it('500 statuses on 500 topics: the first 30 pass for each peer, the rest are told once each', () => {
    const { admit, timers, reports } = gated();
    const passed = { alice: 0, bob: 0 };
    for (let i = 0; i < 500; i++) for (const to of ['alice', 'bob'] as const) if (admit(to, `m${i}`)) passed[to]++;
    expect(passed).toEqual({ alice: L.recipient.burst, bob: L.recipient.burst });
    timers.advance(L.windowMs);
    expect(reports).toHaveLength(2);
    expect(reports.map((r) => [r.to, r.dropped])).toEqual([
      ['alice', 470],
      ['bob', 470],
    ]);
    expect(reports[0]!.reason).toBe('rate limit: 470 messages on 470 topics from 470 senders dropped in 0.1 s (over 5/s, bursts of 30 from all others)');
    expect(reports[0]!.topic).toBe(`${ROOT}/m30/status`);
  });

  it('one loud sender is stopped by its own budget: it spends its burst of the shared one, no more', () => {
    const { admit } = gated();
    let loud = 0;
    for (let i = 0; i < 1000; i++) if (admit('bob', 'mallory')) loud++;
    expect(loud).toBe(L.sender.burst);
    let others = 0;
    for (let i = 0; i < 100; i++) if (admit('bob', `m${i}`)) others++;
    expect(others).toBe(L.recipient.burst - L.sender.burst);
  });

  it('the expected sender passes during a flood from thousands of others', () => {
    const { admit, timers } = gated();
    for (let i = 0; i < 5000; i++) admit('bob', `m${i}`);
    // An offer and a dozen candidates, at once.
    expect(Array.from({ length: 13 }, () => admit('bob', 'alice')).every(Boolean)).toBe(true);
    timers.advance(3000);
    for (let i = 5000; i < 10_000; i++) admit('bob', `m${i}`);
    expect(admit('bob', 'alice')).toBe(true);
  });

  it(`holds at most ${L.held} from others, and apart from that room for the expected sender`, () => {
    const { admit, timers, held, reports } = gated();
    for (let s = 0; s < 60; s++) {
      for (let i = 0; i < 100; i++) admit('bob', `m${s}-${i}`);
      timers.advance(1000);
    }
    expect(held.get('bob/false')).toBe(L.held);
    expect(admit('bob', 'alice')).toBe(true);
    expect(reports.at(-1)!.reason).toMatch(/\d+ over 5\/s, bursts of 30 from all others; \d+ while the queue was full \(50 held from strangers, 1000 from expected peers\)\)$/);
  });

  it('a summary that comes due after close is not sent', () => {
    const { gate, admit, timers, reports } = gated();
    for (let i = 0; i < 100; i++) admit('bob', 'mallory');
    gate.close();
    timers.advance(5000);
    expect(reports).toEqual([]);
  });

  it('property: 20,000 messages over thousands of topics and senders stay bounded, each counted once, told once a window', () => {
    const message = fc.record({
      to: fc.constantFrom('alice', 'bob'),
      sender: fc.oneof(fc.integer({ min: 0, max: 4999 }).map((i) => `m${i}`), fc.constantFrom('mallory', 'alice', 'bob')),
      topic: fc.integer({ min: 0, max: 9999 }),
      gapMs: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(message, { minLength: 20_000, maxLength: 20_000 }), fc.boolean(), (flood, stepping) => {
        const { gate, admit, timers, held, reports, step } = gated();
        const start = timers.now;
        const othersPassed = { alice: 0, bob: 0 };
        let passed = 0;
        for (const m of flood) {
          timers.advance(m.gapMs);
          if (stepping && m.gapMs === 3) step();
          if (m.sender === m.to) continue;
          if (admit(m.to, m.sender, `${ROOT}/t${m.topic}/status`)) {
            passed++;
            const expected = (m.to === 'bob' && m.sender === 'alice') || (m.to === 'alice' && m.sender === 'bob');
            if (!expected) othersPassed[m.to as 'alice' | 'bob']++;
          }
          for (const [k, n] of held) expect(n, k).toBeLessThanOrEqual(k.endsWith('/true') ? L.heldExpected : L.held);
        }
        const spanMs = timers.now - start;
        for (const n of Object.values(othersPassed)) expect(n).toBeLessThanOrEqual(L.recipient.burst + (spanMs * L.recipient.ratePerS) / 1000);
        timers.advance(L.windowMs);
        const sent = flood.filter((m) => m.sender !== m.to).length;
        expect(passed + reports.reduce((n, r) => n + r.dropped, 0)).toBe(sent);
        // One summary per recipient and window, not per message, topic or sender.
        for (const to of ['alice', 'bob']) expect(reports.filter((r) => r.to === to).length).toBeLessThanOrEqual(Math.ceil(spanMs / L.windowMs) + 1);
        // The sender buckets are forgotten as they refill: no map of 5,000 ids.
        expect(gate.senderKeys).toBeLessThan(5000);
      }),
      // Shrinking 20,000 messages takes longer than it helps: report the flood as found.
      { numRuns: 5, endOnFailure: true },
    );
  });
});

describe('floodReason', () => {
  const w = (dropped: number, topics: string[], causes: Partial<Record<DropCause, number>>, lastAt = 940) => ({
    dropped,
    firstAt: 0,
    lastAt,
    causes: { sender: 0, recipient: 0, held: 0, apart: 0, ...causes },
    topics: new Set(topics),
    senders: new Set(topics),
  });
  it.each([
    [w(812, ['a'], { sender: 812 }), LIMITS.mqtt, 'rate limit: 812 messages on this topic dropped in 1 s (over 10/s, bursts of 20 from one sender)'],
    [w(1, ['a'], { sender: 1 }, 0), LIMITS.mqtt, 'rate limit: 1 message on this topic dropped in 0.1 s (over 10/s, bursts of 20 from one sender)'],
    [w(30, ['a', 'b'], { sender: 10, recipient: 20 }, 420), LIMITS.mqtt, 'rate limit: 30 messages on 2 topics from 2 senders dropped in 0.5 s (10 over 10/s, bursts of 20 from one sender; 20 over 5/s, bursts of 30 from all others)'],
    [w(5000, Array.from({ length: 1000 }, (_, i) => `t${i}`), { recipient: 5000 }), LIMITS.mqtt, 'rate limit: 5000 messages on 1000+ topics from 1000+ senders dropped in 1 s (over 5/s, bursts of 30 from all others)'],
    [w(300, ['a', 'b'], { apart: 300 }), LIMITS.mqtt, 'rate limit: 300 messages on 2 topics from 2 senders dropped in 1 s (while 50 were already held apart)'],
    [w(1920, [''], { sender: 1920 }), LIMITS.lobby, 'rate limit: 1920 frames dropped in 1 s (over 30/s, bursts of 80 from the server)'],
  ])('%#', (window, limits, reason) => {
    expect(floodReason(window, limits)).toBe(reason);
  });
});
