import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidatePriority, decodePriority, pairPriority, pairPriorityFor, RECOMMENDED_TYPE_PREFERENCE } from './priority';

describe('decodePriority', () => {
  it.each<[string, number, number, number, number]>([
    // [what, priority, type preference, local preference, component]
    ['RFC 8445 recommended host, max local preference', 2130706431, 126, 65535, 1],
    ['Chromium host udp (IPv4, raw)', 2122260223, 126, 32542, 1],
    ['Chromium host udp (IPv4, raw, 156)', 2122194687, 126, 32286, 1],
    ['Chromium host udp (IPv6, raw)', 2122265343, 126, 32562, 1],
    ['Chromium host udp (mDNS)', 2113937151, 126, 30, 1],
    ['Chromium host tcp', 1518214911, 90, 32286, 1],
    ['Chromium srflx', 1686052607, 100, 32542, 1],
    ['Chromium srflx (mDNS session)', 1677729535, 100, 30, 1],
    ['prflx, recommended type preference', 1845501695, 110, 30, 1],
    ['Chromium relay (older)', 41885439, 2, 32542, 1],
    ['Chromium relay over TURN/UDP', 50340095, 3, 32, 1],
    ['Chromium relay over TURN/TCP', 16785407, 1, 31, 1],
    ['host RTCP (component 2)', 2122252542, 126, 32512, 2],
    ['Firefox host RTCP (component 2)', 2122187006, 126, 32256, 2],
    ['relay', 33562623, 2, 31, 1],
    ['lowest', 255, 0, 0, 1],
    ['component 256', 0, 0, 0, 256],
  ])('%s: %d', (_name, p, typePreference, localPreference, component) => {
    expect(decodePriority(p)).toEqual({ typePreference, localPreference, component });
  });

  it.each([-1, 2 ** 32, 1.5, Number.NaN])('refuses %d', (p) => {
    expect(() => decodePriority(p)).toThrow(RangeError);
  });
});

describe('candidatePriority', () => {
  it.each<[string, number, number, number, number]>([
    ['host', RECOMMENDED_TYPE_PREFERENCE.host, 65535, 1, 2130706431],
    ['prflx', RECOMMENDED_TYPE_PREFERENCE.prflx, 65535, 1, 1862270975],
    ['srflx', RECOMMENDED_TYPE_PREFERENCE.srflx, 65535, 1, 1694498815],
    ['relay', RECOMMENDED_TYPE_PREFERENCE.relay, 65535, 1, 16777215],
    ['host RTCP', 126, 65535, 2, 2130706430],
    ['Chromium host', 126, 32542, 1, 2122260223],
  ])('%s', (_name, type, local, component, expected) => {
    expect(candidatePriority(type, local, component)).toBe(expected);
  });

  it.each<[number, number, number]>([
    [127, 0, 1],
    [0, 65536, 1],
    [0, 0, 0],
    [0, 0, 257],
  ])('refuses (%d, %d, %d)', (t, l, c) => {
    expect(() => candidatePriority(t, l, c)).toThrow(RangeError);
  });

  it('is the inverse of decodePriority', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 126 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 1, max: 256 }), (t, l, c) => {
        expect(decodePriority(candidatePriority(t, l, c))).toEqual({ typePreference: t, localPreference: l, component: c });
      }),
    );
  });

  it('orders by type first: every host beats every srflx beats every relay (recommended values)', () => {
    const worstHost = candidatePriority(126, 0, 256);
    const bestSrflx = candidatePriority(100, 65535, 1);
    const worstSrflx = candidatePriority(100, 0, 256);
    const bestRelay = candidatePriority(0, 65535, 1);
    expect(worstHost).toBeGreaterThan(bestSrflx);
    expect(worstSrflx).toBeGreaterThan(bestRelay);
  });
});

describe('pairPriority', () => {
  it.each<[string, number, number, bigint]>([
    // 2^32·MIN + 2·MAX + (G > D ? 1 : 0)
    ['equal', 100, 100, 429496729800n],
    ['G > D', 200, 100, 429496730000n + 1n],
    ['G < D', 100, 200, 429496730000n],
    ['host/host (Chromium mDNS)', 2113942271, 2113942271, 9079312923804853758n],
    ['two max priorities', 2 ** 31 - 1, 2 ** 31 - 1, 9223372036854775806n],
    ['host vs relay', 2130706431, 16777215, 72057594004373503n],
  ])('%s', (_name, G, D, expected) => {
    expect(pairPriority(G, D)).toBe(expected);
  });

  it('goes beyond 2^53, where a number would round', () => {
    const p = pairPriority(2113942271, 2113942271);
    expect(p > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(BigInt(Number(p))).not.toBe(p);
  });

  it('swapping G and D changes only the lowest bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (g, d) => {
        const diff = pairPriority(g, d) - pairPriority(d, g);
        expect(diff).toBe(g > d ? 1n : g < d ? -1n : 0n);
      }),
    );
  });

  it('from either agent’s point of view, the two agents agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (a, b) => {
        // a is the controlling agent's candidate, b the controlled agent's.
        expect(pairPriorityFor(true, a, b)).toBe(pairPriorityFor(false, b, a));
      }),
    );
  });
});
