import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { EchoEndpoint, MAX_PING_BYTES, pingMessage, type TextChannel } from './echo';
import { formatSize, runLatencyTest, type LatencyPath } from './run';
import { quantile, summarize } from './stats';

/** Two channels wired back to back; delivery is async like a socket. */
function pipe(): [TextChannel & { sent: string[] }, TextChannel & { sent: string[] }] {
  const listeners: Array<Set<(t: string) => void>> = [new Set(), new Set()];
  const make = (self: 0 | 1) => {
    const sent: string[] = [];
    return {
      sent,
      send(text: string) {
        sent.push(text);
        queueMicrotask(() => listeners[1 - self]!.forEach((l) => l(text)));
      },
      onMessage(l: (t: string) => void) {
        listeners[self]!.add(l);
        return () => listeners[self]!.delete(l);
      },
    };
  };
  return [make(0), make(1)];
}

describe('summarize', () => {
  it.each([
    [[], null],
    [[5], { n: 1, min: 5, p25: 5, median: 5, p75: 5, max: 5 }],
    [[4, 1, 3, 2], { n: 4, min: 1, p25: 1.75, median: 2.5, p75: 3.25, max: 4 }],
    [[1, Number.NaN, 3, Infinity], { n: 2, min: 1, p25: 1.5, median: 2, p75: 2.5, max: 3 }],
    [[-0, 0], { n: 2, min: 0, p25: 0, median: 0, p75: 0, max: 0 }],
  ])('%j', (samples, expected) => {
    expect(summarize(samples)).toEqual(expected);
  });

  it('quantiles stay within min and max and are ordered', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1 }), (xs) => {
        const s = summarize(xs)!;
        expect(s.min <= s.p25 && s.p25 <= s.median && s.median <= s.p75 && s.p75 <= s.max).toBe(true);
        expect(quantile([...xs].sort((a, b) => a - b), 0)).toBe(s.min);
      }),
    );
  });
});

describe('EchoEndpoint', () => {
  it('pings are exactly the requested size, and pongs the same size', async () => {
    for (const size of [64, 1024, 10 * 1024, 100 * 1024]) expect(pingMessage(3, size)).toHaveLength(size);
    const [a, b] = pipe();
    let t = 0;
    const alice = new EchoEndpoint(a, { now: () => (t += 10) });
    new EchoEndpoint(b);
    const rtt = await alice.roundTrip(1024);
    expect(rtt).toBe(10);
    expect(b.sent).toHaveLength(1);
    expect(b.sent[0]).toHaveLength(1024);
    expect(b.sent[0]!.startsWith('{"t":"pong","id":1,')).toBe(true);
  });

  it('answers pings from the other side while timing its own', async () => {
    const [a, b] = pipe();
    const alice = new EchoEndpoint(a);
    const bob = new EchoEndpoint(b);
    const [x, y] = await Promise.all([alice.roundTrip(100), bob.roundTrip(200)]);
    expect(x).toBeGreaterThanOrEqual(0);
    expect(y).toBeGreaterThanOrEqual(0);
  });

  it('ignores garbage and strangers\' pongs, and times out when nobody answers', async () => {
    vi.useFakeTimers();
    try {
      const [a, b] = pipe();
      const alice = new EchoEndpoint(a, { timeoutMs: 1000 });
      const trip = alice.roundTrip(100);
      const failed = expect(trip).rejects.toThrow('no echo within 1000 ms');
      for (const junk of ['', 'not json', '{"t":"pong","id":99,"pad":""}', '{"t":"pong","id":1,"pad":"<b>"}', '{"t":"ping"}']) b.send(junk);
      await vi.advanceTimersByTimeAsync(1001);
      await failed;
    } finally {
      vi.useRealTimers();
    }
  });

  it('never throws on any input', () => {
    const [a] = pipe();
    let deliver: (t: string) => void = () => undefined;
    new EchoEndpoint({ send: () => undefined, onMessage: (l) => ((deliver = l), () => undefined) });
    void a;
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        deliver(s);
        deliver(`{"t":"ping","id":1,"pad":"${s}"}`);
      }),
    );
  });

  it('close rejects what is pending', async () => {
    const alice = new EchoEndpoint({ send: () => undefined, onMessage: () => () => undefined });
    const trip = alice.roundTrip(10);
    alice.close();
    await expect(trip).rejects.toThrow('closed');
  });

  it('caps the ping size', () => {
    expect(pingMessage(1, 10 * MAX_PING_BYTES)).toHaveLength(MAX_PING_BYTES);
  });
});

describe('runLatencyTest', () => {
  it('runs every size on every path, in order, with progress and per-size summaries', async () => {
    const calls: string[] = [];
    const path = (name: string, base: number): LatencyPath => ({
      name,
      roundTrip: async (size) => {
        calls.push(`${name}:${size}`);
        if (name === 'mqtt' && size === 2048 && calls.filter((c) => c === 'mqtt:2048').length === 1) throw new Error('lost');
        return base + size / 1024;
      },
    });
    const progress: number[] = [];
    const results = await runLatencyTest([path('mqtt', 10), path('dc', 1)], { sizes: [1024, 2048], rounds: 2, onProgress: (d) => progress.push(d) });
    expect(calls).toEqual(['mqtt:1024', 'mqtt:1024', 'mqtt:2048', 'mqtt:2048', 'dc:1024', 'dc:1024', 'dc:2048', 'dc:2048']);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(results.map((r) => [r.path, r.size, r.summary?.median, r.errors])).toEqual([
      ['mqtt', 1024, 11, []],
      ['mqtt', 2048, 12, ['lost']],
      ['dc', 1024, 2, []],
      ['dc', 2048, 3, []],
    ]);
  });

  it('stops when cancelled', async () => {
    let n = 0;
    const results = await runLatencyTest([{ name: 'p', roundTrip: async () => ++n }], { sizes: [1, 2, 3], rounds: 5, cancelled: () => n >= 3 });
    expect(n).toBe(3);
    expect(results).toEqual([]);
  });

  it.each([
    [512, '512 B'],
    [1024, '1 KB'],
    [10 * 1024, '10 KB'],
    [1536, '1.5 KB'],
    [3 * 1024 * 1024, '3 MB'],
  ])('formatSize(%s) = %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});
